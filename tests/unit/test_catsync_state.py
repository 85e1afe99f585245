"""The kiosk's catalogue sync rules as a pure machine (kiosk.sync.catalogue_state): events in,
actions out, no broker, no clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from kiosk.fleet import catgen
from kiosk.fleet import publication as pub
from kiosk.fleet.keys import SigningKey
from kiosk.sync import catalogue_state as cs
from kiosk.sync.catalogue_events import (
    KIOSK,
    STORE,
    Applied,
    ApplyUpdate,
    Connected,
    ManifestArrived,
    PartArrived,
    Refetch,
    Remember,
    SendAck,
    SyncSettings,
    Tick,
)
from kiosk.sync.signing import generate_key, key_id_for

_KEY = generate_key()
KEY = SigningKey(_KEY, key_id_for(_KEY))
TRUSTED = {KEY.key_id: _KEY.public_key()}
SETTINGS = SyncSettings("s1", "k1", "EUR", parts_timeout_s=30, refetch_after_s=5,
                        cache_bytes=10_000_000)
T = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
V1 = catgen.generate_snapshot(30, seed=1, version="v1")
D2 = catgen.generate_delta(V1, 4, seed=2, version="v2")
V2 = catgen.advance(V1, D2)


def run(state: cs.SyncState, *events: object) -> tuple[cs.SyncState, list[Any]]:
    actions: list[Any] = []
    for event in events:
        state, more = cs.step(state, event, SETTINGS, TRUSTED)
        actions += more
    return state, actions


def push(snapshot: dict, delta: dict | None = None, *, kiosk: str | None = None,
         issued: datetime = T, effective: datetime | None = None, at: datetime = T
         ) -> tuple[list[PartArrived], ManifestArrived]:
    enc = pub.encode(snapshot, delta, part_bytes=512)
    parts = [PartArrived(at, enc.version, name, data)
             for name, data in {**enc.full_parts, **(enc.delta_parts or {})}.items()]
    manifest = pub.manifest(enc, "s1", kiosk, issued_at=issued, effective_at=effective)
    _, payload, _ = pub.manifest_message(manifest, KEY)
    return parts, ManifestArrived(at, KIOSK if kiosk else STORE, payload)


def acks(actions: list[Any]) -> list[tuple[str, str | None, str]]:
    return [(a.status, a.body["version"], a.body["code"]) for a in actions
            if isinstance(a, SendAck)]


def applied(state: cs.SyncState, actions: list[Any]) -> tuple[cs.SyncState, list[Any]]:
    """The mirror accepts what the machine asked it to apply (the shell's part)."""
    apply = next(a for a in actions if isinstance(a, ApplyUpdate))
    return run(state, Applied(T, True, apply.update["version"]))


def test_parts_before_the_manifest_are_kept_then_applied_and_acked() -> None:
    parts, manifest = push(V1)
    state, actions = run(cs.SyncState(current=None), *parts, manifest)
    assert [type(a) for a in actions] == [ApplyUpdate]
    assert actions[0].update == V1
    state, actions = applied(state, actions)
    assert acks(actions) == [("applied", "v1", "")]
    assert Remember("v1", T) in actions
    assert state.parts == {}  # the parts of an applied version are let go


def test_a_delta_on_our_base_applies_the_delta_one_on_another_base_the_snapshot() -> None:
    parts, manifest = push(V2, D2)
    _, actions = run(cs.SyncState(current="v1"), *parts, manifest)
    assert actions[0].update["kind"] == "delta"
    _, actions = run(cs.SyncState(current="v0"), *parts, manifest)
    assert acks(actions) == [("rejected", "v2", "base-mismatch")]
    assert actions[-1].update == V2


def test_a_delta_the_mirror_refuses_falls_back_to_the_full_snapshot() -> None:
    parts, manifest = push(V2, D2)
    _, actions = run(cs.SyncState(current="v1"), *parts, manifest,
                     Applied(T, False, "v1", "the delta deletes GTIN 1"))
    assert acks(actions) == [("rejected", "v2", "delta-refused")]
    assert actions[-1].update["kind"] == "snapshot"


def test_the_kiosk_manifest_wins_until_it_is_cleared() -> None:
    store_parts, store = push(V2, D2, issued=T + timedelta(hours=1))
    own_parts, own = push(V1, kiosk="k1")
    state, actions = run(cs.SyncState(current=None), *own_parts, *store_parts, own, store)
    assert [a.update["version"] for a in actions if isinstance(a, ApplyUpdate)] == ["v1"]
    state, actions = applied(state, actions)
    state, actions = run(state, ManifestArrived(T, KIOSK, b""))  # the rollout ends
    assert actions[0].update["kind"] == "delta"  # the store's v2, on our v1


def test_an_older_manifest_is_a_replay() -> None:
    parts, manifest = push(V2, D2, issued=T)
    state, actions = applied(*run(cs.SyncState(current="v1"), *parts, manifest))
    old_parts, old = push(V1, issued=T - timedelta(days=1))
    _, actions = run(state, *old_parts, old)
    assert acks(actions) == [("rejected", "v1", "replayed")]
    fresh = cs.SyncState(current="v2", accepted_at=T)  # after a restart: the stored mark
    _, actions = run(fresh, *old_parts, old)
    assert acks(actions) == [("rejected", "v1", "replayed")]


def test_the_same_manifest_again_is_acked_applied_again_with_the_same_record_id() -> None:
    parts, manifest = push(V1)
    state, first = applied(*run(cs.SyncState(current=None), *parts, manifest))
    _, again = run(state, manifest)
    assert [a.record_id for a in again if isinstance(a, SendAck)] == \
        [a.record_id for a in first if isinstance(a, SendAck)]


def test_a_scheduled_update_is_staged_and_applied_only_when_a_tick_reaches_its_time() -> None:
    effective = T + timedelta(hours=2)
    parts, manifest = push(V2, D2, effective=effective)
    state, actions = run(cs.SyncState(current="v1"), *parts, manifest,
                         Tick(effective - timedelta(seconds=1)))
    assert acks(actions) == [("staged", "v2", "")]
    assert not any(isinstance(a, ApplyUpdate) for a in actions)
    state, actions = run(state, Tick(effective))
    assert actions[0].update["version"] == "v2"


def test_missing_parts_are_asked_for_again_then_rejected_at_the_deadline() -> None:
    parts, manifest = push(V1)
    state, actions = run(cs.SyncState(current=None), *parts[1:], manifest,
                         Tick(T + timedelta(seconds=5)))
    assert actions == [Refetch("v1", (parts[0].name,))]
    _, actions = run(state, Connected(T + timedelta(seconds=20)),
                     Tick(T + timedelta(seconds=31)))
    # a reconnect gave the parts their full time again (and a new request for them)
    assert actions == [Refetch("v1", (parts[0].name,))]
    _, actions = run(state, Tick(T + timedelta(seconds=31)))
    assert acks(actions) == [("rejected", "v1", "missing-parts")]


def test_parts_of_unknown_versions_are_kept_only_within_the_budget() -> None:
    small = SyncSettings("s1", "k1", "EUR", cache_bytes=1500)
    state = cs.SyncState(current=None)
    for n in range(5):
        state, _ = cs.step(state, PartArrived(T, f"x{n}", "full-000", b"y" * 600), small,
                           TRUSTED)
    assert sorted(state.parts) == [("x3", "full-000"), ("x4", "full-000")]
