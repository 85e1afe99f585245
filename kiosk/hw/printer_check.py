"""Reading the printer's real-time status and deciding what it means for the kiosk.

Three questions (DLE EOT 1 printer, 2 offline cause, 4 roll paper sensor), one byte back
each, decoded by :mod:`kiosk.hw.printer_status`. Out of paper, cover open, an error or
offline means the receipt cannot print: a health failure saying which, and what to do. The
paper near its end is not a failure (a roll lasts a good many receipts after the sensor
trips) but staff should know: it is a notice, told once when it starts and once when a new
roll ends it.

A printer that does not answer at all is treated as offline (switched off, unplugged): a
kiosk that printed "blind" would hand shoppers nothing and believe it had. A model that
cannot answer DLE EOT is configured with ``devices.printer.status_query = false``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kiosk.errors import DeviceError
from kiosk.hw.printer_status import QUERIES, PrinterStatus, StatusError, decode_status
from kiosk.hw.printer_transport import Transport

ASKED = (1, 2, 4)  # printer, offline cause, roll paper; 3 (error cause) only when in error
QR_FALLBACK = "receipts will be shown as QR codes"
LOW_DETAIL = "paper is running low: change the roll soon"

_WHAT = {
    "out of paper": "Receipt printer is out of paper",
    "cover open": "Receipt printer cover is open",
    "offline": "Receipt printer is offline",
}
_ACTIONS = {
    "out of paper": "Load a new roll",
    "cover open": "Close the printer cover",
    "offline": "Check the printer's power and its error light",
}


@dataclass(frozen=True, slots=True)
class PrinterNotice:
    """A change worth telling staff that is not a failure: the paper is running low."""

    kind: Literal["paper-low", "paper-ok"]
    detail: str


def read_status(transport: Transport, timeout_s: float) -> PrinterStatus | None:
    """The printer's status, or None when the transport cannot read answers (a device file).

    Raises :class:`DeviceError` when the printer does not answer or answers nonsense.
    """
    first = transport.query(QUERIES[1], timeout_s)
    if first is None:
        return None
    status = _decode(transport, 1, first, timeout_s)
    for n in ASKED[1:]:
        status = status.merge(_ask(transport, n, timeout_s))
    if status.error:
        status = status.merge(_ask(transport, 3, timeout_s))
    return status


def _ask(transport: Transport, n: int, timeout_s: float) -> PrinterStatus:
    return _decode(transport, n, transport.query(QUERIES[n], timeout_s) or b"", timeout_s)


def _decode(transport: Transport, n: int, answer: bytes, timeout_s: float) -> PrinterStatus:
    if not answer:
        raise DeviceError(f"Receipt printer {transport.description} does not answer",
                          f"no reply to its status query (DLE EOT {n}) within {timeout_s:g} s",
                          "Check that it is switched on and connected; if this model cannot "
                          "report its status, set devices.printer.status_query = false; "
                          f"{QR_FALLBACK}.")
    try:
        return decode_status(n, answer[0])
    except StatusError as exc:
        raise DeviceError(exc.what, exc.why, f"{exc.action} Until then {QR_FALLBACK}.") \
            from None


def status_problem(status: PrinterStatus, description: str) -> DeviceError | None:
    """The failure a status means, worst first, or None when the printer can print."""
    problems = [p for p in status.problems() if p != "paper low"]
    if not problems:
        return None
    worst = problems[0]
    action = _ACTIONS.get(worst, "Open and close the cover, or switch the printer off and on")
    return DeviceError(_WHAT.get(worst, "Receipt printer reports an error"),
                       f"{description} reports {', '.join(problems)}",
                       f"{action}; until then {QR_FALLBACK}.")


@dataclass
class StatusCheck:
    """Remembers whether the paper was low, so the notice is told on the change only."""

    paper_low: bool = False
    low_detail: str = LOW_DETAIL
    description: str = "the printer"

    def update(self, status: PrinterStatus | None
               ) -> tuple[DeviceError | None, PrinterNotice | None]:
        """(the failure this status means, a paper notice to tell) for a new reading."""
        if status is None:
            return None, None
        notice = None
        low = bool(status.paper_near_end) and not status.paper_out
        if low != self.paper_low and not status.paper_out:
            self.paper_low = low
            notice = PrinterNotice("paper-low", f"Receipt {LOW_DETAIL}") if low else \
                PrinterNotice("paper-ok", "Receipt printer has a new roll of paper")
        return status_problem(status, self.description), notice
