"""The grabber thread: newest frame to the decoder, camera health to the kiosk.

A camera delivers frames at its own rate whether or not anyone keeps up. The grabber reads
them as they come and leaves only the newest in a one-frame mailbox (:class:`LatestFrame`),
so a slow decode skips stale frames instead of falling further and further behind a growing
queue: what the decoder looks at is always what is in front of the camera now.

It is also where a failing camera is noticed. No frame for ``stall_s`` (unplugged, driver
hung, a video that ended), only black frames for as long (lens covered, dead sensor), or an
exception from the driver: each is reported once as a :class:`DeviceHealth` failure in words
a person can act on, the camera is released and reopened every ``retry_s``, and the first
good frame after that reports it healthy again. The kiosk runs on throughout.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from kiosk.errors import DeviceError
from kiosk.hw.camera_sources import NO_CAMERA_ACTION, Frame, FrameSource, Opener
from kiosk.hw.health import HealthReporter

log = logging.getLogger(__name__)
BLACK_MEAN = 8.0  # grey level: a covered lens or a dead sensor, not a dark shop
BLACK_SPREAD = 4.0


class LatestFrame:
    """A one-frame mailbox: ``put`` replaces what the decoder has not taken yet."""

    def __init__(self) -> None:
        self._ready = threading.Condition()
        self._frame: Frame | None = None
        self._at = 0.0
        self.delivered = 0
        self.dropped = 0

    def put(self, frame: Frame, at: float) -> None:
        with self._ready:
            if self._frame is not None:
                self.dropped += 1
            self._frame, self._at = frame, at
            self.delivered += 1
            self._ready.notify_all()

    def take(self, timeout: float) -> tuple[Frame, float] | None:
        """The newest frame and its time, waiting up to ``timeout`` s; None if none came."""
        with self._ready:
            self._ready.wait_for(lambda: self._frame is not None, timeout)
            frame, self._frame = self._frame, None
            return None if frame is None else (frame, self._at)


def is_black(frame: Frame) -> bool:
    """Nothing but black, judged on every 8th pixel: cheap enough for every frame."""
    sample = frame[::8, ::8]
    return float(sample.mean()) < BLACK_MEAN and float(sample.std()) < BLACK_SPREAD


class Grabber:
    """Reads ``open_source()``'s frames into ``slot`` in a thread; reports and retries."""

    def __init__(self, open_source: Opener, name: str, health: HealthReporter,
                 slot: LatestFrame, *, fps: int, stall_s: float, retry_s: float,
                 healthy: Callable[[], str], clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self._open_source = open_source
        self._health = health
        self._slot = slot
        self._period = 1.0 / fps
        self._stall_s = stall_s
        self._retry_s = retry_s
        self._healthy = healthy
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Try the camera once now (so start-up can say whether it works), then run."""
        self._stop.clear()
        source = self._open()
        self._thread = threading.Thread(target=self._run, args=(source,),
                                        name=f"camera-grab {self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _open(self) -> FrameSource | None:
        try:
            source = self._open_source()
        except DeviceError as exc:
            self._health.failed(exc)
            return None
        self._health.ok(self._healthy())
        return source

    def _run(self, source: FrameSource | None) -> None:
        while not self._stop.is_set():
            if source is None:
                if self._stop.wait(self._retry_s):
                    break
                source = self._open()
                continue
            try:
                problem = self._pump(source)
            finally:
                source.release()
            source = None
            if problem is not None:
                self._health.failed(problem)

    def _pump(self, source: FrameSource) -> DeviceError | None:
        """Frames into the slot until the camera fails (returned) or the grabber stops."""
        last_frame = black_since = None
        started = self._clock()
        while not self._stop.is_set():
            try:
                frame = source.read()
            except DeviceError as exc:
                return DeviceError(exc.what, exc.why, self._retrying())
            now = self._clock()
            if frame is None:
                if now - (last_frame or started) > self._stall_s:
                    return self._failure("stopped delivering frames",
                                         "it was unplugged, or its driver stalled")
                self._stop.wait(self._period)
                continue
            last_frame = now
            if is_black(frame):
                black_since = black_since or now
                if now - black_since > self._stall_s:
                    return self._failure("delivers only black frames",
                                         "its lens is covered or its sensor failed")
            else:
                black_since = None
                self._health.ok(self._healthy())
                self._slot.put(frame, now)
            if not source.paced:
                self._stop.wait(max(0.0, self._period - (self._clock() - now)))
        return None

    def _failure(self, what: str, why: str) -> DeviceError:
        return DeviceError(f"Camera {self.name} {what}", why, self._retrying())

    def _retrying(self) -> str:
        return f"Retrying every {self._retry_s:g} s. {NO_CAMERA_ACTION}"
