"""Catalogue updates: each crafted bad update is rejected with its own reason, before any write."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from kiosk.errors import CatalogueError
from kiosk.store.catalogue_index import CatalogueIndex
from kiosk.store.catalogue_update import (
    CatalogueState,
    next_state,
    parse_update,
)

DATA = Path(__file__).parents[1] / "data" / "catalogue"
VAT = {"standard", "reduced", "intermediate", "super-reduced"}
MILK, BAGUETTE, APPLES, DEPOSIT = ("03760001000016", "03760002000015", "02004011000002",
                                   "03760000009010")


def snapshot() -> dict[str, Any]:
    return json.loads((DATA / "snapshot-v1.json").read_text(encoding="utf-8"))


def delta() -> dict[str, Any]:
    return json.loads((DATA / "delta-v2.json").read_text(encoding="utf-8"))


def current() -> CatalogueState:
    return next_state(CatalogueState.empty("EUR"),
                      parse_update(snapshot(), currency="EUR", vat_codes=VAT))


def reason(update: Any, state: CatalogueState | None = None) -> str:
    """The text the fleet manager would get back for ``update``."""
    with pytest.raises(CatalogueError) as caught:
        next_state(state or current(), parse_update(update, currency="EUR", vat_codes=VAT))
    return str(caught.value)


def with_product(**changes: Any) -> dict[str, Any]:
    update = snapshot()
    update["products"][0].update(changes)
    return update


def test_the_fixture_snapshot_and_delta_are_valid() -> None:
    state = next_state(current(), parse_update(delta(), currency="EUR", vat_codes=VAT))
    assert state.version == "store-2026.11.2"
    assert state.products[MILK].price == 119
    assert BAGUETTE not in state.products


@pytest.mark.parametrize(("changes", "expected"), [
    ({"gtin": "3760001000016"}, "products[0]: product '3760001000016' has a bad 'gtin', because "
                                "it must be 14 digits (GTIN-14)"),
    ({"gtin": "03760001000017"}, "product 03760001000017 has a bad 'gtin', because the GTIN-14 "
                                 "03760001000017 ends in check digit 7 but its digits give 6"),
    ({"price": -5}, "products[0]: product '03760001000016' has a bad 'price', because it must be "
                    "a non-negative integer of minor units"),
    ({"price": 1.15}, "has a bad 'price'"),
    ({"price": "1.15"}, "has a bad 'price'"),
    ({"unit": "litre"}, "has a bad 'unit', because 'litre' is not 'each' or 'kg'"),
    ({"names": {}}, "has bad 'names'"),
    ({"names": {"en": "Milk\x07"}}, "has a bad name in 'en', because names must be text without "
                                     "control characters"),
    ({"vat": "luxury"}, "product 03760001000016 has VAT code 'luxury', because this kiosk knows "
                        "only intermediate, reduced, standard, super-reduced"),
    ({"plu": "40-11"}, "has a bad 'plu', because a PLU is 1 to 8 digits"),
    ({"deposit": MILK}, "product 03760001000016 names itself as its deposit"),
    ({"deposit": "03760000009027"}, "product 03760001000016 has deposit 03760000009027, which is "
                                    "not in the catalogue"),
    ({"plu": "4011"}, "PLU 4011 is used by both 03760001000016 and 02004011000002"),
])
def test_a_bad_product_names_itself_and_what_is_wrong(changes: dict[str, Any],
                                                      expected: str) -> None:
    assert expected in reason(with_product(**changes))


def test_a_duplicate_gtin_is_rejected() -> None:
    update = snapshot()
    update["products"].append(copy.deepcopy(update["products"][0]))
    assert "products lists GTIN 03760001000016 twice" in reason(update)


@pytest.mark.parametrize(("changes", "expected"), [
    ({"schema": 2}, "unknown catalogue schema 2, because this kiosk reads schema 1. Send the "
                    "update in schema 1, or update the kiosk software first."),
    ({"schema": True}, "unknown catalogue schema True"),
    ({"kind": "patch"}, "unknown update kind 'patch'"),
    ({"currency": "USD"}, "the update is priced in 'USD', because this kiosk sells in EUR"),
    ({"currency": None}, "the update has no 'currency', because this kiosk sells in EUR"),
    ({"version": ""}, "the update has a bad 'version'"),
    ({"version": "v\n2"}, "the update has a bad 'version'"),
    ({"promotion": []}, "the snapshot has an unknown field 'promotion'"),
    ({"products": {}}, "the update's 'products' is not a list, because got dict"),
    ({"products": []}, "the update leaves the catalogue empty"),
])
def test_a_bad_snapshot_header_is_rejected(changes: dict[str, Any], expected: str) -> None:
    assert expected in reason(snapshot() | changes)


def test_a_missing_product_list_is_rejected() -> None:
    update = snapshot()
    del update["products"]
    assert "the update's 'products' is not a list, because it is missing" in reason(update)


def test_an_update_that_is_not_an_object_is_rejected() -> None:
    assert "the update is not a JSON object, because got list" in reason([1, 2])


@pytest.mark.parametrize(("changes", "expected"), [
    ({"base": "store-2026.10.1"}, "delta base 'store-2026.10.1' does not match current version "
                                  "'store-2026.11.1'. Send a full snapshot, or a delta from "
                                  "'store-2026.11.1'."),
    ({"version": "store-2026.11.1"}, "the delta's version 'store-2026.11.1' equals its base"),
    ({"delete": ["03760009999999"]}, "the delta deletes GTIN 03760009999999, which is not in "
                                     "version 'store-2026.11.1'"),
    ({"delete": [MILK]}, "the delta both upserts and deletes GTIN 03760001000016"),
    ({"delete": [DEPOSIT]}, "product 03760003000014 has deposit 03760000009010, which is not in "
                            "the catalogue"),
    ({"delete": [BAGUETTE, BAGUETTE]}, "the update's 'delete' lists an entry twice"),
    ({"delete": [7]}, "the update's 'delete' holds 7"),
    ({"promotions_delete": ["spring-sale"]}, "the delta deletes promotion 'spring-sale', which "
                                             "is not in version 'store-2026.11.1'"),
    ({"promotions_upsert": [{"id": "x", "kind": "multibuy"}]},
     "promotions_upsert[0]: promotion 'x' has a bad 'names'"),
    ({"upsert": [{"gtin": MILK}]}, "upsert[0]: product '03760001000016' has bad 'names'"),
    ({"products": []}, "the delta has an unknown field 'products'"),
])
def test_a_bad_delta_is_rejected(changes: dict[str, Any], expected: str) -> None:
    assert expected in reason(delta() | changes)


def test_a_delta_before_any_catalogue_asks_for_a_snapshot() -> None:
    text = reason(delta(), CatalogueState.empty("EUR"))
    assert "delta base 'store-2026.11.1' does not match current version none (no catalogue " \
           "yet)" in text
    assert "Send a full snapshot" in text


def test_a_rejection_leaves_the_given_state_untouched() -> None:
    state = current()
    before = dict(state.products)
    with pytest.raises(CatalogueError):
        next_state(state, parse_update(delta() | {"delete": ["03760009999999"]},
                                       currency="EUR", vat_codes=VAT))
    assert dict(state.products) == before
    assert state.version == "store-2026.11.1"


def test_promotions_may_name_products_that_are_not_sold() -> None:
    update = snapshot()
    update["promotions"][0]["gtins"] = ["03760009999999"]
    state = next_state(CatalogueState.empty("EUR"), parse_update(update, currency="EUR"))
    assert state.promotions["yoghurt-3-for-2"].gtins == ("03760009999999",)


def chained_delta(base: str, version: str, **changes: Any) -> dict[str, Any]:
    return {"schema": 1, "kind": "delta", "version": version, "base": base, "currency": "EUR",
            **changes}


def test_deltas_after_deltas_keep_the_whole_catalogue_rules_and_the_plu_index() -> None:
    """Each delta's result carries the PLU and deposit maps of its base forward, changed only
    where the delta is: the rules over the whole catalogue must still see everything."""
    state = current()
    assert CatalogueIndex(state).by_plu("4011").gtin == APPLES
    apples = state.products[APPLES].to_dict()
    milk = state.products[MILK].to_dict()
    del apples["plu"]
    moved = next_state(state, parse_update(chained_delta(
        "store-2026.11.1", "v2", upsert=[apples, milk | {"plu": "4011"}]), currency="EUR"))
    index = CatalogueIndex(moved)
    assert index.by_plu("4011").gtin == MILK
    assert index.by_gtin(APPLES).plu is None
    taken = parse_update(chained_delta("v2", "v3", upsert=[apples | {"plu": "4011"}]),
                         currency="EUR")
    with pytest.raises(CatalogueError, match=f"PLU 4011 is used by both {MILK} and {APPLES}"):
        next_state(moved, taken)
    orphaning = parse_update(chained_delta("v2", "v3", delete=[DEPOSIT]), currency="EUR")
    with pytest.raises(CatalogueError, match=f"has deposit {DEPOSIT}, which is not in"):
        next_state(moved, orphaning)
    freed = next_state(moved, parse_update(chained_delta("v2", "v3", delete=[MILK]),
                                           currency="EUR"))
    assert CatalogueIndex(freed).by_plu("4011") is None
