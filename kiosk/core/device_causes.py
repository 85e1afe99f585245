"""Why a device failed, as one of a few causes a shopper can be told in their own language.

A device's health detail is written for store IT ("Receipt printer /dev/usb/lp0 does not
answer, because no reply to its status query (DLE EOT 1) within 2 s. Check that it is
switched on ..."): precise, English, and full of things a shopper should not read. The screen
tells the shopper what happened, why and what to do; the *why* is one of :data:`CAUSES`,
picked here from the detail's words (the adapters' own sentences, kiosk/hw), and translated
by the screens (``error.why.<cause>``). Anything not recognised is a plain ``fault``: the
shopper still learns what to do, and staff still have the full detail (``kiosk devices``,
the log, the alert on MQTT).
"""

from __future__ import annotations

PAPER_OUT = "paper-out"
COVER_OPEN = "cover-open"
NOT_RESPONDING = "not-responding"
FAULT = "fault"
CAUSES = (PAPER_OUT, COVER_OPEN, NOT_RESPONDING, FAULT)

# Checked in order: the first cause one of whose phrases the detail holds (lower case).
_PHRASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (PAPER_OUT, ("out of paper", "paper end", "no paper")),
    (COVER_OPEN, ("cover is open", "cover open")),
    (NOT_RESPONDING, ("does not answer", "not found", "not connected", "offline",
                      "cannot be opened", "does not exist", "no gpio", "is busy",
                      "unplugged", "disconnected")),
)


def device_cause(detail: str) -> str:
    """The cause a failed device's ``detail`` names; :data:`FAULT` when it names none."""
    text = detail.lower()
    for cause, phrases in _PHRASES:
        if any(phrase in text for phrase in phrases):
            return cause
    return FAULT
