"""Paying: one attempt at a time, answers matched by attempt id, nothing ever guessed.

* PayPressed starts attempt ``{sale_id}-P{n}``; a second press while it runs is rejected, so a
  double tap never sends two requests. The attempt is journaled ("started") before the
  terminal is asked, so after a power cut the kiosk knows a request may be out there.
* Only the in-flight attempt's answer counts. A stale answer is ignored; a stale *approval*
  is not silently ignored either: it is journaled and raised as an alert, because it means a
  card was charged for an attempt the sale no longer counts, and staff must reverse it.
* ``unknown`` (or no answer within ``payment_timeout``) goes to payment_unknown. The terminal
  may still speak later; that is recorded for staff to see, but only staff, having checked the
  terminal, resolve the attempt: approved completes the sale, declined reopens the basket.
* Approved: the attempt and the sale are recorded (durable effects) before "paid" is shown
  and the receipt printed; with the printer down the receipt goes straight to the QR screen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from kiosk.core.effects import (
    Beep,
    CancelPayment,
    Effect,
    PrintReceipt,
    PublishEvent,
    RecordPaymentAttempt,
    RecordSale,
    ShowMessage,
    StartPayment,
)
from kiosk.core.events import (
    PRINTER,
    TERMINAL,
    CancelPaymentPressed,
    CashTaken,
    PaymentOutcome,
    PaymentResolved,
    PaymentResult,
    PaymentStarted,
    PayPressed,
)
from kiosk.core.money import Money
from kiosk.core.sale import SaleStatus, StaffAction
from kiosk.core.session_guards import reject, shopper_block, staff_block
from kiosk.core.session_lifecycle import build_sale, phase_after_payment, staff_action
from kiosk.core.session_model import Attempt, Outcome, Rejection, S, Session, SessionContext
from kiosk.core.staff import Permission

STALE = "This answer is for a payment attempt that is no longer current; it was ignored"

_NOT_PAYABLE: Mapping[S, tuple[str, str]] = {
    S.ATTRACT: ("empty-basket", "The basket is empty; scan an item first"),
    S.AWAITING_APPROVAL: ("age-approval-pending",
                          "An item needs age approval by a staff member before you can pay"),
    S.PAYMENT: ("payment-in-progress", "Payment is already in progress"),
    S.PAYMENT_UNKNOWN: ("payment-unknown", "A staff member must first check the last payment"),
    S.PAID: ("sale-paid", "The sale is already paid"),
    S.RECEIPT: ("sale-paid", "The sale is already paid"),
    S.OUT_OF_ORDER: ("out-of-order", "This checkout is out of order; please use another one"),
}


def _payable(session: Session) -> Rejection | None:
    if session.phase is not S.SCANNING:
        return Rejection(*_NOT_PAYABLE[session.phase])
    if not session.lines:
        return Rejection(*_NOT_PAYABLE[S.ATTRACT])
    if session.total.minor < 0:
        return Rejection("negative-total",
                         "The total is below zero; a staff member must handle this sale")
    return None


def on_pay_pressed(session: Session, event: PayPressed, ctx: SessionContext) -> Outcome:
    block = shopper_block(session) or _payable(session)
    if block is not None:
        return Outcome(session, (), block)
    if session.total.minor == 0:  # everything free: nothing to charge, the sale completes
        return _complete(session, ctx, event.at, ())
    if TERMINAL in session.devices_down:
        return reject(session, "card-unavailable",
                      "Card payment is unavailable right now; please ask a staff member")
    sale_id = ctx.sale_id(session.sale_number)
    attempt = Attempt(f"{sale_id}-P{session.next_attempt}", session.total, event.at)
    paying = replace(session, attempts=(*session.attempts, attempt),
                     next_attempt=session.next_attempt + 1).with_phase(S.PAYMENT, event.at)
    return Outcome(paying, (
        RecordPaymentAttempt(attempt.attempt_id, sale_id, attempt.amount, "started", event.at),
        StartPayment(attempt.attempt_id, sale_id, attempt.amount),
        ShowMessage("follow-terminal", {"amount": attempt.amount.minor}),
    ))


def on_payment_started(session: Session, event: PaymentStarted,
                       ctx: SessionContext) -> Outcome:
    current = session.in_flight
    if session.phase is not S.PAYMENT or current is None or current.attempt_id != event.attempt_id:
        return reject(session, "stale-payment", STALE)
    return Outcome(session, (ShowMessage("present-card", {"amount": current.amount.minor}),))


def on_cancel_payment(session: Session, event: CancelPaymentPressed,
                      ctx: SessionContext) -> Outcome:
    """Ask the terminal to stop; the terminal's answer, not this press, ends the attempt."""
    block = shopper_block(session)
    if block is not None:
        return Outcome(session, (), block)
    current = session.in_flight
    if session.phase is not S.PAYMENT or current is None:
        return reject(session, "no-payment", "No card payment is in progress")
    if current.cancel_requested:
        return reject(session, "cancel-requested",
                      "Cancelling the payment; waiting for the terminal to confirm")
    asked = _replace_attempt(session, replace(current, cancel_requested=True))
    return Outcome(asked, (CancelPayment(current.attempt_id),
                           ShowMessage("cancelling-payment", {})))


