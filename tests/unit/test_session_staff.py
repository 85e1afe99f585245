"""Staff and the kiosk around the sale: age checks, voids, assisted mode, help, locks, devices."""

from __future__ import annotations

from datetime import timedelta

from test_session_kit import (
    BEER,
    CASH_ROLES,
    COKE,
    NUTELLA,
    PEN,
    WHISKY,
    Kiosk,
    eur,
    make_ctx,
)

from kiosk.core import events as ev
from kiosk.core.effects import (
    Beep,
    PrintReceipt,
    PublishEvent,
    RecordSale,
    RecordStaffAction,
    SetLight,
    ShowMessage,
    StartPayment,
)
from kiosk.core.sale import SaleStatus
from kiosk.core.session import Outcome, SessionState
from kiosk.core.staff import Roles

S = SessionState
PO = ev.PaymentOutcome


def code(outcome: Outcome) -> str | None:
    return outcome.rejected.code if outcome.rejected is not None else None


def audit(outcome: Outcome) -> list[tuple[str, str]]:
    return [(e.staff_id, e.action) for e in outcome.effects if isinstance(e, RecordStaffAction)]


# --- age-restricted items ----------------------------------------------------------------------

def test_an_age_restricted_item_goes_in_and_the_sale_waits_for_staff() -> None:
    kiosk = Kiosk()
    kiosk.scan(NUTELLA)
    held = kiosk.scan(WHISKY)
    assert held.session.state is S.AWAITING_APPROVAL
    assert [line.product.gtin for line in held.session.lines][-1] == WHISKY
    assert SetLight("approval") in held.effects
    assert PublishEvent("age-approval-needed", {"sale_id": "store-0001-k01-00000001",
                                                "min_age": 18}) in held.effects
    paying = kiosk.pay()
    assert code(paying) == "age-approval-pending"
    assert paying.rejected.reason == ("An item needs age approval by a staff member before "
                                      "you can pay")
    assert kiosk.scan(COKE).session.state is S.AWAITING_APPROVAL  # scanning goes on meanwhile


def test_staff_approve_once_and_later_items_of_that_age_need_no_new_check() -> None:
    kiosk = Kiosk()
    kiosk.scan(WHISKY)
    assert code(kiosk.send(ev.AgeApproved, "s-017")) == "staff-required"
    kiosk.staff()
    approved = kiosk.send(ev.AgeApproved, "s-017")
    assert approved.session.phase is S.SCANNING
    assert audit(approved) == [("s-017", "age-approved")]
    kiosk.send(ev.AssistedExited, "s-017")
    assert kiosk.scan(BEER).session.state is S.SCANNING
    assert kiosk.pay().session.state is S.PAYMENT


def test_a_refusal_removes_the_restricted_lines_only() -> None:
    kiosk = Kiosk()
    kiosk.scan(NUTELLA)
    kiosk.scan(BEER)  # brings its deposit line
    kiosk.scan(WHISKY)
    kiosk.staff()
    refused = kiosk.send(ev.AgeRefused, "s-017")
    assert refused.session.phase is S.SCANNING
    assert [line.product.gtin for line in refused.session.lines] == [NUTELLA]
    assert refused.session.total == eur(429)
    assert ShowMessage("age-refused", {"gtins": [BEER, WHISKY],
                                       "line_ids": [2, 4]}) in refused.effects


def test_an_approval_nobody_answers_is_raised_again_once() -> None:
    kiosk = Kiosk()
    kiosk.scan(WHISKY)
    assert kiosk.send(ev.Tick, after=299).effects == ()
    overdue = kiosk.send(ev.Tick, after=1)
    assert overdue.effects == (PublishEvent("age-approval-overdue", {
        "sale_id": "store-0001-k01-00000001", "min_age": 18}), Beep("attention"))
    assert kiosk.send(ev.Tick, after=600).effects == ()


def test_age_approval_outside_an_approval_wait_is_rejected() -> None:
    kiosk = Kiosk()
    kiosk.scan(NUTELLA)
    kiosk.staff()
    assert code(kiosk.send(ev.AgeApproved, "s-017")) == "nothing-to-approve"


