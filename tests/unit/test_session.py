"""The checkout session, driven with event sequences: whole sales, payments, rejections."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from test_session_kit import (
    BEER,
    COKE,
    DEPOSIT,
    EVIAN,
    NUTELLA,
    PEN,
    T0,
    Kiosk,
    eur,
    kinds,
    make_ctx,
)

from kiosk.core import events as ev
from kiosk.core.effects import (
    CancelPayment,
    JournalBasket,
    PublishEvent,
    RecordPaymentAttempt,
    RecordSale,
    SetLight,
    ShowMessage,
    StartPayment,
)
from kiosk.core.sale import SaleStatus
from kiosk.core.session import Rejection, SessionState, restore_session, step

S = SessionState
PO = ev.PaymentOutcome


def _basket(kiosk: Kiosk, *gtins: str) -> None:
    for gtin in gtins:
        outcome = kiosk.scan(gtin)
        assert (outcome.rejected, outcome.refused) == (None, None)


def test_a_whole_sale_from_attract_to_the_next_shopper() -> None:
    kiosk = Kiosk()
    assert kiosk.session.state is S.ATTRACT
    assert kiosk.send(ev.LanguageChosen, "fr").session.state is S.SCANNING
    _basket(kiosk, NUTELLA, COKE, COKE)
    session = kiosk.session
    assert [(line.product.gtin, line.quantity) for line in session.lines] == [(NUTELLA, 1),
                                                                              (COKE, 2)]
    assert session.total == eur(429 + 240)

    paying = kiosk.pay()
    assert kiosk.session.state is S.PAYMENT
    start = next(e for e in paying.effects if isinstance(e, StartPayment))
    assert start == StartPayment("store-0001-k01-00000001-P1", "store-0001-k01-00000001",
                                 eur(669))
    assert kinds(paying)[:2] == ["RecordPaymentAttempt", "StartPayment"]  # journaled first

    kiosk.send(ev.PaymentStarted, start.attempt_id)
    paid = kiosk.approve()
    assert kiosk.session.state is S.PAID
    order = kinds(paid)
    assert order.index("RecordSale") < order.index("ShowMessage") < order.index("PrintReceipt")
    assert [e.key for e in paid.effects if isinstance(e, ShowMessage)] == ["paid"]

    sale = next(e for e in paid.effects if isinstance(e, RecordSale)).sale
    assert (sale.sale_id, sale.status, sale.total) == ("store-0001-k01-00000001",
                                                      SaleStatus.COMPLETED, eur(669))
    assert sale.language == "fr"
    assert [(p.outcome, p.auth["auth_code"]) for p in sale.payments] == [("approved", "A1B2C3")]

    assert kiosk.send(ev.ReceiptDone, sale.sale_id).session.state is S.RECEIPT
    assert kiosk.send(ev.Tick, after=10).session.state is S.RECEIPT
    done = kiosk.send(ev.Tick, after=10)  # receipt_timeout is 20 s
    assert done.session.state is S.ATTRACT
    assert done.session.sale_number == 2
    assert done.session.lines == ()
    assert done.session.language == "en"
    assert SetLight("ready") in done.effects


def test_the_light_follows_the_sale() -> None:
    kiosk = Kiosk()
    kiosk.scan(PEN)
    kiosk.pay()
    kiosk.answer(PO.UNKNOWN)
    lights = [e.pattern for e in kiosk.effects(SetLight)]
    assert lights == ["busy", "payment-unknown"]


def test_the_sale_record_is_json_ready_with_stock_in_items_and_grams() -> None:
    kiosk = Kiosk()
    _basket(kiosk, COKE, COKE)
    kiosk.send(ev.PluEntered, "4011", 1234)
    kiosk.pay()
    sale = next(e for e in kiosk.approve().effects if isinstance(e, RecordSale)).sale
    data = json.loads(json.dumps(sale.to_dict()))
    assert data["currency"] == "EUR"
    assert data["total"] == 240 + 246  # 1.234 kg at 1.99/kg = 2.4557 -> 2.46
    assert [(line["gtin"], line["amount"]) for line in data["lines"]] == [
        (COKE, 240), ("02100401000000", 246)]
    assert data["stock"] == [{"gtin": "02100401000000", "delta": -1234, "unit": "g"},
                             {"gtin": COKE, "delta": -2, "unit": "each"}]
    assert sum(v["gross"] for v in data["vat"]) == data["total"]
    assert data["payments"][0]["amount"] == 486
    assert data["started_at"] == (T0 + timedelta(seconds=1)).isoformat()


def test_every_basket_change_is_journaled_last() -> None:
    kiosk = Kiosk()
    first = kiosk.scan(NUTELLA)
    assert isinstance(first.effects[-1], JournalBasket)
    journal = first.effects[-1]
    assert (journal.sale_id, [line.product.gtin for line in journal.lines]) == (
        "store-0001-k01-00000001", [NUTELLA])
    assert json.loads(json.dumps(journal.to_dict()))["lines"][0]["product"]["gtin"] == NUTELLA
    language = kiosk.send(ev.LanguageChosen, "zh")
    assert not any(isinstance(e, JournalBasket) for e in language.effects)


# --- rejections: nothing changes, nothing happens ----------------------------------------------

def _assert_rejected(kiosk: Kiosk, event_type: type[ev.Event], *args: object,
                     code: str, reason: str | None = None) -> Rejection:
    before = kiosk.session
    outcome = kiosk.send(event_type, *args)
    assert outcome.rejected is not None, outcome
    assert outcome.rejected.code == code
    if reason is not None:
        assert outcome.rejected.reason == reason
    assert outcome.session is before
    assert outcome.effects == ()
    return outcome.rejected


def test_items_cannot_be_added_during_payment() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA)
    kiosk.pay()
    _assert_rejected(kiosk, ev.ItemScanned, COKE[1:], "ean13", code="payment-in-progress",
                     reason="Payment is in progress; items cannot be added now")
    _assert_rejected(kiosk, ev.PluEntered, "4011", 500, code="payment-in-progress")
    _assert_rejected(kiosk, ev.LineVoided, 1, code="payment-in-progress",
                     reason="Payment is in progress; the basket cannot be changed now")


def test_a_paid_sale_cannot_change() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA)
    kiosk.pay()
    kiosk.approve()
    _assert_rejected(kiosk, ev.QuantityChanged, 1, 3, code="sale-paid",
                     reason="The sale is paid; the basket cannot be changed any more")
    _assert_rejected(kiosk, ev.LineVoided, 1, code="sale-paid")
    _assert_rejected(kiosk, ev.PayPressed, code="sale-paid")
    kiosk.staff("s-002", "supervisor")
    _assert_rejected(kiosk, ev.SaleCancelled, "s-002", code="sale-paid",
                     reason="A paid sale cannot be cancelled; refund it instead")
    _assert_rejected(kiosk, ev.PriceOverridden, 1, 100, "s-002", code="sale-paid")


@pytest.mark.parametrize(("event_type", "args", "code"), [
    (ev.PayPressed, (), "empty-basket"),
    (ev.QuantityChanged, (1, 2), "no-sale"),
    (ev.CancelPaymentPressed, (), "no-payment"),
    (ev.HelpCancelled, (), "no-help-request"),
    (ev.ReceiptDone, ("store-0001-k01-00000001",), "not-printing"),
    (ev.AgeApproved, ("s-017",), "staff-required"),
    (ev.KioskUnlocked, ("fleet",), "not-locked"),
    (ev.PaymentStarted, ("store-0001-k01-00000001-P1",), "stale-payment"),
    (ev.LanguageChosen, ("de",), "unknown-language"),
    (ev.StaffUnlocked, ("s-1", "janitor"), "unknown-role"),
])
def test_events_that_make_no_sense_when_idle_are_rejected(event_type: type[ev.Event],
                                                          args: tuple, code: str) -> None:
    _assert_rejected(Kiosk(), event_type, *args, code=code)


def test_an_event_the_session_does_not_know_is_rejected() -> None:
    class Unknown(ev.Event):
        pass

    kiosk = Kiosk()
    outcome = step(kiosk.session, Unknown(at=T0), kiosk.ctx)
    assert outcome.rejected == Rejection("unknown-event",
                                         "Unknown is not an event the session handles")


def test_events_need_an_aware_utc_time() -> None:
    with pytest.raises(ValueError, match="aware UTC"):
        ev.Tick(at=T0.replace(tzinfo=None))


# --- payment -----------------------------------------------------------------------------------

def test_pay_pressed_twice_starts_one_payment() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA)
    kiosk.pay()
    _assert_rejected(kiosk, ev.PayPressed, code="payment-in-progress",
                     reason="Payment is already in progress")
    assert len(kiosk.effects(StartPayment)) == 1


def test_a_declined_payment_reopens_the_basket_and_the_next_attempt_has_a_new_id() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA)
    kiosk.pay()
    declined = kiosk.answer(PO.DECLINED, reason="insufficient funds")
    assert declined.session.state is S.SCANNING
    assert ShowMessage("payment-declined", {"reason": "insufficient funds"}) in declined.effects
    assert kiosk.scan(COKE).rejected is None  # lines may change again
    kiosk.pay()
    assert [e.attempt_id for e in kiosk.effects(StartPayment)] == [
        "store-0001-k01-00000001-P1", "store-0001-k01-00000001-P2"]
    assert kiosk.effects(StartPayment)[1].amount == eur(549)
    sale = next(e for e in kiosk.approve().effects if isinstance(e, RecordSale)).sale
    assert [(p.attempt_id[-2:], p.outcome) for p in sale.payments] == [("P1", "declined"),
                                                                      ("P2", "approved")]


def test_a_late_answer_for_an_old_attempt_is_ignored() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA)
    kiosk.pay()
    kiosk.answer(PO.DECLINED)
    kiosk.pay()
    before = kiosk.session
    late = kiosk.send(ev.PaymentResult, "store-0001-k01-00000001-P1", PO.CANCELLED, None, {})
    assert late.rejected is not None
    assert late.rejected.code == "stale-payment"
    assert late.session is before
    assert late.effects == ()


def test_a_late_approval_for_an_old_attempt_never_completes_the_sale_but_raises_an_alert() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA)
    kiosk.pay()
    kiosk.answer(PO.DECLINED)
    kiosk.pay()
    before = kiosk.session
    stray = kiosk.send(ev.PaymentResult, "store-0001-k01-00000001-P1", PO.APPROVED, eur(429),
                       {"auth_code": "Z9"})
    assert stray.session is before  # still paying attempt P2: no sale, no second charge
    assert stray.rejected is None
    assert [type(e).__name__ for e in stray.effects] == ["RecordPaymentAttempt", "PublishEvent"]
    assert stray.effects[1] == PublishEvent("payment-stray-approval", {
        "attempt_id": "store-0001-k01-00000001-P1", "sale_id": "store-0001-k01-00000001",
        "amount": 429})
    assert not kiosk.effects(RecordSale)


def test_a_repeated_approval_of_the_paid_attempt_is_ignored() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA)
    kiosk.pay()
    kiosk.approve()
    attempt = kiosk.session.attempts[-1].attempt_id
    again = kiosk.send(ev.PaymentResult, attempt, PO.APPROVED, eur(429), {})
    assert again.rejected is not None
    assert again.effects == ()
    assert len(kiosk.effects(RecordSale)) == 1


def test_an_unknown_payment_waits_for_staff_and_they_resolve_it_approved() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA)
    kiosk.pay()
    unknown = kiosk.answer(PO.UNKNOWN, reason="terminal offline")
    assert unknown.session.state is S.PAYMENT_UNKNOWN
    assert PublishEvent("payment-unknown", {
        "sale_id": "store-0001-k01-00000001", "attempt_id": "store-0001-k01-00000001-P1",
        "amount": 429, "reason": "terminal offline"}) in unknown.effects
    assert SetLight("payment-unknown") in unknown.effects
    _assert_rejected(kiosk, ev.PayPressed, code="payment-unknown")
    _assert_rejected(kiosk, ev.ItemScanned, COKE[1:], "ean13", code="payment-unknown")
    attempt = kiosk.attempt_id()
    _assert_rejected(kiosk, ev.PaymentResolved, attempt, PO.APPROVED, "s-017",
                     code="staff-required")
    kiosk.staff()
    _assert_rejected(kiosk, ev.PaymentResolved, attempt, PO.UNKNOWN, "s-017",
                     code="bad-resolution")
    resolved = kiosk.send(ev.PaymentResolved, attempt, PO.APPROVED, "s-017",
                          {"auth_code": "M4N"})
    assert resolved.session.phase is S.PAID
    sale = next(e for e in resolved.effects if isinstance(e, RecordSale)).sale
    assert sale.payments[0].resolved_by == "s-017"
    assert [a.action for a in sale.staff_actions] == ["unlock", "payment-resolved"]


def test_an_unknown_payment_resolved_declined_reopens_the_basket() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA)
    kiosk.pay()
    kiosk.answer(PO.UNKNOWN)
    kiosk.staff()
    resolved = kiosk.send(ev.PaymentResolved, kiosk.attempt_id(), PO.DECLINED, "s-017")
    assert resolved.session.phase is S.SCANNING
    kiosk.send(ev.AssistedExited, "s-017")
    assert kiosk.pay().session.state is S.PAYMENT
    assert kiosk.attempt_id().endswith("-P2")


def test_the_terminal_speaking_after_unknown_is_recorded_but_staff_still_decide() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA)
    kiosk.pay()
    kiosk.answer(PO.UNKNOWN)
    late = kiosk.answer(PO.APPROVED)
    assert late.session.state is S.PAYMENT_UNKNOWN
    assert late.session.in_flight is not None
    assert late.session.in_flight.late_answer is PO.APPROVED
    assert [e.outcome for e in late.effects if isinstance(e, RecordPaymentAttempt)] == [
        "late-approved"]
    assert not kiosk.effects(RecordSale)


def test_no_answer_from_the_terminal_in_time_is_unknown_never_declined() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA)
    kiosk.pay()
    assert kiosk.send(ev.Tick, after=179).session.state is S.PAYMENT
    timed_out = kiosk.send(ev.Tick, after=1)
    assert timed_out.session.state is S.PAYMENT_UNKNOWN
    assert any(isinstance(e, PublishEvent) and e.kind == "payment-unknown"
               for e in timed_out.effects)


def test_an_approved_amount_that_differs_is_not_taken_as_paid() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA)
    kiosk.pay()
    odd = kiosk.send(ev.PaymentResult, kiosk.attempt_id(), PO.APPROVED, eur(1), {})
    assert odd.session.state is S.PAYMENT_UNKNOWN
    assert "the terminal approved 0.01 EUR but 4.29 EUR was asked" in str(odd.effects)


def test_cancelling_asks_the_terminal_and_waits_for_its_answer() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA)
    kiosk.pay()
    asked = kiosk.send(ev.CancelPaymentPressed)
    assert asked.effects[0] == CancelPayment(kiosk.attempt_id())
    assert asked.session.state is S.PAYMENT  # the card may still have been charged
    _assert_rejected(kiosk, ev.CancelPaymentPressed, code="cancel-requested")
    assert kiosk.answer(PO.CANCELLED).session.state is S.SCANNING


def test_a_cancel_that_lost_the_race_with_an_approval_completes_the_sale() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA)
    kiosk.pay()
    kiosk.send(ev.CancelPaymentPressed)
    assert kiosk.approve().session.state is S.PAID


def test_an_all_free_basket_completes_without_a_payment() -> None:
    free = replace(make_ctx().catalogue.by_gtin(PEN), price=0)
    kiosk = Kiosk(ctx=make_ctx(catalogue=type(make_ctx().catalogue)({PEN: free})))
    kiosk.scan(PEN)
    paid = kiosk.pay()
    assert paid.session.state is S.PAID
    assert not kiosk.effects(StartPayment)
    assert next(e for e in paid.effects if isinstance(e, RecordSale)).sale.payments == ()


def test_the_printer_reports_done_or_failed_and_silence_does_not_hold_the_shopper() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA)
    kiosk.pay()
    kiosk.approve()
    sale_id = kiosk.session.sale.sale_id
    failed = kiosk.send(ev.ReceiptFailed, sale_id, "paper out")
    assert failed.session.state is S.RECEIPT
    assert ShowMessage("receipt-qr", {"sale_id": sale_id, "reason": "paper out"}) in failed.effects

    other = Kiosk()
    _basket(other, NUTELLA)
    other.pay()
    other.approve()
    assert other.send(ev.Tick, after=29).session.state is S.PAID
    assert other.send(ev.Tick, after=1).session.state is S.RECEIPT


def test_the_next_shoppers_scan_ends_the_receipt_screen() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA)
    kiosk.pay()
    kiosk.approve()
    kiosk.send(ev.ReceiptDone, kiosk.session.sale.sale_id)
    nxt = kiosk.scan(COKE)
    assert nxt.session.state is S.SCANNING
    assert nxt.session.sale_number == 2
    assert [line.product.gtin for line in nxt.session.lines] == [COKE]


def test_replaying_the_same_events_gives_the_same_effects() -> None:
    def run() -> list:
        kiosk = Kiosk()
        _basket(kiosk, NUTELLA, EVIAN, EVIAN, EVIAN, BEER)
        kiosk.staff()
        kiosk.send(ev.AgeApproved, "s-017")
        kiosk.send(ev.AssistedExited, "s-017")
        kiosk.pay()
        kiosk.approve()
        return [o.effects for o in kiosk.outcomes]

    assert run() == run()


# --- restore after a power cut -----------------------------------------------------------------

def test_a_journaled_basket_restores_to_the_same_sale() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA, BEER)
    snap = kiosk.effects(JournalBasket)[-1]
    restored = restore_session(kiosk.ctx, sale_number=snap.sale_number, lines=snap.lines,
                               links=snap.links, started_at=snap.started_at, at=snap.at,
                               age_approved=snap.age_approved, next_attempt=snap.next_attempt)
    assert restored.state is S.AWAITING_APPROVAL  # the beer still needs its age check
    assert restored.total == kiosk.session.total == eur(429 + 199 + 25)
    assert restored.deposit_of(2) == 3
    assert restored.next_line_id == 4
    assert [line.product.gtin for line in restored.lines] == [NUTELLA, BEER, DEPOSIT]


def test_a_payment_sent_before_a_power_cut_resumes_as_unknown() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA)
    kiosk.pay()
    snap = kiosk.effects(JournalBasket)[-1]
    assert snap.next_attempt == 2
    restored = restore_session(kiosk.ctx, sale_number=1, lines=snap.lines, links=snap.links,
                               started_at=snap.started_at, at=snap.at,
                               next_attempt=snap.next_attempt,
                               unanswered=("store-0001-k01-00000001-P1", eur(429)))
    assert restored.state is S.PAYMENT_UNKNOWN
    assert restored.in_flight is not None
    assert restored.in_flight.attempt_id == "store-0001-k01-00000001-P1"


def test_a_restore_never_reuses_the_attempt_id_of_an_unanswered_payment() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA)
    snap = kiosk.effects(JournalBasket)[-1]  # written before PayPressed: next_attempt is 1
    kiosk.pay()
    restored = restore_session(kiosk.ctx, sale_number=1, lines=snap.lines, links=snap.links,
                               started_at=snap.started_at, at=snap.at,
                               next_attempt=snap.next_attempt,
                               unanswered=("store-0001-k01-00000001-P1", eur(429)))
    assert restored.next_attempt == 2


def test_a_journaled_basket_with_a_broken_deposit_link_is_not_restored() -> None:
    kiosk = Kiosk()
    _basket(kiosk, NUTELLA)
    snap = kiosk.effects(JournalBasket)[-1]
    with pytest.raises(ValueError, match=r"links lines that are not in it: \[\(1, 2\)\]"):
        restore_session(kiosk.ctx, sale_number=1, lines=snap.lines, links=((1, 2),),
                        started_at=snap.started_at, at=snap.at)
