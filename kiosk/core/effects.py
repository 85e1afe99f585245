"""What the pure session asks the world to do, as plain values the shell executes.

The shell (kiosk.loop) runs the effects of one step in the order given. An effect whose class
has ``durable = True`` must be committed to the journal before any effect after it runs:
that is how "never tell the shopper 'paid' or print before the sale is on disk" is a property
of the effect list itself (RecordSale always precedes PrintReceipt and the "paid" message),
rather than something each screen has to remember.

Screens get message keys and parameters (:class:`ShowMessage`), never text: wording and its
translations belong to the screens. The one exception is ``reason``-style parameters, which are
sentences from the core (a barcode rejection, a sale rule) for which the key says what kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from kiosk.core.basket import Line
from kiosk.core.money import Money
from kiosk.core.sale import Sale, StaffAction, line_to_dict
from kiosk.core.suspended import SuspendedSale

# Every ShowMessage key the session emits, for the screens to translate (a test holds the
# session to this list). Sentences from the core travel in ``params["reason"]``.
MESSAGE_KEYS = frozenset({
    "item-added", "item-refused", "staff-needed", "staff-pin", "loyalty-accepted",
    "quantity-changed", "line-voided", "price-overridden",
    "age-check", "age-approved", "age-refused",
    "follow-terminal", "present-card", "cancelling-payment", "payment-declined",
    "payment-cancelled", "payment-unknown", "paid", "change-due", "receipt-qr", "take-receipt",
    "help-coming", "assisted", "closing-after-sale", "card-unavailable", "out-of-order",
    "sale-cancelled", "sale-suspended", "sale-recalled",
})

# Every PublishEvent kind: the alerts the store sees on MQTT ``.../events``.
ALERT_KINDS = frozenset({
    "help-requested", "help-cancelled", "help-answered",
    "age-approval-needed", "age-approval-overdue",
    "payment-unknown", "payment-late-answer", "payment-stray-approval",
    "receipt-failed", "device-failure", "device-recovered", "out-of-order", "in-service",
    "printer-paper-low", "printer-paper-ok",  # from the printer's status, not the session
    "locked", "unlocked", "lock-pending", "lock-cancelled",
    "pin-lockout",  # from the PIN pad (kiosk.core.staff.check_pin), raised by the shell
})


@dataclass(frozen=True, slots=True)
class Effect:
    durable: ClassVar[bool] = False


# --- money and the journal (durable) -----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class StartPayment(Effect):
    """Ask the terminal for ``amount``. ``attempt_id`` is the idempotency key: the adapter never
    sends the same attempt twice, and the terminal simulator refuses a repeated id."""

    attempt_id: str
    sale_id: str
    amount: Money


@dataclass(frozen=True, slots=True)
class CancelPayment(Effect):
    attempt_id: str


@dataclass(frozen=True, slots=True)
class RecordPaymentAttempt(Effect):
    """Journal an attempt: ``outcome`` is "started" when sent, then its answer."""

    durable: ClassVar[bool] = True
    attempt_id: str
    sale_id: str
    amount: Money
    outcome: str
    at: datetime
    method: str = "card"
    detail: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RecordSale(Effect):
    """Commit the completed or voided sale; everything after it waits for the commit."""

    durable: ClassVar[bool] = True
    sale: Sale


@dataclass(frozen=True, slots=True)
class JournalBasket(Effect):
    """The open basket as it now stands, so a power cut restores it (kiosk.core.session.restore).

    ``next_attempt`` is journaled so a restored sale never reuses a payment attempt id.
    """

    durable: ClassVar[bool] = True
    sale_id: str
    sale_number: int
    lines: tuple[Line, ...]
    links: tuple[tuple[int, int], ...]  # (line id, id of its deposit line)
    started_at: datetime
    at: datetime
    age_approved: int = 0
    member: str | None = None
    next_attempt: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "sale_id": self.sale_id, "sale_number": self.sale_number,
            "started_at": self.started_at.isoformat(), "at": self.at.isoformat(),
            "age_approved": self.age_approved, "member": self.member,
            "next_attempt": self.next_attempt,
            "links": [list(link) for link in self.links],
            "lines": [line_to_dict(line) for line in self.lines],
        }


@dataclass(frozen=True, slots=True)
class RecordStaffAction(Effect):
    """Audit one staff action; ``sale_id`` is None for actions outside a sale (unlock, lock)."""

    durable: ClassVar[bool] = True
    staff_id: str
    action: str
    at: datetime
    sale_id: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, record: StaffAction, sale_id: str | None) -> RecordStaffAction:
        return cls(record.staff_id, record.action, record.at, sale_id, record.detail)


@dataclass(frozen=True, slots=True)
class SuspendSale(Effect):
    """Commit the ``suspended`` sale record (it closes the open basket) and keep ``held`` in
    the kiosk's list of suspended sales, from which staff recall it."""

    durable: ClassVar[bool] = True
    sale: Sale
    held: SuspendedSale


@dataclass(frozen=True, slots=True)
class RecallSale(Effect):
    """Audit the recall of ``held_sale_id`` into sale ``sale_id`` and take it off the list.

    Its record id is derived from ``held_sale_id`` alone, so a suspended sale can be recalled
    once only, whatever retries or restarts happen.
    """

    durable: ClassVar[bool] = True
    held_sale_id: str
    sale_id: str
    staff_id: str
    at: datetime


# --- devices -----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PrintReceipt(Effect):
    """Print the receipt of the committed sale ``sale_id``.

    The shell prints it once under the sale id as job id, so a repeated effect or a retry never
    prints a second receipt. ``copy`` is a staff reprint: a new job each time, marked REPRINT.
    If it cannot print, the session shows the receipt as a QR code (``receipt-qr``); the sale
    record already carries the receipt for the central store.
    """

    sale_id: str
    copy: bool = False


@dataclass(frozen=True, slots=True)
class SetLight(Effect):
    """A pattern name from ``[devices.light.patterns]``: idle, busy, help, staff, error, locked."""

    pattern: str


@dataclass(frozen=True, slots=True)
class Beep(Effect):
    kind: str  # "ok" (item added), "error" (item refused), "attention" (staff needed)


# --- people ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PublishEvent(Effect):
    """An alert for the store (MQTT ``.../events``): help-requested, payment-unknown, ..."""

    kind: str
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ShowMessage(Effect):
    """A message for the screen by key; ``params`` fill it in."""

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