# --- taking items out --------------------------------------------------------------------------

def test_a_shopper_cannot_void_when_the_store_says_staff_must() -> None:
    kiosk = Kiosk()
    kiosk.scan(NUTELLA)
    before = kiosk.session
    voided = kiosk.send(ev.LineVoided, 1)
    assert voided.refused is not None
    assert voided.refused.reason == "A staff member must remove items. Press Help to call one."
    assert voided.effects[0].key == "staff-needed"
    assert voided.session is before
    lower = kiosk.scan(NUTELLA)
    assert lower.session.lines[0].quantity == 2
    assert kiosk.send(ev.QuantityChanged, 1, 1).refused is not None
    assert kiosk.send(ev.QuantityChanged, 1, 3).refused is None  # more is always fine


def test_in_assisted_mode_staff_void_and_it_is_audited() -> None:
    kiosk = Kiosk()
    kiosk.scan(NUTELLA)
    kiosk.scan(COKE)
    kiosk.staff()
    voided = kiosk.send(ev.LineVoided, 1)
    assert [line.product.gtin for line in voided.session.lines] == [COKE]
    assert audit(voided) == [("s-017", "line-voided")]
    record = next(e for e in voided.effects if isinstance(e, RecordStaffAction))
    assert record.sale_id == "store-0001-k01-00000001"
    assert record.detail == {"line_id": 1, "gtin": NUTELLA, "quantity": 1, "weight_g": None}


def test_a_role_without_the_permission_is_refused_by_name() -> None:
    kiosk = Kiosk(ctx=make_ctx(roles=Roles.from_config({"greeter": ["approve_age"]})))
    kiosk.scan(NUTELLA)
    kiosk.staff("s-9", "greeter")
    voided = kiosk.send(ev.LineVoided, 1)
    assert code(voided) == "not-permitted"
    assert voided.rejected.reason == "The greeter role may not remove items"
    override = kiosk.send(ev.PriceOverridden, 1, 100, "s-9")
    assert override.rejected.reason == "The greeter role may not override prices"
    assert kiosk.session.lines[0].override_price is None


def test_when_voids_need_no_staff_the_shopper_voids() -> None:
    kiosk = Kiosk(ctx=make_ctx(void_needs_staff=False))
    kiosk.scan(NUTELLA)
    voided = kiosk.send(ev.LineVoided, 1)
    assert voided.session.lines == ()
    assert audit(voided) == []


def test_a_supervisor_overrides_a_price_and_it_is_on_the_sale() -> None:
    kiosk = Kiosk()
    kiosk.scan(NUTELLA)
    kiosk.staff("s-002", "supervisor")
    changed = kiosk.send(ev.PriceOverridden, 1, 399, "s-002", "damaged pack")
    assert changed.session.total == eur(399)
    assert changed.session.lines[0].override_by == "s-002"
    kiosk.send(ev.AssistedExited, "s-002")
    kiosk.pay()
    sale = next(e for e in kiosk.approve().effects if isinstance(e, RecordSale)).sale
    assert [(a.action, dict(a.detail)) for a in sale.staff_actions][1] == (
        "price-override", {"line_id": 1, "gtin": NUTELLA, "from": 429, "to": 399,
                           "reason": "damaged pack"})


# --- assisted mode -----------------------------------------------------------------------------

def test_assisted_mode_times_out_after_inactivity() -> None:
    kiosk = Kiosk()
    kiosk.scan(NUTELLA)
    kiosk.scan(COKE)
    kiosk.staff()
    assert kiosk.session.state is S.ASSISTED
    kiosk.send(ev.LineVoided, 1, after=100)  # activity restarts the timer
    assert kiosk.send(ev.Tick, after=119).session.state is S.ASSISTED
    timed_out = kiosk.send(ev.Tick, after=1)
    assert timed_out.session.state is S.SCANNING
    assert timed_out.session.staff is None
    assert audit(timed_out) == [("s-017", "assisted-timeout")]


