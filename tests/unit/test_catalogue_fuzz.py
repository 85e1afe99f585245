"""Fuzzing the catalogue loader and updates: nothing but a typed refusal, and nothing lost.

Whatever bytes sit in the catalogue file, opening the mirror either serves exactly the last
good version (saying so) or raises a CatalogueError with what, why and what to do. Whatever an
update holds, ``apply`` returns a result; a rejection has a reason and leaves the file, the
last good copy and the index exactly as they were.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.errors import CatalogueError
from kiosk.store.catalogue import CatalogueHealth, CatalogueMirror

DATA = Path(__file__).parents[1] / "data" / "catalogue"
MILK = "03760001000016"
FILES = ("catalogue.json", "catalogue.last-good.json")
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=15)


def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding version 1, copied for every example."""
    directory = tmp_path_factory.mktemp("catalogue-template")
    with CatalogueMirror(directory, currency="EUR") as mirror:
        assert mirror.apply(load("snapshot-v1.json")).accepted
    return directory


@pytest.fixture(scope="module")
def good_digest(template: Path) -> str:
    with CatalogueMirror(template, currency="EUR") as mirror:
        assert mirror.digest is not None
        return mirror.digest


def fresh(template: Path, parent: str) -> Path:
    directory = Path(parent) / "catalogue"
    directory.mkdir()
    for name in FILES:
        shutil.copyfile(template / name, directory / name)
    return directory


def snapshot_of(directory: Path) -> dict[str, bytes]:
    return {name: (directory / name).read_bytes() for name in FILES}


def assert_serves_version_1(directory: Path, digest: str) -> None:
    with CatalogueMirror(directory, currency="EUR") as mirror:
        assert mirror.version == "store-2026.11.1"
        assert mirror.digest == digest
        assert mirror.by_gtin(MILK).price == 115  # type: ignore[union-attr]
        if mirror.status.health is CatalogueHealth.RECOVERED:
            assert "using last good version store-2026.11.1" in mirror.status.message


def mutations(raw: bytes) -> st.SearchStrategy[bytes]:
    """A valid file truncated, or with a run of bytes overwritten, or with bytes inserted."""
    cut = st.integers(0, len(raw) - 1).map(lambda n: raw[:n])
    spot = st.tuples(st.integers(0, len(raw) - 1), st.binary(min_size=1, max_size=8))
    overwrite = spot.map(lambda s: raw[: s[0]] + s[1] + raw[s[0] + len(s[1]):])
    insert = spot.map(lambda s: raw[: s[0]] + s[1] + raw[s[0]:])
    return cut | overwrite | insert


@FUZZ
@given(content=st.binary(max_size=400))
def test_arbitrary_bytes_as_the_file_fall_back_to_the_last_good_copy(
        template: Path, good_digest: str, content: bytes) -> None:
    with tempfile.TemporaryDirectory() as parent:
        directory = fresh(template, parent)
        (directory / "catalogue.json").write_bytes(content)
        assert_serves_version_1(directory, good_digest)


@FUZZ
@given(document=json_values)
def test_arbitrary_json_as_the_file_falls_back_to_the_last_good_copy(
        template: Path, good_digest: str, document: Any) -> None:
    with tempfile.TemporaryDirectory() as parent:
        directory = fresh(template, parent)
        (directory / "catalogue.json").write_text(json.dumps(document), encoding="utf-8")
        assert_serves_version_1(directory, good_digest)


@FUZZ
@given(data=st.data())
def test_a_damaged_file_serves_version_1_or_nothing_else(
        template: Path, good_digest: str, data: st.DataObject) -> None:
    raw = (template / "catalogue.json").read_bytes()
    damaged = data.draw(mutations(raw))
    with tempfile.TemporaryDirectory() as parent:
        directory = fresh(template, parent)
        (directory / "catalogue.json").write_bytes(damaged)
        assert_serves_version_1(directory, good_digest)


