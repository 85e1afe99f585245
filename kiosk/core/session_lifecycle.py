"""A sale's life: a fresh session, a restored one, re-pricing, the approval check, the end.

Sale numbers: the shell starts the session with the next number from the journal. A number
is *consumed* once the sale has been journaled (its first basket change): from then on the
sale ends as a completed, voided or suspended record and the next sale takes the next
number, so the
central side sees every number exactly once. A sale that never held an item (a shopper chose
a language and walked away) consumes nothing and the next shopper gets the same number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from kiosk.core.basket import Line, PricedBasket
from kiosk.core.effects import (
    Beep,
    Effect,
    PublishEvent,
    RecordSale,
    RecordStaffAction,
    ShowMessage,
)
from kiosk.core.events import PaymentOutcome
from kiosk.core.money import Money
from kiosk.core.pricing import PricingError, price_basket
from kiosk.core.sale import Sale, SaleStatus, StaffAction, stock_movements
from kiosk.core.session_model import (
    BASKET_OPEN,
    Attempt,
    Refusal,
    S,
    Session,
    SessionContext,
    SessionState,
)
from kiosk.core.suspended import SuspendedSale


def empty_basket(currency: str) -> PricedBasket:
    return PricedBasket(lines=(), discounts=(), vat=(), total=Money.zero(currency),
                        item_count=0, min_age=0)


def new_session(ctx: SessionContext, sale_number: int, *,
                devices_down: Mapping[str, str] | None = None,
                suspended: Sequence[SuspendedSale] = ()) -> Session:
    """The idle kiosk, ready for sale ``sale_number`` (the journal's next number), with the
    sales suspended on it (the shell keeps that list across restarts)."""
    if sale_number < 1:
        raise ValueError(f"sale numbers start at 1, got {sale_number}")
    down = dict(devices_down or {})
    phase = S.OUT_OF_ORDER if ctx.blocking(down) else S.ATTRACT
    return Session(sale_number=sale_number, basket=empty_basket(ctx.currency), phase=phase,
                   language=ctx.default_language, devices_down=down,
                   suspended=tuple(suspended), accessible=ctx.accessible_by_default)


def restore_session(ctx: SessionContext, *, sale_number: int, lines: Sequence[Line],
                    links: Sequence[tuple[int, int]], started_at: datetime, at: datetime,
                    age_approved: int = 0, member: str | None = None, next_attempt: int = 1,
                    unanswered: tuple[str, Money] | None = None,
                    devices_down: Mapping[str, str] | None = None,
                    suspended: Sequence[SuspendedSale] = ()) -> Session:
    """The open basket journaled before a restart (``at`` is the snapshot's time).

    ``unanswered`` is a payment attempt the journal shows as sent with no answer: the sale
    resumes in payment_unknown, because the card may or may not have been charged and only
    staff, looking at the terminal, may say which; the next attempt is numbered after it even
    if the snapshot predates it. Raises :class:`PricingError` when the journaled lines cannot
    be priced, ValueError when they are inconsistent; the shell then voids the basket with a
    record.
    """
    base = new_session(ctx, sale_number, devices_down=devices_down, suspended=suspended)
    ids = {line.line_id for line in lines}
    broken = [link for link in links if not set(link) <= ids]
    if broken:
        raise ValueError(f"the journaled basket links lines that are not in it: {broken}")
    if unanswered is not None:
        next_attempt = max(next_attempt, _attempt_number(unanswered[0]) + 1)
    session = replace(base, phase=S.SCANNING, phase_since=at, last_activity=at, member=member,
                      started_at=started_at, age_approved=age_approved,
                      next_line_id=max(ids, default=0) + 1, next_attempt=next_attempt)
    priced = reprice(session, ctx, tuple(lines), tuple(links), at)
    if isinstance(priced, Refusal):
        raise PricingError("the journaled basket cannot be priced", priced.reason)
    if unanswered is not None:
        attempt_id, amount = unanswered
        attempt = Attempt(attempt_id, amount, started_at=at, outcome=PaymentOutcome.UNKNOWN,
                          answered_at=at, auth={"reason": "no answer before the restart"})
        return replace(priced, phase=S.PAYMENT_UNKNOWN, attempts=(attempt,))
    return settle(priced, ctx, at)[0]


def _attempt_number(attempt_id: str) -> int:
    """``n`` of ``{sale_id}-P{n}``, so a restored sale never reuses an attempt id."""
    head, _, number = attempt_id.rpartition("-P")
    if not (head and number.isdigit()):
        raise ValueError(f"{attempt_id!r} is not a payment attempt id of the form SALE-Pn")
    return int(number)


def reprice(session: Session, ctx: SessionContext, lines: tuple[Line, ...],
            links: tuple[tuple[int, int], ...], at: datetime) -> Session | Refusal:
    """The session with these lines, priced at ``at``; a Refusal if they cannot be priced."""
    try:
        basket = price_basket(lines, promotions=ctx.promotions, vat_rates=ctx.vat_rates,
                              currency=ctx.currency, at=at, member=session.member is not None)
    except PricingError as exc:
        return Refusal("cannot-price", exc.message)
    return replace(session, lines=lines, links=links, basket=basket, priced_at=at,
                   started_at=session.started_at or at)


def settle(session: Session, ctx: SessionContext,
           at: datetime) -> tuple[Session, tuple[Effect, ...]]:
    """After a basket change: wait for staff if an item's minimum age is not yet approved."""
    if session.phase not in BASKET_OPEN:
        return session, ()
    needs = session.basket.min_age > session.age_approved
    target = S.AWAITING_APPROVAL if needs else S.SCANNING
    if target == session.phase:
        return session, ()
    settled = session.with_phase(target, at)
    if not needs:
        return settled, ()
    params = {"sale_id": ctx.sale_id(session.sale_number), "min_age": session.basket.min_age}
    return settled, (PublishEvent("age-approval-needed", params),
                     ShowMessage("age-check", params), Beep("attention"))


def staff_action(session: Session, ctx: SessionContext,
                 record: StaffAction) -> tuple[Session, RecordStaffAction]:
    """Audit an action: kept on the sale record and journaled on its own at once."""
    in_sale = session.started_at is not None
    sale_id = ctx.sale_id(session.sale_number) if in_sale else None
    kept = (*session.staff_actions, record) if in_sale else session.staff_actions
    return replace(session, staff_actions=kept), RecordStaffAction.of(record, sale_id)


def build_sale(session: Session, ctx: SessionContext, at: datetime, status: SaleStatus,
               reason: str = "") -> Sale:
    """The sale record, from the basket priced when the lines last changed."""
    completed = status is SaleStatus.COMPLETED
    return Sale(
        sale_id=ctx.sale_id(session.sale_number), sale_number=session.sale_number,
        store_id=ctx.store_id, kiosk_id=ctx.kiosk_id, status=status,
        started_at=session.started_at or at, completed_at=at, basket=session.basket,
        payments=tuple(attempt.record() for attempt in session.attempts),
        staff_actions=session.staff_actions,
        stock=stock_movements(session.lines) if completed else (),
        language=session.language, member=session.member, reason=reason,
    )


def next_sale(session: Session, ctx: SessionContext, at: datetime,
              ) -> tuple[Session, tuple[Effect, ...]]:
    """End the current sale: assisted mode ends with it, a pending lock now applies."""
    effects: list[Effect] = []
    overlays = [o for o in session.overlays if o is not S.ASSISTED]
    if S.ASSISTED in session.overlays and session.staff is not None:
        ended = StaffAction(session.staff.staff_id, "assisted-ended", at,
                            {"why": "the sale ended"})
        effects.append(staff_action(session, ctx, ended)[1])
    locked_by = session.locked_by
    if session.lock_pending is not None and S.LOCKED not in overlays:
        overlays.insert(0, S.LOCKED)
        locked_by = session.lock_pending
        effects.append(PublishEvent("locked", {"by": locked_by}))
    consumed = session.started_at is not None
    number = session.sale_number + 1 if consumed else session.sale_number
    fresh = new_session(ctx, number, devices_down=session.devices_down,
                        suspended=session.suspended)
    fresh = replace(fresh, overlays=tuple(overlays), locked_by=locked_by, phase_since=at,
                    last_activity=at, last_sale_id=session.last_sale_id,
                    last_paid_attempt=session.last_paid_attempt)
    return fresh, tuple(effects)


def phase_after_payment(session: Session) -> SessionState:
    """Where a sale goes back to when a payment did not go through."""
    return S.AWAITING_APPROVAL if session.basket.min_age > session.age_approved else S.SCANNING


def void_sale(session: Session, ctx: SessionContext, at: datetime,
              reason: str) -> tuple[Session, tuple[Effect, ...]]:
    """End the sale unpaid: a journaled sale is closed by a voided record, never dropped."""
    effects: tuple[Effect, ...] = ()
    if session.started_at is not None:
        effects = (RecordSale(build_sale(session, ctx, at, SaleStatus.VOIDED, reason)),)
    fresh, more = next_sale(session, ctx, at)
    return fresh, effects + more