def test_assisted_mode_ends_with_the_sale() -> None:
    kiosk = Kiosk()
    kiosk.scan(NUTELLA)
    kiosk.staff("s-002", "supervisor")
    cancelled = kiosk.send(ev.SaleCancelled, "s-002", "shopper left")
    assert cancelled.session.state is S.ATTRACT
    assert cancelled.session.sale_number == 2
    assert audit(cancelled) == [("s-002", "sale-cancelled"), ("s-002", "assisted-ended")]
    voided = next(e for e in cancelled.effects if isinstance(e, RecordSale)).sale
    assert (voided.status, voided.reason, voided.stock) == (SaleStatus.VOIDED,
                                                            "shopper left", ())
    assert voided.to_dict()["lines"][0]["gtin"] == NUTELLA


def test_only_the_signed_in_member_acts_and_a_second_one_takes_over() -> None:
    kiosk = Kiosk()
    kiosk.scan(WHISKY)
    kiosk.staff("s-017")
    assert code(kiosk.send(ev.AgeApproved, "s-002")) == "wrong-staff"
    assert code(kiosk.staff("s-017")) == "already-unlocked"
    handover = kiosk.staff("s-002", "supervisor")
    assert handover.session.staff.staff_id == "s-002"
    assert next(e for e in handover.effects
                if isinstance(e, RecordStaffAction)).detail["took_over_from"] == "s-017"
    assert kiosk.send(ev.AgeApproved, "s-002").rejected is None


def test_cancelling_an_empty_sale_uses_no_sale_number() -> None:
    kiosk = Kiosk()
    kiosk.send(ev.LanguageChosen, "fr")
    kiosk.staff("s-002", "supervisor")
    cancelled = kiosk.send(ev.SaleCancelled, "s-002")
    assert cancelled.session.sale_number == 1
    assert not any(isinstance(e, RecordSale) for e in cancelled.effects)


def test_a_sale_cannot_be_cancelled_while_the_card_is_being_charged() -> None:
    kiosk = Kiosk()
    kiosk.scan(NUTELLA)
    kiosk.pay()
    kiosk.staff("s-002", "supervisor")
    assert code(kiosk.send(ev.SaleCancelled, "s-002")) == "payment-in-progress"
    kiosk.answer(PO.UNKNOWN)
    assert code(kiosk.send(ev.SaleCancelled, "s-002")) == "payment-unknown"


def test_staff_reprint_the_last_receipt() -> None:
    kiosk = Kiosk()
    kiosk.staff()
    assert code(kiosk.send(ev.ReprintRequested, "s-017")) == "nothing-to-reprint"
    kiosk.send(ev.AssistedExited, "s-017")
    kiosk.scan(NUTELLA)
    kiosk.pay()
    kiosk.approve()
    sale_id = kiosk.session.sale.sale_id
    kiosk.send(ev.ReceiptDone, sale_id)
    kiosk.send(ev.Tick, after=30)
    kiosk.staff()
    again = kiosk.send(ev.ReprintRequested, "s-017")
    assert PrintReceipt(sale_id, copy=True) in again.effects
    assert audit(again) == [("s-017", "reprint")]


# --- help --------------------------------------------------------------------------------------

def test_help_overlays_the_sale_and_goes_back_to_it() -> None:
    kiosk = Kiosk()
    kiosk.scan(NUTELLA)
    helped = kiosk.send(ev.HelpPressed)
    assert helped.session.state is S.HELP
    assert helped.session.phase is S.SCANNING
    assert PublishEvent("help-requested", {"sale_id": "store-0001-k01-00000001",
                                           "state": "scanning"}) in helped.effects
    assert SetLight("help") in helped.effects
    assert code(kiosk.scan(COKE)) == "help-open"
    assert code(kiosk.send(ev.HelpPressed)) == "help-already-requested"
    back = kiosk.send(ev.HelpCancelled)
    assert back.session.state is S.SCANNING
    assert SetLight("busy") in back.effects


