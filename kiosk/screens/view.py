"""The view model every screen renders: a pure function of the session and what devices say.

Screens get figures already formatted for the shopper's language and flags already decided
(may the shopper pay, cancel, remove a line without staff), so a screen is layout and event
sending only and two screens can never show the same total differently. No Kivy here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kiosk.core.device_causes import device_cause
from kiosk.core.events import PRINTER, TERMINAL
from kiosk.core.money import Money
from kiosk.core.session_model import Session, SessionContext, SessionState
from kiosk.screens import i18n
from kiosk.screens.routing import LocalUi, Route, route

S = SessionState
# Terminal status keys during which the card dialogue can still be stopped from the kiosk:
# once the card is read and the PIN is being checked, only the terminal can end it.
CANCELLABLE_STATUSES = frozenset({"insert-card", "card-not-accepted", "wrong-pin"})


@dataclass(frozen=True, slots=True)
class Accessibility:
    """The shopper's accessibility choice; it lasts for the sale (reset at attract)."""

    large_text: bool = False
    high_contrast: bool = False
    speech: bool = False

    @property
    def on(self) -> bool:
        return self.large_text or self.high_contrast or self.speech


@dataclass(frozen=True, slots=True)
class LineView:
    line_id: int
    name: str
    quantity: int
    quantity_text: str  # "x2" or "1.234 kg"
    unit_price: str
    amount: str
    deposit: bool  # a deposit line follows its item: no own buttons
    weighed: bool
    min_age: int


@dataclass(frozen=True, slots=True)
class DiscountView:
    name: str
    amount: str


@dataclass(frozen=True, slots=True)
class ItemView:
    """The last item scanned, shown big."""

    line_id: int
    name: str
    price: str
    image: str | None  # catalogue image path, as the catalogue names it


@dataclass(frozen=True, slots=True)
class ErrorView:
    """A device problem for the shopper: what happened, why (the device's own sentence), and
    what to do; never a stack trace."""

    device: str
    what: str
    why: str
    action: str


@dataclass(frozen=True, slots=True)
class MessageView:
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScreenView:
    """What a :class:`~kiosk.screens.base.KioskScreen` receives in ``show``."""

    route: Route
    state: str
    language: str
    languages: tuple[str, ...]
    access: Accessibility
    lines: tuple[LineView, ...]
    discounts: tuple[DiscountView, ...]
    total: str
    total_minor: int
    item_count: int
    last_item: ItemView | None
    message: MessageView | None
    terminal_status: str | None
    payment_amount: str | None
    can_pay: bool
    can_cancel_payment: bool
    void_needs_staff: bool
    receipt_qr: str | None
    sale_id: str
    errors: tuple[ErrorView, ...]
    staff_id: str | None
    staff_role: str | None
    locked_by: str | None
    session: Session  # read-only, for staff screens that need more than the fields above

    @property
    def screen(self) -> str:
        return self.route.screen

    def tr(self, key: str, **values: Any) -> str:
        return i18n.tr(key, self.language, **values)


@dataclass(frozen=True, slots=True)
class Inputs:
    """What the shell knows besides the session: the newest screen message, the terminal's
    status, device health (name -> (ok, detail)), whether the terminal can cancel, the
    accessibility choice and the UI's local state."""

    message: MessageView | None = None
    terminal_status: str | None = None
    health: Mapping[str, tuple[bool, str]] = field(default_factory=dict)
    terminal_can_cancel: bool = True
    access: Accessibility = field(default_factory=Accessibility)
    local: LocalUi = field(default_factory=LocalUi)
    receipt_qr: str | None = None


def build_view(session: Session, ctx: SessionContext, inputs: Inputs) -> ScreenView:
    lang = session.language
    basket = session.basket
    attempt = session.in_flight
    staff = session.staff
    return ScreenView(
        route=route(session, inputs.local), state=str(session.state), language=lang,
        languages=ctx.languages, access=inputs.access,
        lines=_lines(session, lang), discounts=tuple(
            DiscountView(d.names.get(lang) or d.names.get("en") or d.promotion_id,
                         i18n.money(d.amount, lang)) for d in basket.discounts),
        total=i18n.money(basket.total, lang), total_minor=basket.total.minor,
        item_count=basket.item_count, last_item=_last_item(session, lang),
        message=inputs.message,
        terminal_status=inputs.terminal_status if session.phase is S.PAYMENT else None,
        payment_amount=i18n.money(attempt.amount, lang) if attempt is not None else None,
        can_pay=(session.phase is S.SCANNING and session.top is None
                 and basket.item_count > 0),
        can_cancel_payment=_can_cancel(session, inputs),
        void_needs_staff=ctx.void_needs_staff, receipt_qr=inputs.receipt_qr,
        sale_id=ctx.sale_id(session.sale_number), errors=_errors(inputs.health, lang),
        staff_id=staff.staff_id if staff else None, staff_role=staff.role if staff else None,
        locked_by=session.locked_by, session=session)


def _lines(session: Session, lang: str) -> tuple[LineView, ...]:
    products = {line.line_id: line.product for line in session.lines}
    views = []
    for line in session.basket.lines:
        product = products.get(line.line_id)
        weighed = line.weight_g is not None
        views.append(LineView(
            line_id=line.line_id,
            name=line.names.get(lang) or line.names.get("en") or line.gtin,
            quantity=line.quantity,
            quantity_text=i18n.grams(line.weight_g or 0, lang) if weighed
            else f"x{line.quantity}",
            unit_price=i18n.money(line.unit_price, lang) + ("/kg" if weighed else ""),
            amount=i18n.money(line.amount, lang),
            deposit=session.is_deposit_line(line.line_id), weighed=weighed,
            min_age=product.min_age if product is not None else line.min_age))
    return tuple(views)


def _last_item(session: Session, lang: str) -> ItemView | None:
    items = [line for line in session.lines if not session.is_deposit_line(line.line_id)]
    if not items:
        return None
    line = max(items, key=lambda item: item.line_id)
    priced = next((p for p in session.basket.lines if p.line_id == line.line_id), None)
    price = priced.amount if priced is not None else Money(line.product.price,
                                                          session.total.currency)
    return ItemView(line.line_id, line.product.name(lang), i18n.money(price, lang),
                    line.product.image)


def _can_cancel(session: Session, inputs: Inputs) -> bool:
    attempt = session.in_flight
    return (session.phase is S.PAYMENT and attempt is not None and attempt.outcome is None
            and not attempt.cancel_requested and inputs.terminal_can_cancel
            and (inputs.terminal_status is None
                 or inputs.terminal_status in CANCELLABLE_STATUSES))


def _errors(health: Mapping[str, tuple[bool, str]], lang: str) -> tuple[ErrorView, ...]:
    views = []
    for device, (ok, detail) in sorted(health.items()):
        if ok:
            continue
        known = device if device in (PRINTER, TERMINAL, "camera", "light") else "other"
        why = i18n.tr(f"error.why.{device_cause(detail)}", lang)  # detail is for store IT
        views.append(ErrorView(device, i18n.tr(f"error.{known}.what", lang), why,
                               i18n.tr(f"error.{known}.action", lang)))
    return tuple(views)
