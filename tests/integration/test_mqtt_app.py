"""The real ``kiosk`` command with ``mqtt.enabled``: the demo sale reaches the central side, the
retained status says online while it runs and offline after a clean stop."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mqtt_helpers import Central, wait_until

from kiosk.sync.broker import LocalMosquitto

ROOT = Path(__file__).parents[2]
PREFIX = "kiosk/v1/demo-store/k01"


def test_the_demo_kiosk_sends_its_sale_and_status(tmp_path: Path) -> None:
    with LocalMosquitto(tmp_path / "broker", kiosks=[("demo-store", "k01")]) as broker:
        central = Central(broker, [f"{PREFIX}/#"])
        secret = tmp_path / "mqtt-password"
        secret.write_text(broker.credentials("demo-store", "k01")[1] + "\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK__")}
        env.update({"KIOSK__PATHS__DATA_DIR": str(tmp_path / "data"),
                    "KIOSK__SALE__RECEIPT_TIMEOUT_S": "2", "KIOSK__MQTT__ENABLED": "true",
                    "KIOSK__MQTT__HOST": "127.0.0.1", "KIOSK__MQTT__PORT": str(broker.port),
                    "KIOSK__MQTT__PASSWORD_FILE": str(secret)})
        run = subprocess.run(
            [sys.executable, "-m", "kiosk.cli", "--config", str(ROOT / "config/demo.toml"),
             "run", "--headless", "--script", str(ROOT / "config/scripts/demo-sale.txt")],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert run.returncode == 0, run.stdout + run.stderr
        assert f"mqtt: 127.0.0.1:{broker.port} as demo-store/k01" in run.stdout
        try:
            wait_until(lambda: any(m["kind"] == "sale" for m in central.on(f"{PREFIX}/sales")))
            sale = next(m for m in central.on(f"{PREFIX}/sales") if m["kind"] == "sale")
            assert sale["record_id"] == "sale:demo-store-k01-00000001"
            assert sale["msg_id"].startswith("demo-store/k01/")
            statuses = central.on(f"{PREFIX}/status")
            assert statuses[0]["online"] is True
            assert statuses[0]["catalogue_version"] is not None
            assert set(statuses[0]["health"]) >= {"camera", "printer", "terminal"}
            assert statuses[-1]["online"] is False  # the clean stop said so itself
        finally:
            central.close()


def test_the_real_kiosk_applies_a_catalogue_pushed_with_kiosk_fleet(tmp_path: Path) -> None:
    """The fleet manager's command and the kiosk process, through a real broker: the kiosk
    starts after the push and catches up from the retained manifest alone."""
    import json

    catalogue = json.loads((ROOT / "config/demo-catalogue.json").read_text(encoding="utf-8"))
    catalogue["version"] = "pushed-2026.11.2"
    pushed = tmp_path / "catalogue.json"
    pushed.write_text(json.dumps(catalogue), encoding="utf-8")
    with LocalMosquitto(tmp_path / "broker", kiosks=[("demo-store", "k01")]) as broker:
        fleet_user, fleet_password = broker.fleet_credentials()
        fleet_secret = tmp_path / "fleet-password"
        fleet_secret.write_text(fleet_password + "\n")
        fleet = [sys.executable, "-m", "kiosk.fleet.cli"]
        keygen = subprocess.run([*fleet, "keygen", "--out", str(tmp_path / "fleet")],
                                capture_output=True, text=True, timeout=60, check=True)
        public = (tmp_path / "fleet.pub").read_text().strip()
        assert public in keygen.stdout
        subprocess.run([*fleet, "push", str(pushed), "--key", str(tmp_path / "fleet"),
                        "--store", "demo-store", "--host", "127.0.0.1",
                        "--port", str(broker.port), "--username", fleet_user,
                        "--password-file", str(fleet_secret)],
                       capture_output=True, text=True, timeout=120, check=True)

        central = Central(broker, [f"{PREFIX}/#"])
        secret = tmp_path / "mqtt-password"
        secret.write_text(broker.credentials("demo-store", "k01")[1] + "\n")
        script = tmp_path / "wait.txt"
        script.write_text("sleep 8\nstatus\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK__")}
        env.update({"KIOSK__PATHS__DATA_DIR": str(tmp_path / "data"),
                    "KIOSK__MQTT__ENABLED": "true", "KIOSK__MQTT__HOST": "127.0.0.1",
                    "KIOSK__MQTT__PORT": str(broker.port),
                    "KIOSK__MQTT__PASSWORD_FILE": str(secret),
                    "KIOSK__MQTT__FLEET_PUBLIC_KEY": public})
        run = subprocess.run(
            [sys.executable, "-m", "kiosk.cli", "--config", str(ROOT / "config/demo.toml"),
             "run", "--headless", "--script", str(script)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
        assert run.returncode == 0, run.stdout + run.stderr
        try:
            def applied() -> list[dict]:
                return [m.get("body", m) for m in central.on(f"{PREFIX}/catalogue/ack")
                        if m.get("body", m).get("status") == "applied"]

            wait_until(lambda: bool(applied()), what="an applied ack")
            assert applied()[0]["version"] == "pushed-2026.11.2"
            statuses = central.on(f"{PREFIX}/status")
            assert any(s["catalogue_version"] == "pushed-2026.11.2" for s in statuses)
        finally:
            central.close()
