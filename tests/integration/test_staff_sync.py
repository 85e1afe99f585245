"""The staff file pushed by the fleet, through a real Mosquitto (TLS-less local broker with
passwords and the shipped ACL rules) to a real kiosk: ``kiosk-fleet push-staff`` signs and
retains it, the kiosk verifies it with the fleet key it trusts, writes it atomically, reloads
it and answers; a bad one is refused with its reason and the old staff keep signing in.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from mqtt_helpers import wait_until
from paho.mqtt.enums import CallbackAPIVersion

from kiosk.app import Kiosk
from kiosk.config import load_config
from kiosk.core.staff import hash_pin
from kiosk.hw.factory import SimulatorOptions
from kiosk.store.journal import Journal
from kiosk.sync import staff_push as sp
from kiosk.sync import topics
from kiosk.sync.broker import LocalMosquitto
from kiosk.sync.signing import generate_key, key_id_for, sign_message

ROOT = Path(__file__).parents[2]
STORE, KIOSK = "demo-store", "k01"
FAST = {"n": 2**4, "r": 1, "p": 1}  # each hash carries its parameters: quick in a test


def member(staff_id: str, pin: str, role: str = "attendant") -> dict[str, str]:
    return {"id": staff_id, "name": staff_id.upper(), "role": role,
            "pin": hash_pin(pin, os.urandom(16), **FAST)}


@dataclass
class Setup:
    broker: LocalMosquitto
    kiosk: Kiosk
    tmp: Path
    staff_file: Path

    def fleet(self, *args: str) -> subprocess.CompletedProcess[str]:
        user, password = self.broker.fleet_credentials()
        secret = self.tmp / "fleet-password"
        secret.write_text(password + "\n")
        return subprocess.run(
            [sys.executable, "-m", "kiosk.fleet.cli", *args, "--host", "127.0.0.1",
             "--port", str(self.broker.port), "--username", user, "--password-file",
             str(secret)], capture_output=True, text=True, timeout=120, check=False)

    def answers(self) -> list[dict[str, object]]:
        def read(journal: Journal) -> list[dict[str, object]]:
            return [r.data() for r in journal.records(limit=10_000) if r.kind == "event"]
        return [e for e in self.kiosk.writer.submit(read).result()
                if e["kind"] in (sp.APPLIED, sp.REJECTED)]

    def sign_in(self, staff_id: str, pin: str) -> bool:
        return self.kiosk.check_staff_pin(staff_id, pin).ok


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    key_file = tmp_path / "fleet.key"
    subprocess.run([sys.executable, "-m", "kiosk.fleet.cli", "keygen", "--out", str(key_file)],
                   capture_output=True, text=True, timeout=60, check=True)
    staff_file = tmp_path / "staff" / "staff.json"
    staff_file.parent.mkdir()
    staff_file.write_text(json.dumps({"staff": [member("a01", "1234")]}))
    with LocalMosquitto(tmp_path / "broker", kiosks=[(STORE, KIOSK)]) as broker:
        secret = tmp_path / "mqtt-password"
        secret.write_text(broker.credentials(STORE, KIOSK)[1] + "\n")
        loaded = load_config(ROOT / "config" / "demo.toml", environ={
            "KIOSK__PATHS__DATA_DIR": str(tmp_path / "data"),
            "KIOSK__STAFF__FILE": str(staff_file), "KIOSK__MQTT__ENABLED": "true",
            "KIOSK__MQTT__HOST": "127.0.0.1", "KIOSK__MQTT__PORT": str(broker.port),
            "KIOSK__MQTT__PASSWORD_FILE": str(secret),
            "KIOSK__MQTT__FLEET_PUBLIC_KEY": (tmp_path / "fleet.pub").read_text().strip()})
        kiosk = Kiosk(loaded, say=lambda _line: None,
                      simulators=SimulatorOptions(terminal_delay_s=0.2))
        try:
            assert kiosk.sync is not None
            wait_until(lambda: kiosk.sync.link.connected, what="the kiosk connected")
            yield Setup(broker, kiosk, tmp_path, staff_file)
        finally:
            kiosk.close()


def test_a_pushed_staff_file_is_verified_written_reloaded_and_acknowledged(
        setup: Setup) -> None:
    pushed = setup.tmp / "new-staff.json"
    pushed.write_text(json.dumps({"staff": [member("a01", "4321"), member("S02", "2468",
                                                                          "supervisor")]}))
    run = setup.fleet("push-staff", str(pushed), "--key", str(setup.tmp / "fleet.key"),
                      "--store", STORE, "--wait", "60")
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{STORE}/{KIOSK}: applied" in run.stdout
    assert "(2 members) retained for demo-store" in run.stdout
    assert sorted(setup.kiosk.staff) == ["a01", "s02"]
    assert setup.sign_in("a01", "4321")
    assert not setup.sign_in("a01", "1234")
    assert setup.sign_in("S02", "2468")
    on_disk = json.loads(setup.staff_file.read_text())
    assert [m["id"] for m in on_disk["staff"]] == ["a01", "S02"]
    assert on_disk["pushed"]["digest"].startswith("sha256:")
    assert [tmp.name for tmp in setup.staff_file.parent.iterdir()] == ["staff.json"]
    answer = setup.answers()[-1]
    assert answer["kind"] == sp.APPLIED
    assert answer["members"] == 2
    # the broker resends the retained file at every reconnect: nothing new, no second answer
    setup.kiosk.sync.link.resubscribe((topics.store_staff(STORE),))
    run = setup.fleet("status", "--store", STORE)
    assert run.returncode == 0
    assert len(setup.answers()) == 1


def test_a_bad_staff_file_is_refused_with_its_reason_and_the_old_one_kept(
        setup: Setup) -> None:
    before = setup.staff_file.read_bytes()
    bad = setup.tmp / "bad-staff.json"
    bad.write_text(json.dumps({"staff": [member("a01", "4321", role="janitor")]}))
    run = setup.fleet("push-staff", str(bad), "--key", str(setup.tmp / "fleet.key"),
                      "--store", STORE, "--wait", "60")
    assert run.returncode == 1
    assert (f"{STORE}/{KIOSK}: rejected: staff 'a01' has an unknown role 'janitor', because "
            "the configured roles are ['attendant', 'supervisor'].") in run.stdout
    assert setup.staff_file.read_bytes() == before
    assert setup.sign_in("a01", "1234")
    answer = setup.answers()[-1]
    assert (answer["kind"], answer["code"]) == (sp.REJECTED, "bad-staff-file")


def _publish(setup: Setup, payload: bytes) -> None:
    """What someone with the fleet's broker account but not its key could do."""
    user, password = setup.broker.fleet_credentials()
    client = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5)
    client.username_pw_set(user, password)
    client.connect("127.0.0.1", setup.broker.port)
    client.loop_start()
    try:
        client.publish(topics.store_staff(STORE), payload, qos=1, retain=True).wait_for_publish(30)
    finally:
        client.disconnect()
        client.loop_stop()


