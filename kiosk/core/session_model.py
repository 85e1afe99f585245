"""The checkout session's data: its states, the session value, what the world gives it, outcomes.

The session is two layers. The *phase* is where the sale is (attract, scanning, awaiting
approval, payment, payment unknown, paid, receipt, or out of order between sales). *Overlays*
sit on top of the phase without disturbing it: ``locked`` (only ever at the bottom, and only
over an idle kiosk), then at most one of ``help`` or ``assisted``. The visible :attr:`state`
is the top overlay, else the phase. Keeping them apart is what lets a payment answer that
arrives while the shopper has the help screen open still be recorded against the sale, rather
than being refused because "the kiosk is in help".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, tzinfo
from enum import StrEnum
from typing import Any

from kiosk.core.basket import Line, PricedBasket
from kiosk.core.effects import Effect
from kiosk.core.events import CAMERA, TERMINAL, PaymentOutcome
from kiosk.core.labels import LabelTemplate
from kiosk.core.money import Money, minor_units
from kiosk.core.product import ProductLookup
from kiosk.core.promotions import Promotion
from kiosk.core.rules import SaleRules
from kiosk.core.sale import PaymentRecord, Sale, StaffAction
from kiosk.core.staff import DEFAULT_ROLES, Permission, Roles
from kiosk.core.suspended import SuspendedSale


class SessionState(StrEnum):
    ATTRACT = "attract"
    SCANNING = "scanning"
    AWAITING_APPROVAL = "awaiting_approval"
    PAYMENT = "payment"
    PAYMENT_UNKNOWN = "payment_unknown"
    PAID = "paid"
    RECEIPT = "receipt"
    HELP = "help"
    ASSISTED = "assisted"
    LOCKED = "locked"
    OUT_OF_ORDER = "out_of_order"


S = SessionState
PHASES = frozenset({S.ATTRACT, S.SCANNING, S.AWAITING_APPROVAL, S.PAYMENT, S.PAYMENT_UNKNOWN,
                    S.PAID, S.RECEIPT, S.OUT_OF_ORDER})
OVERLAYS = frozenset({S.HELP, S.ASSISTED, S.LOCKED})
BASKET_OPEN = frozenset({S.SCANNING, S.AWAITING_APPROVAL})  # lines may change
SALE_OPEN = BASKET_OPEN | {S.PAYMENT, S.PAYMENT_UNKNOWN}  # journaled as an open basket
IDLE = frozenset({S.ATTRACT, S.OUT_OF_ORDER})


@dataclass(frozen=True, slots=True)
class SessionContext:
    """What the world gives the pure session: configuration, catalogue and timeouts.

    ``timezone`` is a ``tzinfo`` the shell builds (``ZoneInfo(config.locale.timezone)``): sale
    hours and expiry dates are local, and the core may not read the zone database itself.
    ``required_devices`` are those without which the kiosk cannot sell at all; the terminal
    only counts when no role may take cash (no staff cash path).
    """

    catalogue: ProductLookup
    store_id: str
    kiosk_id: str
    currency: str
    vat_rates: Mapping[str, int]
    timezone: tzinfo
    promotions: Sequence[Promotion] = ()
    templates: Sequence[LabelTemplate] = ()  # in-store label layouts, [[barcode.templates]]
    reference_year: int | None = None
    rules: SaleRules = field(default_factory=SaleRules)
    roles: Roles = DEFAULT_ROLES
    languages: tuple[str, ...] = ("en",)
    default_language: str = "en"
    void_needs_staff: bool = True
    assisted_timeout: timedelta = timedelta(seconds=120)
    receipt_timeout: timedelta = timedelta(seconds=20)
    print_timeout: timedelta = timedelta(seconds=30)
    approval_timeout: timedelta = timedelta(seconds=300)
    payment_timeout: timedelta = timedelta(seconds=180)
    idle_timeout: timedelta = timedelta(seconds=90)
    required_devices: frozenset[str] = frozenset({CAMERA, TERMINAL})
    accessible_time_factor: float = 2.0  # [ui]: shopper-facing timeouts in accessibility mode
    accessible_by_default: bool = False  # [ui]: the store turned accessibility on for all
    max_suspended: int = 5  # [sale]: suspended sales a kiosk keeps for recall

    def __post_init__(self) -> None:
        minor_units(self.currency)
        for name in ("assisted_timeout", "receipt_timeout", "print_timeout",
                     "approval_timeout", "payment_timeout", "idle_timeout"):
            if getattr(self, name) <= timedelta(0):
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
        if self.default_language not in self.languages:
            raise ValueError(f"default language {self.default_language!r} is not one of "
                             f"{self.languages}")
        if not 1 <= self.accessible_time_factor <= 10:
            raise ValueError("accessible_time_factor must be 1 to 10, got "
                             f"{self.accessible_time_factor}")
        if self.max_suspended < 0:
            raise ValueError(f"max_suspended must be 0 or more, got {self.max_suspended}")

    def shopper_timeout(self, session: Session, base: timedelta) -> timedelta:
        """A timeout the shopper faces (an empty basket left, the receipt screen, the card
        terminal), lengthened while the shopper has accessibility mode on."""
        return base * self.accessible_time_factor if session.accessible else base

    def sale_id(self, sale_number: int) -> str:
        """The sale's id: the same on every retry, so the central store can deduplicate."""
        return f"{self.store_id}-{self.kiosk_id}-{sale_number:08d}"

    @property
    def cash_path(self) -> bool:
        return self.roles.any_allows(Permission.TAKE_CASH)

    def blocking(self, devices_down: Mapping[str, str]) -> tuple[str, ...]:
        """The failed devices that make selling impossible, sorted."""
        required = set(self.required_devices)
        if self.cash_path:
            required.discard(TERMINAL)
        return tuple(sorted(required & set(devices_down)))