def test_staff_arriving_answers_help_and_leaving_returns_to_the_sale() -> None:
    kiosk = Kiosk()
    kiosk.scan(WHISKY)
    kiosk.send(ev.HelpPressed)
    arrived = kiosk.staff()
    assert arrived.session.state is S.ASSISTED
    assert PublishEvent("help-answered", {"sale_id": "store-0001-k01-00000001",
                                          "staff_id": "s-017"}) in arrived.effects
    assert code(kiosk.send(ev.HelpPressed)) == "staff-present"
    kiosk.send(ev.AgeApproved, "s-017")
    assert kiosk.send(ev.AssistedExited, "s-017").session.state is S.SCANNING


def test_a_payment_answer_during_help_still_counts() -> None:
    kiosk = Kiosk()
    kiosk.scan(NUTELLA)
    kiosk.pay()
    kiosk.send(ev.HelpPressed)
    paid = kiosk.approve()
    assert paid.session.state is S.HELP
    assert paid.session.phase is S.PAID
    assert any(isinstance(e, RecordSale) for e in paid.effects)
    kiosk.send(ev.ReceiptDone, kiosk.session.sale.sale_id)
    assert kiosk.send(ev.Tick, after=60).session.phase is S.RECEIPT  # help holds the screen
    assert kiosk.send(ev.HelpCancelled).session.state is S.RECEIPT


# --- locks -------------------------------------------------------------------------------------

def test_an_idle_kiosk_locks_at_once_and_unlocks() -> None:
    kiosk = Kiosk()
    locked = kiosk.send(ev.KioskLocked, "fleet", "closing time")
    assert locked.session.state is S.LOCKED
    assert locked.effects == (PublishEvent("locked", {"by": "fleet", "reason": "closing time"}),
                              SetLight("locked"))
    assert code(kiosk.scan(NUTELLA)) == "locked"
    assert code(kiosk.send(ev.KioskLocked, "fleet")) == "already-locked"
    assert kiosk.send(ev.KioskUnlocked, "fleet").session.state is S.ATTRACT


def test_a_lock_never_interrupts_a_shopper_it_waits_for_the_sale_to_end() -> None:
    kiosk = Kiosk()
    kiosk.scan(NUTELLA)
    pending = kiosk.send(ev.KioskLocked, "fleet")
    assert pending.session.state is S.SCANNING
    assert pending.session.lock_pending == "fleet"
    kiosk.pay()
    kiosk.approve()
    kiosk.send(ev.ReceiptDone, kiosk.session.sale.sale_id)
    ended = kiosk.send(ev.Tick, after=30)
    assert ended.session.state is S.LOCKED
    assert ended.session.sale_number == 2
    assert code(kiosk.scan(COKE)) == "locked"


def test_a_lock_on_a_sale_with_no_items_applies_at_once() -> None:
    kiosk = Kiosk()
    kiosk.send(ev.LanguageChosen, "fr")
    assert kiosk.send(ev.KioskLocked, "s-002").session.state is S.LOCKED


def test_staff_can_sign_in_on_a_locked_kiosk_but_shoppers_cannot_sell() -> None:
    kiosk = Kiosk()
    kiosk.send(ev.KioskLocked, "fleet")
    kiosk.staff()
    assert kiosk.session.state is S.ASSISTED
    assert code(kiosk.scan(NUTELLA)) == "locked"
    assert kiosk.send(ev.AssistedExited, "s-017").session.state is S.LOCKED


# --- devices -----------------------------------------------------------------------------------

def test_no_terminal_and_no_cash_path_puts_an_idle_kiosk_out_of_order() -> None:
    kiosk = Kiosk()
    down = kiosk.send(ev.DeviceHealthChanged, "terminal", False, "no answer on /dev/ttyUSB0")
    assert down.session.state is S.OUT_OF_ORDER
    assert SetLight("out-of-order") in down.effects
    assert code(kiosk.scan(NUTELLA)) == "out-of-order"
    assert kiosk.send(ev.DeviceHealthChanged, "terminal", False,
                      "no answer on /dev/ttyUSB0").effects == ()  # a repeat says nothing new
    back = kiosk.send(ev.DeviceHealthChanged, "terminal", True)
    assert back.session.state is S.ATTRACT
    assert PublishEvent("in-service", {}) in back.effects