def on_payment_result(session: Session, event: PaymentResult, ctx: SessionContext) -> Outcome:
    current = session.in_flight
    if current is not None and current.attempt_id == event.attempt_id:
        if session.phase is S.PAYMENT:
            return _answer(session, ctx, current, event)
        return _late_answer(session, ctx, current, event)
    if event.outcome is PaymentOutcome.APPROVED and event.attempt_id != session.last_paid_attempt:
        return _stray_approval(session, event)
    return reject(session, "stale-payment", STALE)


def _answer(session: Session, ctx: SessionContext, current: Attempt,
            event: PaymentResult) -> Outcome:
    answered = replace(current, outcome=event.outcome, answered_at=event.at,
                       auth=dict(event.auth))
    if event.outcome is PaymentOutcome.UNKNOWN:
        return _unknown(session, ctx, answered, event.at, event.auth.get("reason", ""))
    if event.outcome is PaymentOutcome.APPROVED:
        if event.amount is not None and event.amount != current.amount:
            why = f"the terminal approved {event.amount} but {current.amount} was asked"
            return _unknown(session, ctx, replace(answered, outcome=PaymentOutcome.UNKNOWN),
                            event.at, why)
        return _approved(session, ctx, answered, event.at, ())
    return _not_paid(session, ctx, answered, event.at, ())


def _record(ctx: SessionContext, session: Session, attempt: Attempt, outcome: str,
            at: datetime, **detail: str) -> RecordPaymentAttempt:
    if attempt.resolved_by is not None:
        detail = {**detail, "resolved_by": attempt.resolved_by}
    return RecordPaymentAttempt(attempt.attempt_id, ctx.sale_id(session.sale_number),
                                attempt.amount, outcome, at, attempt.method,
                                {**attempt.auth, **detail})


def _replace_attempt(session: Session, attempt: Attempt) -> Session:
    kept = tuple(a for a in session.attempts if a.attempt_id != attempt.attempt_id)
    return replace(session, attempts=(*kept, attempt))


def _unknown(session: Session, ctx: SessionContext, attempt: Attempt, at: datetime,
             reason: str) -> Outcome:
    attempt = replace(attempt, outcome=PaymentOutcome.UNKNOWN, answered_at=at)
    waiting = _replace_attempt(session, attempt).with_phase(S.PAYMENT_UNKNOWN, at)
    detail = {"sale_id": ctx.sale_id(session.sale_number), "attempt_id": attempt.attempt_id,
              "amount": attempt.amount.minor, "reason": reason}
    return Outcome(waiting, (
        _record(ctx, session, attempt, PaymentOutcome.UNKNOWN.value, at, reason=reason),
        PublishEvent("payment-unknown", detail),
        ShowMessage("payment-unknown", detail), Beep("attention"),
    ))


def _approved(session: Session, ctx: SessionContext, attempt: Attempt, at: datetime,
              before: tuple[Effect, ...]) -> Outcome:
    recorded = _record(ctx, session, attempt, PaymentOutcome.APPROVED.value, at)
    paid = replace(_replace_attempt(session, attempt), last_paid_attempt=attempt.attempt_id)
    return _complete(paid, ctx, at, (recorded, *before))


def _not_paid(session: Session, ctx: SessionContext, attempt: Attempt, at: datetime,
              before: tuple[Effect, ...]) -> Outcome:
    """Declined or cancelled: the basket opens again for another attempt."""
    outcome = attempt.outcome or PaymentOutcome.DECLINED
    back = _replace_attempt(session, attempt)
    back = back.with_phase(phase_after_payment(back), at)
    return Outcome(back, (_record(ctx, session, attempt, outcome.value, at), *before,
                          ShowMessage(f"payment-{outcome.value}",
                                      {"reason": attempt.auth.get("reason", "")})))


def _complete(session: Session, ctx: SessionContext, at: datetime,
              before: tuple[Effect, ...]) -> Outcome:
    sale = build_sale(session, ctx, at, SaleStatus.COMPLETED)
    printer_down = PRINTER in session.devices_down
    done = replace(session, sale=sale, last_sale_id=sale.sale_id)
    done = done.with_phase(S.RECEIPT if printer_down else S.PAID, at)
    receipt: Effect = (ShowMessage("receipt-qr", {"sale_id": sale.sale_id,
                                                  "reason": session.devices_down[PRINTER]})
                       if printer_down else PrintReceipt(sale.sale_id))
    return Outcome(done, (*before, RecordSale(sale),
                          ShowMessage("paid", {"sale_id": sale.sale_id,
                                               "total": sale.total.minor}), receipt))


