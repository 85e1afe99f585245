"""The camera as a barcode scanner: frames in, decoded codes posted as events.

Two parts with a narrow seam between them. A :class:`Decoder` turns one frame (a numpy image
as OpenCV delivers it) into what it could read; the first one is zbar through pyzbar, and
issue 4 adds zxing-cpp behind the same ``decode(frame)``. A :class:`Scanner` owns where frames
come from: :class:`CameraScanner` reads a real camera in its own thread, and
:class:`SimulatedScanner` decodes real photographs on request (so the demo shows real
decoding of real photos) or takes a code as text for scripted runs. Both post
:class:`Decoded` values and never touch the session.

A missing camera or a missing zbar library is a health failure with a sentence a person can
act on, never an exception that stops the kiosk; the camera thread retries every few seconds
so plugging the camera back in heals the kiosk without a restart.
"""

from __future__ import annotations

import ctypes
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

import cv2
import numpy as np

from kiosk.errors import DeviceError, KioskError
from kiosk.hw.health import CAMERA, DeviceHealth, HealthReporter, Post

log = logging.getLogger(__name__)

Frame = np.ndarray[Any, Any]
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp")
NO_CAMERA_ACTION = "Check the cable; staff can key in codes meanwhile."
# zbar's symbology names -> the names the kiosk uses everywhere (logs, kiosk.core parsing).
SYMBOLOGIES = MappingProxyType({
    "EAN13": "ean13", "EAN8": "ean8", "UPCA": "upca", "UPCE": "upce", "ISBN13": "ean13",
    "ISBN10": "isbn10", "CODE128": "code128", "CODE39": "code39", "CODE93": "code93",
    "I25": "itf", "CODABAR": "codabar", "DATABAR": "databar",
    "DATABAR_EXP": "databar-expanded", "QRCODE": "qrcode", "PDF417": "pdf417",
})


@dataclass(frozen=True, slots=True)
class Decoded:
    """One code read from a frame or photo; ``symbology`` uses the names in SYMBOLOGIES."""

    text: str
    symbology: str


class Decoder(Protocol):
    """The seam between frames and codes (zbar now; zxing-cpp in issue 4)."""

    name: str

    def problem(self) -> DeviceError | None:
        """Why this decoder cannot work on this machine, or None when it can."""
        ...

    def decode(self, frame: Frame) -> list[Decoded]:
        ...


class Scanner(Protocol):
    def start(self, post: Post) -> None: ...

    def stop(self) -> None: ...

    def health(self) -> DeviceHealth: ...


class ImageError(KioskError, ValueError):
    """A photo given to the camera simulator cannot be read."""


