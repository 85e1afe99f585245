"""Signed fleet commands through a real broker into a kiosk's SyncService: what is applied, and
every kind of bad message rejected with its reason published on ``.../events``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from mqtt_helpers import WAIT_S, Central, status, wait_until

from kiosk.clock import utc_now
from kiosk.config import MqttConfig
from kiosk.core.events import KioskLocked, KioskUnlocked
from kiosk.store.writer import JournalWriter
from kiosk.sync.broker import LocalMosquitto
from kiosk.sync.commands import command_body
from kiosk.sync.service import SyncService
from kiosk.sync.signing import key_id_for, public_key_hex, sign_message
from kiosk.sync.trust import TRUST_FILE, TrustedKeys

CMD = "kiosk/v1/s1/k1/cmd"
EVENTS = "kiosk/v1/s1/k1/events"
FLEET_KEY = Ed25519PrivateKey.generate()


def signed(name: str, *, key: Ed25519PrivateKey = FLEET_KEY, kiosk: str = "k1",
           **kwargs: Any) -> bytes:
    body = command_body(name, "s1", kiosk, now=kwargs.pop("now", utc_now()), **kwargs)
    return sign_message(body, key, key_id_for(key))


@dataclass
class Rig:
    broker: LocalMosquitto
    sync: SyncService
    central: Central
    posted: list[object]

    def send(self, payload: bytes) -> None:
        self.central.publish(CMD, payload)

    def outcomes(self) -> list[dict[str, Any]]:
        return [m["payload"] for m in self.central.on(EVENTS)]

    def next_outcome(self, payload: bytes) -> dict[str, Any]:
        before = len(self.outcomes())
        self.send(payload)
        wait_until(lambda: len(self.outcomes()) > before, what="the command's outcome event")
        return self.outcomes()[before]


@pytest.fixture
def rig(tmp_path: Path) -> Iterator[Rig]:
    with LocalMosquitto(tmp_path / "broker", kiosks=[("s1", "k1")]) as broker:
        data = tmp_path / "kiosk"
        data.mkdir()
        (data / "mqtt-password").write_text(broker.credentials("s1", "k1")[1] + "\n")
        mqtt = MqttConfig(enabled=True, host="127.0.0.1", port=broker.port,
                          password_file=str(data / "mqtt-password"),
                          fleet_public_key=public_key_hex(FLEET_KEY), reconnect_min_s=0.05,
                          reconnect_max_s=0.5, outbox_poll_s=0.1, command_max_lifetime_s=3600)
        central = Central(broker, [EVENTS])
        posted: list[object] = []
        with JournalWriter(data / "journal.sqlite3") as writer:
            sync = SyncService(mqtt, store="s1", kiosk="k1", resolve=Path, data_dir=data,
                               writer=writer, post=posted.append, status=status())
            sync.start()
            assert sync.link.wait_connected(WAIT_S)
            try:
                yield Rig(broker, sync, central, posted)
            finally:
                sync.stop()
                central.close()


def test_a_signed_lock_reaches_the_event_loop_and_is_reported(rig: Rig) -> None:
    outcome = rig.next_outcome(signed("lock", args={"reason": "stocktake"}))
    assert outcome["kind"] == "command-applied"
    assert outcome["command"] == "lock"
    assert len(rig.posted) == 1
    locked = rig.posted[0]
    assert isinstance(locked, KioskLocked)
    assert (locked.by, locked.reason) == ("fleet", "stocktake")
    assert rig.next_outcome(signed("unlock"))["kind"] == "command-applied"
    assert isinstance(rig.posted[1], KioskUnlocked)


def test_request_status_republishes_the_retained_status(rig: Rig) -> None:
    watcher = Central(rig.broker, ["kiosk/v1/s1/k1/status"], client_id="status-watch")
    try:
        wait_until(lambda: watcher.raw("kiosk/v1/s1/k1/status"))
        before = len(watcher.raw("kiosk/v1/s1/k1/status"))
        rig.send(signed("request-status"))
        wait_until(lambda: len(watcher.raw("kiosk/v1/s1/k1/status")) > before)
        assert watcher.on("kiosk/v1/s1/k1/status")[-1]["online"] is True
    finally:
        watcher.close()


@pytest.mark.parametrize(("make", "code", "reason"), [
    (lambda: signed("lock", key=Ed25519PrivateKey.generate()), "signature",
     "which this kiosk does not trust"),
    (lambda: signed("lock").replace(b'"lock"', b'"unlock"'), "signature",
     "the signature does not match the content"),
    (lambda: signed("lock", now=utc_now() - timedelta(hours=2)), "expired", "it expired at"),
    (lambda: signed("lock", now=utc_now() + timedelta(hours=1)), "not-yet-valid",
     "in the future"),
    (lambda: signed("lock", kiosk="k2"), "wrong-kiosk", "addressed to s1/k2, not s1/k1"),
    (lambda: signed("lock", ttl=timedelta(days=3)), "bad-lifetime", "at most 1:00:00"),
    (lambda: signed("self-destruct"), "unknown-command", "'self-destruct' is not one of"),
    (lambda: signed("add-key"), "missing-field", "the field 'public_key' is missing"),
], ids=["forged", "tampered", "expired", "future", "other-kiosk", "too-long", "unknown",
        "no-args"])
def test_bad_commands_are_rejected_with_the_reason_published(rig: Rig, make: Any, code: str,
                                                             reason: str) -> None:
    outcome = rig.next_outcome(make())
    assert outcome["kind"] == "command-rejected"
    assert outcome["code"] == code
    assert reason in outcome["reason"]
    assert rig.posted == []


def test_a_replayed_command_is_rejected_even_after_a_restart(rig: Rig, tmp_path: Path) -> None:
    payload = signed("lock")
    assert rig.next_outcome(payload)["kind"] == "command-applied"
    again = rig.next_outcome(payload)
    assert (again["kind"], again["code"]) == ("command-rejected", "replayed")
    assert "was already used" in again["reason"]
    saved = json.loads((tmp_path / "kiosk" / "command-nonces.json").read_text())
    assert len(saved) == 1  # the nonce is on disk until its command expires
    assert len(rig.posted) == 1


MALFORMED = {
    "not-json": b"lock the kiosk please",
    "not-utf8": b"\xff\xfe\x00garbage",
    "empty": b"",
    "array": b"[1, 2, 3]",
    "huge": b'{"schema": 1, "pad": "' + b"x" * 20_000 + b'"}',
    "nan": b'{"schema": 1, "key_id": "k", "body": {"x": NaN}, "sig": "00"}',
    "deep": b"[" * 5000 + b"]" * 5000,
    "no-sig": b'{"schema": 1, "key_id": "k", "body": {}}',
    "schema-2": json.dumps({"schema": 2, "key_id": "k", "body": {}, "sig": "0" * 128}).encode(),
    "body-list": json.dumps({"schema": 1, "key_id": "k", "body": [], "sig": "0" * 128}).encode(),
    "short-sig": json.dumps({"schema": 1, "key_id": "k", "body": {}, "sig": "abc"}).encode(),
}


def test_malformed_payloads_of_every_kind_are_rejected_and_the_kiosk_carries_on(
        rig: Rig) -> None:
    for name, payload in MALFORMED.items():
        outcome = rig.next_outcome(payload)
        assert outcome["kind"] == "command-rejected", name
        assert outcome["reason"], name
    reasons = [o["reason"] for o in rig.outcomes()]
    assert any("not JSON" in r for r in reasons)
    assert any("more than the 16384 allowed" in r for r in reasons)
    assert any("schema version 2 is not supported" in r for r in reasons)
    assert rig.posted == []
    assert rig.next_outcome(signed("lock"))["kind"] == "command-applied"  # still listening


def test_key_rotation_adds_a_key_then_retires_the_old_one(rig: Rig, tmp_path: Path) -> None:
    new_key = Ed25519PrivateKey.generate()
    added = rig.next_outcome(signed("add-key", args={"public_key": public_key_hex(new_key)}))
    assert (added["kind"], added["key_id"]) == ("command-applied", key_id_for(new_key))
    retire = signed("retire-key", key=new_key, args={"key_id": key_id_for(FLEET_KEY)})
    assert rig.next_outcome(retire)["kind"] == "command-applied"
    old = rig.next_outcome(signed("lock"))  # the leaked key no longer works
    assert (old["kind"], old["code"]) == ("command-rejected", "signature")
    assert rig.next_outcome(signed("lock", key=new_key))["kind"] == "command-applied"
    stored = json.loads((tmp_path / "kiosk" / TRUST_FILE).read_text())
    assert stored["keys"] == {key_id_for(new_key): public_key_hex(new_key)}
    assert stored["retired"] == [key_id_for(FLEET_KEY)]
    # The config still names the old key; after a restart it stays retired.
    reopened = TrustedKeys(tmp_path / "kiosk" / TRUST_FILE, [public_key_hex(FLEET_KEY)])
    assert list(reopened.current()) == [key_id_for(new_key)]


def test_the_last_trusted_key_cannot_be_retired(rig: Rig) -> None:
    outcome = rig.next_outcome(signed("retire-key", args={"key_id": key_id_for(FLEET_KEY)}))
    assert (outcome["kind"], outcome["code"]) == ("command-rejected", "key-rotation")
    assert "last trusted key" in outcome["reason"]
    assert rig.next_outcome(signed("lock"))["kind"] == "command-applied"


def test_reload_catalogue_makes_the_broker_resend_the_retained_manifest(rig: Rig) -> None:
    manifests: list[bool] = []
    rig.sync.link.add_handler("kiosk/v1/s1/catalogue",
                              lambda incoming: manifests.append(incoming.retain))
    rig.central.publish("kiosk/v1/s1/catalogue", b'{"manifest": 1}', retain=True)
    wait_until(lambda: len(manifests) == 1)  # live, as it was published
    assert rig.next_outcome(signed("reload-catalogue"))["kind"] == "command-applied"
    wait_until(lambda: len(manifests) == 2, what="the retained manifest again")
    assert manifests[1] is True
