"""The catalogue mirror: start-up, updates all or nothing, recovery, lookups, the TinyDB file."""

from __future__ import annotations

import copy
import errno
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from tinydb import Query, TinyDB
from tinydb.storages import JSONStorage

from kiosk.core.product import ProductLookup, Unit
from kiosk.errors import CatalogueError
from kiosk.store.catalogue import CatalogueHealth, CatalogueMirror
from kiosk.store.catalogue_file import content_digest
from kiosk.store.tinystorage import AtomicJSONStorage, open_query_db

DATA = Path(__file__).parents[1] / "data" / "catalogue"
MILK, YOGHURT, BAGUETTE = "03760001000016", "03760001000023", "03760002000015"
APPLES, LAGER, DEPOSIT, CROISSANT = ("02004011000002", "03760003000014", "03760000009010",
                                     "03760002000022")
WHEN = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)
V1, V2 = "store-2026.11.1", "store-2026.11.2"


def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def mirror_at(directory: Path) -> CatalogueMirror:
    return CatalogueMirror(directory, currency="EUR", clock=lambda: WHEN)


@pytest.fixture
def applied(tmp_path: Path) -> Path:
    """A catalogue directory holding version 1 of the fixture catalogue."""
    with mirror_at(tmp_path) as mirror:
        assert mirror.apply(load("snapshot-v1.json")).accepted
    return tmp_path


def test_first_boot_is_empty_and_says_so(tmp_path: Path) -> None:
    with mirror_at(tmp_path) as mirror:
        assert mirror.status.health is CatalogueHealth.FIRST_BOOT
        assert "no catalogue yet" in mirror.status.message
        assert "sells nothing until a catalogue arrives" in mirror.status.message
        assert len(mirror) == 0
        assert mirror.version is None
        assert mirror.by_gtin(MILK) is None


def test_a_snapshot_is_served_from_the_index(tmp_path: Path) -> None:
    with mirror_at(tmp_path) as mirror:
        result = mirror.apply(load("snapshot-v1.json"))
        assert (result.accepted, result.version, result.previous) == (True, V1, None)
        assert result.changed
        lookup: ProductLookup = mirror  # what the session is given
        milk = lookup.by_gtin(MILK)
        assert milk is not None
        assert (milk.name("fr"), milk.price, milk.low_stock) == ("Lait entier 1 L", 115, 6)
        apples = mirror.by_plu("4011")
        assert apples is not None
        assert (apples.gtin, apples.unit) == (APPLES, Unit.KG)
        lager = mirror.by_gtin(LAGER)
        assert lager is not None
        assert (lager.min_age, lager.deposit) == (18, DEPOSIT)
        assert [p.gtin for p in mirror.products_in("dairy")] == [MILK, YOGHURT]
        assert mirror.categories() == ("alcohol", "bakery", "dairy", "deposit", "produce")
        assert [p.promotion_id for p in mirror.promotions] == ["bakery-10", "yoghurt-3-for-2"]
        assert (len(mirror), mirror.version, mirror.applied_at) == (6, V1,
                                                                   "2026-11-23T08:30:00Z")
        assert mirror.status.health is CatalogueHealth.OK


def test_a_restart_loads_the_same_catalogue(applied: Path) -> None:
    with mirror_at(applied) as mirror:
        assert mirror.status.health is CatalogueHealth.OK
        assert f"catalogue version {V1} (6 products" in mirror.status.message
        assert mirror.by_gtin(MILK) is not None
        assert mirror.by_gtin(MILK).name("zh") == "全脂牛奶 1升"  # type: ignore[union-attr]
        assert mirror.by_plu("4011").gtin == APPLES  # type: ignore[union-attr]
        assert len(mirror.promotions) == 2


def test_a_delta_applies_on_its_base_and_is_on_disk(applied: Path) -> None:
    with mirror_at(applied) as mirror:
        result = mirror.apply(load("delta-v2.json"))
        assert (result.accepted, result.version, result.previous) == (True, V2, V1)
        assert mirror.by_gtin(MILK).price == 119  # type: ignore[union-attr]
        assert mirror.by_gtin(BAGUETTE) is None
        assert mirror.by_gtin(CROISSANT).name("en") == "Croissant"  # type: ignore[union-attr]
        assert [p.promotion_id for p in mirror.promotions] == ["yoghurt-3-for-2"]
    with mirror_at(applied) as again:
        assert again.version == V2
        assert again.by_gtin(MILK).price == 119  # type: ignore[union-attr]
    main = (applied / "catalogue.json").read_bytes()
    assert (applied / "catalogue.last-good.json").read_bytes() == main
    meta = next(iter(json.loads(main)["meta"].values()))
    assert (meta["version"], meta["products"], meta["promotions"]) == (V2, 6, 1)


