"""What devices report, turned into the session's events.

Adapters in :mod:`kiosk.hw` post plain reports with no time on them (a decoded code, a terminal
answer, a button press, a health change), from their own threads. This module stamps each with
the shell's clock and turns it into the :mod:`kiosk.core.events` value the session understands,
so neither side needs to know the other.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.clock import Clock, utc_now
from kiosk.core import events as ev
from kiosk.hw.camera import Decoded
from kiosk.hw.health import DeviceHealth
from kiosk.hw.light import HelpButtonHeld, HelpButtonPressed
from kiosk.hw.terminal import TerminalOutcome, TerminalReport, TerminalStatus


def terminal_auth(report: TerminalOutcome) -> dict[str, str]:
    """What the terminal said about the card, for the journal and the receipt: its data, the
    shopper's copy of its receipt (``receipt``, printed with the sale) and the store's copy
    (``merchant_receipt``, kept in the journal), one line per line."""
    fields = {"auth_code": report.auth_code, "masked_pan": report.masked_pan,
              "scheme": report.card_type, "terminal_id": report.terminal_id,
              "trace": report.trace_no, "receipt_no": report.receipt_no,
              "result_code": report.result_code, "reason": report.detail,
              "receipt": "\n".join(report.receipt_lines),
              "merchant_receipt": "\n".join(report.merchant_lines)}
    return {key: value for key, value in fields.items() if value}


# GS1 element strings in 2D symbols are only told apart from other text by their symbology
# identifier (ISO/IEC 15424), which kiosk.core.gs1 reads.
_GS1_IDENTIFIERS = {"datamatrix": "]d2", "qrcode": "]Q3"}


def scanned_code(scan: Decoded) -> str:
    """The text the session parses: what the symbol holds, with the symbology identifier of a
    GS1 DataMatrix or GS1 QR code in front (linear GS1 symbologies say so by their name)."""
    prefix = _GS1_IDENTIFIERS.get(scan.symbology, "") if scan.gs1 else ""
    return prefix + scan.text


class DeviceEvents:
    """Callable given to the adapters as their ``post``; forwards core events to ``sink``."""

    def __init__(self, sink: Callable[[object], None], clock: Clock = utc_now) -> None:
        self._sink = sink
        self._clock = clock
        self._started: set[str] = set()
        self.terminal_status: TerminalStatus | None = None  # what the screen shows while paying
        # Staff actions' and recoveries' answers are for staff, not the session: the app
        # journals and shows them (Kiosk._terminal_report).
        self.on_terminal_report: Callable[[TerminalReport], None] = lambda report: None

    def __call__(self, report: object) -> None:
        event = self.translate(report)
        if event is not None:
            self._sink(event)

    def translate(self, report: object) -> ev.Event | None:  # noqa: PLR0911 - one case each
        at = self._clock()
        match report:
            case Decoded(symbology=symbology):
                return ev.ItemScanned(at=at, code=scanned_code(report), symbology=symbology)
            case TerminalOutcome():
                return ev.PaymentResult(at=at, attempt_id=report.attempt_id,
                                        outcome=report.outcome, amount=report.amount,
                                        auth=terminal_auth(report))
            case TerminalReport():
                self.on_terminal_report(report)
                return None
            case TerminalStatus(attempt_id=attempt_id):
                self.terminal_status = report
                if attempt_id in self._started:
                    return None
                self._started.add(attempt_id)
                return ev.PaymentStarted(at=at, attempt_id=attempt_id)
            case HelpButtonPressed():
                return ev.HelpPressed(at=at)
            case HelpButtonHeld():
                return ev.HelpHeld(at=at)
            case DeviceHealth(device=device, ok=ok, detail=detail):
                return ev.DeviceHealthChanged(at=at, device=device, ok=ok, detail=detail)
            case ev.Event():
                return report
        return None
