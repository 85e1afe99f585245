"""ESC/POS real-time status (DLE EOT n): the queries and what the answer bytes mean.

Pure: bytes in, values out; the printer adapter does the I/O. Each query answers one byte, and
each byte tells part of the story (Epson ESC/POS reference, "DLE EOT: transmit real-time
status"); a field a byte does not speak about stays None, and :meth:`PrinterStatus.merge`
combines the answers to several queries.

=====  ==================  ===========================================================
n      query               bits used (bits 1 and 4 are always on, 0 and 7 always off)
=====  ==================  ===========================================================
1      printer status      3: offline
2      offline cause       2: cover open; 5: printing stopped by paper end; 6: error
3      error cause         3: autocutter error; 5: unrecoverable; 6: auto-recoverable
4      roll paper sensor   2+3: paper near end; 5+6: paper end (no paper)
=====  ==================  ===========================================================

A byte whose fixed bits are wrong is not a status answer (noise, another device, a printer
that does not speak ESC/POS) and is rejected with :class:`StatusError` rather than read as
"all fine".
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.errors import KioskError

DLE_EOT = b"\x10\x04"
QUERY_PRINTER = DLE_EOT + b"\x01"
QUERY_OFFLINE_CAUSE = DLE_EOT + b"\x02"
QUERY_ERROR_CAUSE = DLE_EOT + b"\x03"
QUERY_ROLL_PAPER = DLE_EOT + b"\x04"
QUERIES = {1: QUERY_PRINTER, 2: QUERY_OFFLINE_CAUSE, 3: QUERY_ERROR_CAUSE,
           4: QUERY_ROLL_PAPER}

FIXED_MASK, FIXED_VALUE = 0x93, 0x12  # bits 0, 1, 4, 7 must read 0, 1, 1, 0


class StatusError(KioskError, ValueError):
    """An answer that is not an ESC/POS real-time status byte."""


@dataclass(frozen=True, slots=True)
class PrinterStatus:
    """What the printer said; None where the queries asked so far do not tell."""

    online: bool | None = None
    cover_open: bool | None = None
    paper_near_end: bool | None = None
    paper_out: bool | None = None
    error: bool | None = None
    errors: tuple[str, ...] = ()  # which errors (from query 3): "autocutter", ...

    def merge(self, other: PrinterStatus) -> PrinterStatus:
        """Both answers together: a problem either one reports is a problem."""
        return PrinterStatus(
            online=_first_of(False, True, self.online, other.online),
            cover_open=_first_of(True, False, self.cover_open, other.cover_open),
            paper_near_end=_first_of(True, False, self.paper_near_end, other.paper_near_end),
            paper_out=_first_of(True, False, self.paper_out, other.paper_out),
            error=_first_of(True, False, self.error, other.error),
            errors=tuple(dict.fromkeys(self.errors + other.errors)),
        )

    def problems(self) -> tuple[str, ...]:
        """What a person must fix, worst first, in words for a health message."""
        found = []
        if self.paper_out:
            found.append("out of paper")
        if self.cover_open:
            found.append("cover open")
        if self.error:
            found.append("error: " + ", ".join(self.errors) if self.errors else "error")
        if self.online is False and not found:
            found.append("offline")
        if self.paper_near_end and not self.paper_out:
            found.append("paper low")
        return tuple(found)


def _first_of(worse: bool, better: bool, *answers: bool | None) -> bool | None:
    if worse in answers:
        return worse
    return better if better in answers else None


def decode_status(n: int, byte: int) -> PrinterStatus:
    """The answer ``byte`` to query DLE EOT ``n`` (1-4)."""
    if n not in QUERIES:
        raise StatusError(f"DLE EOT {n} is not a status query the kiosk reads",
                          "the queries are 1 (printer), 2 (offline cause), 3 (error cause) "
                          "and 4 (roll paper sensor)")
    if not 0 <= byte <= 0xFF or byte & FIXED_MASK != FIXED_VALUE:
        raise StatusError(f"The printer's answer 0x{byte:02x} to DLE EOT {n} is not a status "
                          "byte", "its fixed bits (1 and 4 on, 0 and 7 off) are wrong",
                          "Check that the port is the receipt printer's and the baud rate.")
    if n == 1:
        return PrinterStatus(online=not byte & 0x08)
    if n == 2:
        return PrinterStatus(cover_open=bool(byte & 0x04), paper_out=bool(byte & 0x20),
                             error=bool(byte & 0x40))
    if n == 3:
        errors = tuple(name for bit, name in ((0x08, "autocutter"), (0x20, "unrecoverable"),
                                              (0x40, "auto-recoverable")) if byte & bit)
        return PrinterStatus(error=bool(errors), errors=errors)
    return PrinterStatus(paper_near_end=bool(byte & 0x0C), paper_out=bool(byte & 0x60))
