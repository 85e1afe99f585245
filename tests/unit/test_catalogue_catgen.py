"""The synthetic catalogue generator: valid, realistic, reproducible, and accepted by the mirror."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from kiosk.core.gtin import gtin14
from kiosk.fleet.catgen import advance, generate_delta, generate_snapshot, main, update_chain
from kiosk.store.catalogue_update import CatalogueState, next_state, parse_update

VAT = {"standard", "intermediate", "reduced", "super-reduced"}


@pytest.fixture(scope="module")
def snapshot() -> dict:
    return generate_snapshot(3000, seed=7, version="gen-7")


def test_the_same_seed_gives_the_same_catalogue() -> None:
    assert generate_snapshot(200, seed=3) == generate_snapshot(200, seed=3)
    assert generate_snapshot(200, seed=3) != generate_snapshot(200, seed=4)


def test_every_gtin_is_valid_and_unique(snapshot: dict) -> None:
    gtins = [p["gtin"] for p in snapshot["products"]]
    assert len(gtins) == len(set(gtins)) == 3000
    assert all(gtin14(g) == g for g in gtins)
    spellings = Counter("EAN-8" if g.startswith("000000") else "UPC-A" if g.startswith("00")
                        else "GTIN-14" if g[0] != "0" else "EAN-13" for g in gtins)
    assert set(spellings) == {"EAN-8", "UPC-A", "GTIN-14", "EAN-13"}


def test_it_looks_like_a_supermarket(snapshot: dict) -> None:
    products = snapshot["products"]
    assert all(set(p["names"]) == {"en", "fr", "zh"} for p in products)
    assert {p["vat"] for p in products} == VAT
    weighed = [p for p in products if p["unit"] == "kg"]
    assert weighed
    assert all(p["gtin"].startswith("02") for p in weighed)  # keyed like in-store labels
    plus = [p["plu"] for p in products if "plu" in p]
    assert plus
    assert len(plus) == len(set(plus))
    assert {p["min_age"] for p in products if p["category"] == "alcohol"} == {18}
    assert any("deposit" in p for p in products)
    assert {p["kind"] for p in snapshot["promotions"]} == {"multibuy", "mixmatch", "category"}


def test_the_mirror_accepts_the_snapshot_and_its_delta(snapshot: dict) -> None:
    state = next_state(CatalogueState.empty("EUR"),
                       parse_update(snapshot, currency="EUR", vat_codes=VAT))
    delta = generate_delta(snapshot, 100, seed=1)
    assert (delta["base"], delta["version"]) == ("gen-7", "gen-7+100")
    assert (len(delta["upsert"]), len(delta["delete"])) == (90, 10)
    after = next_state(state, parse_update(delta, currency="EUR", vat_codes=VAT))
    assert len(after.products) == 3000
    changed = [p for p in delta["upsert"] if p["gtin"] in state.products]
    assert all(after.products[p["gtin"]].price == p["price"] for p in changed)
    assert all(g not in after.products for g in delta["delete"])


def test_a_chain_of_deltas_applies_in_order() -> None:
    chain = update_chain(300, 3, 20, seed=5)
    assert [u["version"] for u in chain] == ["v1", "v2", "v3", "v4"]
    state = CatalogueState.empty("EUR")
    for update in chain:
        state = next_state(state, parse_update(update, currency="EUR", vat_codes=VAT))
    expected = advance(advance(advance(chain[0], chain[1]), chain[2]), chain[3])
    assert sorted(state.products) == sorted(p["gtin"] for p in expected["products"])


def test_the_command_line_writes_the_files(tmp_path: Path) -> None:
    out, delta_out = tmp_path / "catalogue.json", tmp_path / "delta.json"
    assert main(["--products", "50", "--out", str(out), "--delta-changes", "10",
                 "--delta-out", str(delta_out), "--seed", "2"]) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written == generate_snapshot(50, seed=2)
    assert json.loads(delta_out.read_text(encoding="utf-8"))["base"] == "gen-1"
