"""What sits on top of a sale without changing it: help, assisted mode, and the lock.

* Help can be pressed in any state; it remembers what it interrupted (it is an overlay, the
  sale's phase underneath is untouched) and goes when the shopper cancels it or staff arrive.
* Staff unlock assisted mode with a role (the shell checked the PIN with kiosk.core.staff);
  a second member signing in takes over, audited. Assisted mode ends when staff sign out,
  after ``assisted_timeout`` without activity, or when the sale ends.
* A lock (from the fleet or from staff) never interrupts a shopper: on an idle kiosk it
  applies at once, otherwise it waits for the sale to end. A sale that never got an item is
  not a sale worth waiting for: it is abandoned and the lock applies.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from kiosk.core.effects import PublishEvent, ShowMessage
from kiosk.core.events import (
    AssistedExited,
    HelpCancelled,
    HelpHeld,
    HelpPressed,
    KioskLocked,
    KioskUnlocked,
    StaffUnlocked,
)
from kiosk.core.sale import StaffAction
from kiosk.core.session_guards import reject, staff_block
from kiosk.core.session_lifecycle import staff_action, void_sale
from kiosk.core.session_model import IDLE, Outcome, S, Session, SessionContext, StaffOnDuty


def on_help_pressed(session: Session, event: HelpPressed, ctx: SessionContext) -> Outcome:
    if session.top is S.HELP:
        return reject(session, "help-already-requested",
                      "Help has already been requested; a staff member is on the way")
    if session.top is S.ASSISTED:
        return reject(session, "staff-present", "A staff member is already here")
    helped = replace(session, overlays=(*session.overlays, S.HELP))
    detail = {"sale_id": ctx.sale_id(session.sale_number), "state": session.state.value}
    return Outcome(helped, (PublishEvent("help-requested", detail),
                            ShowMessage("help-coming", {})))


def on_help_held(session: Session, event: HelpHeld, ctx: SessionContext) -> Outcome:
    """Staff held the tower's help button: ask for their PIN, as a staff badge scan does."""
    if session.top is S.ASSISTED:
        return reject(session, "staff-present", "A staff member is already signed in")
    return Outcome(session, (ShowMessage("staff-pin", {}),))


def on_help_cancelled(session: Session, event: HelpCancelled, ctx: SessionContext) -> Outcome:
    if session.top is not S.HELP:
        return reject(session, "no-help-request", "Help has not been requested")
    back = replace(session, overlays=session.overlays[:-1])
    return Outcome(back, (PublishEvent("help-cancelled",
                                       {"sale_id": ctx.sale_id(session.sale_number)}),))


def on_staff_unlocked(session: Session, event: StaffUnlocked, ctx: SessionContext) -> Outcome:
    if not ctx.roles.exists(event.role):
        return reject(session, "unknown-role", f"The role {event.role!r} is not configured")
    current = session.staff if session.top is S.ASSISTED else None
    if current is not None and current.staff_id == event.staff_id:
        return reject(session, "already-unlocked",
                      f"Staff member {event.staff_id} is already signed in")
    effects = []
    overlays = session.overlays
    if session.top is S.HELP:
        overlays = overlays[:-1]
        effects.append(PublishEvent("help-answered", {
            "sale_id": ctx.sale_id(session.sale_number), "staff_id": event.staff_id}))
    if session.top is not S.ASSISTED:
        overlays = (*overlays, S.ASSISTED)
    staff = StaffOnDuty(event.staff_id, event.role, since=event.at, last_active=event.at)
    unlocked = replace(session, overlays=overlays, staff=staff)
    detail = {"role": event.role, "state": session.phase.value}
    if current is not None:
        detail["took_over_from"] = current.staff_id
    action = StaffAction(event.staff_id, "unlock", event.at, detail)
    audited, record = staff_action(unlocked, ctx, action)
    return Outcome(audited, (*effects, record, ShowMessage("assisted", {
        "staff_id": event.staff_id, "role": event.role})))


def on_assisted_exited(session: Session, event: AssistedExited, ctx: SessionContext) -> Outcome:
    block = staff_block(session, ctx, event.staff_id, None)
    if block is not None:
        return Outcome(session, (), block)
    return end_assisted(session, ctx, event.at, "lock")


def end_assisted(session: Session, ctx: SessionContext, at: datetime, action: str) -> Outcome:
    """Leave assisted mode (signed out or timed out); the sale carries on as it was."""
    staff_id = session.staff.staff_id if session.staff else "unknown"
    left = replace(session, overlays=session.overlays[:-1], staff=None)
    audited, record = staff_action(left, ctx, StaffAction(staff_id, action, at, {}))
    return Outcome(audited, (record,))


def on_kiosk_locked(session: Session, event: KioskLocked, ctx: SessionContext) -> Outcome:
    if session.locked:
        return reject(session, "already-locked", "The kiosk is already locked")
    if session.lock_pending is not None:
        return reject(session, "lock-pending", "The kiosk will lock when the current sale ends")
    detail = {"by": event.by, "reason": event.reason}
    if session.phase in IDLE:
        locked = replace(session, overlays=(S.LOCKED, *session.overlays), locked_by=event.by)
        return Outcome(locked, (PublishEvent("locked", detail),))
    pending = replace(session, lock_pending=event.by)
    if session.phase is S.SCANNING and not session.lines and session.top is not S.ASSISTED:
        ended, effects = void_sale(pending, ctx, event.at, "abandoned: the kiosk was locked")
        return Outcome(ended, effects)
    return Outcome(pending, (PublishEvent("lock-pending", detail),
                             ShowMessage("closing-after-sale", {})))


def on_kiosk_unlocked(session: Session, event: KioskUnlocked, ctx: SessionContext) -> Outcome:
    if session.locked:
        opened = replace(session, overlays=tuple(o for o in session.overlays if o is not S.LOCKED),
                         locked_by=None)
        return Outcome(opened, (PublishEvent("unlocked", {"by": event.by}),))
    if session.lock_pending is not None:
        return Outcome(replace(session, lock_pending=None),
                       (PublishEvent("lock-cancelled", {"by": event.by}),))
    return reject(session, "not-locked", "The kiosk is not locked")
