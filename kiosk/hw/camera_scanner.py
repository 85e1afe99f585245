"""The camera as a barcode scanner: frames in, confirmed product codes out, as events.

Two threads with narrow seams between them:

- the grabber (kiosk.hw.camera_grabber) keeps the newest frame and the camera's health;
- the decode thread runs each newest frame through the decode pipeline
  (kiosk.hw.decode_pipeline: zxing-cpp fast, both decoders where a code is likely) and the
  confirmation rules (kiosk.hw.scan_confirm: both decoders, or N identical frames; one scan
  per presentation), and posts each confirmed code as a :class:`Decoded` to the kiosk's event
  loop, which turns it into the session's ``ItemScanned`` (kiosk.device_events). Nothing here
  touches the session.

A camera that fails is reported and retried; a decoder that raises loses one frame; neither
stops the kiosk.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kiosk.config import CameraConfig
from kiosk.errors import DeviceError
from kiosk.hw.camera_debug import DebugCapture
from kiosk.hw.camera_grabber import Grabber, LatestFrame
from kiosk.hw.camera_sources import CaptureSettings, Frame, Opener, open_capture
from kiosk.hw.decode_pipeline import DecodePipeline, FrameResult
from kiosk.hw.decode_symbols import SYMBOLOGIES, human_text
from kiosk.hw.health import CAMERA, DeviceHealth, HealthReporter, Post
from kiosk.hw.scan_confirm import Accepted, Confirmer

log = logging.getLogger(__name__)
DEBUG_DIR = "camera-debug"


@dataclass(frozen=True, slots=True)
class Decoded:
    """One confirmed scan: the text the symbol holds and its symbology (kiosk names, see
    kiosk.hw.decode_symbols); ``gs1`` when the text is a GS1 element string."""

    text: str
    symbology: str
    gs1: bool = False

    def shown(self) -> str:
        """As a person reads it: ``(01)98898765432106(3103)001750`` for a GS1 label."""
        return human_text(self.text, self.gs1)


class Scanner(Protocol):
    def start(self, post: Post) -> None: ...

    def stop(self) -> None: ...

    def health(self) -> DeviceHealth: ...


@dataclass(frozen=True, slots=True)
class ScanSettings:
    """How frames become scans, whatever the camera (``devices.camera`` in the config)."""

    symbologies: tuple[str, ...] = SYMBOLOGIES
    confirm_frames: int = 2
    cooldown_s: float = 1.0
    fps: int = 30
    stall_s: float = 2.0
    retry_s: float = 3.0

    @classmethod
    def from_config(cls, cfg: CameraConfig) -> ScanSettings:
        return cls(tuple(cfg.symbologies), cfg.confirm_frames, cfg.cooldown_s, cfg.fps,
                   cfg.stall_s, cfg.retry_s)


def decoded(accepted: Accepted) -> Decoded:
    read = accepted.candidate.read
    return Decoded(read.text, read.symbology, read.gs1)


def debug_capture(cfg: CameraConfig, data_dir: Path) -> DebugCapture | None:
    """The debug capture the configuration asks for; None (the default) keeps frames private."""
    if not cfg.debug_capture:
        return None
    directory = Path(cfg.debug_dir) if cfg.debug_dir else data_dir / DEBUG_DIR
    return DebugCapture(directory, cfg.debug_max_frames)


class CameraScanner:
    """A camera (or anything :data:`Opener` opens) decoded in its own threads."""

    def __init__(self, device: str = "/dev/video0", *, settings: ScanSettings = ScanSettings(),
                 capture: CaptureSettings | None = None, opener: Opener | None = None,
                 simulated: bool = False, describe: Callable[[], str] | None = None,
                 debug: DebugCapture | None = None) -> None:
        self.device = device
        self.settings = settings
        self.simulated = simulated
        self.pipeline = DecodePipeline(settings.symbologies)
        self.confirmer = Confirmer(settings.confirm_frames, settings.cooldown_s)
        shape = capture or CaptureSettings(fps=settings.fps)
        self._opener = opener or (lambda: open_capture(device, shape))
        self._describe = describe or (lambda: f"Camera {device} delivering frames")
        self._debug = debug
        self._slot = LatestFrame()
        self._confirming = threading.Lock()  # feed (decode thread) against codes_in_view
        self._listeners: list[Callable[[list[Accepted]], None]] = []
        self._decoded = threading.Condition()
        self.frames_decoded = 0
        self._stop = threading.Event()
        self._grabber: Grabber | None = None
        self._thread: threading.Thread | None = None
        self._health: HealthReporter | None = None

    def listen(self, listener: Callable[[list[Accepted]], None]) -> None:
        """Also tell ``listener`` (from the decode thread) about every scan as it completes."""
        self._listeners.append(listener)

    def start(self, post: Post) -> None:
        health = self._health = HealthReporter(CAMERA, post, simulated=self.simulated)
        problem = self.pipeline.problem()
        if problem is not None:
            health.failed(problem)  # no point opening a camera nothing can decode
            return
        self._stop.clear()
        self._grabber = Grabber(
            self._opener, self.device, health, self._slot, fps=self.settings.fps,
            stall_s=self.settings.stall_s, retry_s=self.settings.retry_s,
            healthy=lambda: f"{self._describe()}, decoders {self.pipeline.name}")
        self._grabber.start()
        self._thread = threading.Thread(target=self._decode_frames, args=(post,),
                                        name=f"camera-decode {self.device}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._grabber is not None:
            self._grabber.stop()
            self._grabber = None
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def health(self) -> DeviceHealth:
        if self._health is None:
            return DeviceHealth(CAMERA, False, "Camera not started", self.simulated)
        return self._health.current

    def codes_in_view(self) -> set[str]:
        """Codes (by key) that have not left the camera's view yet."""
        with self._confirming:
            return self.confirmer.in_view()

    def wait_decoded(self, count: int, timeout: float) -> bool:
        """Wait until at least ``count`` frames have been decoded since start."""
        with self._decoded:
            return self._decoded.wait_for(lambda: self.frames_decoded >= count, timeout)

    def _decode_frames(self, post: Post) -> None:
        try:
            self._decode_loop(post)
        except Exception as exc:
            # A bug, not a decoder's failure on a frame (those are caught per pass): say so
            # where staff look, rather than a camera that looks fine and never scans again.
            if self._health is not None:
                self._health.failed(DeviceError(
                    "Camera decoding stopped", f"of an internal error ({exc!r})",
                    "Restart the kiosk and report this; staff can key in codes meanwhile."))
            raise

    def _decode_loop(self, post: Post) -> None:
        problems: set[str] = set()
        while not self._stop.is_set():
            taken = self._slot.take(timeout=0.1)
            if taken is None:
                continue
            frame, at = taken
            result = self.pipeline.decode(frame, at)
            for failure in set(result.failures) - problems:
                log.warning("camera %s: a decoder failed on a frame, its other passes still "
                            "counted: %s", self.device, failure)
            problems |= set(result.failures)
            with self._confirming:
                scans = self.confirmer.feed(result.candidates, at)
            self._keep(frame, result, scans)
            for scan in scans:
                log.info("camera %s: scanned %r (%s), %s", self.device, scan.candidate.read.text,
                         scan.candidate.read.symbology, scan.rule)
                post(decoded(scan))
            for listener in self._listeners:
                listener(scans)
            with self._decoded:
                self.frames_decoded += 1
                self._decoded.notify_all()

    def _keep(self, frame: Frame, result: FrameResult, scans: list[Accepted]) -> None:
        if self._debug is None:
            return
        if scans:
            self._debug.keep(frame, "scan")
        elif result.fallback and not result.candidates:
            self._debug.keep(frame, "near-miss")


def camera_scanner(cfg: CameraConfig, data_dir: Path) -> CameraScanner:
    """The real camera as ``devices.camera`` describes it."""
    capture = CaptureSettings(cfg.width, cfg.height, cfg.fps, cfg.exposure, cfg.focus)
    return CameraScanner(cfg.device, settings=ScanSettings.from_config(cfg), capture=capture,
                         debug=debug_capture(cfg, data_dir))