def test_a_terminal_failing_mid_sale_keeps_the_sale_and_refuses_card_payment() -> None:
    kiosk = Kiosk()
    kiosk.scan(NUTELLA)
    failed = kiosk.send(ev.DeviceHealthChanged, "terminal", False, "cable")
    assert failed.session.state is S.SCANNING
    assert ShowMessage("card-unavailable", {}) in failed.effects
    assert SetLight("fault") in failed.effects
    assert code(kiosk.pay()) == "card-unavailable"
    kiosk.staff("s-002", "supervisor")
    ended = kiosk.send(ev.SaleCancelled, "s-002")
    assert ended.session.state is S.OUT_OF_ORDER  # the failure now stops the next sale


def test_with_a_staff_cash_path_the_kiosk_sells_and_staff_take_cash() -> None:
    kiosk = Kiosk(ctx=make_ctx(roles=CASH_ROLES))
    kiosk.send(ev.DeviceHealthChanged, "terminal", False, "cable")
    assert kiosk.session.state is S.ATTRACT
    kiosk.scan(NUTELLA)
    kiosk.scan(PEN)
    assert code(kiosk.pay()) == "card-unavailable"
    kiosk.staff("s-050", "cashier")
    short = kiosk.send(ev.CashTaken, "s-050", eur(500))
    assert code(short) == "not-enough-cash"
    assert short.rejected.reason == "5.00 EUR does not cover the total of 5.79 EUR"
    paid = kiosk.send(ev.CashTaken, "s-050", eur(1000))
    assert ShowMessage("change-due", {"change": 421}) in paid.effects
    sale = next(e for e in paid.effects if isinstance(e, RecordSale)).sale
    payment = sale.payments[0]
    assert (payment.method, payment.amount, payment.tendered, payment.change) == (
        "cash", eur(579), eur(1000), eur(421))
    assert not kiosk.effects(StartPayment)


def test_without_a_printer_the_receipt_goes_to_the_screen() -> None:
    kiosk = Kiosk()
    kiosk.send(ev.DeviceHealthChanged, "printer", False, "paper out")
    assert kiosk.session.state is S.ATTRACT  # the kiosk still sells
    kiosk.scan(NUTELLA)
    kiosk.pay()
    paid = kiosk.approve()
    assert paid.session.state is S.RECEIPT
    assert not any(isinstance(e, PrintReceipt) for e in paid.effects)
    assert ShowMessage("receipt-qr", {"sale_id": "store-0001-k01-00000001",
                                      "reason": "paper out"}) in paid.effects


def test_an_abandoned_empty_sale_goes_back_to_attract() -> None:
    kiosk = Kiosk()
    kiosk.send(ev.LanguageChosen, "fr")
    assert kiosk.send(ev.Tick, after=89).session.state is S.SCANNING
    back = kiosk.send(ev.Tick, after=1)
    assert back.session.state is S.ATTRACT
    assert back.session.sale_number == 1
    assert back.session.language == "en"


def test_a_journaled_sale_emptied_and_abandoned_ends_as_a_voided_record() -> None:
    kiosk = Kiosk(ctx=make_ctx(void_needs_staff=False))
    kiosk.scan(NUTELLA)
    kiosk.send(ev.LineVoided, 1)
    ended = kiosk.send(ev.Tick, after=timedelta(minutes=2).total_seconds())
    sale = next(e for e in ended.effects if isinstance(e, RecordSale)).sale
    assert (sale.status, sale.reason) == (SaleStatus.VOIDED, "abandoned with an empty basket")
    assert ended.session.sale_number == 2


def test_a_lock_waiting_on_the_receipt_screen_stops_the_next_shoppers_scan() -> None:
    kiosk = Kiosk()
    kiosk.scan(NUTELLA)
    kiosk.pay()
    kiosk.approve()
    kiosk.send(ev.ReceiptDone, kiosk.session.sale.sale_id)
    kiosk.send(ev.KioskLocked, "fleet")
    before = kiosk.session
    refused = kiosk.scan(COKE)
    assert code(refused) == "locked"
    assert refused.session is before
    assert kiosk.send(ev.Tick, after=30).session.state is S.LOCKED
