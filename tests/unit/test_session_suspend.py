"""Suspending a sale and recalling it, in the pure session: who may, when, and what is recorded.

A suspended sale ends with its own ``suspended`` record (nothing paid, no stock), the lane goes
back to attract, and staff on this kiosk bring the lines back into a new sale later.
"""

from __future__ import annotations

from datetime import timedelta

from test_session_kit import BEER, COKE, EVIAN, NUTELLA, T0, Kiosk, make_ctx

from kiosk.core import events as ev
from kiosk.core.effects import (
    JournalBasket,
    RecallSale,
    RecordStaffAction,
    ShowMessage,
    SuspendSale,
)
from kiosk.core.money import Money
from kiosk.core.sale import SaleStatus
from kiosk.core.session import SessionState, new_session
from kiosk.core.staff import Roles
from kiosk.core.suspended import SuspendedSale

S = SessionState


def _basket() -> Kiosk:
    kiosk = Kiosk()
    kiosk.scan(NUTELLA)
    kiosk.scan(EVIAN)
    kiosk.scan(EVIAN)
    return kiosk


def test_staff_suspend_an_open_basket_and_the_lane_returns_to_attract() -> None:
    kiosk = _basket()
    kiosk.staff("a01", "attendant")
    out = kiosk.send(ev.SaleSuspended, "a01", "Shopper is fetching an item")
    assert out.rejected is None
    assert out.session.state is S.ATTRACT  # and assisted mode ended with the sale
    assert out.session.staff is None
    assert out.session.lines == ()
    assert out.session.sale_number == 2  # the suspended sale used its number
    suspend = next(e for e in out.effects if isinstance(e, SuspendSale))
    sale = suspend.sale
    assert sale.status is SaleStatus.SUSPENDED
    assert sale.sale_id == "store-0001-k01-00000001"
    assert sale.total == Money(599)  # 4.29 + 0.85 + 0.85
    assert sale.stock == ()  # nothing left the store
    assert [(a.staff_id, a.action) for a in sale.staff_actions][-1] == ("a01", "sale-suspended")
    audit = [(e.staff_id, e.action, e.sale_id) for e in out.effects
             if isinstance(e, RecordStaffAction)]
    assert audit == [("a01", "sale-suspended", "store-0001-k01-00000001"),
                     ("a01", "assisted-ended", "store-0001-k01-00000001")]
    held = suspend.held
    assert [(line.product.gtin, line.quantity) for line in held.lines] == [(NUTELLA, 1),
                                                                           (EVIAN, 2)]
    assert (held.item_count, held.total, held.staff_id) == (3, Money(599), "a01")
    assert out.session.suspended == (held,)
    assert ShowMessage("sale-suspended", {"sale_id": "store-0001-k01-00000001",
                                          "sale_number": 1}) in out.effects
    # the durable records come before anything is shown
    kinds = [type(e).__name__ for e in out.effects]
    assert kinds.index("SuspendSale") < kinds.index("ShowMessage")


def test_a_recalled_sale_brings_its_lines_back_into_a_new_sale() -> None:
    kiosk = _basket()
    kiosk.staff("a01", "attendant")
    kiosk.send(ev.SaleSuspended, "a01", "")
    kiosk.scan(COKE)  # the next shopper buys a coke and pays... here: cancelled by staff
    kiosk.staff("s01", "supervisor")
    kiosk.send(ev.SaleCancelled, "s01", "shopper left")
    assert kiosk.session.sale_number == 3
    kiosk.staff("s01", "supervisor")
    out = kiosk.send(ev.SaleRecalled, "s01", "store-0001-k01-00000001")
    assert out.rejected is None, out.rejected
    session = out.session
    assert session.phase is S.SCANNING
    assert [(line.product.gtin, line.quantity) for line in session.lines] == [(NUTELLA, 1),
                                                                              (EVIAN, 2)]
    assert session.total == Money(599)
    assert session.suspended == ()
    recall = next(e for e in out.effects if isinstance(e, RecallSale))
    assert (recall.held_sale_id, recall.sale_id, recall.staff_id) == (
        "store-0001-k01-00000001", "store-0001-k01-00000003", "s01")
    assert session.staff_actions[-1].action == "sale-recalled"
    assert session.staff_actions[-1].detail["from_sale_id"] == "store-0001-k01-00000001"
    journal = out.effects[-1]  # the new sale's basket is journaled, after the recall record
    assert isinstance(journal, JournalBasket)
    assert journal.sale_id == "store-0001-k01-00000003"
    assert [type(e).__name__ for e in out.effects].index("RecallSale") == 0
    # the shopper goes on and pays the recalled sale as any other
    kiosk.send(ev.AssistedExited, "s01")
    assert kiosk.pay().rejected is None


def test_a_recalled_age_restricted_sale_is_checked_again() -> None:
    kiosk = Kiosk()
    kiosk.scan(BEER)
    kiosk.staff("a01", "attendant")
    kiosk.send(ev.AgeApproved, "a01")
    kiosk.send(ev.SaleSuspended, "a01", "")
    kiosk.staff("a01", "attendant")
    out = kiosk.send(ev.SaleRecalled, "a01", "store-0001-k01-00000001")
    assert out.session.phase is S.AWAITING_APPROVAL
    assert out.session.age_approved == 0


