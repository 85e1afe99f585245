"""Camera test helpers: videos made from real photographs, and what a camera posted.

A video file stands in for the camera: OpenCV's VideoCapture reads both the same way, so the
grabber thread, the decode pipeline and the confirmation rules run for real without a webcam.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from kiosk.hw.camera_sources import empty_scene, read_photo

PHOTOS = Path(__file__).parents[1] / "data" / "barcodes"
SIZE = (640, 480)
LIMIT_S = 60.0  # a bound against hanging on a loaded machine, never a speed assertion


def on_scan_area(photo: str | None) -> np.ndarray[Any, Any]:
    """A 640x480 camera frame: the photo (read through VideoCapture) on the empty scan area."""
    frame = empty_scene(*SIZE)
    if photo is None:
        return frame
    image = read_photo(PHOTOS / photo)
    height, width = image.shape[:2]
    top, left = (SIZE[1] - height) // 2, (SIZE[0] - width) // 2
    frame[top:top + height, left:left + width] = image
    return frame


def video(path: Path, scenes: Iterable[tuple[str | None, int]], fps: int = 15) -> Path:
    """An MJPG video of ``(photo or None for the empty scan area, frames)`` scenes."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, SIZE)
    assert writer.isOpened()
    for photo, count in scenes:
        frame = on_scan_area(photo)
        for _ in range(count):
            writer.write(frame)
    writer.release()
    return path


def collect(events: queue.Queue[object], until: Callable[[list[object]], bool],
            limit_s: float = LIMIT_S) -> list[object]:
    """Everything posted until ``until(seen)`` holds (or the limit, which fails the test)."""
    seen: list[object] = []
    deadline = time.monotonic() + limit_s
    while not until(seen):
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"gave up waiting; seen so far: {seen}"
        try:
            seen.append(events.get(timeout=remaining))
        except queue.Empty:
            continue
    return seen