def test_a_delta_on_another_base_is_rejected_and_changes_nothing(applied: Path) -> None:
    before = (applied / "catalogue.json").read_bytes()
    delta = load("delta-v2.json") | {"base": "store-2026.10.9", "version": "store-2026.11.3"}
    with mirror_at(applied) as mirror:
        result = mirror.apply(delta)
        assert not result.accepted
        assert result.version == V1
        assert ("delta base 'store-2026.10.9' does not match current version "
                "'store-2026.11.1'") in result.reason
        assert "Send a full snapshot, or a delta from 'store-2026.11.1'" in result.reason
        assert mirror.by_gtin(BAGUETTE) is not None
        assert mirror.by_gtin(MILK).price == 115  # type: ignore[union-attr]
    assert (applied / "catalogue.json").read_bytes() == before


def test_a_bad_product_rejects_the_whole_update(applied: Path) -> None:
    delta = load("delta-v2.json")
    delta["upsert"].append({**delta["upsert"][1], "gtin": "03760002000039", "price": -5})
    with mirror_at(applied) as mirror:
        result = mirror.apply(delta)
        assert not result.accepted
        assert "upsert[2]: product '03760002000039' has a bad 'price'" in result.reason
        assert mirror.by_gtin(MILK).price == 115  # type: ignore[union-attr]
        assert mirror.by_gtin(CROISSANT) is None
        assert mirror.version == V1


def test_the_same_version_delivered_twice_is_a_no_op(applied: Path) -> None:
    with mirror_at(applied) as mirror:
        assert mirror.apply(load("delta-v2.json")).accepted
        again = mirror.apply(load("delta-v2.json"))
        assert (again.accepted, again.changed, again.version) == (True, False, V2)
        assert "already applied" in again.reason


def test_a_snapshot_reusing_a_version_for_other_content_is_rejected(applied: Path) -> None:
    snapshot = load("snapshot-v1.json")
    with mirror_at(applied) as mirror:
        same = mirror.apply(snapshot)
        assert (same.accepted, same.changed) == (True, False)
        snapshot["products"][0]["price"] = 999
        result = mirror.apply(snapshot)
        assert not result.accepted
        assert "version 'store-2026.11.1' is already applied with different content" in (
            result.reason)
        assert mirror.by_gtin(MILK).price == 115  # type: ignore[union-attr]


