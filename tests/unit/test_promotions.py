"""Promotions as data: validated on the way in, round-tripped, and what each one yields."""

from __future__ import annotations

from datetime import UTC, datetime
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.promotions import (
    Item,
    Promotion,
    PromotionKind,
    category_saving,
    deal_groups,
)
from kiosk.errors import CatalogueError

COLA = "00000000000017"
LEMONADE = "00000000000024"
WATER = "00000000000031"

THREE_FOR_TWO = {"id": "cola-3for2", "kind": "multibuy", "names": {"en": "3 for 2",
                 "fr": "3 pour 2"}, "gtins": [COLA], "quantity": 3, "pay_for": 2}
TWO_FOR_FIVE = {"id": "2for5", "kind": "multibuy", "names": {"en": "2 for 5.00"},
                "gtins": [COLA, LEMONADE], "quantity": 2, "price": 500}
DRINKS_MIX = {"id": "drinks", "kind": "mixmatch", "names": {"en": "Any 3 drinks for 2"},
              "gtins": [COLA, LEMONADE, WATER], "quantity": 3, "pay_for": 2,
              "valid_from": "2024-06-01T00:00:00Z", "valid_to": "2024-07-01T00:00:00Z"}
BAKERY = {"id": "bakery10", "kind": "category", "names": {"en": "10% off bakery"},
          "category": "bakery", "percent_bp": 1000, "member_only": True}
CHEESE = {"id": "cheese20c", "kind": "category", "names": {"en": "0.20 off cheese"},
          "category": "cheese", "amount_off": 20}


@pytest.mark.parametrize("data", [THREE_FOR_TWO, TWO_FOR_FIVE, DRINKS_MIX, BAKERY, CHEESE],
                         ids=lambda d: d["id"])
def test_round_trip(data: dict[str, Any]) -> None:
    promo = Promotion.from_dict(data)
    assert promo.to_dict() == data
    assert Promotion.from_dict(promo.to_dict()) == promo


def test_fields_read_as_a_store_wrote_them() -> None:
    promo = Promotion.from_dict(DRINKS_MIX)
    assert promo.kind is PromotionKind.MIXMATCH
    assert promo.valid_from == datetime(2024, 6, 1, tzinfo=UTC)
    offset = Promotion.from_dict({**DRINKS_MIX, "valid_from": "2024-06-01T02:00:00+02:00"})
    assert offset.valid_from == datetime(2024, 6, 1, tzinfo=UTC)


def bad(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    out = {**data, **changes}
    return {k: v for k, v in out.items() if v is not DROP}


DROP = object()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (["not", "a", "dict"], "a promotion entry is not an object, because got list"),
        (bad(THREE_FOR_TWO, id=""), "a promotion has a bad 'id'"),
        (bad(THREE_FOR_TWO, kind="bogof"), "'cola-3for2' has a bad 'kind', because it must be"),
        (bad(THREE_FOR_TWO, names={}), "'cola-3for2' has a bad 'names'"),
        (bad(THREE_FOR_TWO, names={"en": ""}), "'cola-3for2' has a bad 'names'"),
        (bad(THREE_FOR_TWO, gtins=[]), "'cola-3for2' has a bad 'gtins'"),
        (bad(THREE_FOR_TWO, gtins="00000000000017"), "'cola-3for2' has a bad 'gtins'"),
        (bad(THREE_FOR_TWO, gtins=["5449000000996"]), "a bad 'gtins', because it must be a non"),
        (bad(THREE_FOR_TWO, gtins=[COLA, COLA]), "a GTIN is listed twice"),
        (bad(THREE_FOR_TWO, quantity=1), "'cola-3for2' has a bad 'quantity', because it must"),
        (bad(THREE_FOR_TWO, quantity="3"), "has a bad 'quantity'"),
        (bad(THREE_FOR_TWO, quantity=DROP), "has a bad 'quantity'"),
        (bad(THREE_FOR_TWO, pay_for=3), "bad 'pay_for', because it must be a whole number from"),
        (bad(THREE_FOR_TWO, pay_for=0), "bad 'pay_for'"),
        (bad(THREE_FOR_TWO, pay_for=DROP), "needs exactly one of 'pay_for' and 'price'"),
        (bad(THREE_FOR_TWO, price=300), "needs exactly one of 'pay_for' and 'price'"),
        (bad(TWO_FOR_FIVE, price=-1), "'2for5' has a bad 'price'"),
        (bad(TWO_FOR_FIVE, price=5.0), "'2for5' has a bad 'price'"),
        (bad(THREE_FOR_TWO, category="drinks"), "bad 'category', because a multibuy promotion"),
        (bad(THREE_FOR_TWO, member_onyl=True), "bad 'member_onyl', because a multibuy"),
        (bad(THREE_FOR_TWO, member_only="yes"), "bad 'member_only', because it must be true"),
        (bad(BAKERY, category=""), "'bakery10' has a bad 'category'"),
        (bad(BAKERY, amount_off=20), "needs exactly one of 'percent_bp' and 'amount_off'"),
        (bad(BAKERY, percent_bp=DROP), "needs exactly one of 'percent_bp' and 'amount_off'"),
        (bad(BAKERY, percent_bp=0), "'bakery10' has a bad 'percent_bp'"),
        (bad(BAKERY, percent_bp=10_001), "has a bad 'percent_bp'"),
        (bad(CHEESE, amount_off=0), "'cheese20c' has a bad 'amount_off'"),
        (bad(CHEESE, gtins=[COLA]), "bad 'gtins', because a category promotion has no such"),
        (bad(DRINKS_MIX, valid_from="1 June"), "'drinks' has a bad 'valid_from', because it"),
        (bad(DRINKS_MIX, valid_from="2024-06-01T00:00:00"), "bad 'valid_from'.*UTC offset"),
        (bad(DRINKS_MIX, valid_to=20240701), "bad 'valid_to'"),
        (bad(DRINKS_MIX, valid_to="2024-06-01T00:00:00Z"), "bad 'valid_to', because it must be"
                                                           " after 'valid_from'"),
    ],
)
def test_bad_data_is_rejected_naming_promotion_and_field(data: Any, message: str) -> None:
    with pytest.raises(CatalogueError, match=message) as caught:
        Promotion.from_dict(data)
    assert isinstance(caught.value, ValueError)


