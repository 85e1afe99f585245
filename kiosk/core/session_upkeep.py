"""Keeping the kiosk honest over time: device health, timeouts, and staff ending a sale.

Device health: every failure and recovery is reported. A failed device the kiosk cannot sell
without (``SessionContext.blocking``) puts an idle kiosk out of order; during a sale it does
not tear the sale down (the shopper is told and staff are alerted), and the kiosk goes out of
order when that sale ends. Out of order ends by itself when the devices come back.

:func:`on_tick` runs the timers in a fixed order: assisted-mode inactivity first (staff who
walked away stop being "present"), then the phase's own timer (payment, printer, receipt
screen, overdue age approval, a started sale left empty).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from kiosk.core.effects import Beep, Effect, PublishEvent, ShowMessage
from kiosk.core.events import TERMINAL, DeviceHealthChanged, SaleCancelled, Tick
from kiosk.core.sale import StaffAction
from kiosk.core.session_guards import reject, staff_block
from kiosk.core.session_lifecycle import staff_action, void_sale
from kiosk.core.session_model import (
    BASKET_OPEN,
    Outcome,
    S,
    Session,
    SessionContext,
)
from kiosk.core.session_overlays import end_assisted
from kiosk.core.session_payment import payment_timeout
from kiosk.core.session_receipt import receipt_timers
from kiosk.core.staff import Permission

_NOT_CANCELLABLE = {
    S.ATTRACT: ("no-sale", "No sale is in progress"),
    S.OUT_OF_ORDER: ("no-sale", "No sale is in progress"),
    S.PAYMENT: ("payment-in-progress", "Cancel the card payment first"),
    S.PAYMENT_UNKNOWN: ("payment-unknown",
                        "Resolve the unknown payment first: the card may have been charged"),
    S.PAID: ("sale-paid", "A paid sale cannot be cancelled; refund it instead"),
    S.RECEIPT: ("sale-paid", "A paid sale cannot be cancelled; refund it instead"),
}


def on_device_health(session: Session, event: DeviceHealthChanged,
                     ctx: SessionContext) -> Outcome:
    down = dict(session.devices_down)
    now_down = None if event.ok else (event.detail or "failed")
    if down.get(event.device) == now_down:
        return Outcome(session)  # a repeated report: nothing new
    if now_down is None:
        del down[event.device]
    else:
        down[event.device] = now_down
    updated = replace(session, devices_down=down)
    kind = "device-recovered" if event.ok else "device-failure"
    effects: list[Effect] = [PublishEvent(kind, {"device": event.device,
                                                 "detail": event.detail})]
    blocking = ctx.blocking(down)
    if updated.phase is S.ATTRACT and blocking:
        updated = updated.with_phase(S.OUT_OF_ORDER, event.at)
        effects += [PublishEvent("out-of-order", {"devices": list(blocking)}),
                    ShowMessage("out-of-order", {"devices": list(blocking)})]
    elif updated.phase is S.OUT_OF_ORDER and not blocking:
        updated = updated.with_phase(S.ATTRACT, event.at)
        effects.append(PublishEvent("in-service", {}))
    elif not event.ok and event.device == TERMINAL and updated.phase in BASKET_OPEN:
        effects += [ShowMessage("card-unavailable", {}), Beep("attention")]
    return Outcome(updated, tuple(effects))


def on_sale_cancelled(session: Session, event: SaleCancelled, ctx: SessionContext) -> Outcome:
    """Staff void the open sale; a journaled one ends as a voided record."""
    block = staff_block(session, ctx, event.staff_id, Permission.CANCEL_SALE)
    if block is not None:
        return Outcome(session, (), block)
    if session.phase not in BASKET_OPEN:
        return reject(session, *_NOT_CANCELLABLE[session.phase])
    reason = event.reason or "cancelled by staff"
    action = StaffAction(event.staff_id, "sale-cancelled", event.at, {"reason": reason})
    audited, record = staff_action(session, ctx, action)
    ended, effects = void_sale(audited, ctx, event.at, reason)
    return Outcome(ended, (record, *effects, ShowMessage("sale-cancelled", {})))


def _assisted_timer(session: Session, ctx: SessionContext, at: datetime) -> Outcome | None:
    staff = session.staff
    if session.top is S.ASSISTED and staff is not None and \
            at - staff.last_active >= ctx.assisted_timeout:
        return end_assisted(session, ctx, at, "assisted-timeout")
    return None


def _approval_timer(session: Session, ctx: SessionContext, at: datetime) -> Outcome | None:
    since = session.phase_since
    if (session.phase is S.AWAITING_APPROVAL and not session.approval_escalated
            and since is not None and at - since >= ctx.approval_timeout):
        detail = {"sale_id": ctx.sale_id(session.sale_number),
                  "min_age": session.basket.min_age}
        return Outcome(replace(session, approval_escalated=True),
                       (PublishEvent("age-approval-overdue", detail), Beep("attention")))
    return None


def _idle_timer(session: Session, ctx: SessionContext, at: datetime) -> Outcome | None:
    """A shopper who chose a language (or emptied the basket) and left: back to attract."""
    last = session.last_activity
    if (session.phase is S.SCANNING and not session.lines and not session.overlays
            and last is not None and at - last >= ctx.shopper_timeout(session, ctx.idle_timeout)):
        ended, effects = void_sale(session, ctx, at, "abandoned with an empty basket")
        return Outcome(ended, effects)
    return None


def _payment_timer(session: Session, ctx: SessionContext, at: datetime) -> Outcome | None:
    return payment_timeout(session, ctx, at)


Timer = Callable[[Session, SessionContext, datetime], "Outcome | None"]
TIMERS: tuple[Timer, ...] = (_assisted_timer, _payment_timer, receipt_timers, _approval_timer,
                             _idle_timer)


def on_tick(session: Session, event: Tick, ctx: SessionContext) -> Outcome:
    current, effects = session, []
    for timer in TIMERS:
        fired = timer(current, ctx, event.at)
        if fired is not None:
            current = fired.session
            effects.extend(fired.effects)
    return Outcome(current, tuple(effects))
