"""The camera simulator: real photographs held up to a simulated camera, decoded as its frames.

The simulator runs the real camera path (grabber, decode pipeline, confirmation) on frames of
an empty scan area with a chosen photo held up, each frame with fresh sensor noise. Photos are
read through cv2.VideoCapture.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator
from pathlib import Path

import pytest
from camera_video import PHOTOS, collect, video

from kiosk.config import CameraConfig
from kiosk.errors import DeviceError
from kiosk.hw.camera import Decoded, ImageError, ScanSettings, SimulatedScanner, build_scanner
from kiosk.hw.health import DeviceHealth

QUICK = ScanSettings(fps=30, cooldown_s=0.3, stall_s=1.0, retry_s=0.5)


@pytest.fixture
def events() -> queue.Queue[object]:
    return queue.Queue()


@pytest.fixture
def simulator(events: queue.Queue[object]) -> Iterator[SimulatedScanner]:
    sim = SimulatedScanner(PHOTOS, settings=QUICK, present_s=3.0)
    sim.start(events.put)
    yield sim
    sim.stop()


def posted(events: queue.Queue[object]) -> list[Decoded]:
    found = []
    while not events.empty():
        event = events.get_nowait()
        if isinstance(event, Decoded):
            found.append(event)
    return found


def test_the_simulator_says_it_is_one_and_what_it_shows(simulator: SimulatedScanner) -> None:
    health = simulator.health()
    assert (health.ok, health.simulated) == (True, True)
    assert health.detail == (f"Camera simulator with {len(simulator.image_paths())} photos "
                             f"from {PHOTOS}, decoders zxing + zbar")
    assert len(simulator.image_paths()) == 33


@pytest.mark.parametrize(("photo", "scanned"), [
    ("ean13-2/04.png", [Decoded("9780804816632", "ean13")]),
    ("upca-3/01.png", [Decoded("049000042566", "upca")]),  # 13 digits from both decoders
    ("upce-1/1.png", [Decoded("01234565", "upce")]),
    ("rssexpanded-1/13.png", [Decoded("01900123456789083922795", "databar-expanded", True)]),
    ("qrcode-2/17.png", [Decoded("ﾃﾞｻﾞｲﾝQR\r\nhttp://d-qr.net/ex/", "qrcode")]),
])
def test_a_photo_held_up_is_scanned_and_posted(simulator: SimulatedScanner,
                                               events: queue.Queue[object], photo: str,
                                               scanned: list[Decoded]) -> None:
    assert simulator.scan_image(PHOTOS / photo) == scanned
    assert posted(events) == scanned


def test_holding_up_the_same_photo_twice_adds_it_twice(simulator: SimulatedScanner,
                                                       events: queue.Queue[object]) -> None:
    photo = PHOTOS / "ean8-1" / "1.png"
    simulator.scan_image(photo)
    simulator.scan_image(photo)
    assert [c.text for c in posted(events)] == ["48512343", "48512343"]


def test_a_photo_the_kiosk_cannot_trust_gives_nothing_wrong(events: queue.Queue[object]) -> None:
    sim = SimulatedScanner(PHOTOS, settings=QUICK, present_s=0.6)
    sim.start(events.put)
    try:
        assert sim.scan_image(PHOTOS / "falsepositives-2" / "25.png") == []
        # zxing-cpp alone reads this can as 04904144 at the photo's resolution; in a few frames
        # of sensor noise the kiosk either reads the true code or nothing, never the misread
        misread = sim.scan_image(PHOTOS / "upce-2" / "14.png")
    finally:
        sim.stop()
    assert misread in ([], [Decoded("04963406", "upce")])
    assert posted(events) == misread


def test_scan_next_goes_through_the_photos_in_order(simulator: SimulatedScanner) -> None:
    first = simulator.image_paths()[0]
    assert first == PHOTOS / "code128-1" / "6.png"
    assert [c.text for c in simulator.scan_next()] == ["óóóó1234óóabózz"]


def test_scan_text_posts_the_code_as_given(simulator: SimulatedScanner,
                                           events: queue.Queue[object]) -> None:
    simulator.scan_text("3760000000112", "ean13")
    assert posted(events) == [Decoded("3760000000112", "ean13")]


def test_an_unreadable_photo_is_a_typed_error(simulator: SimulatedScanner,
                                              tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")
    with pytest.raises(ImageError, match=r"broken\.png cannot be read"):
        simulator.scan_image(broken)


def test_a_missing_folder_is_a_health_failure_but_text_still_scans(
        tmp_path: Path, events: queue.Queue[object]) -> None:
    sim = SimulatedScanner(tmp_path / "nowhere", settings=QUICK)
    sim.start(events.put)
    assert not sim.health().ok
    assert "nowhere does not exist" in sim.health().detail
    with pytest.raises(DeviceError, match="cannot be shown a photo"):
        sim.scan_image(PHOTOS / "ean8-1" / "1.png")
    sim.scan_text("12345670", "ean8")
    assert posted(events) == [Decoded("12345670", "ean8")]


def test_a_photo_to_keep_in_view_that_cannot_be_read_is_a_health_failure(
        tmp_path: Path, events: queue.Queue[object]) -> None:
    notes = tmp_path / "label.png"
    notes.write_bytes(b"not a picture")
    sim = SimulatedScanner(notes, kind="image", settings=QUICK)
    sim.start(events.put)
    assert not sim.health().ok
    assert sim.health().detail.startswith(f"photo {notes} cannot be read, because it does not")


def test_a_single_photo_in_view_is_scanned_once(events: queue.Queue[object]) -> None:
    sim = SimulatedScanner(PHOTOS / "ean8-1" / "3.png", kind="image", settings=QUICK)
    sim.start(events.put)
    try:
        seen = collect(events, lambda s: any(isinstance(e, Decoded) for e in s))
        assert sim.camera is not None
        decoded_then = sim.camera.frames_decoded
        assert sim.camera.wait_decoded(decoded_then + 20, 60.0)  # still in view, frame after frame
    finally:
        sim.stop()
    assert [e for e in seen if isinstance(e, Decoded)] + posted(events) == [
        Decoded("12345670", "ean8")]


def test_a_video_plays_as_the_simulated_camera(tmp_path: Path,
                                               events: queue.Queue[object]) -> None:
    clip = video(tmp_path / "demo.avi", [(None, 5), ("rss14-1/1.png", 20), (None, 5)])
    cfg = CameraConfig(mode="simulated", simulator="video", video=str(clip), stall_s=0.5,
                       retry_s=60)
    scanner, where = build_scanner(cfg, data_dir=tmp_path, base_dir=tmp_path)
    assert where == f"video {clip}"
    scanner.start(events.put)
    try:
        seen = collect(events, lambda s: any(isinstance(e, DeviceHealth) and not e.ok
                                             for e in s))
    finally:
        scanner.stop()
    assert [e for e in seen if isinstance(e, Decoded)] == [
        Decoded("0104412345678909", "databar", True)]


def test_frames_stay_in_memory_unless_debug_capture_is_on(tmp_path: Path,
                                                          events: queue.Queue[object]) -> None:
    for debug in (False, True):
        data = tmp_path / f"data-{debug}"
        data.mkdir()
        cfg = CameraConfig(mode="simulated", images=str(PHOTOS), cooldown_s=0.3,
                           debug_capture=debug, debug_max_frames=3)
        scanner, _ = build_scanner(cfg, data_dir=data, base_dir=tmp_path)
        assert isinstance(scanner, SimulatedScanner)
        scanner.start(events.put)
        try:
            for photo in ("ean8-1/5.png", "ean8-1/6.png", "upce-2/14.png", "ean8-1/7.png"):
                scanner.scan_image(PHOTOS / photo)
        finally:
            scanner.stop()
        written = sorted(p.name for p in data.rglob("*") if p.is_file())
        if not debug:
            assert written == []
        else:
            assert len(written) == 3  # at most debug_max_frames, the newest kept
            assert all(p.endswith((".png",)) for p in written)
            assert written[-1].endswith("-scan.png")