def build(data: Any) -> Promotion | CatalogueError:
    try:
        return Promotion.from_dict(data)
    except CatalogueError as error:
        return error


VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=5), st.floats(),
    st.lists(st.text(max_size=3), max_size=2), st.just([COLA, WATER]), st.just({"en": "Deal"}),
    st.sampled_from(["multibuy", "mixmatch", "category", "bakery", "2024-06-01T00:00:00Z"]),
)


@settings(max_examples=300)
@given(st.dictionaries(st.sampled_from(["id", "kind", "names", "gtins", "quantity", "pay_for",
                                        "price", "category", "percent_bp", "amount_off",
                                        "valid_from", "valid_to", "member_only", "extra"]),
                       VALUES))
def test_any_garbage_is_a_catalogue_error_with_a_reason_or_a_valid_promotion(
        data: dict[str, Any]) -> None:
    result = build(data)
    if isinstance(result, CatalogueError):
        assert "promotion" in result.what
        assert result.why
    else:
        assert Promotion.from_dict(result.to_dict()) == result


def test_validity_window_and_member_only() -> None:
    mix = Promotion.from_dict(DRINKS_MIX)
    assert not mix.active(datetime(2024, 5, 31, 23, 59, 59, tzinfo=UTC), member=False)
    assert mix.active(datetime(2024, 6, 1, tzinfo=UTC), member=False)  # from is inclusive
    assert not mix.active(datetime(2024, 7, 1, tzinfo=UTC), member=False)  # to is exclusive
    bakery = Promotion.from_dict(BAKERY)
    assert not bakery.active(datetime(2024, 6, 1, tzinfo=UTC), member=False)
    assert bakery.active(datetime(2024, 6, 1, tzinfo=UTC), member=True)


def items(*specs: tuple[str, int, int]) -> list[Item]:
    """(gtin, price, count) -> that many items, line ids counting up from 1."""
    out = []
    for line_id, (gtin, price, count) in enumerate(specs, start=1):
        out += [Item(price, gtin, line_id, "standard")] * count
    return out


def test_three_for_two_frees_one_in_every_three() -> None:
    promo = Promotion.from_dict(THREE_FOR_TWO)
    groups = deal_groups(promo, items((COLA, 199, 7)))
    assert [g.saving for g in groups] == [199, 199]  # the seventh cola is paid in full


def test_multibuy_applies_to_each_product_on_its_own() -> None:
    promo = Promotion.from_dict(TWO_FOR_FIVE)
    groups = deal_groups(promo, items((COLA, 279, 1), (LEMONADE, 279, 1)))
    assert groups == ()  # one of each is not "2 for 5.00"
    groups = deal_groups(promo, items((COLA, 279, 2), (LEMONADE, 300, 3)))
    assert [g.saving for g in groups] == [58, 100]


def test_mix_and_match_discounts_the_cheapest_of_each_group() -> None:
    promo = Promotion.from_dict(DRINKS_MIX)
    basket = items((COLA, 500, 1), (LEMONADE, 100, 2), (WATER, 300, 2), ("00000000000048",
                                                                          50, 4))
    groups = deal_groups(promo, basket)
    # Most expensive first: (5.00, 3.00, 3.00) frees 3.00; (1.00, 1.00) is short of a group.
    assert [[i.price for i in g.items] for g in groups] == [[500, 300, 300]]
    assert [g.saving for g in groups] == [300]


def test_a_deal_never_raises_a_price() -> None:
    promo = Promotion.from_dict(TWO_FOR_FIVE)
    assert deal_groups(promo, items((COLA, 200, 2))) == ()  # 4.00 is cheaper than "2 for 5"


def test_category_savings() -> None:
    bakery = Promotion.from_dict(BAKERY)
    cheese = Promotion.from_dict(CHEESE)
    assert category_saving(bakery, 279, 1) == Fraction(279, 10)  # rounded later, once
    assert category_saving(bakery, 125, 1) == Fraction(25, 2)
    assert category_saving(cheese, 450, 3) == 60
    assert category_saving(cheese, 15, 1) == 15  # never below zero
    with pytest.raises(ValueError, match="not a category promotion"):
        category_saving(Promotion.from_dict(THREE_FOR_TWO), 100, 1)
    with pytest.raises(ValueError, match="not a multi-buy or mix and match"):
        deal_groups(bakery, [])
