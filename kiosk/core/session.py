"""The checkout session: a pure state machine, events in, effects out (DESIGN.md).

``step(session, event, ctx) -> Outcome(session, effects, rejected, refused)``. The session is
an immutable value; the loop keeps the newest one and runs the effects in order. There is no
clock and no randomness here: events carry their time, timeouts fire on :class:`Tick`, ids are
derived from the sale number the shell starts the session with, so replaying the same events
gives the same session and the same effects, byte for byte.

States (``Session.state``): attract, scanning, awaiting_approval, payment, payment_unknown,
paid, receipt, out_of_order are where the sale is; help, assisted and locked are overlays on
top of it (see kiosk.core.session_model). Every handler lives in a module named for what it
handles; this module dispatches and adds what every accepted step shares:

* activity: a shopper's or staff member's accepted action restarts the idle and assisted
  timers;
* ``SetLight`` whenever the tower light's pattern changes (one function of the state and
  device health, kiosk.core.light_signals.light_pattern, so the light can never disagree
  with the screen);
* ``JournalBasket`` whenever the open sale's lines, links, age approval, loyalty card or
  attempt counter changed, placed last so the shopper's beep never waits for the disk.

A rejected or refused event returns the session it was given, untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from kiosk.core import events as ev
from kiosk.core.effects import Effect, JournalBasket, SetLight
from kiosk.core.light_signals import light_pattern
from kiosk.core.session_access import on_accessibility_chosen
from kiosk.core.session_guards import reject
from kiosk.core.session_items import (
    on_code_keyed_in,
    on_item_scanned,
    on_plu_entered,
    on_quick_pick,
)
from kiosk.core.session_lifecycle import new_session, restore_session
from kiosk.core.session_lines import (
    on_age_approved,
    on_age_refused,
    on_language_chosen,
    on_line_voided,
    on_price_overridden,
    on_quantity_changed,
)
from kiosk.core.session_model import (
    PHASES,
    SALE_OPEN,
    Attempt,
    Outcome,
    Refusal,
    Rejection,
    S,
    Session,
    SessionContext,
    SessionState,
    StaffOnDuty,
)
from kiosk.core.session_overlays import (
    on_assisted_exited,
    on_help_cancelled,
    on_help_held,
    on_help_pressed,
    on_kiosk_locked,
    on_kiosk_unlocked,
    on_staff_unlocked,
)
from kiosk.core.session_payment import (
    on_cancel_payment,
    on_cash_taken,
    on_pay_pressed,
    on_payment_resolved,
    on_payment_result,
    on_payment_started,
)
from kiosk.core.session_receipt import on_receipt_done, on_receipt_failed, on_reprint
from kiosk.core.session_suspend import on_sale_recalled, on_sale_suspended
from kiosk.core.session_upkeep import on_device_health, on_sale_cancelled, on_tick

__all__ = [
    "PHASES", "Attempt", "Outcome", "Refusal", "Rejection", "Session", "SessionContext",
    "SessionState", "StaffOnDuty", "light_pattern", "new_session", "restore_session", "step",
]

Handler = Callable[[Session, Any, SessionContext], Outcome]

HANDLERS: dict[type[ev.Event], Handler] = {
    ev.LanguageChosen: on_language_chosen,
    ev.ItemScanned: on_item_scanned,
    ev.CodeKeyedIn: on_code_keyed_in,
    ev.PluEntered: on_plu_entered,
    ev.QuickPickChosen: on_quick_pick,
    ev.QuantityChanged: on_quantity_changed,
    ev.LineVoided: on_line_voided,
    ev.PriceOverridden: on_price_overridden,
    ev.AgeApproved: on_age_approved,
    ev.AgeRefused: on_age_refused,
    ev.PayPressed: on_pay_pressed,
    ev.PaymentStarted: on_payment_started,
    ev.PaymentResult: on_payment_result,
    ev.CancelPaymentPressed: on_cancel_payment,
    ev.PaymentResolved: on_payment_resolved,
    ev.CashTaken: on_cash_taken,
    ev.SaleCancelled: on_sale_cancelled,
    ev.SaleSuspended: on_sale_suspended,
    ev.SaleRecalled: on_sale_recalled,
    ev.AccessibilityChosen: on_accessibility_chosen,
    ev.ReceiptDone: on_receipt_done,
    ev.ReceiptFailed: on_receipt_failed,
    ev.ReprintRequested: on_reprint,
    ev.HelpPressed: on_help_pressed,
    ev.HelpCancelled: on_help_cancelled,
    ev.HelpHeld: on_help_held,
    ev.StaffUnlocked: on_staff_unlocked,
    ev.AssistedExited: on_assisted_exited,
    ev.KioskLocked: on_kiosk_locked,
    ev.KioskUnlocked: on_kiosk_unlocked,
    ev.DeviceHealthChanged: on_device_health,
    ev.Tick: on_tick,
}

# Events from a person at the kiosk: accepting one counts as activity.
PEOPLE = (
    ev.LanguageChosen, ev.ItemScanned, ev.CodeKeyedIn, ev.PluEntered, ev.QuickPickChosen,
    ev.QuantityChanged, ev.LineVoided, ev.PriceOverridden, ev.AgeApproved, ev.AgeRefused,
    ev.PayPressed, ev.CancelPaymentPressed, ev.PaymentResolved, ev.CashTaken,
    ev.SaleCancelled, ev.ReprintRequested, ev.HelpPressed, ev.HelpCancelled, ev.StaffUnlocked,
    ev.HelpHeld, ev.SaleSuspended, ev.SaleRecalled, ev.AccessibilityChosen,
)


def step(session: Session, event: ev.Event, ctx: SessionContext) -> Outcome:
    """Feed one event to the session; see the module docstring for what is guaranteed."""
    handler = HANDLERS.get(type(event))
    if handler is None:
        return reject(session, "unknown-event",
                      f"{type(event).__name__} is not an event the session handles")
    outcome = handler(session, event, ctx)
    if outcome.rejected is not None:
        return Outcome(session, (), outcome.rejected)
    if outcome.refused is not None:
        return Outcome(session, outcome.effects, refused=outcome.refused)
    after = outcome.session
    if isinstance(event, PEOPLE):
        after = _touched(after, event.at)
    effects: list[Effect] = list(outcome.effects)
    if light_pattern(after) != light_pattern(session):
        effects.append(SetLight(light_pattern(after)))
    journal = _journal(session, after, ctx, event.at)
    if journal is not None:
        effects.append(journal)
    return Outcome(after, tuple(effects))


def _touched(session: Session, at: datetime) -> Session:
    staff = session.staff
    if session.top is S.ASSISTED and staff is not None:
        staff = replace(staff, last_active=at)
    return replace(session, last_activity=at, staff=staff)


def _journal_key(session: Session) -> tuple[object, ...]:
    return (session.sale_number, session.lines, session.links, session.age_approved,
            session.member, session.next_attempt)


def _journal(before: Session, after: Session, ctx: SessionContext,
             at: datetime) -> JournalBasket | None:
    if (after.phase not in SALE_OPEN or after.started_at is None
            or _journal_key(after) == _journal_key(before)):
        return None
    return JournalBasket(
        sale_id=ctx.sale_id(after.sale_number), sale_number=after.sale_number,
        lines=after.lines, links=after.links, started_at=after.started_at, at=at,
        age_approved=after.age_approved, member=after.member,
        next_attempt=after.next_attempt)
