"""Suspending a sale and recalling it: staff set a basket aside and bring it back later.

Suspend (assisted mode, ``suspend_sale``): only an open basket with lines, with no payment in
flight or unresolved, can be set aside; the sale ends as a ``suspended`` record with the staff
member's action on it (journal and outbox, like every staff action), the lines go to the
kiosk's list of suspended sales (:class:`kiosk.core.suspended.SuspendedSale`), and the lane
goes back to attract for the next shopper, assisted mode ending with the sale as it always does.

Recall (assisted mode, ``suspend_sale``): onto an idle lane, or a sale with nothing in it yet,
never merged into someone else's basket. The lines come back as they were suspended, in a new
sale (the suspended one keeps its own record and number); the new sale's record names the
recall, and the recall is recorded once per suspended sale (:class:`RecallSale`). The age
check starts again, since the person at the lane may not be the one who left.

How many sales a kiosk keeps suspended is ``SessionContext.max_suspended``: a lane is not a
storeroom, and a basket nobody comes back for is recalled and cancelled by staff.
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.core.effects import RecallSale, ShowMessage, SuspendSale
from kiosk.core.events import SaleRecalled, SaleSuspended
from kiosk.core.sale import SaleStatus, StaffAction
from kiosk.core.session_guards import reject, staff_block
from kiosk.core.session_lifecycle import build_sale, next_sale, reprice, settle, staff_action
from kiosk.core.session_model import BASKET_OPEN, Outcome, Refusal, S, Session, SessionContext
from kiosk.core.staff import Permission
from kiosk.core.suspended import SuspendedSale

_NOT_SUSPENDABLE = {
    S.ATTRACT: ("no-sale", "No sale is in progress"),
    S.OUT_OF_ORDER: ("no-sale", "No sale is in progress"),
    S.PAYMENT: ("payment-in-progress", "Cancel the card payment first"),
    S.PAYMENT_UNKNOWN: ("payment-unknown",
                        "Resolve the unknown payment first: the card may have been charged"),
    S.PAID: ("sale-paid", "A paid sale cannot be suspended"),
    S.RECEIPT: ("sale-paid", "A paid sale cannot be suspended"),
}


def on_sale_suspended(session: Session, event: SaleSuspended, ctx: SessionContext) -> Outcome:
    block = staff_block(session, ctx, event.staff_id, Permission.SUSPEND_SALE)
    if block is not None:
        return Outcome(session, (), block)
    if session.phase not in BASKET_OPEN:
        return reject(session, *_NOT_SUSPENDABLE[session.phase])
    if not session.lines:
        return reject(session, "empty-basket", "There is nothing in the basket to suspend")
    if len(session.suspended) >= ctx.max_suspended:
        return reject(session, "too-many-suspended",
                      f"This kiosk already keeps {len(session.suspended)} suspended sales; "
                      "recall one (and finish or cancel it) first")
    reason = event.reason or "suspended by staff"
    sale_id = ctx.sale_id(session.sale_number)
    basket = session.basket
    action = StaffAction(event.staff_id, "sale-suspended", event.at, {
        "reason": reason, "items": basket.item_count, "total": basket.total.minor})
    audited, record = staff_action(session, ctx, action)
    held = SuspendedSale(sale_id, session.sale_number, session.lines, session.links,
                         session.member, basket.total, basket.item_count, event.at,
                         event.staff_id, reason)
    sale = build_sale(audited, ctx, event.at, SaleStatus.SUSPENDED, reason)
    kept = replace(audited, suspended=(*session.suspended, held))
    fresh, more = next_sale(kept, ctx, event.at)
    shown = ShowMessage("sale-suspended", {"sale_id": sale_id,
                                           "sale_number": session.sale_number})
    return Outcome(fresh, (record, SuspendSale(sale, held), *more, shown))


def _recall_problem(session: Session) -> tuple[str, str] | None:
    if session.locked or session.lock_pending is not None:
        return "locked", "The lane is closed or closing; unlock it before recalling a sale"
    if session.phase is S.OUT_OF_ORDER:
        return "out-of-order", "The lane is out of order"
    if session.phase is S.ATTRACT or (session.phase is S.SCANNING and not session.lines
                                      and not session.attempts):
        return None
    return "sale-open", "Finish, cancel or suspend the current sale before recalling another"


def on_sale_recalled(session: Session, event: SaleRecalled, ctx: SessionContext) -> Outcome:
    block = staff_block(session, ctx, event.staff_id, Permission.SUSPEND_SALE)
    if block is not None:
        return Outcome(session, (), block)
    held = next((s for s in session.suspended if s.sale_id == event.sale_id), None)
    if held is None:
        return reject(session, "not-suspended",
                      f"Sale {event.sale_id} is not suspended on this kiosk")
    problem = _recall_problem(session)
    if problem is not None:
        return reject(session, *problem)
    rest = tuple(s for s in session.suspended if s.sale_id != held.sale_id)
    base = replace(session.with_phase(S.SCANNING, event.at), suspended=rest, member=held.member,
                   next_line_id=max(line.line_id for line in held.lines) + 1)
    priced = reprice(base, ctx, held.lines, held.links, event.at)
    if isinstance(priced, Refusal):
        return reject(session, "cannot-recall",
                      f"Sale {held.sale_id} cannot be priced any more: {priced.reason}")
    sale_id = ctx.sale_id(session.sale_number)
    action = StaffAction(event.staff_id, "sale-recalled", event.at, {
        "from_sale_id": held.sale_id, "suspended_by": held.staff_id})
    audited, _record = staff_action(priced, ctx, action)  # RecallSale records it, once
    settled, effects = settle(audited, ctx, event.at)
    recall = RecallSale(held.sale_id, sale_id, event.staff_id, event.at)
    shown = ShowMessage("sale-recalled", {"from_sale_id": held.sale_id,
                                          "sale_number": held.sale_number,
                                          "items": held.item_count})
    return Outcome(settled, (recall, *effects, shown))
