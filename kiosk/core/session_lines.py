"""Changing what is already in the basket: quantities, voids, price overrides, age checks.

Lines change only while the basket is open (scanning or awaiting approval). From the moment a
payment starts they are frozen, and they thaw only if that payment is declined or cancelled:
the amount the terminal was asked for is always the total of the lines the sale records.

Taking something out (a void, a lower quantity) needs staff when ``void_needs_staff`` is set:
the shopper is told a staff member must do it; in assisted mode a role with ``void_line`` does
it and the action is audited. A deposit line follows its item and is never changed alone.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from kiosk.core.basket import Line
from kiosk.core.effects import Effect, ShowMessage
from kiosk.core.events import (
    AgeApproved,
    AgeRefused,
    LanguageChosen,
    LineVoided,
    PriceOverridden,
    QuantityChanged,
)
from kiosk.core.rules import check_add
from kiosk.core.sale import StaffAction
from kiosk.core.session_guards import (
    CHANGE,
    closed,
    refuse,
    reject,
    shopper_block,
    staff_acting,
    staff_block,
)
from kiosk.core.session_lifecycle import reprice, settle, staff_action
from kiosk.core.session_model import (
    BASKET_OPEN,
    Outcome,
    Refusal,
    Rejection,
    S,
    Session,
    SessionContext,
)
from kiosk.core.staff import Permission

STAFF_NEEDED = "A staff member must remove items. Press Help to call one."


def _changeable(session: Session, line_id: int) -> Line | Rejection:
    """The line a change applies to, or why it cannot change."""
    line = session.line(line_id)
    if line is None:
        return Rejection("no-such-line", f"There is no line {line_id} in the basket")
    if session.is_deposit_line(line_id):
        return Rejection("deposit-line",
                         "A deposit follows its item and cannot be changed on its own")
    return line


def _removal_check(session: Session, ctx: SessionContext) -> Outcome | None:
    """None when taking items out is allowed now, else the rejection or refusal."""
    if not ctx.void_needs_staff or staff_acting(session, ctx, Permission.VOID_LINE):
        return None
    if session.top is S.ASSISTED and session.staff is not None:
        return reject(session, "not-permitted", f"The {session.staff.role} role may not "
                      "remove items")
    return refuse(session, "staff-needed", STAFF_NEEDED, key="staff-needed", beep="attention")


def _commit(original: Session, ctx: SessionContext, lines: tuple[Line, ...],
            links: tuple[tuple[int, int], ...], at: datetime, *, message: ShowMessage,
            audit: tuple[str, str, dict[str, object]] | None) -> Outcome:
    """Re-price, settle the approval state, audit a staff action, tell the screen."""
    priced = reprice(original, ctx, lines, links, at)
    if isinstance(priced, Refusal):
        return refuse(original, priced.code, priced.reason)
    settled, effects = settle(priced, ctx, at)
    records: tuple[Effect, ...] = ()
    if audit is not None:
        staff_id, action, detail = audit
        settled, record = staff_action(settled, ctx, StaffAction(staff_id, action, at, detail))
        records = (record,)
    return Outcome(settled, (*records, message, *effects))


def _staff_audit(session: Session, action: str,
                 detail: dict[str, object]) -> tuple[str, str, dict[str, object]] | None:
    """Shopper-side changes made while staff are signed in are theirs, and audited."""
    if session.top is S.ASSISTED and session.staff is not None:
        return session.staff.staff_id, action, detail
    return None


def _line_for_change(session: Session, line_id: int) -> Line | Outcome:
    """A shopper-side change: the line, or why the basket or this line cannot change now."""
    block = shopper_block(session)
    if block is not None:
        return Outcome(session, (), block)
    if session.phase not in BASKET_OPEN:
        return closed(session, CHANGE)
    line = _changeable(session, line_id)
    return Outcome(session, (), line) if isinstance(line, Rejection) else line


def _quantity_problem(line: Line, quantity: int) -> Rejection | None:
    if line.product.weighed or line.label_price is not None:
        return Rejection("fixed-quantity", "This item was weighed or priced from its label; "
                         "scan each pack instead of changing the quantity")
    if quantity < 1:
        return Rejection("bad-quantity",
                         "The quantity must be at least 1; remove the line instead")
    if quantity == line.quantity:
        return Rejection("same-quantity", f"The quantity is already {line.quantity}")
    return None


def _quantity_check(session: Session, event: QuantityChanged,
                    ctx: SessionContext) -> Line | Outcome:
    """The line whose quantity may change as asked, or the outcome that says why not."""
    line = _line_for_change(session, event.line_id)
    if isinstance(line, Outcome):
        return line
    problem = _quantity_problem(line, event.quantity)
    if problem is not None:
        return Outcome(session, (), problem)
    if event.quantity < line.quantity:
        return _removal_check(session, ctx) or line
    others = [other for other in session.lines if other.line_id != line.line_id]
    local_time = event.at.astimezone(ctx.timezone).time()
    violation = check_add(ctx.rules, others, line.product, event.quantity, local_time)
    if violation is not None:
        return refuse(session, violation.code, violation.reason, violation.params)
    return line


def on_quantity_changed(session: Session, event: QuantityChanged,
                        ctx: SessionContext) -> Outcome:
    line = _quantity_check(session, event, ctx)
    if isinstance(line, Outcome):
        return line
    child = session.deposit_of(line.line_id)
    lines = tuple(replace(other, quantity=event.quantity)
                  if other.line_id in (line.line_id, child) else other
                  for other in session.lines)
    detail: dict[str, object] = {"line_id": line.line_id, "gtin": line.product.gtin,
                                 "from": line.quantity, "to": event.quantity}
    return _commit(session, ctx, lines, session.links, event.at,
                   message=ShowMessage("quantity-changed", detail),
                   audit=_staff_audit(session, "quantity-changed", detail))


def on_line_voided(session: Session, event: LineVoided, ctx: SessionContext) -> Outcome:
    line = _line_for_change(session, event.line_id)
    if isinstance(line, Outcome):
        return line
    stop = _removal_check(session, ctx)
    if stop is not None:
        return stop
    lines, links = _without(session, {line.line_id})
    detail: dict[str, object] = {"line_id": line.line_id, "gtin": line.product.gtin,
                                 "quantity": line.quantity, "weight_g": line.weight_g}
    return _commit(session, ctx, lines, links, event.at,
                   message=ShowMessage("line-voided", detail),
                   audit=_staff_audit(session, "line-voided", detail))


def _without(session: Session,
             line_ids: set[int]) -> tuple[tuple[Line, ...], tuple[tuple[int, int], ...]]:
    """Drop lines together with their deposit lines."""
    gone = set(line_ids) | {child for parent, child in session.links if parent in line_ids}
    lines = tuple(line for line in session.lines if line.line_id not in gone)
    links = tuple(link for link in session.links if link[0] not in gone)
    return lines, links


def on_price_overridden(session: Session, event: PriceOverridden,
                        ctx: SessionContext) -> Outcome:
    block = staff_block(session, ctx, event.staff_id, Permission.OVERRIDE_PRICE)
    if block is not None:
        return Outcome(session, (), block)
    if session.phase not in BASKET_OPEN:
        return closed(session, CHANGE)
    line = _changeable(session, event.line_id)
    if isinstance(line, Rejection):
        return Outcome(session, (), line)
    if event.new_price < 0:
        return reject(session, "bad-price", "A price cannot be below zero")
    changed = replace(line, override_price=event.new_price, override_by=event.staff_id)
    lines = tuple(changed if other.line_id == line.line_id else other
                  for other in session.lines)
    old = next(p.unit_price.minor for p in session.basket.lines if p.line_id == line.line_id)
    detail: dict[str, object] = {"line_id": line.line_id, "gtin": line.product.gtin,
                                 "from": old, "to": event.new_price, "reason": event.reason}
    return _commit(session, ctx, lines, session.links, event.at,
                   message=ShowMessage("price-overridden", detail),
                   audit=(event.staff_id, "price-override", detail))


def _awaiting(session: Session, ctx: SessionContext, staff_id: str) -> Outcome | None:
    block = staff_block(session, ctx, staff_id, Permission.APPROVE_AGE)
    if block is not None:
        return Outcome(session, (), block)
    if session.phase is not S.AWAITING_APPROVAL:
        return reject(session, "nothing-to-approve", "No item is waiting for age approval")
    return None


def on_age_approved(session: Session, event: AgeApproved, ctx: SessionContext) -> Outcome:
    """Staff checked the shopper's age: items up to this minimum age need no new check."""
    stop = _awaiting(session, ctx, event.staff_id)
    if stop is not None:
        return stop
    min_age = session.basket.min_age
    approved = replace(session, age_approved=min_age).with_phase(S.SCANNING, event.at)
    action = StaffAction(event.staff_id, "age-approved", event.at, {"min_age": min_age})
    audited, record = staff_action(approved, ctx, action)
    return Outcome(audited, (record, ShowMessage("age-approved", {"min_age": min_age})))


