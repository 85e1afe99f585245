"""Device health as plain values, and the one way adapters tell the kiosk anything.

Adapters run in their own threads (camera grabber, terminal worker, gpiozero callbacks) and
never touch session state (DESIGN.md): they call a ``post(event)`` callable that the shell
gives them, which only enqueues for the one event loop. Health is one of those events, posted
when it *changes*, so a camera that is retried every few seconds while unplugged does not flood
the queue with the same failure.

A :class:`DeviceHealth` says which device, whether it works, a sentence a person can act on
(what happened, why, what to do, what the shopper gets instead), and whether the device is a
simulator, so nobody mistakes a demo for a working till.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.core.events import CAMERA, PRINTER, TERMINAL
from kiosk.errors import DeviceError

log = logging.getLogger(__name__)

Post = Callable[[object], None]
"""Thread-safe, non-blocking: hands an event to the kiosk's event loop (EventLoop.post)."""

LIGHT = "light"
DEVICE_NAMES = (CAMERA, PRINTER, LIGHT, TERMINAL)  # the session's names, plus the tower light


@dataclass(frozen=True, slots=True)
class DeviceHealth:
    """One device's state as the kiosk, store IT and the fleet see it."""

    device: str
    ok: bool
    detail: str
    simulated: bool

    @classmethod
    def failed(cls, device: str, error: DeviceError, *, simulated: bool) -> DeviceHealth:
        """A failure worded from the error's what/why/action, so screens never invent text."""
        return cls(device, False, error.message, simulated)


def ignore(event: object) -> None:
    """A ``post`` for tools that only want to know health (``kiosk devices``), not events."""
    del event


class HealthReporter:
    """Holds one device's current health and posts it whenever it changes.

    Thread-safe: the camera thread and the loop thread may both report. The first report is
    always posted, so the loop learns every device's state at start.
    """

    def __init__(self, device: str, post: Post, *, simulated: bool) -> None:
        self.device = device
        self.simulated = simulated
        self._post = post
        self._lock = threading.Lock()
        self._current: DeviceHealth | None = None

    @property
    def current(self) -> DeviceHealth:
        with self._lock:
            if self._current is None:
                return DeviceHealth(self.device, False, "not started yet", self.simulated)
            return self._current

    def ok(self, detail: str) -> DeviceHealth:
        return self._report(DeviceHealth(self.device, True, detail, self.simulated))

    def failed(self, error: DeviceError) -> DeviceHealth:
        return self._report(DeviceHealth.failed(self.device, error, simulated=self.simulated))

    def _report(self, health: DeviceHealth) -> DeviceHealth:
        with self._lock:
            changed = health != self._current
            self._current = health
        if changed:
            (log.info if health.ok else log.warning)("%s: %s", self.device, health.detail)
            self._post(health)
        return health
