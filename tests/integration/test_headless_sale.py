"""A whole sale through the real ``kiosk`` command, as store IT or a demo would run it.

The kiosk runs as a child process with the demo configuration (every device simulated: a real
photo decoded by the camera decoder, gpiozero's MockFactory, escpos's Dummy printer, the
in-process terminal simulator) and its data in a temporary directory.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "config" / "demo.toml"


def kiosk(*args: str, data_dir: Path, config: Path = DEMO, stdin: str | None = None,
          extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK__")}
    env.update({"KIOSK__PATHS__DATA_DIR": str(data_dir), **(extra_env or {})})
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "--config", str(config), *args],
        cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=120, check=False)


def script(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "script.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_demo_sale_completes_prints_and_is_journaled(tmp_path: Path) -> None:
    data = tmp_path / "data"
    run = kiosk("run", "--headless", "--script", str(ROOT / "config/scripts/demo-sale.txt"),
                data_dir=data, extra_env={"KIOSK__SALE__RECEIPT_TIMEOUT_S": "2"})
    out = run.stdout
    assert run.returncode == 0, run.stdout + run.stderr
    # the start banner says which devices are simulated
    for device in ("camera", "printer", "light", "terminal"):
        assert f"device {device}: simulated" in out
    assert "camera read 9780804816632" in out  # decoded from the photograph
    assert "refused: An item needs age approval by a staff member" in out
    assert "sale demo-store-k01-00000001 completed: 21.60 €" in out
    receipt = (data / "receipts" / "demo-store-k01-00000001.bin").read_bytes()
    assert b"TOTAL EUR" in receipt
    assert b"21.60" in receipt
    assert b"1.234 kg x 1.99/kg" in receipt
    verify = kiosk("journal", "verify", data_dir=data)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "chain ok" in verify.stdout
    assert "gaps none" in verify.stdout


def test_an_open_basket_survives_a_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = kiosk("run", "--headless", "--script",
                  str(script(tmp_path, "scan 3760012000012\nplu 4011 500\n")), data_dir=data)
    assert first.returncode == 0, first.stdout + first.stderr
    second = kiosk("run", "--headless", "--script", str(script(tmp_path, "basket\n")),
                   data_dir=data)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "open basket of sale demo-store-k01-00000001 restored (2 lines" in second.stdout
    assert "Lager 6 x 25 cl bottles" in second.stdout
    assert "500 g" in second.stdout


def test_a_failed_step_stops_a_script_with_a_reason(tmp_path: Path) -> None:
    run = kiosk("run", "--headless", "--script",
                str(script(tmp_path, "scan 3760012000012\nwait receipt 1\nstatus\n")),
                data_dir=tmp_path / "data")
    assert run.returncode == 1
    assert "! the kiosk did not reach 'receipt' within 1 s, because it is in awaiting_approval" \
        in run.stdout
    assert "> status" not in run.stdout


def test_a_bad_configuration_stops_start_up_with_file_and_key(tmp_path: Path) -> None:
    run = kiosk("run", "--headless", data_dir=tmp_path, extra_env={"KIOSK__LOCALE__CURRENCY": "XXX"})
    assert run.returncode == 2
    assert "environment variables: locale.currency = 'XXX': expected an ISO 4217" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.skipif(Path("/dev/video0").exists() or Path("/dev/gpiochip0").exists(),
                    reason="this machine has real devices")
def test_appliance_config_reports_missing_real_devices_and_never_simulates(tmp_path: Path) -> None:
    run = kiosk("devices", config=ROOT / "config" / "appliance.toml", data_dir=tmp_path,
                extra_env={"KIOSK__DEVICES__TERMINAL__PORT": str(tmp_path / "ttyUSB0")})
    assert run.returncode == 1  # a device is not working
    out = run.stdout
    assert "simulated" not in out.replace("never simulated", "")
    assert "device terminal: real" in out
    assert "NOT WORKING" in out
    assert "Traceback" not in run.stderr