@FUZZ
@given(data=st.data())
def test_with_both_copies_damaged_it_refuses_to_start_with_a_reason(
        template: Path, good_digest: str, data: st.DataObject) -> None:
    raw = (template / "catalogue.json").read_bytes()
    main, copy = data.draw(mutations(raw)), data.draw(st.binary(max_size=200) | mutations(raw))
    with tempfile.TemporaryDirectory() as parent:
        directory = fresh(template, parent)
        (directory / "catalogue.json").write_bytes(main)
        (directory / "catalogue.last-good.json").write_bytes(copy)
        refusal: CatalogueError | None = None
        try:
            with CatalogueMirror(directory, currency="EUR") as mirror:
                served = mirror.digest
        except CatalogueError as error:
            refusal = error
    if refusal is None:  # the damage left the content intact (e.g. a newline turned space)
        assert served == good_digest
        return
    assert refusal.what.endswith("cannot be loaded")
    assert "is corrupt (" in refusal.why
    assert "empty catalogue" in refusal.action


def field_changes() -> st.SearchStrategy[tuple[str, Any]]:
    fields = st.sampled_from(["schema", "kind", "version", "base", "currency", "upsert",
                              "delete", "promotions_upsert", "promotions_delete", "extra"])
    return st.tuples(fields, json_values)


@FUZZ
@given(update=json_values)
def test_arbitrary_json_as_an_update_is_rejected_with_a_reason(
        template: Path, update: Any) -> None:
    with tempfile.TemporaryDirectory() as parent:
        directory = fresh(template, parent)
        before = snapshot_of(directory)
        with CatalogueMirror(directory, currency="EUR") as mirror:
            result = mirror.apply(update)
            assert not result.accepted
            assert result.reason
            assert mirror.version == "store-2026.11.1"
        assert snapshot_of(directory) == before


@FUZZ
@given(changes=st.lists(field_changes(), min_size=1, max_size=3),
       product_changes=st.dictionaries(st.sampled_from(
           ["gtin", "names", "price", "vat", "category", "unit", "min_age", "plu", "deposit",
            "low_stock", "image"]), json_values, max_size=2))
def test_a_near_miss_delta_is_all_or_nothing(template: Path, changes: list[tuple[str, Any]],
                                             product_changes: dict[str, Any]) -> None:
    update = load("delta-v2.json")
    update["upsert"][0].update(product_changes)
    update.update(dict(changes))
    with tempfile.TemporaryDirectory() as parent:
        directory = fresh(template, parent)
        before = snapshot_of(directory)
        with CatalogueMirror(directory, currency="EUR") as mirror:
            result = mirror.apply(update)
            served = (mirror.version, mirror.digest, mirror.by_gtin(MILK))
        if not result.accepted:
            assert result.reason
            assert served[0] == "store-2026.11.1"
            assert snapshot_of(directory) == before
            return
        with CatalogueMirror(directory, currency="EUR") as reopened:  # what was applied stuck
            assert (reopened.version, reopened.digest, reopened.by_gtin(MILK)) == served


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(
    ["id", "kind", "names", "gtins", "quantity", "pay_for", "price", "category", "percent_bp",
     "amount_off", "valid_from", "valid_to", "member_only", "other"]), json_values,
    min_size=1, max_size=3))
def test_a_near_miss_promotion_is_all_or_nothing(template: Path,
                                                 changes: dict[str, Any]) -> None:
    update = load("snapshot-v1.json") | {"version": "store-2026.11.9"}
    update["promotions"][0].update(changes)
    with tempfile.TemporaryDirectory() as parent:
        directory = fresh(template, parent)
        before = snapshot_of(directory)
        with CatalogueMirror(directory, currency="EUR") as mirror:
            result = mirror.apply(update)
            promotions = mirror.promotions
        if not result.accepted:
            assert "promotion" in result.reason
            assert snapshot_of(directory) == before
            return
        with CatalogueMirror(directory, currency="EUR") as reopened:
            assert reopened.promotions == promotions