def test_a_forged_or_replayed_staff_file_is_refused(setup: Setup) -> None:
    entries = [member("x99", "9182", "supervisor")]
    now = datetime.now(UTC)
    forger = generate_key()
    _publish(setup, sign_message(sp.push_body(entries, STORE, now), forger, key_id_for(forger)))
    wait_until(lambda: len(setup.answers()) == 1, what="the forged file refused")
    assert setup.answers()[0]["code"] == "signature"
    assert "does not trust" in str(setup.answers()[0]["reason"])
    other_store = setup.tmp / "other.json"
    other_store.write_text(json.dumps({"staff": entries}))
    from kiosk.fleet.keys import SigningKey

    fleet = SigningKey.load(setup.tmp / "fleet.key")
    _publish(setup, sign_message(sp.push_body(entries, "other-store", now), fleet.key,
                                 fleet.key_id))
    wait_until(lambda: len(setup.answers()) == 2, what="the misaddressed file refused")
    assert setup.answers()[1]["code"] == "wrong-addressee"
    current = [member("a01", "5678")]
    _publish(setup, sign_message(sp.push_body(current, STORE, now), fleet.key, fleet.key_id))
    wait_until(lambda: len(setup.answers()) == 3, what="the new file applied")
    assert setup.answers()[2]["kind"] == sp.APPLIED
    older = sp.push_body([member("a01", "1234")], STORE, now - timedelta(days=30))
    _publish(setup, sign_message(older, fleet.key, fleet.key_id))
    wait_until(lambda: len(setup.answers()) == 4, what="the replayed file refused")
    assert setup.answers()[3]["code"] == "replayed"
    assert setup.sign_in("a01", "5678")
    assert not setup.sign_in("a01", "1234")
    assert "x99" not in setup.kiosk.staff


def test_a_staff_file_the_kiosk_cannot_write_is_refused(setup: Setup) -> None:
    """``staff.file`` in a folder that is gone (a mistyped path, an unmounted disk): the push
    cannot be written, so it is refused with why, and nobody new can sign in."""
    folder = setup.staff_file.parent
    setup.staff_file.unlink()
    folder.rmdir()
    pushed = setup.tmp / "new.json"
    pushed.write_text(json.dumps({"staff": [member("a01", "4321")]}))
    run = setup.fleet("push-staff", str(pushed), "--key", str(setup.tmp / "fleet.key"),
                      "--store", STORE, "--wait", "60")
    assert run.returncode == 1
    assert f"rejected: cannot write the staff file {setup.staff_file}: " in run.stdout
    assert setup.answers()[-1]["code"] == "storage"
    assert not folder.exists()
    assert setup.sign_in("a01", "1234")  # the members read at start are still the ones in use