def test_a_disk_that_refuses_the_write_rejects_the_update(
        applied: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(self: AtomicJSONStorage, raw: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with mirror_at(applied) as mirror:
        monkeypatch.setattr(AtomicJSONStorage, "write_encoded", full)
        result = mirror.apply(load("delta-v2.json"))
        assert not result.accepted
        assert "could not be written (No space left on device)" in result.reason
        assert mirror.version == V1
        assert mirror.by_gtin(BAGUETTE) is not None


def test_a_truncated_file_falls_back_to_the_last_good_copy(applied: Path) -> None:
    main = applied / "catalogue.json"
    whole = main.read_bytes()
    main.write_bytes(whole[: len(whole) // 2])
    with mirror_at(applied) as mirror:
        assert mirror.status.health is CatalogueHealth.RECOVERED
        message = mirror.status.message
        assert message.startswith(f"catalogue file {main} is corrupt (it is not valid JSON")
        assert f"using last good version {V1} (6 products, applied 2026-11-23T08:30:00Z)" in (
            message)
        assert f"the damaged file was kept as {main}.corrupt" in message
        assert mirror.by_gtin(MILK).price == 115  # type: ignore[union-attr]
    assert main.read_bytes() == whole
    assert (applied / "catalogue.json.corrupt").read_bytes() == whole[: len(whole) // 2]
    with mirror_at(applied) as mirror:
        assert mirror.status.health is CatalogueHealth.OK


def test_a_valid_json_file_with_altered_content_is_corrupt(applied: Path) -> None:
    main = applied / "catalogue.json"
    main.write_bytes(main.read_bytes().replace(b'"price":115', b'"price":15'))
    with mirror_at(applied) as mirror:
        assert mirror.status.health is CatalogueHealth.RECOVERED
        assert "its content does not match its digest" in mirror.status.message
        assert mirror.by_gtin(MILK).price == 115  # type: ignore[union-attr]


def test_a_missing_file_with_a_last_good_copy_recovers(applied: Path) -> None:
    (applied / "catalogue.json").unlink()
    with mirror_at(applied) as mirror:
        assert mirror.status.health is CatalogueHealth.RECOVERED
        assert "is missing; using last good version store-2026.11.1" in mirror.status.message
    assert (applied / "catalogue.json").exists()


def test_both_copies_corrupt_refuses_to_start(applied: Path) -> None:
    (applied / "catalogue.json").write_bytes(b'{"products": {')
    (applied / "catalogue.last-good.json").write_bytes(b"")
    with pytest.raises(CatalogueError) as caught:
        mirror_at(applied)
    error = caught.value
    assert error.what == f"the catalogue in {applied} cannot be loaded"
    assert "catalogue.json is corrupt (it is not valid JSON" in error.why
    assert "its last good copy catalogue.last-good.json is corrupt (it is empty)" in error.why
    assert "it does not start with an empty catalogue on its own" in error.action


def test_a_corrupt_file_without_a_last_good_copy_refuses_to_start(applied: Path) -> None:
    (applied / "catalogue.json").write_bytes(b"garbage")
    (applied / "catalogue.last-good.json").unlink()
    with pytest.raises(CatalogueError, match=r"last good copy catalogue\.last-good\.json is missing"):
        mirror_at(applied)


def test_a_file_in_another_currency_is_not_served(applied: Path) -> None:
    with pytest.raises(CatalogueError, match=r"it is priced in 'EUR': this kiosk sells in GBP"):
        CatalogueMirror(applied, currency="GBP")


def test_a_missing_last_good_copy_is_rewritten_on_start(applied: Path) -> None:
    copy_path = applied / "catalogue.last-good.json"
    copy_path.unlink()
    with mirror_at(applied) as mirror:
        assert mirror.status.health is CatalogueHealth.OK
    assert copy_path.read_bytes() == (applied / "catalogue.json").read_bytes()


def test_stale_temporaries_are_removed_on_start(applied: Path) -> None:
    stale = applied / ".catalogue.json.4242.deadbeef.tmp"
    stale.write_bytes(b'{"products":{\n"1":')
    with mirror_at(applied):
        assert not stale.exists()


def test_a_second_process_cannot_hold_the_catalogue(applied: Path) -> None:
    with mirror_at(applied), pytest.raises(CatalogueError) as caught:
        mirror_at(applied)
    assert "is in use by another process" in caught.value.what
    assert "Stop the kiosk service first" in caught.value.action


def test_the_file_is_a_tinydb_database_queried_read_only(applied: Path) -> None:
    db = open_query_db(applied / "catalogue.json")
    found = db.table("products").search(Query().category == "dairy")
    assert sorted(doc["gtin"] for doc in found) == [MILK, YOGHURT]
    lager = db.table("products").get(doc_id=int(LAGER))  # a product's doc id is its GTIN
    assert lager is not None
    assert lager["names"]["fr"] == "Bière blonde 50 cl, bouteille consignée"
    with pytest.raises(CatalogueError, match="is open read-only"):
        db.table("products").insert({"gtin": "x"})
    db.close()


def test_a_catalogue_written_by_stock_tinydb_loads_when_its_digest_holds(tmp_path: Path) -> None:
    """Another layout (TinyDB's own) takes the slow path: validated, then checked by digest."""
    snapshot = load("snapshot-v1.json")
    with mirror_at(tmp_path / "reference") as reference:
        reference.apply(snapshot)
        digest = reference.digest
        state = reference._index.state
    assert digest == content_digest(state)
    target = tmp_path / "stock"
    target.mkdir()
    db = TinyDB(target / "catalogue.json", storage=JSONStorage, indent=2)
    db.table("products").insert_multiple(reversed(copy.deepcopy(snapshot["products"])))
    db.table("promotions").insert_multiple(snapshot["promotions"])
    db.table("meta").insert({"schema": 1, "version": V1, "currency": "EUR", "digest": digest,
                             "applied_at": "2026-11-23T08:30:00Z", "products": 6,
                             "promotions": 2})
    db.close()
    with mirror_at(target) as mirror:
        assert mirror.status.health is CatalogueHealth.OK
        assert mirror.by_plu("4011").gtin == APPLES  # type: ignore[union-attr]
        assert mirror.digest == digest


def test_apply_needs_an_aware_time(tmp_path: Path) -> None:
    with mirror_at(tmp_path) as mirror, pytest.raises(ValueError, match="timezone-aware"):
        mirror.apply(load("snapshot-v1.json"), at=datetime(2026, 1, 1))


def test_a_closed_mirror_still_serves_but_applies_nothing(applied: Path) -> None:
    mirror = mirror_at(applied)
    mirror.close()
    assert mirror.by_gtin(MILK) is not None
    with pytest.raises(CatalogueError, match="the catalogue mirror is closed"):
        mirror.apply(load("delta-v2.json"))
