"""What the cash register sent, read off the simulator's port as parsed events.

Both simulators wait on the line the same way: read in short slices (so ``stop()`` is seen),
feed the protocol's incremental reader, and drop half a message followed by silence longer
than ``inter_byte_s`` (the register will send it again).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from kiosk.hw.termsim.port import SimPort
from kiosk.hw.termsim.sim_base import SLICE_S

E = TypeVar("E")
E_co = TypeVar("E_co", covariant=True)


class StreamReader(Protocol[E_co]):
    def feed(self, data: bytes) -> list[E_co]: ...

    def reset(self) -> None: ...


class LineEvents(Generic[E]):
    """``partial`` says whether the reader holds half a message (``in_frame``/``in_message``)."""

    def __init__(self, port: SimPort, reader: StreamReader[E], partial: Callable[[], bool],
                 inter_byte_s: float, check_stop: Callable[[], None]) -> None:
        self._port = port
        self._reader = reader
        self._partial = partial
        self._inter_byte_s = inter_byte_s
        self._check_stop = check_stop
        self._events: deque[E] = deque()
        self._last_byte = time.monotonic()

    def reset(self) -> None:
        self._reader.reset()
        self._events.clear()

    def next(self, timeout_s: float) -> E | None:
        """The next thing the register sent, or None after ``timeout_s`` of nothing."""
        deadline = time.monotonic() + timeout_s
        while not self._events:
            self._check_stop()
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            data = self._port.read(min(SLICE_S, left))
            now = time.monotonic()
            if data:
                self._last_byte = now
                self._events.extend(self._reader.feed(data))
            elif self._partial() and now - self._last_byte > self._inter_byte_s:
                self._reader.reset()  # half a message and then silence: it will be sent again
        return self._events.popleft()