def test_who_may_suspend_and_when() -> None:
    kiosk = _basket()
    assert kiosk.send(ev.SaleSuspended, "a01", "").rejected.code == "staff-required"
    roles = Roles.from_config({"attendant": ["approve_age"], "supervisor": ["suspend_sale"]})
    limited = Kiosk(ctx=make_ctx(roles=roles))
    limited.scan(NUTELLA)
    limited.staff("a01", "attendant")
    refused = limited.send(ev.SaleSuspended, "a01", "")
    assert refused.rejected.code == "not-permitted"
    assert refused.rejected.reason == "The attendant role may not suspend or recall sales"
    empty = Kiosk()
    empty.send(ev.LanguageChosen, "fr")
    empty.staff("a01", "attendant")
    assert empty.send(ev.SaleSuspended, "a01", "").rejected.code == "empty-basket"
    paying = _basket()
    paying.pay()
    paying.staff("a01", "attendant")
    blocked = paying.send(ev.SaleSuspended, "a01", "")
    assert blocked.rejected.reason == "Cancel the card payment first"


def test_a_recall_never_lands_in_another_shoppers_basket() -> None:
    kiosk = _basket()
    kiosk.staff("a01", "attendant")
    kiosk.send(ev.SaleSuspended, "a01", "")
    kiosk.scan(COKE)
    kiosk.staff("a01", "attendant")
    busy = kiosk.send(ev.SaleRecalled, "a01", "store-0001-k01-00000001")
    assert busy.rejected.code == "sale-open"
    assert busy.session.suspended[0].sale_id == "store-0001-k01-00000001"
    unknown = kiosk.send(ev.SaleRecalled, "a01", "store-0001-k01-00000099")
    assert unknown.rejected.reason == ("Sale store-0001-k01-00000099 is not suspended on "
                                       "this kiosk")


def test_a_kiosk_keeps_only_so_many_suspended_sales() -> None:
    kiosk = Kiosk(ctx=make_ctx(max_suspended=1))
    for _ in range(2):
        kiosk.scan(NUTELLA)
        kiosk.staff("a01", "attendant")
        last = kiosk.send(ev.SaleSuspended, "a01", "")
    assert last.rejected.code == "too-many-suspended"
    assert len(kiosk.session.suspended) == 1


def test_the_list_survives_a_restart_through_its_dictionary_form() -> None:
    kiosk = _basket()
    kiosk.staff("a01", "attendant")
    held = next(e.held for e in kiosk.send(ev.SaleSuspended, "a01", "wallet").effects
                if isinstance(e, SuspendSale))
    again = SuspendedSale.from_dict(held.to_dict())
    assert again == held
    restarted = new_session(make_ctx(), 2, suspended=[again])
    assert restarted.suspended == (held,)


# --- accessibility: every shopper-facing timeout is longer --------------------------------------

def test_accessibility_lengthens_the_empty_basket_timeout_from_the_context() -> None:
    ctx = make_ctx(idle_timeout=timedelta(seconds=90), accessible_time_factor=2.0)
    plain, slow = Kiosk(ctx=ctx), Kiosk(ctx=ctx)
    plain.send(ev.LanguageChosen, "en")
    slow.send(ev.AccessibilityChosen, True)
    slow.send(ev.LanguageChosen, "en", after=0)
    for kiosk in (plain, slow):
        kiosk.send(ev.Tick, after=100)
    assert plain.session.phase is S.ATTRACT  # 90 s: the empty sale was abandoned
    assert slow.session.phase is S.SCANNING  # 180 s for this shopper
    slow.send(ev.Tick, after=81)
    assert slow.session.phase is S.ATTRACT
    assert slow.session.accessible is False  # the next shopper starts without it


def test_accessibility_lengthens_the_receipt_and_card_timeouts() -> None:
    ctx = make_ctx(receipt_timeout=timedelta(seconds=20), payment_timeout=timedelta(seconds=60),
                   accessible_time_factor=3.0)
    kiosk = Kiosk(ctx=ctx)
    kiosk.send(ev.AccessibilityChosen, True)
    kiosk.scan(NUTELLA)
    kiosk.pay()
    kiosk.send(ev.Tick, after=100)  # > 60 s, < 180 s: the card terminal still has time
    assert kiosk.session.phase is S.PAYMENT
    kiosk.send(ev.PaymentResult, kiosk.attempt_id(), ev.PaymentOutcome.APPROVED)
    kiosk.send(ev.ReceiptDone, "store-0001-k01-00000001")
    kiosk.send(ev.Tick, after=30)
    assert kiosk.session.phase is S.RECEIPT  # 60 s of receipt screen, not 20
    kiosk.send(ev.Tick, after=31)
    assert kiosk.session.phase is S.ATTRACT


def test_a_store_can_turn_accessibility_on_for_every_sale() -> None:
    ctx = make_ctx(accessible_by_default=True)
    assert new_session(ctx, 1).accessible
    assert ctx.shopper_timeout(new_session(ctx, 1), timedelta(seconds=10)) == \
        timedelta(seconds=20)
    assert T0.tzinfo is not None
