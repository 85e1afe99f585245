"""The fast path for product entries vouches only for what the full checks accept, and gives
the very record ``Product.to_dict()`` gives, so the file and the lookups do not depend on which
path an entry took."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.product import Product
from kiosk.errors import CatalogueError
from kiosk.store.catalogue_file import encode_record
from kiosk.store.catalogue_products import check_product, parse_products, plain_record
from kiosk.store.catalogue_records import ProductTable

VAT = frozenset({"standard", "reduced"})
MILK = "03760001000016"
BASE: dict[str, Any] = {
    "gtin": MILK, "names": {"en": "Whole milk 1 L", "fr": "Lait entier 1 L", "zh": "全脂牛奶 1升"},
    "price": 115, "vat": "reduced", "category": "dairy", "unit": "each", "low_stock": 12,
}
GTINS = ["03760001000023", MILK, "03760001000017", "3760001000016", "0376000100001٦",
         "0376000100001x", 3760001000016]
TEXTS = ["", "x", "7", None, 7, True, "a\x07b", "\ud800"]
# Per field: values the checks accept and values they refuse, side by side.
ODD: dict[str, list[Any]] = {
    "gtin": GTINS,
    "names": [{}, {"en": "Milk"}, {"en": ""}, {"en": "Milk\n"}, {"": "Milk"}, {"en": 5},
              {"en": "Lait", "fr": "Lait\x85"}, {"en\x00": "Milk"}, {"zh": "牛奶\ud800"},
              ["Milk"], "Milk", None],
    "price": [0, 1, -1, 1.5, True, "115", None, 10**20],
    "vat": ["standard", "luxury", *TEXTS],
    "category": ["dairy", *TEXTS],
    "unit": ["each", "kg", "litre", "", None, ["kg"]],
    "min_age": [0, 18, -1, True, 1.0, "18", None],
    "low_stock": [0, 5, -1, False, 2.5, None],
    "plu": ["4011", "0", "123456789", "40-11", "٤٠١١", *TEXTS],
    "image": ["milk.png", *TEXTS],
    "deposit": [MILK, "03760000009010", *TEXTS],
    "colour": ["white", None, 0],
}
CHANGES = st.dictionaries(st.sampled_from(sorted(ODD)), st.integers(0, 20), max_size=3).map(
    lambda picks: {field: ODD[field][n % len(ODD[field])] for field, n in picks.items()})
FIELDS = st.sets(st.sampled_from(sorted(ODD)), max_size=2)


def full_path(item: Any) -> Product:
    """What the kiosk accepted before there was a fast path."""
    product = Product.from_dict(item)
    check_product(product, VAT)
    return product


def same_verdict(item: dict[str, Any]) -> None:
    record = plain_record(item, VAT)
    try:
        product = full_path(item)
    except CatalogueError:
        assert record is None
        return
    if record is not None:
        assert record == product.to_dict()
        assert encode_record(record) == encode_record(product.to_dict())


@pytest.mark.parametrize(("field", "value"), [(f, v) for f, values in ODD.items()
                                              for v in values])
def test_each_odd_field_gets_the_full_checks_verdict(field: str, value: Any) -> None:
    same_verdict({**copy.deepcopy(BASE), field: value})


@pytest.mark.parametrize("field", sorted(BASE))
def test_each_missing_field_gets_the_full_checks_verdict(field: str) -> None:
    item = copy.deepcopy(BASE)
    del item[field]
    same_verdict(item)


@settings(max_examples=150, deadline=None)
@given(CHANGES, FIELDS)
def test_the_fast_path_never_vouches_for_what_the_full_checks_refuse(
        changes: dict[str, Any], dropped: set[str]) -> None:
    item = {**copy.deepcopy(BASE), **changes}
    for field in dropped:
        item.pop(field, None)
    same_verdict(item)


def test_a_plain_entry_becomes_its_canonical_record_without_a_product() -> None:
    item = {**BASE, "min_age": 0, "plu": None}  # defaults spelt out: not kept, as to_dict does
    record = plain_record(item, VAT)
    assert record == {"gtin": MILK, "names": BASE["names"], "price": 115, "vat": "reduced",
                      "category": "dairy", "unit": "each", "low_stock": 12}
    assert encode_record(record) == (
        b'"3760001000016":{"category":"dairy","gtin":"03760001000016","low_stock":12,'
        b'"names":{"en":"Whole milk 1 L","fr":"Lait entier 1 L",'
        b'"zh":"\\u5168\\u8102\\u725b\\u5976 1\\u5347"},"price":115,"unit":"each",'
        b'"vat":"reduced"}')
    item["names"]["en"] = "changed later by the caller"
    assert record["names"]["en"] == "Whole milk 1 L"


def test_a_gtin_already_in_the_catalogue_is_not_checked_again_and_a_new_one_is() -> None:
    bad_check_digit = {**BASE, "gtin": "03760001000017"}
    assert plain_record(bad_check_digit, VAT) is None
    assert plain_record(bad_check_digit, VAT, known={"03760001000017"}) is not None
    with pytest.raises(CatalogueError, match="ends in check digit 7 but its digits give 6"):
        parse_products([bad_check_digit], "products", VAT)


@pytest.mark.parametrize(("changes", "expected"), [
    ({"colour": "white"}, {"colour": "white"}),  # extra fields: kept, through the full path
    ({"unit": "kg", "plu": "4011"}, {"unit": "kg", "plu": "4011"}),
])
def test_entries_off_the_fast_path_are_built_and_read_alike(changes: dict[str, Any],
                                                            expected: dict[str, Any]) -> None:
    table = parse_products([{**BASE, **changes}], "products", VAT)
    assert isinstance(table, ProductTable)
    record = table.record(MILK)
    assert record is not None
    assert expected.items() <= record.items()
    assert table[MILK].to_dict() == record


def test_the_first_bad_entry_is_named_whichever_path_the_others_took() -> None:
    items = [BASE, {**BASE, "gtin": "03760001000023", "colour": "white"},
             {**BASE, "gtin": "03760001000030", "price": -1}]
    with pytest.raises(CatalogueError) as caught:
        parse_products(items, "upsert", VAT)
    assert str(caught.value).startswith(
        "upsert[2]: product '03760001000030' has a bad 'price', because it must be a "
        "non-negative integer of minor units")