def _late_answer(session: Session, ctx: SessionContext, current: Attempt,
                 event: PaymentResult) -> Outcome:
    """The terminal spoke after we declared the attempt unknown (late, or found by a recovery):
    keep it for staff to see. It settles nothing; an approval's card data and receipt stay on
    the attempt, so a staff resolution as approved puts them on the shopper's receipt."""
    if current.late_answer is event.outcome:
        return reject(session, "stale-payment", STALE)
    auth = dict(current.auth)
    if event.outcome is PaymentOutcome.APPROVED:
        auth.update({key: value for key, value in event.auth.items() if key != "reason"})
    noted = _replace_attempt(session, replace(current, late_answer=event.outcome, auth=auth))
    detail = {"attempt_id": current.attempt_id, "outcome": event.outcome.value}
    return Outcome(noted, (
        _record(ctx, session, current, f"late-{event.outcome.value}", event.at,
                **dict(event.auth)),
        PublishEvent("payment-late-answer", detail),
    ))


def _stray_approval(session: Session, event: PaymentResult) -> Outcome:
    """An approval for an attempt the sale no longer counts: never charged twice silently."""
    sale_id = event.attempt_id.rsplit("-P", 1)[0]
    amount = event.amount or Money.zero(session.total.currency)
    detail = {"attempt_id": event.attempt_id, "sale_id": sale_id, "amount": amount.minor}
    return Outcome(session, (
        RecordPaymentAttempt(event.attempt_id, sale_id, amount, "approved-stray", event.at,
                             "card", dict(event.auth)),
        PublishEvent("payment-stray-approval", detail),
    ))


def on_payment_resolved(session: Session, event: PaymentResolved,
                        ctx: SessionContext) -> Outcome:
    block = staff_block(session, ctx, event.staff_id, Permission.RESOLVE_PAYMENT)
    if block is not None:
        return Outcome(session, (), block)
    current = session.in_flight
    if session.phase is not S.PAYMENT_UNKNOWN or current is None:
        return reject(session, "nothing-to-resolve", "No payment is waiting to be resolved")
    if current.attempt_id != event.attempt_id:
        return reject(session, "wrong-attempt",
                      f"The payment waiting is {current.attempt_id}, not {event.attempt_id}")
    if event.outcome is PaymentOutcome.UNKNOWN:
        return reject(session, "bad-resolution",
                      "Check the terminal and say whether the payment was approved or declined")
    resolved = replace(current, outcome=event.outcome, resolved_by=event.staff_id,
                       answered_at=event.at, auth={**current.auth, **event.auth})
    action = StaffAction(event.staff_id, "payment-resolved", event.at,
                         {"attempt_id": current.attempt_id, "outcome": event.outcome.value})
    audited, audit = staff_action(session, ctx, action)
    if event.outcome is PaymentOutcome.APPROVED:
        return _approved(audited, ctx, resolved, event.at, (audit,))
    return _not_paid(audited, ctx, resolved, event.at, (audit,))


def on_cash_taken(session: Session, event: CashTaken, ctx: SessionContext) -> Outcome:
    """The staff cash path: a signed-in member with ``take_cash`` takes the money."""
    block = staff_block(session, ctx, event.staff_id, Permission.TAKE_CASH) or _payable(session)
    if block is not None:
        return Outcome(session, (), block)
    total = session.total
    if event.tendered.currency != total.currency:
        return reject(session, "wrong-currency", f"The sale is in {total.currency}")
    if event.tendered < total:
        return reject(session, "not-enough-cash",
                      f"{event.tendered} does not cover the total of {total}")
    sale_id = ctx.sale_id(session.sale_number)
    change = event.tendered - total
    attempt = Attempt(f"{sale_id}-P{session.next_attempt}", total, event.at, method="cash",
                      outcome=PaymentOutcome.APPROVED, answered_at=event.at,
                      resolved_by=event.staff_id, tendered=event.tendered, change=change)
    counted = replace(session, attempts=(*session.attempts, attempt),
                      next_attempt=session.next_attempt + 1)
    action = StaffAction(event.staff_id, "cash-taken", event.at,
                         {"tendered": event.tendered.minor, "change": change.minor})
    audited, audit = staff_action(counted, ctx, action)
    outcome = _approved(audited, ctx, attempt, event.at, (audit,))
    return Outcome(outcome.session,
                   (*outcome.effects, ShowMessage("change-due", {"change": change.minor})))


def payment_timeout(session: Session, ctx: SessionContext, at: datetime) -> Outcome | None:
    """No answer from the terminal in time: unknown, never assumed declined."""
    current = session.in_flight
    if (session.phase is S.PAYMENT and current is not None and current.outcome is None
            and at - current.started_at >= ctx.shopper_timeout(session, ctx.payment_timeout)):
        return _unknown(session, ctx, current, at, "no answer from the terminal in time")
    return None
