"""The ZVT serial line: frames out with their retries, frames in with their ACK or NAK.

Every frame the terminal sends gets its one-byte ACK (or NAK when the CRC fails, so the
terminal repeats it) the moment it is complete, well within the terminal's one second. A frame
the kiosk sends is repeated on NAK or when no ACK comes within ``ack_timeout_s``, three
transmissions in all, as the specification's serial transport allows. The terminal may send
its own frames while the kiosk waits for an ACK (an ECR abort crosses a status message): they
are acknowledged and queued, never lost.
"""

from __future__ import annotations

import logging
import termios
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import serial

from kiosk.errors import DeviceError
from kiosk.hw.zvt.apdu import Apdu
from kiosk.hw.zvt.framing import ACK, NAK, Control, Corrupt, Frame, FrameParser, encode_frame

log = logging.getLogger(__name__)
TRANSMISSIONS = 3
POLL_S = 0.1  # longest read; a byte ends it at once, so this is how often stop() is asked


class LinkLostError(DeviceError):
    """The serial port failed under the kiosk (unplugged, closed): nothing more can be said."""


class Sent(Enum):
    ACKED = "acked"  # the terminal has the frame
    REFUSED = "refused"  # NAK every time: the terminal never took it
    NO_ANSWER = "no-answer"  # silence at least once: it may or may not have it


@dataclass
class LinkStats:
    sent: int = 0
    retransmissions: int = 0
    received: int = 0
    corrupt: int = 0


class ZvtLink:
    """One open serial port speaking ZVT; used by one thread (the driver's worker) only."""

    def __init__(self, port: serial.Serial, *, ack_timeout_s: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.port = port
        self.ack_timeout_s = ack_timeout_s
        self.stats = LinkStats()
        self._clock = clock
        self._parser = FrameParser()
        self._frames: deque[bytes] = deque()
        self._controls: deque[int] = deque()
        self._broken: LinkLostError | None = None

    # -- sending ----------------------------------------------------------------------------

    def send(self, apdu: Apdu) -> Sent:
        """Send until ACKed, at most three transmissions; see :class:`Sent`."""
        wire = encode_frame(apdu.encode())
        silent = False
        self._controls.clear()
        for attempt in range(TRANSMISSIONS):
            if attempt:
                self.stats.retransmissions += 1
            self._write(wire)
            self.stats.sent += 1
            answer = self._await_control(self._clock() + self.ack_timeout_s)
            if answer == ACK:
                return Sent.ACKED
            silent = silent or answer is None
            log.info("ZVT %s: %s, transmission %d of %d", apdu,
                     "no ACK" if answer is None else "NAK", attempt + 1, TRANSMISSIONS)
        return Sent.NO_ANSWER if silent else Sent.REFUSED

    def _await_control(self, deadline: float) -> int | None:
        while not self._controls:
            remaining = deadline - self._clock()
            if remaining <= 0:
                return None
            self._pump(min(remaining, POLL_S))
        return self._controls.popleft()

    # -- receiving --------------------------------------------------------------------------

    def receive(self, timeout_s: float, stop: Callable[[], bool] | None = None) -> bytes | None:
        """The next frame's APDU (already ACKed), or None after ``timeout_s`` or when ``stop``
        says so. A frame that arrived earlier is returned first."""
        deadline = self._clock() + timeout_s
        while not self._frames:
            if stop is not None and stop():
                return None
            remaining = deadline - self._clock()
            if remaining <= 0:
                return None
            self._pump(min(remaining, POLL_S))
        return self._frames.popleft()

    def drain(self) -> None:
        """Forget queued frames and half-read bytes (before a new command on a quiet line)."""
        self._pump(0)
        self._frames.clear()
        self._controls.clear()
        self._parser.reset()

    # -- the port ---------------------------------------------------------------------------

    def _pump(self, wait_s: float) -> None:
        """Read what the port has (waiting at most ``wait_s`` for the first byte) and answer
        every complete frame at once."""
        data = self._read(wait_s)
        for event in self._parser.feed(data):
            match event:
                case Frame(apdu=apdu):
                    self.stats.received += 1
                    self._frames.append(apdu)  # taken: a line lost under its ACK loses nothing
                    self._answer(ACK)
                case Corrupt(reason=reason):
                    self._answer(NAK)
                    self.stats.corrupt += 1
                    log.info("ZVT frame refused with NAK: %s", reason)
                case Control(byte=byte):
                    self._controls.append(byte)

    def _answer(self, byte: int) -> None:
        """ACK or NAK a frame; a failure is raised at the next use of the line, after the
        frames already read are handed out."""
        try:
            self._write(bytes([byte]))
        except LinkLostError as exc:
            self._broken = exc

    def _read(self, wait_s: float) -> bytes:
        if self._broken is not None:
            raise self._broken
        try:
            self.port.timeout = max(wait_s, 0)
            first = self.port.read(1)
            if not first:
                return b""
            waiting = self.port.in_waiting
            return first + (self.port.read(waiting) if waiting else b"")
        except (serial.SerialException, OSError, TypeError, termios.error) as exc:
            raise _lost(self.port, exc) from exc

    def _write(self, data: bytes) -> None:
        if self._broken is not None:
            raise self._broken
        try:
            self.port.write(data)
            self.port.flush()
        except (serial.SerialException, OSError, termios.error) as exc:
            raise _lost(self.port, exc) from exc


def _lost(port: serial.Serial, exc: BaseException) -> LinkLostError:
    return LinkLostError(f"The connection to the card terminal on {port.port} was lost",
                    str(exc) or type(exc).__name__,
                    "Check the terminal's cable and power; card payment is unavailable.")
