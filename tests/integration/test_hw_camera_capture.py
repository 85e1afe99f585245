"""The real camera path: OpenCV capture in a thread, zbar decoding, health and retries.

A video file stands in for the camera (OpenCV's VideoCapture reads both the same way), so the
grabber thread, the decoder and the repeat filter run for real without a webcam.
"""

from __future__ import annotations

import queue
from pathlib import Path

import cv2
import pytest

from kiosk.hw.camera import CameraScanner, Decoded
from kiosk.hw.health import DeviceHealth

PHOTOS = Path(__file__).parents[1] / "data" / "barcodes"
LIMIT_S = 20.0  # a bound against hanging, never a speed assertion


def video_of(photo: Path, path: Path, frames: int = 30) -> Path:
    image = cv2.imread(str(photo), cv2.IMREAD_COLOR)
    assert image is not None
    height, width = image.shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 15, (width, height))
    assert writer.isOpened()
    for _ in range(frames):
        writer.write(image)
    writer.release()
    return path


def test_camera_thread_posts_each_code_once_while_it_stays_in_view(tmp_path: Path) -> None:
    photo = PHOTOS / "ean13-2" / "04.png"
    video = video_of(photo, tmp_path / "shelf.avi")
    events: queue.Queue[object] = queue.Queue()
    camera = CameraScanner(str(video), retry_s=60)
    camera.start(events.put)
    try:
        seen = [events.get(timeout=LIMIT_S)]
        while not (isinstance(seen[-1], DeviceHealth) and not seen[-1].ok):
            seen.append(events.get(timeout=LIMIT_S))
    finally:
        camera.stop()
    first, *codes, lost = seen
    assert isinstance(first, DeviceHealth)
    assert first.ok
    assert not first.simulated
    # 30 frames of the same product: one scan, then the video ends like an unplugged camera.
    assert codes == [Decoded(photo.with_suffix(".txt").read_text(), "ean13")]
    assert isinstance(lost, DeviceHealth)
    assert "stopped delivering frames" in lost.detail


@pytest.mark.parametrize("device", ["/dev/video-kiosk-test-missing"])
def test_missing_camera_is_a_health_failure_and_the_kiosk_goes_on(device: str) -> None:
    events: queue.Queue[object] = queue.Queue()
    camera = CameraScanner(device, retry_s=0.05)
    camera.start(events.put)
    try:
        health = camera.health()  # known at start: start() tries once before returning
        assert (health.ok, health.simulated) == (False, False)
        assert health.detail == (f"Camera not found: {device} does not exist, because the "
                                 "camera is not connected or not detected. Check the cable; "
                                 "staff can key in codes meanwhile.")
        assert events.get(timeout=LIMIT_S) == health
    finally:
        camera.stop()  # the retrying thread stops promptly
    # A failure that repeats on every retry is reported once, not every few seconds.
    assert events.empty()


def test_a_file_that_is_not_a_video_cannot_be_opened(tmp_path: Path) -> None:
    not_video = tmp_path / "notes.txt"
    not_video.write_text("hello")
    camera = CameraScanner(str(not_video), retry_s=60)
    camera.start(lambda event: None)
    try:
        assert not camera.health().ok
        assert f"Camera {not_video} cannot be opened" in camera.health().detail
    finally:
        camera.stop()
