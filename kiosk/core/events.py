"""What happens to a kiosk, as plain values the pure session consumes.

Devices, the screen, the MQTT link and the clock thread post these to the one event loop; the
session never sees a device. Every event carries ``at``, an aware UTC datetime, because the core
has no clock: timeouts are driven by :class:`Tick`, and a recorded sequence of events replays to
exactly the same session, which is what makes the session testable and a crash explainable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from kiosk.core.money import Money

# Device names the session gives meaning to; others are recorded and reported, nothing more.
TERMINAL = "terminal"
PRINTER = "printer"
CAMERA = "camera"


class PaymentOutcome(StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"  # request sent, no clear answer: never guessed, staff resolve it


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Base of every event. ``at`` must be timezone-aware UTC (the shell's clock, not ours)."""

    at: datetime

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() != timedelta(0):
            raise ValueError(f"{type(self).__name__}.at must be an aware UTC datetime, "
                             f"got {self.at!r}")


# --- the shopper -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LanguageChosen(Event):
    lang: str


@dataclass(frozen=True, slots=True)
class ItemScanned(Event):
    """Raw text from the camera decoder; the session parses it (kiosk.core.barcode)."""

    code: str
    symbology: str | None = None


@dataclass(frozen=True, slots=True)
class PluEntered(Event):
    """Produce looked up by PLU on screen; ``weight_g`` from the scale for weighed items."""

    plu: str
    weight_g: int | None = None


@dataclass(frozen=True, slots=True)
class QuickPickChosen(Event):
    """A one-tap button (carrier bag): ``gtin`` must be one of the configured quick picks."""

    gtin: str


@dataclass(frozen=True, slots=True)
class QuantityChanged(Event):
    line_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class LineVoided(Event):
    line_id: int


@dataclass(frozen=True, slots=True)
class AccessibilityChosen(Event):
    """The shopper turned accessibility mode on or off (large text, high contrast, speech):
    while it is on, every timeout the shopper faces lasts ``accessible_time_factor`` longer.
    Like the language, it lasts until the sale ends."""

    on: bool


@dataclass(frozen=True, slots=True)
class PayPressed(Event):
    """The shopper asked to pay by card."""


@dataclass(frozen=True, slots=True)
class CancelPaymentPressed(Event):
    """The shopper asked to stop the card payment; the terminal has the last word."""


@dataclass(frozen=True, slots=True)
class HelpPressed(Event):
    """The on-screen help button or the physical one on the tower."""


@dataclass(frozen=True, slots=True)
class HelpCancelled(Event):
    """The shopper no longer needs help."""


@dataclass(frozen=True, slots=True)
class HelpHeld(Event):
    """The tower's help button was held down (``devices.light.help_hold_s``), where the store
    made a held press distinct (``help_held_is_distinct``): staff at the kiosk asking to sign
    in, as a staff badge does. A shopper's short press is still :class:`HelpPressed`."""


# --- the payment terminal ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PaymentStarted(Event):
    """The terminal accepted the request and is now talking to the card holder."""

    attempt_id: str


@dataclass(frozen=True, slots=True)
class PaymentResult(Event):
    """The terminal's answer. ``auth`` holds what the terminal reports for the record:
    ``auth_code``, ``masked_pan``, ``terminal_id``, ``scheme``, ``receipt_no``, ``reason``."""

    attempt_id: str
    outcome: PaymentOutcome
    amount: Money | None = None
    auth: Mapping[str, str] = field(default_factory=dict)


# --- staff (the shell verified the PIN with kiosk.core.staff before posting StaffUnlocked) -----

@dataclass(frozen=True, slots=True)
class StaffUnlocked(Event):
    staff_id: str
    role: str


@dataclass(frozen=True, slots=True)
class AssistedExited(Event):
    """Staff locked the kiosk screen again and left assisted mode."""

    staff_id: str


@dataclass(frozen=True, slots=True)
class AgeApproved(Event):
    staff_id: str


@dataclass(frozen=True, slots=True)
class AgeRefused(Event):
    staff_id: str


@dataclass(frozen=True, slots=True)
class PriceOverridden(Event):
    """A new unit price (per item, or per kg for weighed items) in minor units."""

    line_id: int
    new_price: int
    staff_id: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class CodeKeyedIn(Event):
    """Staff typed the digits of a code the camera could not read."""

    code: str
    staff_id: str


@dataclass(frozen=True, slots=True)
class PaymentResolved(Event):
    """Staff checked the terminal's own journal and say what became of an unknown payment."""

    attempt_id: str
    outcome: PaymentOutcome
    staff_id: str
    auth: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CashTaken(Event):
    """Staff took cash for the sale (the staff cash path when card payment is unavailable)."""

    staff_id: str
    tendered: Money


@dataclass(frozen=True, slots=True)
class SaleCancelled(Event):
    staff_id: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class SaleSuspended(Event):
    """Staff set the open basket aside (the shopper went to fetch something, forgot their
    wallet): the sale ends as a suspended record and the lane is free for the next shopper."""

    staff_id: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class SaleRecalled(Event):
    """Staff brought a sale suspended on this kiosk back: ``sale_id`` is the suspended one."""

    staff_id: str
    sale_id: str


@dataclass(frozen=True, slots=True)
class ReprintRequested(Event):
    staff_id: str


# --- the printer, device health, the fleet, the clock ------------------------------------------

@dataclass(frozen=True, slots=True)
class ReceiptDone(Event):
    """The printer finished the receipt of ``sale_id``."""

    sale_id: str


@dataclass(frozen=True, slots=True)
class ReceiptFailed(Event):
    sale_id: str
    reason: str


@dataclass(frozen=True, slots=True)
class DeviceHealthChanged(Event):
    device: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True, slots=True)
class KioskLocked(Event):
    """Locked by the fleet (``by="fleet"``) or by a staff member's id."""

    by: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class KioskUnlocked(Event):
    by: str


@dataclass(frozen=True, slots=True)
class Tick(Event):
    """The clock: posted every second or so by the shell, so timeouts can fire."""
