"""``[devices.camera]``: what store IT may set, what is refused, and how a scan becomes an event."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import get_args

import pytest

from kiosk.config import REPO_CONFIG, CameraConfig, Symbology, load_config
from kiosk.core import events as ev
from kiosk.device_events import DeviceEvents
from kiosk.errors import ConfigError
from kiosk.hw.camera import Decoded
from kiosk.hw.camera_faults import FaultScriptError, parse_faults
from kiosk.hw.decode_symbols import SYMBOLOGIES

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def load(name: str, **env: str):
    return load_config(REPO_CONFIG / name, environ=env, system=Path("/nonexistent"))


def test_the_configuration_names_exactly_the_symbologies_the_decoders_read() -> None:
    assert get_args(Symbology) == SYMBOLOGIES
    assert CameraConfig().symbologies == SYMBOLOGIES


def test_defaults_confirm_on_two_frames_and_keep_frames_private() -> None:
    camera = load("kiosk.toml").config.devices.camera
    assert (camera.confirm_frames, camera.cooldown_s, camera.debug_capture) == (2, 1.0, False)
    assert (camera.width, camera.height, camera.fps) == (1280, 720, 15)
    assert (camera.exposure, camera.focus) == (None, None)  # automatic


def test_the_demo_simulates_the_camera_with_the_test_photographs() -> None:
    camera = load("demo.toml").config.devices.camera
    assert (camera.mode, camera.simulator, camera.images) == (
        "simulated", "folder", "tests/data/barcodes")


@pytest.mark.parametrize(("variable", "value", "expected"), [
    ("SYMBOLOGIES", '["ean13", "code39"]', "devices.camera.symbologies.1 = 'code39': expected "
                                           "Input should be 'ean13'"),
    ("SYMBOLOGIES", "[]", "devices.camera.symbologies = []: expected a list of distinct"),
    ("CONFIRM_FRAMES", "0", "devices.camera.confirm_frames = 0: expected Input should be "
                            "greater than or equal to 1"),
    ("COOLDOWN_S", "0", "devices.camera.cooldown_s = 0: expected Input should be greater than 0"),
])
def test_a_bad_camera_setting_is_refused_with_its_name(variable: str, value: str,
                                                        expected: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load("kiosk.toml", **{f"KIOSK__DEVICES__CAMERA__{variable}": value})
    assert expected in refused.value.message
    assert "environment variables" in refused.value.message


def test_a_video_simulator_needs_its_video() -> None:
    with pytest.raises(ConfigError, match=r"a video file in devices\.camera\.video"):
        load("demo.toml", KIOSK__DEVICES__CAMERA__SIMULATOR="video")


def test_the_fault_script_is_checked() -> None:
    assert [(f.kind, f.first, f.last) for f in parse_faults(["stall@3", "black@5-9"])] == [
        ("stall", 3, 3), ("black", 5, 9)]
    with pytest.raises(FaultScriptError, match="'explode@3' is not understood"):
        parse_faults(["explode@3"])


@pytest.mark.parametrize(("scan", "code"), [
    (Decoded("9780804816632", "ean13"), "9780804816632"),
    (Decoded("01988987654321063103001750", "databar-expanded", True),
     "01988987654321063103001750"),
    (Decoded("0109506000134352\x1d10ABC", "datamatrix", True), "]d20109506000134352\x1d10ABC"),
    (Decoded("0109506000134352", "qrcode", True), "]Q30109506000134352"),
    (Decoded("KSK1:L:12345", "qrcode"), "KSK1:L:12345"),
])
def test_a_scan_becomes_the_sessions_item_scanned(scan: Decoded, code: str) -> None:
    """GS1 in a 2D symbol keeps its symbology identifier, so the core reads it as GS1."""
    sunk: list[object] = []
    DeviceEvents(sunk.append, clock=lambda: AT)(scan)
    assert sunk == [ev.ItemScanned(at=AT, code=code, symbology=scan.symbology)]


@pytest.mark.parametrize(("scan", "shown"), [
    (Decoded("01988987654321063103001750", "databar-expanded", True),
     "(01)98898765432106(3103)001750"),
    (Decoded("10567\x1d11010101", "databar-expanded", True), "(10)567(11)010101"),
    (Decoded("\x01\x10AD:SUB:阿;;", "qrcode"), "<01><10>AD:SUB:阿;;"),
    (Decoded("9780804816632", "ean13"), "9780804816632"),
])
def test_a_scan_is_shown_as_a_person_reads_it(scan: Decoded, shown: str) -> None:
    assert scan.shown() == shown
