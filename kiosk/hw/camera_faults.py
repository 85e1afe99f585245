"""The camera simulator's fault script: a camera that stalls, goes black or raises, on cue.

Like the terminal and printer simulators, the simulated camera can be told to fail in named
ways at chosen frames, so the kiosk's handling of a failing camera (health reported, camera
reopened, the kiosk running on) is tested against the real grabber and decoder threads:

- ``stall@N``: from the N-th frame the camera delivers nothing until it is reopened
  (an unplugged USB camera, a hung driver);
- ``black@N-M``: frames N to M are black (lens covered, sensor failure);
- ``raise@N``: reading the N-th frame raises, as ``cv2.VideoCapture.read`` can.

Frames are counted from 1 over the whole run, across reopenings, so each fault happens once.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from kiosk.errors import DeviceError, KioskError
from kiosk.hw.camera_sources import Frame, FrameSource, Opener

_SPEC = re.compile(r"^(stall|raise)@(\d+)$|^black@(\d+)-(\d+)$")


class FaultScriptError(KioskError, ValueError):
    """A camera fault script entry is not one of the known spellings."""


@dataclass(frozen=True, slots=True)
class CameraFault:
    kind: str
    first: int
    last: int


def parse_faults(specs: Iterable[str]) -> tuple[CameraFault, ...]:
    faults = []
    for spec in specs:
        match = _SPEC.match(spec.strip())
        if match is None:
            raise FaultScriptError(f"camera fault {spec!r} is not understood",
                                   "the faults are stall@N, raise@N and black@N-M",
                                   "Fix the simulator's fault script.")
        if match.group(1):
            frame = int(match.group(2))
            faults.append(CameraFault(match.group(1), frame, frame))
        else:
            faults.append(CameraFault("black", int(match.group(3)), int(match.group(4))))
    return tuple(faults)


class FaultScript:
    """Counts frames over the whole run and wraps each opened source with the faults."""

    def __init__(self, faults: Iterable[CameraFault]) -> None:
        self.faults = tuple(faults)
        self.frames = 0
        self._lock = threading.Lock()

    def wrap(self, opener: Opener) -> Opener:
        if not self.faults:
            return opener
        return lambda: _Faulty(opener(), self)

    def next_fault(self) -> CameraFault | None:
        with self._lock:
            self.frames += 1
            frame = self.frames
        return next((f for f in self.faults if f.first <= frame <= f.last), None)


class _Faulty:
    def __init__(self, source: FrameSource, script: FaultScript) -> None:
        self._source = source
        self._script = script
        self._stalled = False
        self.paced = source.paced

    def read(self) -> Frame | None:
        if self._stalled:
            return None
        fault = self._script.next_fault()
        frame = self._source.read()
        if fault is None or frame is None:
            return frame
        if fault.kind == "stall":
            self._stalled = True
            return None
        if fault.kind == "raise":
            raise DeviceError("Camera failed while reading a frame",
                              f"the driver raised at frame {self._script.frames} "
                              "(simulated fault)")
        return np.zeros_like(frame)

    def release(self) -> None:
        self._source.release()
