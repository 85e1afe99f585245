"""What a push sends (kiosk.fleet.updates, .publication, .push): full catalogues from JSON and
CSV, computed deltas, shares of kiosks, issue times."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.errors import CatalogueError
from kiosk.fleet import catgen
from kiosk.fleet import publication as pub
from kiosk.fleet.push import next_issue, old_part_topics, share_of
from kiosk.fleet.updates import compute_delta, load_catalogue
from kiosk.fleet.view import StoreView
from kiosk.store.catalogue_update import CatalogueState, next_state, parse_update

DATA = Path(__file__).parents[1] / "data" / "catalogue"
OLD = catgen.generate_snapshot(80, seed=11, version="w10")
NEW = catgen.advance(OLD, catgen.generate_delta(OLD, 12, seed=12, version="w11"))
T = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


def state_of(snapshot: dict) -> CatalogueState:
    return next_state(CatalogueState.empty("EUR"), parse_update(snapshot, currency="EUR"))


def test_a_computed_delta_takes_the_old_version_exactly_to_the_new() -> None:
    delta = compute_delta(OLD, NEW)
    assert (delta["kind"], delta["base"], delta["version"]) == ("delta", "w10", "w11")
    result = next_state(state_of(OLD), parse_update(delta, currency="EUR"))
    expected = state_of(NEW)
    assert dict(result.products) == dict(expected.products)
    assert dict(result.promotions) == dict(expected.promotions)
    assert 0 < len(delta["upsert"]) <= 12


def test_unchanged_products_are_not_in_the_delta() -> None:
    changed = json.loads(json.dumps(OLD))
    changed["version"] = "w12"
    changed["products"][3]["price"] += 10
    delta = compute_delta(OLD, changed)
    assert [p["gtin"] for p in delta["upsert"]] == [changed["products"][3]["gtin"]]
    assert delta["delete"] == []


def test_a_delta_to_the_same_version_is_refused() -> None:
    with pytest.raises(CatalogueError, match="both catalogues are version 'w10'"):
        compute_delta(OLD, OLD)


def test_a_csv_catalogue_needs_a_version_and_keeps_the_given_promotions() -> None:
    with pytest.raises(CatalogueError, match="Pass --version"):
        load_catalogue(DATA / "store.csv")
    snapshot = load_catalogue(DATA / "store.csv", version="csv-1",
                              promotions=OLD["promotions"])
    assert snapshot["version"] == "csv-1"
    assert snapshot["promotions"] == OLD["promotions"]


def test_a_bad_csv_or_a_delta_file_is_refused_before_anything_is_sent(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="cannot be imported"):
        load_catalogue(DATA / "store-bad.csv", version="x")
    delta_file = tmp_path / "d.json"
    delta_file.write_text(json.dumps(catgen.generate_delta(OLD, 3, seed=1)))
    with pytest.raises(CatalogueError, match="a push starts from full catalogues"):
        load_catalogue(delta_file)


def test_a_share_of_kiosks_is_stable_and_at_least_one() -> None:
    kiosks = [f"k{n:02d}" for n in range(20)]
    ten = share_of(kiosks, "10%", "s1")
    assert len(ten) == 2
    assert share_of(reversed(kiosks), "10%", "s1") == ten
    assert len(share_of(kiosks[:3], "1%", "s1")) == 1
    assert share_of(kiosks, "3", "s1") == sorted(share_of(kiosks, "3", "s1"))
    with pytest.raises(CatalogueError, match="is not a share"):
        share_of(kiosks, "some", "s1")


def test_a_new_manifest_is_issued_after_every_retained_one_and_old_parts_are_found() -> None:
    enc = pub.encode(OLD, part_bytes=2000)
    later = T + timedelta(hours=3)
    view = StoreView("s1", manifest=pub.manifest(enc, "s1", None, issued_at=T),
                     kiosk_manifests={"k1": pub.manifest(enc, "s1", "k1", issued_at=later)})
    assert next_issue([view], T) == later + timedelta(milliseconds=1)
    assert next_issue([view], later + timedelta(days=1)) == later + timedelta(days=1)
    topics = old_part_topics(view, keep="w11")
    assert topics == sorted(f"kiosk/v1/s1/catalogue/w10/{name}" for name in enc.full_parts)
    assert old_part_topics(view, keep="w10") == []
