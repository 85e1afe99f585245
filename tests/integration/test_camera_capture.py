"""The real camera path on videos made from real photographs, and on cameras that fail.

A video file stands in for the camera (cv2.VideoCapture reads both alike), so the grabber
thread, the decode pipeline and the confirmation rules all run for real. What is checked is
what the kiosk receives: one scan per presentation, and a failing camera reported in words a
person can act on, retried, and never taking the kiosk down.
"""

from __future__ import annotations

import queue
from pathlib import Path

import pytest
from camera_video import LIMIT_S, PHOTOS, collect, video

from kiosk.hw.camera import CameraScanner, Decoded, ScanSettings, SimulatedScanner
from kiosk.hw.camera_grabber import LatestFrame
from kiosk.hw.camera_sources import empty_scene
from kiosk.hw.health import DeviceHealth

FAST_RETRY = ScanSettings(fps=30, cooldown_s=0.5, stall_s=0.3, retry_s=0.2)


def scans(seen: list[object]) -> list[str]:
    return [event.text for event in seen if isinstance(event, Decoded)]


def health(seen: list[object]) -> list[tuple[bool, str]]:
    return [(event.ok, event.detail) for event in seen if isinstance(event, DeviceHealth)]


def failed(seen: list[object]) -> bool:
    return any(isinstance(e, DeviceHealth) and not e.ok for e in seen)


def test_one_scan_per_presentation_and_the_video_end_is_a_stopped_camera(tmp_path: Path) -> None:
    clip = video(tmp_path / "lane.avi", [
        ("ean13-2/04.png", 20), (None, 40),  # a book held up, then taken away for 1.3 s
        ("ean13-2/04.png", 20),  # the same book again: a second copy
        ("ean8-1/1.png", 20), (None, 5)], fps=30)
    events: queue.Queue[object] = queue.Queue()
    camera = CameraScanner(str(clip), settings=ScanSettings(fps=30, cooldown_s=0.5,
                                                            stall_s=0.5, retry_s=60))
    camera.start(events.put)
    try:
        seen = collect(events, failed)
    finally:
        camera.stop()
    assert scans(seen) == ["9780804816632", "9780804816632", "48512343"]
    first, *_, lost = health(seen)
    assert first == (True, f"Camera {clip} delivering frames, decoders zxing + zbar")
    assert lost == (False, f"Camera {clip} stopped delivering frames, because it was "
                           "unplugged, or its driver stalled. Retrying every 60 s. Check the "
                           "cable; staff can key in codes meanwhile.")


def test_a_camera_that_comes_back_is_reported_healthy_and_its_code_not_scanned_twice(
        tmp_path: Path) -> None:
    clip = video(tmp_path / "short.avi", [("ean8-1/3.png", 12)])
    events: queue.Queue[object] = queue.Queue()
    camera = CameraScanner(str(clip), settings=FAST_RETRY)
    camera.start(events.put)
    try:  # plays, ends (stall), is reopened, plays again, ends again
        seen = collect(events, lambda s: [ok for ok, _ in health(s)] == [True, False, True,
                                                                          False])
    finally:
        camera.stop()
    # no decoded frame ever showed the gum gone, so it stayed one presentation
    assert scans(seen) == ["12345670"]


def test_a_missing_camera_is_a_health_failure_and_the_kiosk_goes_on() -> None:
    device = "/dev/video-kiosk-test-missing"
    events: queue.Queue[object] = queue.Queue()
    camera = CameraScanner(device, settings=FAST_RETRY)
    camera.start(events.put)
    try:
        known = camera.health()  # known at start: start() tries once before returning
        assert (known.ok, known.simulated) == (False, False)
        assert known.detail == (f"Camera not found: {device} does not exist, because the "
                                "camera is not connected or not detected. Check the cable; "
                                "staff can key in codes meanwhile.")
        assert events.get(timeout=LIMIT_S) == known
    finally:
        camera.stop()  # the retrying thread stops promptly
    assert events.empty()  # a failure repeated on every retry is reported once


def test_a_file_that_is_not_a_video_cannot_be_opened(tmp_path: Path) -> None:
    not_video = tmp_path / "notes.txt"
    not_video.write_text("hello")
    camera = CameraScanner(str(not_video), settings=FAST_RETRY)
    camera.start(lambda event: None)
    try:
        assert not camera.health().ok
        assert f"Camera {not_video} cannot be opened" in camera.health().detail
    finally:
        camera.stop()


@pytest.mark.parametrize(("fault", "reported"), [
    ("raise@8", "Camera failed while reading a frame, because the driver raised at frame 8 "
                "(simulated fault). Retrying every 0.2 s. Check the cable; staff can key in "
                "codes meanwhile."),
    ("stall@8", "Camera simulator (image) stopped delivering frames, because it was unplugged, "
                "or its driver stalled. Retrying every 0.2 s. Check the cable; staff can key "
                "in codes meanwhile."),
    ("black@8-40", "Camera simulator (image) delivers only black frames, because its lens is "
                   "covered or its sensor failed. Retrying every 0.2 s. Check the cable; staff "
                   "can key in codes meanwhile."),
])
def test_a_failing_camera_is_reported_retried_and_recovers(fault: str, reported: str) -> None:
    camera = SimulatedScanner(PHOTOS / "ean8-1" / "4.png", kind="image", settings=FAST_RETRY,
                              faults=[fault])
    events: queue.Queue[object] = queue.Queue()
    camera.start(events.put)
    try:
        seen = collect(events, lambda s: len(health(s)) >= 3)
    finally:
        camera.stop()
    states = health(seen)
    assert [ok for ok, _ in states] == [True, False, True]
    assert states[1][1] == reported
    assert scans(seen) == ["67678983"]  # the lip balm under the camera: scanned once


def test_the_decoder_always_gets_the_newest_frame() -> None:
    slot = LatestFrame()
    frames = [empty_scene(64, 48) + i for i in range(5)]
    for i, frame in enumerate(frames):
        slot.put(frame, float(i))
    taken = slot.take(timeout=1.0)
    assert taken is not None
    assert taken[1] == 4.0
    assert (taken[0] == frames[4]).all()
    assert (slot.delivered, slot.dropped) == (5, 4)  # stale frames dropped, never queued
    assert slot.take(timeout=0.01) is None