@dataclass(frozen=True, slots=True)
class StaffOnDuty:
    staff_id: str
    role: str
    since: datetime
    last_active: datetime


@dataclass(frozen=True, slots=True)
class Attempt:
    """One payment attempt of this sale. ``outcome`` None means it is in flight."""

    attempt_id: str
    amount: Money
    started_at: datetime
    method: str = "card"
    outcome: PaymentOutcome | None = None
    cancel_requested: bool = False
    answered_at: datetime | None = None
    auth: Mapping[str, str] = field(default_factory=dict)
    resolved_by: str | None = None
    late_answer: PaymentOutcome | None = None  # the terminal spoke after we declared unknown
    tendered: Money | None = None
    change: Money | None = None

    def record(self) -> PaymentRecord:
        return PaymentRecord(
            attempt_id=self.attempt_id, method=self.method, amount=self.amount,
            outcome=(self.outcome or PaymentOutcome.UNKNOWN).value,
            at=self.answered_at or self.started_at, auth=self.auth,
            resolved_by=self.resolved_by, tendered=self.tendered, change=self.change)


@dataclass(frozen=True, slots=True)
class Session:
    """The whole state of one kiosk between two events; build one with ``new_session``.

    ``links`` pairs a line with the deposit line that follows it (parent id, deposit id).
    ``started_at`` is set by the first basket change: from then on the sale exists in the
    journal and ends as a completed, voided or suspended record, never silently.
    ``devices_down`` maps each failed device to its detail. ``suspended`` outlives the sale
    (the kiosk's list); ``accessible`` does not.
    """

    sale_number: int
    basket: PricedBasket
    phase: SessionState = S.ATTRACT
    overlays: tuple[SessionState, ...] = ()
    lines: tuple[Line, ...] = ()
    links: tuple[tuple[int, int], ...] = ()
    priced_at: datetime | None = None
    next_line_id: int = 1
    next_attempt: int = 1
    language: str = "en"
    member: str | None = None
    started_at: datetime | None = None
    phase_since: datetime | None = None
    last_activity: datetime | None = None
    age_approved: int = 0
    approval_escalated: bool = False
    attempts: tuple[Attempt, ...] = ()
    staff: StaffOnDuty | None = None
    staff_actions: tuple[StaffAction, ...] = ()
    sale: Sale | None = None
    last_sale_id: str | None = None
    last_paid_attempt: str | None = None  # so a repeated "approved" is not taken for a new one
    lock_pending: str | None = None  # who asked for a lock that waits for the sale to end
    locked_by: str | None = None
    devices_down: Mapping[str, str] = field(default_factory=dict)
    accessible: bool = False  # the shopper's accessibility mode, for this sale
    suspended: tuple[SuspendedSale, ...] = ()  # set aside on this kiosk, oldest first

    @property
    def state(self) -> SessionState:
        return self.overlays[-1] if self.overlays else self.phase

    @property
    def top(self) -> SessionState | None:
        return self.overlays[-1] if self.overlays else None

    @property
    def locked(self) -> bool:
        return S.LOCKED in self.overlays

    @property
    def total(self) -> Money:
        return self.basket.total

    @property
    def in_flight(self) -> Attempt | None:
        """The attempt the terminal is working on or that awaits staff; at most one."""
        last = self.attempts[-1] if self.attempts else None
        if last is not None and (last.outcome is None or (
                last.outcome is PaymentOutcome.UNKNOWN and last.resolved_by is None)):
            return last
        return None

    def line(self, line_id: int) -> Line | None:
        return next((line for line in self.lines if line.line_id == line_id), None)

    def deposit_of(self, line_id: int) -> int | None:
        return next((child for parent, child in self.links if parent == line_id), None)

    def is_deposit_line(self, line_id: int) -> bool:
        return any(child == line_id for _, child in self.links)

    def with_phase(self, phase: SessionState, at: datetime) -> Session:
        """Enter ``phase``; its timer starts now and an approval escalation is forgotten."""
        if phase == self.phase:
            return self
        return replace(self, phase=phase, phase_since=at, approval_escalated=False)


@dataclass(frozen=True, slots=True)
class Rejection:
    """The event is not allowed in this state: nothing changed, no effects.

    Screens should not have offered the action; they show ``reason`` and carry on.
    """

    code: str
    reason: str


@dataclass(frozen=True, slots=True)
class Refusal:
    """The event was fine but the store's rules said no (an unreadable or unknown code, a
    sale rule, a void that needs staff). Nothing changed; the outcome's effects tell the
    shopper (a message and an error beep). Kept on the outcome for logs and tests."""

    code: str
    reason: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Outcome:
    session: Session
    effects: tuple[Effect, ...] = ()
    rejected: Rejection | None = None
    refused: Refusal | None = None
