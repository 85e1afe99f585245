"""Manifests and parts (kiosk.sync.manifest): the round trip, and every way parts can lie."""

from __future__ import annotations

import hashlib
import zlib
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.fleet import catgen
from kiosk.sync import manifest as mf
from kiosk.sync.manifest import Encoded, Manifest, PartRef
from kiosk.sync.messages import MessageRejected

SNAPSHOT = catgen.generate_snapshot(60, seed=4, version="v1")
T = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("encoding", ["zlib", "gzip"])
def test_an_update_split_into_parts_assembles_to_the_same_update(encoding: str) -> None:
    encoded, parts = mf.encode_update(SNAPSHOT, "full", encoding=encoding, part_bytes=700)
    assert len(parts) > 2
    assert [p.name for p in encoded.parts] == sorted(parts)
    assert mf.assemble(encoded, parts) == SNAPSHOT


def test_a_manifest_body_round_trips() -> None:
    encoded, _ = mf.encode_update(SNAPSHOT, "full")
    manifest = Manifest("s1", "k2", "v1", mf.FULL, None, T, None, encoded)
    assert mf.parse_manifest(manifest.to_body()) == manifest
    assert mf.check_addressee(manifest, "s1", "k2") is manifest
    with pytest.raises(MessageRejected, match="came on the store topic"):
        mf.check_addressee(manifest, "s1", None)


def rejected(encoded: Encoded, parts: dict[str, bytes]) -> MessageRejected:
    with pytest.raises(MessageRejected) as caught:
        mf.assemble(encoded, parts)
    return caught.value


def test_a_part_that_differs_from_its_signed_digest_is_a_bad_digest() -> None:
    encoded, parts = mf.encode_update(SNAPSHOT, "full", part_bytes=700)
    parts["full-001"] = parts["full-001"][:-1] + b"x"
    error = rejected(encoded, parts)
    assert (error.code, error.reason) == ("bad-digest", "part 'full-001' does not match its "
                                          "digest in the signed manifest (700 bytes, expected "
                                          "700)")


def test_a_missing_part_is_named() -> None:
    encoded, parts = mf.encode_update(SNAPSHOT, "full", part_bytes=700)
    del parts["full-002"]
    assert rejected(encoded, parts).reason == "parts full-002 are missing"


def _describe(data: bytes, size: int, digest: str | None = None) -> tuple[Encoded, dict]:
    ref = PartRef("full-000", hashlib.sha256(data).hexdigest(), len(data))
    return Encoded(digest or "sha256:" + "0" * 64, size, "zlib", (ref,)), {"full-000": data}


def test_a_decompression_bomb_stops_at_the_announced_size() -> None:
    bomb = zlib.compress(b"\0" * 50_000_000)
    encoded, parts = _describe(bomb, 1000)
    error = rejected(encoded, parts)
    assert "inflates to more than the 1000 bytes" in error.reason


def test_garbage_and_truncated_streams_are_refused() -> None:
    assert "do not decompress" in rejected(*_describe(b"not zlib at all", 10)).reason
    whole = zlib.compress(b'{"a": 1}' * 100)
    assert "ends early" in rejected(*_describe(whole[:20], 800)).reason


def test_parts_that_hold_another_update_than_announced_are_refused() -> None:
    encoded, parts = mf.encode_update(SNAPSHOT, "full")
    manifest = Manifest("s1", None, "v9", mf.FULL, None, T, None, encoded)
    with pytest.raises(MessageRejected, match="manifest announced snapshot 'v9'"):
        mf.check_update_matches(manifest, mf.assemble(encoded, parts), full=True)


def good_body() -> dict[str, Any]:
    encoded, _ = mf.encode_update(SNAPSHOT, "full")
    return Manifest("s1", None, "v1", mf.FULL, None, T, None, encoded).to_body()


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(good_body())),
       st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=80),
                 st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5),
                                                                     st.integers(), max_size=3)))
def test_any_field_replaced_by_anything_is_accepted_or_refused_never_a_crash(
        field: str, value: object) -> None:
    body = {**good_body(), field: value}
    try:
        mf.parse_manifest(body)
        reason = "accepted"
    except MessageRejected as exc:
        reason = exc.reason
    assert reason
