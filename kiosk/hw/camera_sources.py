"""Where frames come from: OpenCV ``VideoCapture`` for a camera or a video, and the simulator's
stand-ins, all behind one small :class:`FrameSource` interface.

Photos are read through ``cv2.VideoCapture`` as well (OpenCV opens an image file as a video of
one frame), so a demo or a test feeds the decoder exactly what a camera would. Frames live in
memory only: nothing here writes them anywhere.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from kiosk.errors import DeviceError, KioskError

Frame = np.ndarray[Any, Any]
NO_CAMERA_ACTION = "Check the cable; staff can key in codes meanwhile."
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")
_V4L2_MANUAL_EXPOSURE = 1  # V4L2_EXPOSURE_MANUAL, as OpenCV's V4L2 backend expects it
_V4L2_AUTO_EXPOSURE = 3  # V4L2_EXPOSURE_APERTURE_PRIORITY


class ImageError(KioskError, ValueError):
    """A photo given to the camera simulator cannot be read."""


class FrameSource(Protocol):
    """``read`` returns the next frame, or None when the source delivers none (stalled)."""

    paced: bool  # True when read() waits for the next frame itself (a real camera)

    def read(self) -> Frame | None: ...

    def release(self) -> None: ...


@dataclass(frozen=True, slots=True)
class CaptureSettings:
    width: int = 640
    height: int = 480
    fps: int = 30
    exposure: float | None = None  # None: automatic
    focus: float | None = None  # None: autofocus


class CaptureSource:
    """A camera or a video file through ``cv2.VideoCapture``; ``cv2.error`` becomes DeviceError."""

    def __init__(self, capture: cv2.VideoCapture, name: str, paced: bool) -> None:
        self._capture = capture
        self.name = name
        self.paced = paced

    def read(self) -> Frame | None:
        try:
            ok, frame = self._capture.read()
        except cv2.error as exc:
            raise DeviceError(f"Camera {self.name} failed", str(exc).strip(),
                              NO_CAMERA_ACTION) from None
        return frame if ok and frame is not None and frame.size else None

    def release(self) -> None:
        self._capture.release()


def open_capture(device: str, settings: CaptureSettings = CaptureSettings()) -> CaptureSource:
    """Open a V4L2 node (``/dev/video0``), a camera index (``0``) or a video file.

    Raises :class:`DeviceError` naming the device when nothing delivers frames.
    """
    if device.startswith("/dev/") and not Path(device).exists():
        raise DeviceError(f"Camera not found: {device} does not exist",
                          "the camera is not connected or not detected", NO_CAMERA_ACTION)
    camera = device.isdigit() or device.startswith("/dev/")
    if device.isdigit():
        capture = cv2.VideoCapture(int(device), cv2.CAP_V4L2)
    elif camera:
        capture = cv2.VideoCapture(device, cv2.CAP_V4L2)
    else:
        capture = cv2.VideoCapture(device)
    if not capture.isOpened():
        capture.release()
        raise DeviceError(f"Camera {device} cannot be opened",
                          "it is busy, not a camera, or the kiosk user lacks permission "
                          "(group 'video')", NO_CAMERA_ACTION)
    if camera:
        _apply(capture, settings)
    return CaptureSource(capture, device, paced=camera)


def _apply(capture: cv2.VideoCapture, settings: CaptureSettings) -> None:
    """Resolution, rate, exposure and focus; a driver may ignore any of them (it says so in
    what it then delivers, which the health detail reports)."""
    capture.set(cv2.CAP_PROP_FRAME_WIDTH, settings.width)
    capture.set(cv2.CAP_PROP_FRAME_HEIGHT, settings.height)
    capture.set(cv2.CAP_PROP_FPS, settings.fps)
    capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # the newest frame, not a queue of old ones
    if settings.exposure is None:
        capture.set(cv2.CAP_PROP_AUTO_EXPOSURE, _V4L2_AUTO_EXPOSURE)
    else:
        capture.set(cv2.CAP_PROP_AUTO_EXPOSURE, _V4L2_MANUAL_EXPOSURE)
        capture.set(cv2.CAP_PROP_EXPOSURE, settings.exposure)
    capture.set(cv2.CAP_PROP_AUTOFOCUS, 1 if settings.focus is None else 0)
    if settings.focus is not None:
        capture.set(cv2.CAP_PROP_FOCUS, settings.focus)


def read_photo(path: Path) -> Frame:
    """A photo as a camera frame: read through ``cv2.VideoCapture``, as a one-frame video."""
    frame = None
    if path.is_file():
        capture = cv2.VideoCapture(str(path))
        try:
            ok, frame = capture.read() if capture.isOpened() else (False, None)
        finally:
            capture.release()
        frame = frame if ok else None
    if frame is None:
        raise ImageError(f"photo {path} cannot be read",
                         "it does not exist or is not an image OpenCV can open",
                         "Give a PNG or JPEG file.")
    return frame


def photos_in(place: Path) -> list[Path]:
    """The photos on offer: the file itself, or a folder's pictures in name order."""
    if place.is_file():
        return [place]
    if not place.is_dir():
        return []
    return sorted(p for p in place.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)


def empty_scene(width: int, height: int) -> Frame:
    """What a camera over an empty scan area sees: a plain, unevenly lit surface.

    The simulator adds fresh sensor noise to it for every frame (:class:`Presenter`).
    """
    ramp = np.linspace(150, 185, width, dtype=np.float32)[None, :]
    fall = np.linspace(0, -20, height, dtype=np.float32)[:, None]
    grey = np.clip(ramp + fall, 0, 255).astype(np.uint8)
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)


class Presenter:
    """The simulator's camera: a background scene, and photos held up to it on request.

    ``present`` shows a photo for up to ``frames`` frames (the shopper holds the item up);
    ``withdraw`` takes it away early (the kiosk beeped). Every frame gets fresh sensor noise,
    as a real sensor's would, so consecutive frames are never identical.
    """

    paced = False

    def __init__(self, background: Frame, noise: float = 2.0) -> None:
        self._background = background
        self._noise = noise
        self._lock = threading.Lock()
        self._photo: Frame | None = None
        self._left = 0
        self.shown = 0  # frames of the current photo delivered so far

    def present(self, photo: Frame, frames: int) -> None:
        with self._lock:
            self._photo, self._left, self.shown = photo, frames, 0

    def withdraw(self) -> None:
        with self._lock:
            self._photo, self._left = None, 0

    def showing(self) -> bool:
        with self._lock:
            return self._photo is not None

    def read(self) -> Frame | None:
        with self._lock:
            scene = self._background if self._photo is None else self._photo
            if self._photo is not None:
                self.shown += 1
                self._left -= 1
                if self._left <= 0:
                    self._photo = None
        if self._noise <= 0:
            return scene.copy()
        noise = np.empty(scene.shape, np.int16)
        cv2.randn(noise, 0, self._noise)
        return np.clip(scene.astype(np.int16) + noise, 0, 255).astype(np.uint8)

    def release(self) -> None:
        self.withdraw()


Opener = Callable[[], FrameSource]
