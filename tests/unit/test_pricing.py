"""Pricing: the totals, discount lines and VAT table a shopper sees, and that they always agree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.basket import Line, PricedBasket
from kiosk.core.money import Money
from kiosk.core.pricing import PricingError, price_basket
from kiosk.core.product import Product, Unit
from kiosk.core.promotions import Promotion

AT = datetime(2024, 6, 15, 12, 0, tzinfo=UTC)
RATES = {"standard": 2000, "reduced": 550, "zero": 0}


def product(gtin_tail: int, price: int, *, vat: str = "standard", category: str = "grocery",
            name: str = "Item", unit: Unit = Unit.EACH, min_age: int = 0) -> Product:
    return Product(gtin=f"{gtin_tail:014d}", names={"en": name}, price=price, vat=vat,
                   category=category, unit=unit, min_age=min_age)


COLA = product(1, 199, name="Cola", category="drinks")
LEMONADE = product(2, 250, name="Lemonade", category="drinks")
WINE = product(3, 1200, name="Red wine", category="alcohol", min_age=18)
BREAD = product(4, 100, name="Baguette", vat="reduced", category="bakery")
CROISSANT = product(5, 125, name="Croissant", vat="reduced", category="bakery")
APPLES = product(6, 299, name="Apples", vat="reduced", category="produce", unit=Unit.KG)
CHIPS = product(7, 279, name="Crisps", category="snacks")
NEWSPAPER = product(8, 150, name="Newspaper", vat="zero", category="press")


def promo(pid: str, kind: str, label: str, **fields: Any) -> Promotion:
    return Promotion.from_dict({"id": pid, "kind": kind, "names": {"en": label}, **fields})


COLA_3FOR2 = promo("cola-3for2", "multibuy", "3 for 2", gtins=[COLA.gtin], quantity=3,
                   pay_for=2)
CHIPS_2FOR5 = promo("chips-2for5", "multibuy", "2 for 5.00", gtins=[CHIPS.gtin], quantity=2,
                    price=500)
DRINKS_2FOR3 = promo("drinks-2for3", "mixmatch", "Any 2 drinks for 3.00",
                     gtins=[COLA.gtin, LEMONADE.gtin], quantity=2, price=300)
BAKERY_10 = promo("bakery-10", "category", "10% off bakery", category="bakery", percent_bp=1000)
PRODUCE_10 = promo("produce-10", "category", "10% off fruit", category="produce",
                   percent_bp=1000)


def price(lines: Sequence[Line], promotions: Sequence[Promotion] = (), *,
          at: datetime = AT, member: bool = False) -> PricedBasket:
    return price_basket(lines, promotions=promotions, vat_rates=RATES, currency="EUR", at=at,
                        member=member)


def eur(text: str) -> Money:
    return Money.parse(text, "EUR")


def shown(basket: PricedBasket) -> list[tuple[str, str]]:
    """The discount lines as the receipt prints them."""
    return [(d.names["en"], d.amount.decimal_str()) for d in basket.discounts]


def vat_table(basket: PricedBasket) -> list[tuple[str, str, str, str]]:
    return [(v.code, v.gross.decimal_str(), v.net.decimal_str(), v.vat.decimal_str())
            for v in basket.vat]


def test_three_for_two() -> None:
    basket = price([Line(1, COLA, 3)], [COLA_3FOR2])
    assert basket.total == eur("3.98")
    assert shown(basket) == [("3 for 2", "-1.99")]
    assert basket.discounts[0].line_ids == (1,)
    assert basket.lines[0].amount == eur("5.97")


def test_two_for_five() -> None:
    basket = price([Line(1, CHIPS, 2)], [CHIPS_2FOR5])
    assert basket.total == eur("5.00")
    assert shown(basket) == [("2 for 5.00", "-0.58")]
    assert price([Line(1, CHIPS, 3)], [CHIPS_2FOR5]).total == eur("7.79")


def test_ten_percent_off_bakery_rounded_once() -> None:
    basket = price([Line(1, BREAD, 1), Line(2, CROISSANT, 2), Line(3, COLA, 1)], [BAKERY_10])
    # 10 % of (1.00 + 2.50) = 0.35; the cola is not bakery.
    assert shown(basket) == [("10% off bakery", "-0.35")]
    assert basket.total == eur("5.14")
    assert basket.discounts[0].line_ids == (1, 2)


def test_fixed_amount_off_per_item() -> None:
    cheese = product(9, 450, category="cheese")
    off = promo("cheese-20", "category", "0.20 off cheese", category="cheese", amount_off=20)
    assert shown(price([Line(1, cheese, 3)], [off])) == [("0.20 off cheese", "-0.60")]


def test_vat_twenty_percent_on_twelve() -> None:
    basket = price([Line(1, WINE, 1)])
    assert vat_table(basket) == [("standard", "12.00", "10.00", "2.00")]


def test_vat_five_point_five_on_one_euro() -> None:
    assert vat_table(price([Line(1, BREAD, 1)])) == [("reduced", "1.00", "0.95", "0.05")]


def test_mixed_basket_as_the_receipt_shows_it() -> None:
    lines = [Line(1, WINE, 1), Line(2, APPLES, weight_g=1234), Line(3, BREAD, 1),
             Line(4, COLA, 3), Line(5, NEWSPAPER, 1)]
    basket = price(lines, [COLA_3FOR2, BAKERY_10])
    assert [line.amount.decimal_str() for line in basket.lines] == [
        "12.00", "3.69", "1.00", "5.97", "1.50"]  # 1.234 kg x 2.99 = 3.68966 -> 3.69
    assert shown(basket) == [("3 for 2", "-1.99"), ("10% off bakery", "-0.10")]
    assert vat_table(basket) == [
        ("reduced", "4.59", "4.35", "0.24"),  # 3.69 + 1.00 - 0.10
        ("standard", "15.98", "13.32", "2.66"),  # 12.00 + 5.97 - 1.99
        ("zero", "1.50", "1.50", "0.00"),
    ]
    assert basket.total == eur("22.07")
    assert basket.item_count == 7  # the apples count as one item
    assert basket.min_age == 18


@pytest.mark.parametrize(
    ("weight_g", "price_per_kg", "amount"),
    [(1234, 299, "3.69"), (500, 101, "0.51"), (1000, 299, "2.99"), (1, 299, "0.00"),
     (5, 100, "0.01")],
)
def test_weighed_items_round_half_up(weight_g: int, price_per_kg: int, amount: str) -> None:
    item = replace(APPLES, price=price_per_kg)
    line = price([Line(1, item, weight_g=weight_g)]).lines[0]
    assert line.amount == eur(amount)
    assert line.unit_price == Money(price_per_kg, "EUR")  # shown per kg


def test_label_price_wins_over_the_catalogue() -> None:
    weighed = price([Line(1, APPLES, weight_g=1234, label_price=412)]).lines[0]
    assert (weighed.amount, weighed.unit_price) == (eur("4.12"), eur("2.99"))
    markdown = price([Line(1, CROISSANT, 2, label_price=60)]).lines[0]
    assert (markdown.amount, markdown.unit_price) == (eur("1.20"), eur("0.60"))


def test_staff_override_sets_the_unit_price() -> None:
    each = price([Line(1, COLA, 3, override_price=100, override_by="s7")])
    assert each.total == eur("3.00")
    assert each.discounts == ()  # an overridden line takes part in no promotion
    weighed = price([Line(1, APPLES, weight_g=1234, label_price=412, override_price=100,
                          override_by="s7")])
    assert weighed.total == eur("1.23")  # the override is per kg and wins over the label


def test_overridden_and_labelled_lines_stay_out_of_promotions() -> None:
    lines = [Line(1, COLA, 2), Line(2, COLA, 1, override_price=199, override_by="s7")]
    assert price(lines, [COLA_3FOR2]).total == eur("5.97")
    lines = [Line(1, CROISSANT, 1, label_price=60), Line(2, CROISSANT, 1)]
    assert shown(price(lines, [BAKERY_10])) == [("10% off bakery", "-0.13")]


def test_weighed_items_take_no_multibuy_but_do_take_category_discounts() -> None:
    apples_2for1 = promo("apples", "multibuy", "2 for 1", gtins=[APPLES.gtin], quantity=2,
                         pay_for=1)
    lines = [Line(1, APPLES, weight_g=1000), Line(2, APPLES, weight_g=1000)]
    basket = price(lines, [apples_2for1, PRODUCE_10])
    assert shown(basket) == [("10% off fruit", "-0.60")]
    assert basket.total == eur("5.38")


def test_an_item_takes_part_in_one_deal_the_best_saving_wins() -> None:
    # Three colas and a lemonade: "3 for 2" alone saves 1.99; "any 2 drinks for 3.00" saves
    # 1.49 (2.50 + 1.99) + 0.98 (1.99 + 1.99) = 2.47, so the mix and match takes them all.
    basket = price([Line(1, COLA, 3), Line(2, LEMONADE, 1)], [COLA_3FOR2, DRINKS_2FOR3])
    assert shown(basket) == [("Any 2 drinks for 3.00", "-2.47")]
    assert basket.total == eur("6.00")
    # Three colas alone: "3 for 2" (1.99) beats one pair for 3.00 (0.98); the third cola
    # is in the 3 for 2, so the mix and match gets nothing.
    assert shown(price([Line(1, COLA, 3)], [COLA_3FOR2, DRINKS_2FOR3])) == [("3 for 2", "-1.99")]
    # Five: 3 for 2 takes three, the two left make a pair for 3.00.
    basket = price([Line(1, COLA, 5)], [DRINKS_2FOR3, COLA_3FOR2])
    assert shown(basket) == [("3 for 2", "-1.99"), ("Any 2 drinks for 3.00", "-0.98")]
    assert basket.total == eur("6.98")


def test_equal_savings_go_to_the_smaller_promotion_id() -> None:
    twin = replace(COLA_3FOR2, promotion_id="a-cola-3for2", names={"en": "Twin deal"})
    assert shown(price([Line(1, COLA, 3)], [COLA_3FOR2, twin])) == [("Twin deal", "-1.99")]


def test_mix_and_match_frees_the_cheapest_and_splits_vat_by_price() -> None:
    snack = product(10, 300, category="snacks")
    juice = product(11, 200, vat="reduced", category="drinks")
    water = product(12, 100, vat="reduced", category="drinks")
    deal = promo("snack-3for2", "mixmatch", "Any 3 for 2",
                 gtins=[snack.gtin, juice.gtin, water.gtin], quantity=3, pay_for=2)
    basket = price([Line(1, water, 1), Line(2, snack, 1), Line(3, juice, 1)], [deal])
    assert shown(basket) == [("Any 3 for 2", "-1.00")]  # the water, the cheapest, is free
    # The saving is spread over the deal's items by price: 3.00 of 6.00 standard, 3.00 reduced.
    assert basket.discounts[0].vat_split == {"standard": eur("-0.50"), "reduced": eur("-0.50")}
    assert vat_table(basket) == [("reduced", "2.50", "2.37", "0.13"),
                                 ("standard", "2.50", "2.08", "0.42")]


def test_deal_items_get_no_category_discount_on_top() -> None:
    croissants = promo("croissant-3for2", "multibuy", "3 croissants for 2",
                       gtins=[CROISSANT.gtin], quantity=3, pay_for=2)
    basket = price([Line(1, CROISSANT, 4)], [croissants, BAKERY_10])
    assert shown(basket) == [("3 croissants for 2", "-1.25"), ("10% off bakery", "-0.13")]
    assert basket.total == eur("3.62")


def test_the_best_category_promotion_wins_per_line() -> None:
    off_30c = promo("bakery-30c", "category", "0.30 off bakery", category="bakery",
                    amount_off=30)
    basket = price([Line(1, BREAD, 1), Line(2, product(13, 1000, vat="reduced",
                                                       category="bakery"), 1)],
                   [off_30c, BAKERY_10])
    # Baguette: 0.30 beats 0.10. Cake: 1.00 beats 0.30.
    assert shown(basket) == [("10% off bakery", "-1.00"), ("0.30 off bakery", "-0.30")]


def test_validity_windows_and_member_only() -> None:
    summer = replace(COLA_3FOR2, valid_from=datetime(2024, 7, 1, tzinfo=UTC))
    assert price([Line(1, COLA, 3)], [summer]).total == eur("5.97")
    assert price([Line(1, COLA, 3)], [summer], at=datetime(2024, 7, 1, tzinfo=UTC)).total == \
        eur("3.98")
    members = replace(COLA_3FOR2, member_only=True)
    assert price([Line(1, COLA, 3)], [members]).total == eur("5.97")
    assert price([Line(1, COLA, 3)], [members], member=True).total == eur("3.98")


def test_empty_basket() -> None:
    basket = price([], [COLA_3FOR2])
    assert (basket.total, basket.vat, basket.discounts, basket.item_count, basket.min_age) == (
        eur("0.00"), (), (), 0, 0)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([Line(1, replace(COLA, vat="luxury"))],
         "VAT code 'luxury' of product 00000000000001 is not configured"),
        ([Line(1, COLA), Line(1, BREAD)], "line id 1 is used twice"),
        ([Line(1, COLA, 0)], "line 1 .00000000000001. cannot be priced, because the quantity"),
        ([Line(1, APPLES, 2, weight_g=500)], "a weighed item is one line of quantity 1"),
        ([Line(1, APPLES)], "a weighed item priced per kg needs its weight"),
        ([Line(1, APPLES, weight_g=0)], "the weight must be a positive number of grams"),
        ([Line(1, COLA, label_price=-5)], "the label price must be a non-negative amount"),
        ([Line(1, COLA, override_price=100)], "must name the staff member who made it"),
        ([Line(1, APPLES, label_price=300, override_price=100, override_by="s7")],
         "needs its weight"),
    ],
)
def test_what_cannot_be_priced_is_refused_with_a_reason(lines: list[Line], message: str) -> None:
    with pytest.raises(PricingError, match=message) as caught:
        price(lines)
    assert isinstance(caught.value, ValueError)


def test_two_promotions_under_one_id_are_refused() -> None:
    clash = replace(CHIPS_2FOR5, promotion_id=COLA_3FOR2.promotion_id)
    with pytest.raises(PricingError, match="promotion id 'cola-3for2' is used by two"):
        price([Line(1, COLA, 3)], [COLA_3FOR2, clash])


def test_a_time_without_offset_or_an_unknown_currency_is_refused() -> None:
    with pytest.raises(PricingError, match="no UTC offset"):
        price([Line(1, COLA)], at=datetime(2024, 6, 15, 12, 0))
    with pytest.raises(PricingError, match="'EURO' is not a known ISO 4217 currency"):
        price_basket([], promotions=(), vat_rates=RATES, currency="EURO", at=AT)


# Property-based: any basket, any rates, any mix of promotions.

CATALOGUE = [COLA, LEMONADE, WINE, BREAD, CROISSANT, APPLES, CHIPS, NEWSPAPER]
PROMOTIONS = [
    COLA_3FOR2, CHIPS_2FOR5, DRINKS_2FOR3, BAKERY_10, PRODUCE_10,
    promo("mixed-3for2", "mixmatch", "Mixed 3 for 2", quantity=3, pay_for=2,
          gtins=[COLA.gtin, BREAD.gtin, CROISSANT.gtin, CHIPS.gtin, NEWSPAPER.gtin]),
    promo("drinks-50c", "category", "0.50 off drinks", category="drinks", amount_off=50),
    promo("treat-2for5", "mixmatch", "2 for 5.00", gtins=[WINE.gtin, CHIPS.gtin, COLA.gtin],
          quantity=2, price=500),
    promo("bakery-99", "category", "99% off bakery", category="bakery", percent_bp=9900),
]


@st.composite
def baskets(draw: st.DrawFn) -> tuple[list[Line], list[Promotion], dict[str, int]]:
    catalogue = [replace(p, price=draw(st.integers(0, 3000))) for p in CATALOGUE]
    rates = {code: draw(st.integers(0, 10_000)) for code in RATES}
    count = draw(st.integers(0, 8))
    ids = draw(st.lists(st.integers(1, 10_000), min_size=count, max_size=count, unique=True))
    lines = []
    for line_id in ids:
        item = draw(st.sampled_from(catalogue))
        label = draw(st.one_of(st.none(), st.none(), st.integers(0, 3000)))
        override = draw(st.one_of(st.none(), st.none(), st.none(), st.integers(0, 3000)))
        weight = draw(st.integers(1, 5000)) if item.weighed else None
        quantity = 1 if item.weighed else draw(st.integers(1, 5))
        lines.append(Line(line_id, item, quantity, weight_g=weight, label_price=label,
                          override_price=override, override_by="s1" if override is not None else None))
    promotions = draw(st.lists(st.sampled_from(PROMOTIONS), unique_by=lambda p: p.promotion_id))
    return lines, promotions, rates


def price_with(lines: Sequence[Line], promotions: Sequence[Promotion],
               rates: dict[str, int]) -> PricedBasket:
    return price_basket(lines, promotions=promotions, vat_rates=rates, currency="EUR", at=AT)


@settings(max_examples=150, deadline=None)
@given(baskets())
def test_every_basket_adds_up_to_the_cent(case: tuple[list[Line], list[Promotion],
                                                      dict[str, int]]) -> None:
    lines, promotions, rates = case
    basket = price_with(lines, promotions, rates)
    line_sum = sum(line.amount.minor for line in basket.lines)
    discount_sum = sum(d.amount.minor for d in basket.discounts)
    assert basket.total.minor == line_sum + discount_sum == sum(v.gross.minor for v in basket.vat)
    assert 0 <= basket.total.minor <= line_sum
    for discount in basket.discounts:
        assert discount.amount.minor < 0
        assert sum(p.minor for p in discount.vat_split.values()) == discount.amount.minor
    for vat in basket.vat:
        assert vat.gross == vat.net + vat.vat
        assert vat.gross.minor >= 0  # no rate is discounted below zero
        assert vat.vat.minor >= 0
        assert vat.rate_bp == rates[vat.code]
        if vat.rate_bp == 0:
            assert vat.vat.minor == 0
    assert [v.code for v in basket.vat] == sorted({line.product.vat for line in lines})
    assert basket.min_age == max((line.product.min_age for line in lines), default=0)


@settings(max_examples=100, deadline=None)
@given(baskets(), st.randoms(use_true_random=False))
def test_line_order_does_not_change_anything(case: tuple[list[Line], list[Promotion],
                                                         dict[str, int]], rnd: Any) -> None:
    lines, promotions, rates = case
    before = price_with(lines, promotions, rates)
    shuffled = list(lines)
    rnd.shuffle(shuffled)
    rnd.shuffle(promotions)
    after = price_with(shuffled, promotions, rates)
    assert (after.total, after.discounts, after.vat) == (before.total, before.discounts,
                                                         before.vat)


@settings(max_examples=100, deadline=None)
@given(baskets())
def test_scanning_one_by_one_costs_the_same_as_a_quantity(
        case: tuple[list[Line], list[Promotion], dict[str, int]]) -> None:
    lines, promotions, rates = case
    singles = [replace(line, line_id=0, quantity=1) for line in lines
               for _ in range(line.quantity)]
    singles = [replace(line, line_id=n) for n, line in enumerate(singles, start=1)]
    together, apart = price_with(lines, promotions, rates), price_with(singles, promotions, rates)
    assert apart.total == together.total
    assert apart.vat == together.vat
    assert [(d.promotion_id, d.amount) for d in apart.discounts] == [
        (d.promotion_id, d.amount) for d in together.discounts]