def on_age_refused(session: Session, event: AgeRefused, ctx: SessionContext) -> Outcome:
    """The shopper may not buy them: every line above the approved age goes."""
    stop = _awaiting(session, ctx, event.staff_id)
    if stop is not None:
        return stop
    restricted = [line for line in session.lines
                  if line.product.min_age > session.age_approved]
    lines, links = _without(session, {line.line_id for line in restricted})
    detail: dict[str, object] = {"gtins": [line.product.gtin for line in restricted],
                                 "line_ids": [line.line_id for line in restricted]}
    return _commit(session, ctx, lines, links, event.at,
                   message=ShowMessage("age-refused", detail),
                   audit=(event.staff_id, "age-refused", detail))


def on_language_chosen(session: Session, event: LanguageChosen,
                       ctx: SessionContext) -> Outcome:
    """From attract this starts the sale; later it only changes the screen's language."""
    block = shopper_block(session)
    if block is not None:
        return Outcome(session, (), block)
    if event.lang not in ctx.languages:
        return reject(session, "unknown-language",
                      f"Language {event.lang!r} is not offered; choose one of "
                      f"{', '.join(ctx.languages)}")
    if session.phase is S.OUT_OF_ORDER:
        return closed(session, CHANGE)
    chosen = replace(session, language=event.lang)
    if session.phase is S.ATTRACT:
        chosen = chosen.with_phase(S.SCANNING, event.at)
    return Outcome(chosen, ())
