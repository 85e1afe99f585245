"""Putting items in the basket: scans, labels, PLUs, deposits, sale rules, kiosk QR codes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from test_session_kit import (
    BAG,
    BANANA_LABEL_1234G,
    BANANAS,
    BEER,
    CHOCOLATE,
    COKE,
    DEPOSIT,
    EVIAN,
    NUTELLA,
    PEN,
    WHISKY,
    Kiosk,
    eur,
    make_ctx,
)

from kiosk.core import events as ev
from kiosk.core.codes import KioskCodeKind
from kiosk.core.effects import Beep, JournalBasket, RecordStaffAction, ShowMessage
from kiosk.core.kioskqr import encode_kiosk_code
from kiosk.core.session import SessionState

S = SessionState


def test_a_scan_from_attract_starts_the_sale_and_beeps() -> None:
    kiosk = Kiosk()
    added = kiosk.scan(NUTELLA)
    assert added.session.state is S.SCANNING
    assert added.effects[0] == ShowMessage("item-added", {
        "line_id": 1, "gtin": NUTELLA, "name": "Nutella 400 g", "total": 429})
    assert Beep("ok") in added.effects


def test_the_same_product_again_adds_to_its_line() -> None:
    kiosk = Kiosk()
    for _ in range(3):
        kiosk.scan(EVIAN)
    assert [(line.line_id, line.quantity) for line in kiosk.session.lines] == [(1, 3)]
    # 3 for 2 on Evian: 3 x 0.85 - 0.85
    assert kiosk.session.total == eur(170)
    assert [d.promotion_id for d in kiosk.session.basket.discounts] == ["evian-3for2"]


def test_a_bad_check_digit_is_refused_with_the_parsers_reason() -> None:
    kiosk = Kiosk()
    before = kiosk.session
    outcome = kiosk.send(ev.ItemScanned, "3017620422004", "ean13")
    assert outcome.refused is not None
    assert outcome.refused.code == "bad-check-digit"
    assert "check digit" in outcome.refused.reason
    assert outcome.session is before
    assert outcome.effects == (ShowMessage("item-refused", outcome.refused.params),
                               Beep("error"))


def test_an_unknown_product_is_refused() -> None:
    kiosk = Kiosk()
    outcome = kiosk.send(ev.ItemScanned, "5000112637922", "ean13")
    assert outcome.refused is not None
    assert outcome.refused.reason == ("This item is not in the catalogue. "
                                      "Please ask a staff member.")
    assert outcome.session.state is S.ATTRACT  # a refused first scan does not start a sale


def test_alcohol_outside_sale_hours_is_refused_with_the_rule() -> None:
    kiosk = Kiosk(now=datetime(2025, 3, 14, 21, 30, tzinfo=UTC))  # 22:30 in Paris
    outcome = kiosk.scan(BEER)
    assert outcome.refused is not None
    assert outcome.refused.reason == "Alcohol cannot be sold between 22:00 and 08:00"
    assert kiosk.scan(NUTELLA).refused is None  # other items still sell


def test_quantity_limits_apply_to_scans_and_to_quantity_changes() -> None:
    kiosk = Kiosk()
    for _ in range(6):
        assert kiosk.scan(COKE).refused is None
    seventh = kiosk.scan(COKE)
    assert seventh.refused is not None
    assert seventh.refused.code == "quantity-limit"
    kiosk.scan(PEN)
    too_many = kiosk.send(ev.QuantityChanged, 2, 7)
    assert too_many.refused is not None
    assert too_many.refused.code == "quantity-limit"
    assert kiosk.send(ev.QuantityChanged, 2, 4).session.lines[1].quantity == 4


def test_a_scale_label_puts_the_weighed_item_in_at_its_weight() -> None:
    kiosk = Kiosk()
    kiosk.send(ev.ItemScanned, BANANA_LABEL_1234G, "ean13")
    (line,) = kiosk.session.lines
    assert (line.product.gtin, line.weight_g, line.quantity) == (BANANAS, 1234, 1)
    assert kiosk.session.total == eur(246)  # 1.234 kg x 1.99 = 2.4557
    fixed = kiosk.send(ev.QuantityChanged, 1, 2)
    assert fixed.rejected is not None
    assert fixed.rejected.code == "fixed-quantity"


def test_produce_by_plu_needs_its_weight() -> None:
    kiosk = Kiosk()
    outcome = kiosk.send(ev.PluEntered, "4011")
    assert outcome.refused is not None
    assert outcome.refused.reason == "Place the item on the scale before choosing it"
    assert kiosk.send(ev.PluEntered, "4011", 750).session.total == eur(149)
    unknown = kiosk.send(ev.PluEntered, "9999", 100)
    assert unknown.refused is not None
    assert unknown.refused.reason == "There is no product with code 9999"


def test_a_bottle_brings_its_deposit_which_follows_it() -> None:
    kiosk = Kiosk(ctx=make_ctx(void_needs_staff=False))
    kiosk.scan(BEER)
    kiosk.staff()
    kiosk.send(ev.AgeApproved, "s-017")
    kiosk.send(ev.AssistedExited, "s-017")
    assert [(line.product.gtin, line.quantity) for line in kiosk.session.lines] == [(BEER, 1),
                                                                          (DEPOSIT, 1)]
    kiosk.scan(BEER)
    assert [line.quantity for line in kiosk.session.lines] == [2, 2]
    kiosk.send(ev.QuantityChanged, 1, 4)
    assert [line.quantity for line in kiosk.session.lines] == [4, 4]
    assert kiosk.session.total == eur(4 * 199 + 4 * 25)
    alone = kiosk.send(ev.LineVoided, 2)
    assert alone.rejected is not None
    assert alone.rejected.code == "deposit-line"
    kiosk.send(ev.LineVoided, 1)
    assert kiosk.session.lines == ()
    assert kiosk.effects(JournalBasket)[-1].links == ()


def test_quick_picks_add_the_carrier_bag_and_nothing_else() -> None:
    kiosk = Kiosk()
    assert kiosk.send(ev.QuickPickChosen, BAG).session.total == eur(10)
    other = kiosk.send(ev.QuickPickChosen, NUTELLA)
    assert other.rejected is not None
    assert other.rejected.code == "not-a-quick-pick"


def test_a_loyalty_card_gives_member_prices() -> None:
    kiosk = Kiosk()
    kiosk.scan(CHOCOLATE)
    assert kiosk.session.total == eur(135)
    card = kiosk.send(ev.ItemScanned, encode_kiosk_code(KioskCodeKind.LOYALTY, "4000123456"),
                      "QRCODE")
    assert card.session.member == "4000123456"
    assert card.session.total == eur(121)  # 10 % off grocery for members: 1.35 - 0.135
    assert card.effects[-1].member == "4000123456"  # journaled: restore keeps member prices


def test_coupons_are_refused_and_a_staff_badge_asks_for_the_pin() -> None:
    kiosk = Kiosk()
    coupon = kiosk.send(ev.ItemScanned, encode_kiosk_code(KioskCodeKind.COUPON, "SPRING-5"),
                        "QRCODE")
    assert coupon.refused is not None
    assert coupon.refused.code == "coupon-not-accepted"
    kiosk.scan(NUTELLA)
    kiosk.pay()
    badge = kiosk.send(ev.ItemScanned, encode_kiosk_code(KioskCodeKind.STAFF, "S-017"),
                       "QRCODE")
    assert badge.effects == (ShowMessage("staff-pin", {"staff_id": "S-017"}),)
    assert badge.session.state is S.PAYMENT  # a badge during payment disturbs nothing


def test_an_expired_item_is_refused() -> None:
    kiosk = Kiosk()
    gs1 = "(01)03017620422003(17)250301(10)LOT7"
    expired = kiosk.send(ev.ItemScanned, gs1, None)
    assert expired.refused is not None
    assert expired.refused.reason == "This item expired on 2025-03-01 and cannot be sold"
    fresh = kiosk.send(ev.ItemScanned, "(01)03017620422003(17)251231(10)LOT8", None)
    assert fresh.refused is None


def test_staff_key_in_an_unreadable_code_and_it_is_audited() -> None:
    kiosk = Kiosk()
    denied = kiosk.send(ev.CodeKeyedIn, WHISKY[1:], "s-017")
    assert denied.rejected is not None
    assert denied.rejected.code == "staff-required"
    kiosk.staff()
    keyed = kiosk.send(ev.CodeKeyedIn, WHISKY[1:], "s-017")
    assert [line.product.gtin for line in keyed.session.lines] == [WHISKY]
    audit = [e for e in keyed.effects if isinstance(e, RecordStaffAction)]
    assert [(a.action, a.detail) for a in audit] == [("key-in", {"code": WHISKY[1:]})]


@pytest.mark.parametrize("lang", ["fr", "zh"])
def test_the_item_message_uses_the_shoppers_language(lang: str) -> None:
    kiosk = Kiosk()
    kiosk.send(ev.LanguageChosen, lang)
    added = kiosk.scan(NUTELLA)
    assert added.effects[0].params["name"] == ("Nutella 400 g (fr)" if lang == "fr"
                                               else "Nutella 400 g")
