"""Devices as configured: the demo simulates everything, the appliance nothing, and a real
device that is missing stays a failing real device (never a simulator in its place)."""

from __future__ import annotations

import queue
from collections.abc import Iterator
from pathlib import Path

import pytest
from gpiozero import Device

from kiosk.config import REPO_CONFIG, CameraConfig, DevicesConfig, load_config
from kiosk.core.events import PaymentOutcome
from kiosk.core.money import Money
from kiosk.hw.camera import CameraScanner, Decoded, SimulatedScanner
from kiosk.hw.factory import Devices, SimulatorOptions, build_devices, describe
from kiosk.hw.health import DeviceHealth
from kiosk.hw.light import BlinkTiming, HelpButtonPressed
from kiosk.hw.terminal import SimulatedTerminal, TerminalOutcome

LIMIT_S = 20.0  # a bound against hanging, never a speed assertion
FAST = SimulatorOptions(terminal_delay_s=0.03, light_timing=BlinkTiming(0.01, 0.01, 0.01, 0.01))


def config_of(name: str) -> DevicesConfig:
    loaded = load_config(REPO_CONFIG / name, environ={}, system=Path("/nonexistent/kiosk.toml"))
    return loaded.config.devices


@pytest.fixture
def events() -> queue.Queue[object]:
    return queue.Queue()


@pytest.fixture
def no_gpio(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pin driver that cannot load, on any machine (a Pi included), so results are stable."""
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "kiosk-test-no-such-driver")
    monkeypatch.setattr(Device, "pin_factory", None)


@pytest.fixture
def demo(tmp_path: Path, events: queue.Queue[object]) -> Iterator[Devices]:
    devices = build_devices(config_of("demo.toml"), data_dir=tmp_path, post=events.put,
                            simulators=FAST)
    yield devices
    devices.close()


def test_demo_configuration_simulates_every_device_and_says_so(demo: Devices,
                                                                tmp_path: Path) -> None:
    assert isinstance(demo.scanner, SimulatedScanner)
    assert isinstance(demo.terminal, SimulatedTerminal)
    assert all(h.ok and h.simulated for h in demo.health().values())
    assert describe(demo) == [
        "camera: simulated (images from tests/data/barcodes) — ok",
        f"printer: simulated (receipts in {tmp_path / 'receipts'}, profile TM-T88V) — ok",
        "light: simulated (pins red 17 amber 27 green 22 buzzer 23 help 24) — ok",
        "terminal: simulated (in-process simulator) — ok",
    ]


def test_a_demo_sale_through_the_simulated_devices(demo: Devices, tmp_path: Path,
                                                   events: queue.Queue[object]) -> None:
    assert isinstance(demo.scanner, SimulatedScanner)
    assert demo.terminal is not None
    assert demo.printer is not None
    assert demo.light is not None
    photo = REPO_CONFIG.parent / "tests" / "data" / "barcodes" / "ean8-1" / "1.png"
    demo.scanner.scan_image(photo)
    demo.light.set_pattern("busy")
    demo.terminal.authorise("att-1", "sale-1", Money(250, "EUR"))
    posted = []
    while not any(isinstance(e, TerminalOutcome) for e in posted):
        posted.append(events.get(timeout=LIMIT_S))
    assert Decoded("48512343", "ean8") in posted
    outcome = posted[-1]
    assert isinstance(outcome, TerminalOutcome)
    assert outcome.outcome is PaymentOutcome.APPROVED
    receipt = demo.printer.print_document("sale-1", ["EAN-8 item  2.50", *outcome.receipt_lines])
    assert receipt.status == "printed"
    assert b"Auth code 000001" in (tmp_path / "receipts" / "sale-1.bin").read_bytes()
    assert demo.light.pattern == "busy"


def test_demo_help_button_reaches_the_queue(demo: Devices, events: queue.Queue[object]) -> None:
    assert demo.light is not None
    assert demo.light.pin_factory is not None
    demo.light.pin_factory.pin(demo.light.pins.help_button).drive_low()
    seen: list[object] = []
    while HelpButtonPressed() not in seen:  # after the devices' start-up health reports
        seen.append(events.get(timeout=LIMIT_S))


def test_appliance_with_nothing_plugged_in_fails_honestly(tmp_path: Path, no_gpio: None,
                                                          events: queue.Queue[object]) -> None:
    base = config_of("appliance.toml")
    secret = tmp_path / "zvt-password"  # store IT installed the password; the devices are absent
    secret.write_text("000000\n")
    missing = base.model_copy(update={
        "camera": base.camera.model_copy(update={"device": "/dev/video-kiosk-none"}),
        "printer": base.printer.model_copy(update={"transport": "file",
                                                   "file": str(tmp_path / "lp0")}),
        "terminal": base.terminal.model_copy(update={"port": "/dev/ttyKIOSK-none",
                                                     "password_file": str(secret)}),
    })
    devices = build_devices(missing, data_dir=tmp_path, post=events.put)
    try:
        health = devices.health()
        assert isinstance(devices.scanner, CameraScanner)
        assert devices.terminal is None  # no payment can be attempted on a missing terminal
        assert sorted(health) == ["camera", "light", "printer", "terminal"]
        assert not any(h.ok or h.simulated for h in health.values())
        lines = describe(devices)
    finally:
        devices.close()
    assert lines[0].startswith("camera: real (/dev/video-kiosk-none 1280x720@15) — NOT WORKING: "
                               "Camera not found: /dev/video-kiosk-none does not exist")
    assert lines[1].startswith(f"printer: real (file {tmp_path / 'lp0'}, profile TM-T88V) — NOT "
                               f"WORKING: Receipt printer not found: device file {tmp_path}")
    assert lines[2].startswith("light: real (pins red 17 amber 27 green 22 buzzer 23 help 24) — "
                               "NOT WORKING: Tower light: no GPIO")
    assert lines[3].startswith("terminal: real (zvt on /dev/ttyKIOSK-none) — NOT WORKING: Card "
                               "terminal not found on /dev/ttyKIOSK-none")
    posted = [e for e in list(events.queue) if isinstance(e, DeviceHealth)]
    assert sorted(h.device for h in posted) == ["camera", "light", "printer", "terminal"]


def test_devices_that_are_off_are_absent(tmp_path: Path, events: queue.Queue[object]) -> None:
    devices = build_devices(DevicesConfig(), data_dir=tmp_path, post=events.put)
    assert (devices.scanner, devices.printer, devices.light, devices.terminal) == (
        None, None, None, None)
    assert describe(devices) == ["camera: off", "printer: off", "light: off", "terminal: off"]
    assert devices.health() == {}
    assert events.empty()


def test_relative_photo_folder_is_found_from_the_base_dir(tmp_path: Path) -> None:
    (tmp_path / "photos").mkdir()
    cfg = DevicesConfig(camera=CameraConfig(mode="simulated", images="photos"))
    devices = build_devices(cfg, data_dir=tmp_path, post=lambda e: None, base_dir=tmp_path)
    assert isinstance(devices.scanner, SimulatedScanner)
    assert devices.scanner.images == tmp_path / "photos"
    assert devices.scanner.health().ok