def decode_text(data: bytes) -> str:
    """The text of a symbol's bytes: UTF-8, else Shift-JIS, else Latin-1.

    zbar already converts QR codes to UTF-8 where the symbol says its character set, so UTF-8
    is the normal case. Shift-JIS is next because Japanese QR codes without an ECI header are
    common and zbar passes them through raw. Latin-1 decodes any byte string, so a scan is never
    lost over its character set; Code 128's extended characters are Latin-1 by specification.
    """
    for encoding in ("utf-8", "shift_jis"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def to_gray(frame: Frame) -> Frame:
    """zbar reads 8-bit grayscale; OpenCV delivers BGR (or BGRA from some cameras)."""
    if frame.ndim == 2:
        return frame
    code = cv2.COLOR_BGRA2GRAY if frame.shape[2] == 4 else cv2.COLOR_BGR2GRAY
    return cv2.cvtColor(frame, code)


class ZbarDecoder:
    """zbar through pyzbar. pyzbar needs the zbar C library (Debian: ``libzbar0``)."""

    name = "zbar"

    def __init__(self) -> None:
        self._decode: Callable[..., Any] | None = None
        self._problem: DeviceError | None = None
        try:
            from pyzbar import pyzbar  # noqa: PLC0415 - loads libzbar; absence is a health fact
        except (ImportError, OSError) as exc:
            self._problem = DeviceError(
                "Barcode decoder unavailable", f"the zbar library could not be loaded ({exc})",
                "Install the Debian package libzbar0 (apt-get install libzbar0); until then "
                "staff can key in codes.")
        else:
            self._decode = pyzbar.decode

    def problem(self) -> DeviceError | None:
        return self._problem

    def decode(self, frame: Frame) -> list[Decoded]:
        if self._decode is None:
            raise self._problem or DeviceError("Barcode decoder unavailable")
        try:
            symbols = self._decode(to_gray(frame))
        except (ctypes.ArgumentError, ValueError) as exc:
            raise ImageError("a frame could not be decoded", str(exc)) from None
        return [Decoded(decode_text(s.data), SYMBOLOGIES.get(s.type, s.type.lower()))
                for s in symbols]


class RepeatFilter:
    """A code held in front of the camera is one scan, not fifteen a second.

    A code is passed on when it has not been seen for ``hold_s`` seconds; every sighting
    renews it. Issue 4 replaces this with proper confirmation (several agreeing frames).
    """

    def __init__(self, hold_s: float = 1.5, clock: Callable[[], float] = time.monotonic) -> None:
        self.hold_s = hold_s
        self._clock = clock
        self._seen: dict[str, float] = {}

    def accept(self, codes: Sequence[Decoded]) -> list[Decoded]:
        now = self._clock()
        self._seen = {t: seen for t, seen in self._seen.items() if now - seen <= self.hold_s}
        fresh = [code for code in codes if code.text not in self._seen]
        for code in codes:
            self._seen[code.text] = now
        return fresh


def open_capture(device: str, width: int, height: int, fps: int) -> cv2.VideoCapture:
    """Open ``device``: a V4L2 node (``/dev/video0``), a camera index (``0``) or a video file.

    Raises :class:`DeviceError` naming the device when nothing delivers frames.
    """
    if device.startswith("/dev/") and not Path(device).exists():
        raise DeviceError(f"Camera not found: {device} does not exist",
                          "the camera is not connected or not detected", NO_CAMERA_ACTION)
    if device.isdigit():
        capture = cv2.VideoCapture(int(device))
    elif device.startswith("/dev/"):
        capture = cv2.VideoCapture(device, cv2.CAP_V4L2)
    else:
        capture = cv2.VideoCapture(device)
    if not capture.isOpened():
        capture.release()
        raise DeviceError(f"Camera {device} cannot be opened",
                          "it is busy, not a camera, or the kiosk user lacks permission "
                          "(group 'video')", NO_CAMERA_ACTION)
    capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
    capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
    capture.set(cv2.CAP_PROP_FPS, fps)
    return capture


class CameraScanner:
    """A real camera read in a thread; each new code is posted as :class:`Decoded`."""

    def __init__(self, device: str = "/dev/video0", *, width: int = 1280, height: int = 720,
                 fps: int = 15, decoder: Decoder | None = None, retry_s: float = 3.0,
                 repeat: RepeatFilter | None = None) -> None:
        self.device = device
        self.size = (width, height, fps)
        self.decoder = decoder or ZbarDecoder()
        self.retry_s = retry_s
        self._repeat = repeat or RepeatFilter()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._health: HealthReporter | None = None

    def start(self, post: Post) -> None:
        self._health = HealthReporter(CAMERA, post, simulated=False)
        problem = self.decoder.problem()
        if problem is not None:
            self._health.failed(problem)  # no point opening a camera nothing can decode
            return
        self._stop.clear()
        capture = self._open(self._health)  # the first try at once, so start-up can say
        self._thread = threading.Thread(target=self._run, args=(post, self._health, capture),
                                        name="camera", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def health(self) -> DeviceHealth:
        if self._health is None:
            return DeviceHealth(CAMERA, False, "Camera not started", False)
        return self._health.current

    def _open(self, health: HealthReporter) -> cv2.VideoCapture | None:
        try:
            capture = open_capture(self.device, *self.size)
        except DeviceError as exc:
            health.failed(exc)
            return None
        health.ok(f"Camera {self.device} delivering frames, decoder {self.decoder.name}")
        return capture

    def _run(self, post: Post, health: HealthReporter,
             capture: cv2.VideoCapture | None) -> None:
        while not self._stop.is_set():
            if capture is None:
                self._stop.wait(self.retry_s)
                capture = None if self._stop.is_set() else self._open(health)
                continue
            try:
                self._read_frames(capture, post)
            finally:
                capture.release()
                capture = None
            if not self._stop.is_set():
                health.failed(DeviceError(f"Camera {self.device} stopped delivering frames",
                                          "it was unplugged or the driver stalled",
                                          f"Retrying every {self.retry_s:g} s. "
                                          + NO_CAMERA_ACTION))
        if capture is not None:
            capture.release()

    def _read_frames(self, capture: cv2.VideoCapture, post: Post) -> None:
        while not self._stop.is_set():
            ok, frame = capture.read()
            if not ok or frame is None:
                return
            try:
                codes = self.decoder.decode(frame)
            except ImageError as exc:
                log.warning("camera %s: frame skipped: %s", self.device, exc)
                continue
            for code in self._repeat.accept(codes):
                post(code)


class SimulatedScanner:
    """Stands in for the camera: real photos decoded on request, or codes given as text."""

    def __init__(self, images: Path, decoder: Decoder | None = None) -> None:
        self.images = images
        self.decoder = decoder or ZbarDecoder()
        self._post: Post | None = None
        self._health: HealthReporter | None = None
        self._next = 0

    def start(self, post: Post) -> None:
        self._post = post
        self._health = HealthReporter(CAMERA, post, simulated=True)
        problem = self.decoder.problem()
        if problem is not None:
            self._health.failed(problem)
        elif not self.images.exists():
            self._health.failed(DeviceError(
                f"Camera simulator: {self.images} does not exist",
                "devices.camera.images names no folder or photo",
                "Codes can still be given as text."))
        else:
            self._health.ok(f"Camera simulator with {len(self.image_paths())} photos "
                            f"from {self.images}, decoder {self.decoder.name}")

    def stop(self) -> None:
        self._post = None

    def health(self) -> DeviceHealth:
        if self._health is None:
            return DeviceHealth(CAMERA, False, "Camera simulator not started", True)
        return self._health.current

    def image_paths(self) -> list[Path]:
        """The photos on offer: the file itself, or a folder's pictures in name order."""
        if self.images.is_file():
            return [self.images]
        if not self.images.is_dir():
            return []
        return sorted(p for p in self.images.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)

    def scan_image(self, path: Path) -> list[Decoded]:
        """Decode one photo as a camera frame and post every code read; returns them too.

        Each call is one presentation to the camera: scanning the same photo twice adds the
        item twice, as holding a product up twice would.
        """
        post = self._started()
        frame = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if frame is None:
            raise ImageError(f"photo {path} cannot be read",
                             "it does not exist or is not an image OpenCV can open",
                             "Give a PNG or JPEG file.")
        codes = self.decoder.decode(frame)
        for code in codes:
            post(code)
        return codes

    def scan_next(self) -> list[Decoded]:
        """Decode the next photo in turn (for a demo button: "scan something")."""
        paths = self.image_paths()
        if not paths:
            raise ImageError(f"the camera simulator has no photos in {self.images}")
        path = paths[self._next % len(paths)]
        self._next += 1
        return self.scan_image(path)

    def scan_text(self, text: str, symbology: str = "ean13") -> Decoded:
        """Post a code as if the camera had read it (scripted runs, staff key-in demos)."""
        code = Decoded(text, symbology)
        self._started()(code)
        return code

    def _started(self) -> Post:
        if self._post is None:
            raise DeviceError("Camera simulator is not started", "start(post) was not called")
        return self._post
