"""Signed catalogue updates against a real Mosquitto: what a fleet manager sees on the ack topic
and what the kiosk then sells, for good pushes and for every kind of bad one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from catsync_helpers import Fleet, SyncedKiosk, catalogue, signing_key, wait_until

from kiosk.fleet import catgen
from kiosk.fleet import publication as pub
from kiosk.fleet.keys import SigningKey
from kiosk.fleet.view import build_views, retained_filters
from kiosk.sync.broker import LocalMosquitto
from kiosk.sync.signing import sign_message


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[LocalMosquitto]:
    with LocalMosquitto(tmp_path / "broker", kiosks=[("s1", "k1"), ("s1", "k2"),
                                                     ("s2", "k1")]) as running:
        yield running


@pytest.fixture
def key() -> SigningKey:
    return signing_key()


@pytest.fixture
def fleet(broker: LocalMosquitto, key: SigningKey) -> Iterator[Fleet]:
    running = Fleet(broker, key)
    yield running
    running.close()


@pytest.fixture
def k1(broker: LocalMosquitto, tmp_path: Path, key: SigningKey) -> Iterator[SyncedKiosk]:
    kiosk = SyncedKiosk(broker, tmp_path / "k1", [key])
    yield kiosk
    kiosk.stop()


V1 = catalogue(40, "v1")
D2 = catgen.generate_delta(V1, 6, seed=5, version="v2")
V2 = catgen.advance(V1, D2)


def price_of(kiosk: SyncedKiosk, snapshot: dict, index: int) -> int | None:
    product = kiosk.mirror.by_gtin(snapshot["products"][index]["gtin"])
    return product.price if product else None


def test_a_full_push_is_applied_acked_and_shown_in_the_status(
        broker: LocalMosquitto, fleet: Fleet, k1: SyncedKiosk) -> None:
    assert fleet.push(V1) == 0
    ack = fleet.ack("k1", "v1", "applied")
    assert (ack.code, ack.reason) == ("", "")
    assert k1.mirror.version == "v1"
    assert len(k1.mirror) == 40
    # the retained status the link publishes after the change carries the new version
    def shown() -> bool:
        views = build_views(fleet.client.retained(retained_filters("s1"), quiet_s=0.2))
        return views["s1"].kiosks["k1"].catalogue_version == "v1"
    wait_until(shown, what="the status showing v1")


def test_a_delta_is_applied_on_its_base(fleet: Fleet, k1: SyncedKiosk) -> None:
    fleet.push(V1)
    fleet.ack("k1", "v1", "applied")
    changed = D2["upsert"][0]
    assert fleet.push(V2, D2) == 0
    ack = fleet.ack("k1", "v2", "applied")
    assert k1.acks("applied")[-1]["kind"] == "delta"
    assert ack.reason == ""
    assert k1.mirror.by_gtin(changed["gtin"]).price == changed["price"]
    assert all(k1.mirror.by_gtin(g) is None for g in D2["delete"])


def test_a_forged_signature_is_rejected_with_the_reason_and_nothing_changes(
        fleet: Fleet, k1: SyncedKiosk) -> None:
    fleet.push(V1)
    fleet.ack("k1", "v1", "applied")
    forger = signing_key()
    forged = replace(forger, key_id=fleet.key.key_id)  # claims the fleet's key id
    enc = pub.encode(V2, D2, part_bytes=4096)
    manifest = pub.manifest(enc, "s1", None, issued_at=datetime.now(UTC) + timedelta(hours=1))
    fleet.publish([*pub.part_messages("s1", enc), pub.manifest_message(manifest, forged)])
    ack = fleet.ack("k1", None, "rejected", code="bad-signature")
    assert "signature does not match" in ack.reason
    assert k1.mirror.version == "v1"
    assert price_of(k1, V1, 5) == V1["products"][5]["price"]


def test_a_corrupt_part_is_rejected_as_a_bad_digest(fleet: Fleet, k1: SyncedKiosk) -> None:
    fleet.push(V1)
    fleet.ack("k1", "v1", "applied")
    enc = pub.encode(V2, D2, part_bytes=256)
    parts = pub.part_messages("s1", enc)
    topic, data, retain = next(m for m in parts if m[0].endswith("delta-001"))
    tampered = [(t, d, r) for t, d, r in parts if t != topic]
    tampered.append((topic, bytes([data[0] ^ 1]) + data[1:], retain))
    manifest = pub.manifest(enc, "s1", None, issued_at=datetime.now(UTC) + timedelta(hours=1))
    fleet.publish([*tampered, pub.manifest_message(manifest, fleet.key)])
    ack = fleet.ack("k1", "v2", "rejected", code="bad-digest")
    assert "delta-001" in ack.reason
    assert k1.mirror.version == "v1"


def test_a_replayed_older_manifest_is_rejected(fleet: Fleet, k1: SyncedKiosk) -> None:
    enc = pub.encode(V1, part_bytes=4096)
    old = pub.manifest_message(pub.manifest(enc, "s1", None,
                                            issued_at=datetime.now(UTC) - timedelta(days=1)),
                               fleet.key)
    fleet.publish([*pub.part_messages("s1", enc), old])
    fleet.ack("k1", "v1", "applied")
    fleet.push(V2, D2)
    fleet.ack("k1", "v2", "applied")
    fleet.publish([*pub.part_messages("s1", enc), old])  # the very bytes of the old push
    ack = fleet.ack("k1", "v1", "rejected", code="replayed")
    assert "an older update is never applied" in ack.reason
    assert k1.mirror.version == "v2"


def test_a_delta_on_another_base_takes_the_retained_full_snapshot(
        broker: LocalMosquitto, fleet: Fleet, tmp_path: Path, key: SigningKey) -> None:
    v0 = catalogue(30, "v0", seed=9)
    kiosk = SyncedKiosk(broker, tmp_path / "k2", [key], kiosk="k2", initial=v0)
    try:
        assert fleet.push(V2, D2) == 0  # base v1; this kiosk is on v0
        mismatch = fleet.ack("k2", "v2", "rejected", code="base-mismatch")
        assert "is not this kiosk's version v0" in mismatch.reason
        fleet.ack("k2", "v2", "applied")
        assert kiosk.acks("applied")[-1]["kind"] == "full"
        assert kiosk.mirror.version == "v2"
        assert len(kiosk.mirror) == len(V2["products"])
    finally:
        kiosk.stop()


def test_missing_parts_are_rejected_after_the_timeout(fleet: Fleet, k1: SyncedKiosk) -> None:
    fleet.push(V1)
    fleet.ack("k1", "v1", "applied")
    enc = pub.encode(V2, part_bytes=1024)
    parts = [m for m in pub.part_messages("s1", enc) if not m[0].endswith("full-002")]
    manifest = pub.manifest(enc, "s1", None, issued_at=datetime.now(UTC) + timedelta(hours=1))
    fleet.publish([*parts, pub.manifest_message(manifest, fleet.key)])
    ack = fleet.ack("k1", "v2", "rejected", code="missing-parts")
    assert ack.reason == "parts full-002 did not arrive in time"
    assert k1.mirror.version == "v1"


def test_a_kiosk_offline_during_the_pushes_catches_up_from_retained_messages(
        broker: LocalMosquitto, fleet: Fleet, tmp_path: Path, key: SigningKey) -> None:
    behind = SyncedKiosk(broker, tmp_path / "k2", [key], kiosk="k2", initial=V1, start=False)
    new = SyncedKiosk(broker, tmp_path / "s2k1", [key], store="s2", kiosk="k1", start=False)
    assert fleet.push(V1, stores=("s1", "s2")) == 0
    assert fleet.push(V2, D2, stores=("s1", "s2")) == 0
    try:
        behind.start()
        new.start()
        fleet.ack("k2", "v2", "applied")
        fleet.ack("k1", "v2", "applied", store="s2")
        assert behind.acks("applied")[-1]["kind"] == "delta"  # it was on the delta's base
        assert new.acks("applied")[-1]["kind"] == "full"  # it had nothing: the full snapshot
        assert behind.mirror.version == new.mirror.version == "v2"
    finally:
        behind.stop()
        new.stop()


def test_a_scheduled_update_is_acked_staged_then_applied_at_its_time(
        broker: LocalMosquitto, fleet: Fleet, tmp_path: Path, key: SigningKey) -> None:
    now = [datetime.now(UTC)]
    kiosk = SyncedKiosk(broker, tmp_path / "k2", [key], kiosk="k2", initial=V1,
                        clock=lambda: now[0])
    try:
        effective = now[0] + timedelta(hours=6)
        assert fleet.push(V2, D2, effective_at=effective) == 0
        staged = fleet.ack("k2", "v2", "staged")
        assert staged.code == ""
        assert kiosk.mirror.version == "v1"  # not before its time
        now[0] = effective + timedelta(seconds=1)  # the kiosk's clock reaches it
        fleet.ack("k2", "v2", "applied")
        assert kiosk.mirror.version == "v2"
        assert [a["status"] for a in kiosk.acks()] == ["staged", "applied"]
    finally:
        kiosk.stop()


def test_the_per_kiosk_manifest_wins_and_a_staged_rollout_reaches_the_rest(
        broker: LocalMosquitto, fleet: Fleet, tmp_path: Path, key: SigningKey) -> None:
    kiosks = [SyncedKiosk(broker, tmp_path / k, [key], kiosk=k, initial=V1) for k in ("k1", "k2")]
    try:
        assert fleet.push(V2, D2, first="1", first_only=True) == 0
        first = [k for k in kiosks if k.mirror.version == "v2"]
        assert len(first) == 1
        other = next(k for k in kiosks if k not in first)
        assert other.mirror.version == "v1"
        assert "first kiosks done" in fleet.lines[-1]
        # a newer store-wide manifest does not override the kiosk's own
        v3 = catgen.advance(V2, catgen.generate_delta(V2, 3, seed=8, version="v3"))
        enc = pub.encode(v3, part_bytes=4096)
        store_v3 = pub.manifest(enc, "s1", None, issued_at=datetime.now(UTC) + timedelta(days=1))
        fleet.publish([*pub.part_messages("s1", enc), pub.manifest_message(store_v3, fleet.key)])
        fleet.ack(other.kiosk, "v3", "applied")
        assert first[0].mirror.version == "v2"
        # the rest of the rollout: the store manifest, per-kiosk manifests cleared
        assert fleet.push(catgen.advance(v3, catgen.generate_delta(v3, 2, seed=4, version="v4")),
                          wait_s=20) == 0
        assert [k.mirror.version for k in kiosks] == ["v4", "v4"]
        views = build_views(fleet.client.retained(retained_filters("s1"), quiet_s=0.2))
        assert views["s1"].kiosk_manifests == {}
    finally:
        for kiosk in kiosks:
            kiosk.stop()


def _signed(fleet: Fleet, body: dict) -> bytes:
    return sign_message(body, fleet.key.key, fleet.key.key_id)


def test_malformed_manifests_are_each_rejected_with_a_reason_and_nothing_crashes(
        fleet: Fleet, k1: SyncedKiosk) -> None:
    enc = pub.encode(V1, part_bytes=4096)
    good = pub.manifest(enc, "s1", None, issued_at=datetime.now(UTC)).to_body()
    cases: list[tuple[bytes, str]] = [
        (b"not json at all", "not JSON"),
        (b"[1, 2, 3]", "not an object"),
        (b"{" * 5000, "not JSON"),
        (b"x" * 100_000, "more than the"),
        (b'{"schema": 2, "key_id": "a", "body": {}, "sig": "00"}', "schema version 2"),
        (b'{"key_id": "a", "body": {}}', "missing schema, sig"),
        (_signed(fleet, {**good, "schema": 9}), "schema version"),
        (_signed(fleet, {k: v for k, v in good.items() if k != "issued_at"}), "issued_at"),
        (_signed(fleet, {**good, "type": "command"}), "not a catalogue_manifest"),
        (_signed(fleet, {**good, "store": "s9"}), "signed for store 's9'"),
        (_signed(fleet, {**good, "kind": "delta"}), "needs a base"),
        (_signed(fleet, {**good, "version": "a/b"}), "is not 1-64"),
        (_signed(fleet, {**good, "parts": []}), "non-empty list"),
        (_signed(fleet, {**good, "digest": "md5:00"}), "digest"),
        (_signed(fleet, {**good, "size": -1}), "size"),
        (_signed(fleet, {**good, "surprise": 1}), "unknown field"),
        (_signed(fleet, {**good, "issued_at": "yesterday"}), "not an ISO 8601 time"),
    ]
    for payload, words in cases:
        count = len(k1.acks("rejected"))
        fleet.publish([("kiosk/v1/s1/catalogue", payload, True)])
        wait_until(lambda c=count: len(k1.acks("rejected")) > c, what=words)
        reason = k1.acks("rejected")[-1]["reason"]
        assert words in reason, (words, reason)
    assert k1.mirror.version is None
    assert fleet.push(V1) == 0  # still alive and well
    fleet.ack("k1", "v1", "applied")
