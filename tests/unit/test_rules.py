"""Sale rules: what the shopper is told when an item cannot be added, and deposit lines."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.basket import Line
from kiosk.core.product import Product, Unit
from kiosk.core.rules import (
    HOURS,
    LINE_LIMIT,
    QUANTITY,
    SALE_LIMIT,
    DepositAdd,
    RuleViolation,
    SaleRules,
    check_add,
    deposit_lines,
    quick_pick_products,
)
from kiosk.errors import CatalogueError, ConfigError


def product(tail: int, category: str = "grocery", *, deposit: str | None = None,
            unit: Unit = Unit.EACH) -> Product:
    return Product(gtin=f"{tail:014d}", names={"en": f"Item {tail}"}, price=100, vat="standard",
                   category=category, unit=unit, deposit=deposit)


DEPOSIT = product(90, "deposit")
BEER = product(1, "alcohol", deposit=DEPOSIT.gtin)
BREAD = product(2, "bakery")
APPLES = product(3, "produce", unit=Unit.KG)
BAG = product(4, "bags")

RULES = SaleRules(category_hours={"alcohol": (time(6, 0), time(22, 0))},
                  max_quantity_per_line=6, max_items_per_sale=20, quick_picks=(BAG.gtin,))


class Catalogue:
    def __init__(self, *products: Product) -> None:
        self.products = {p.gtin: p for p in products}

    def by_gtin(self, gtin: str) -> Product | None:
        return self.products.get(gtin)

    def by_plu(self, plu: str) -> Product | None:
        return None


@pytest.mark.parametrize(("hour", "minute"), [(22, 0), (23, 30), (0, 0), (5, 59)])
def test_no_alcohol_at_night(hour: int, minute: int) -> None:
    violation = check_add(RULES, [], BEER, 1, time(hour, minute))
    assert violation == RuleViolation(HOURS, "Alcohol cannot be sold between 22:00 and 06:00",
                                      {"category": "alcohol", "from": "22:00", "to": "06:00"})


@pytest.mark.parametrize(("hour", "minute"), [(6, 0), (12, 0), (21, 59)])
def test_alcohol_by_day_and_other_categories_at_any_hour(hour: int, minute: int) -> None:
    assert check_add(RULES, [], BEER, 1, time(hour, minute)) is None
    assert check_add(RULES, [], BREAD, 1, time(23, 0)) is None


def test_a_local_datetime_is_read_as_its_wall_clock_time() -> None:
    paris = timezone(timedelta(hours=2))
    at = datetime(2024, 6, 15, 20, 30, tzinfo=UTC)  # 22:30 in Paris, 20:30 UTC
    violation = check_add(RULES, [], BEER, 1, at.astimezone(paris))
    assert violation is not None
    assert violation.code == HOURS
    assert check_add(RULES, [], BEER, 1, at) is None  # the caller converts, the rule does not
    with pytest.raises(TypeError, match="must be a time or datetime, got str"):
        check_add(RULES, [], BEER, 1, "22:30")  # type: ignore[arg-type]


def test_a_window_across_midnight() -> None:
    late = SaleRules(category_hours={"hot_food": (time(22, 0), time(2, 0))})
    hot = product(5, "hot_food")
    assert check_add(late, [], hot, 1, time(23, 0)) is None
    assert check_add(late, [], hot, 1, time(1, 59)) is None
    refused = check_add(late, [], hot, 1, time(2, 0))
    assert refused is not None
    assert refused.reason == "Hot food cannot be sold between 02:00 and 22:00"


def test_a_window_from_a_time_to_itself_allows_the_whole_day() -> None:
    always = SaleRules(category_hours={"alcohol": (time(0, 0), time(0, 0))})
    assert check_add(always, [], BEER, 1, time(3, 0)) is None


@settings(max_examples=200)
@given(st.times(), st.times(), st.times())
def test_a_window_and_its_complement_never_both_allow(start: time, end: time, now: time) -> None:
    start, end, now = (t.replace(second=0, microsecond=0) for t in (start, end, now))
    if start == end:
        return
    allowed = check_add(SaleRules(category_hours={"x": (start, end)}), [], product(6, "x"),
                        1, now) is None
    inverse = check_add(SaleRules(category_hours={"x": (end, start)}), [], product(6, "x"),
                        1, now) is None
    assert allowed != inverse


def test_quantity_limit_counts_every_line_of_the_product() -> None:
    basket = [Line(1, BREAD, 4), Line(2, BREAD, 1)]
    assert check_add(RULES, basket, BREAD, 1, time(12, 0)) is None
    violation = check_add(RULES, basket, BREAD, 2, time(12, 0))
    assert violation is not None
    assert violation.code == LINE_LIMIT
    assert violation.reason == "No more than 6 of this item can be bought in one sale"
    assert violation.params == {"limit": "6", "in_basket": "5"}


def test_sale_item_limit_leaves_deposit_lines_out() -> None:
    basket = [Line(1, BEER, 6), Line(2, DEPOSIT, 6), Line(3, APPLES, weight_g=800),
              Line(4, BREAD, 6), Line(5, product(7), 6)]
    # 6 beers + 1 weighed + 6 + 6 = 19 items; the 6 deposits do not count.
    assert check_add(RULES, basket, BAG, 1, time(12, 0)) is None
    violation = check_add(RULES, basket, BAG, 2, time(12, 0))
    assert violation is not None
    assert violation.code == SALE_LIMIT
    assert violation.reason.startswith("A sale can hold at most 20 items")


@pytest.mark.parametrize("quantity", [0, -1])
def test_a_quantity_below_one_is_refused(quantity: int) -> None:
    violation = check_add(RULES, [], BREAD, quantity, time(12, 0))
    assert violation is not None
    assert violation.code == QUANTITY
    assert violation.reason == f"The quantity must be a whole number of at least 1, not {quantity}"


def test_hours_are_checked_before_limits() -> None:
    violation = check_add(RULES, [Line(1, BEER, 6)], BEER, 1, time(23, 0))
    assert violation is not None
    assert violation.code == HOURS


def test_deposit_follows_its_product() -> None:
    catalogue = Catalogue(DEPOSIT)
    assert deposit_lines(BEER, 6, catalogue) == (DepositAdd(DEPOSIT, 6),)
    assert deposit_lines(BREAD, 2, catalogue) == ()


def test_a_missing_or_odd_deposit_item_is_a_catalogue_error() -> None:
    with pytest.raises(CatalogueError, match="names deposit item 00000000000090, because that "
                                             "item is not in the catalogue"):
        deposit_lines(BEER, 1, Catalogue())
    chained = product(90, "deposit", deposit=DEPOSIT.gtin)
    with pytest.raises(CatalogueError, match="must be sold by the item and have no deposit"):
        deposit_lines(BEER, 1, Catalogue(chained))


def test_quick_picks_in_configured_order() -> None:
    assert quick_pick_products(RULES, Catalogue(BAG, BREAD)) == (BAG,)
    with pytest.raises(CatalogueError, match="quick pick 00000000000004 is not in the catalogue"):
        quick_pick_products(RULES, Catalogue(BREAD))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_quantity_per_line": 0}, "sale.max_quantity_per_line is 0, because it must be"),
        ({"max_items_per_sale": True}, "sale.max_items_per_sale is True"),
        ({"category_hours": {"alcohol": ("06:00", "22:00")}},
         "sale.category_hours.alcohol is .*a local time window"),
        ({"quick_picks": ("bag",)}, "sale.quick_picks has 'bag', because each quick pick must"),
    ],
)
def test_bad_rules_stop_start_up(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        SaleRules(**kwargs)  # type: ignore[arg-type]
