"""Concert V2 sessions on the serial port: the kiosk's request out, the terminal's answer in.

Sending: ENQ until the terminal ACKs (three tries), the message until it is ACKed (three
transmissions, repeated on NAK or silence), then EOT. What that says about the request:

* no ACK to any ENQ: the request never left the kiosk (``NOT_SENT``, or ``BUSY`` when the
  terminal said NAK, as it does while it works);
* NAK to every transmission: the terminal refused it every time (``REFUSED``);
* silence after a transmission: it may have the request (``NO_ANSWER``: the payment is
  UNKNOWN until the terminal speaks).

Receiving: the terminal's ENQ is ACKed, its message ACKed (NAK on a bad LRC, and the terminal
repeats it), and its EOT closes the session.
"""

from __future__ import annotations

import logging
import termios
import time
from collections import deque
from collections.abc import Callable
from enum import Enum

import serial

from kiosk.errors import DeviceError
from kiosk.hw.concert.framing import (
    ACK,
    ENQ,
    EOT,
    NAK,
    Control,
    Corrupt,
    Event,
    Message,
    MessageParser,
    encode_message,
)

log = logging.getLogger(__name__)
TRIES = 3
POLL_S = 0.1  # longest read; a byte ends it at once


class LinkLostError(DeviceError):
    """The serial port failed under the kiosk (unplugged, closed)."""


class Sent(Enum):
    ACKED = "acked"
    NOT_SENT = "not-sent"
    BUSY = "busy"
    REFUSED = "refused"
    NO_ANSWER = "no-answer"


class ConcertLink:
    """One open port speaking Concert; used by the driver's worker thread only."""

    def __init__(self, port: serial.Serial, *, ack_timeout_s: float, answer_s: float,
                 lengths: frozenset[int], clock: Callable[[], float] = time.monotonic) -> None:
        self.port = port
        self.ack_timeout_s = ack_timeout_s
        self.answer_s = answer_s
        self._clock = clock
        self._parser = MessageParser(lengths)
        self._events: deque[Event] = deque()
        self.request_out = False  # the request's text went on the line (not just an ENQ)
        self.lost: LinkLostError | None = None  # the line failed after an answer was taken

    # -- sending ----------------------------------------------------------------------------

    def send(self, text: str) -> Sent:
        self.request_out = False
        opened = self._open_session()
        if opened is not Sent.ACKED:
            return opened
        wire = encode_message(text)
        silent = False
        for attempt in range(TRIES):
            self.request_out = True
            self._write(wire)
            answer = self._control(self.ack_timeout_s)
            if answer == ACK:
                self._write(bytes([EOT]))
                return Sent.ACKED
            silent = silent or answer != NAK
            log.info("Concert request: %s, transmission %d of %d",
                     "NAK" if answer == NAK else "no ACK", attempt + 1, TRIES)
        self._write(bytes([EOT]))
        return Sent.NO_ANSWER if silent else Sent.REFUSED

    def probe(self) -> bool:
        """Whether a terminal answers at all: ENQ, and EOT at once after its ACK. A NAK (busy)
        is an answer too."""
        opened = self._open_session()
        if opened is Sent.ACKED:
            self._write(bytes([EOT]))
        return opened is not Sent.NOT_SENT

    def _open_session(self) -> Sent:
        """ENQ until ACKed, three tries; a NAK (the terminal is working) earns it a pause."""
        naks = 0
        for _ in range(TRIES):
            self._events.clear()
            self._write(bytes([ENQ]))
            answer = self._control(self.ack_timeout_s)
            if answer == ACK:
                return Sent.ACKED
            if answer == NAK:
                naks += 1
                self._control(self.ack_timeout_s)  # let it work; nothing is expected meanwhile
        return Sent.BUSY if naks else Sent.NOT_SENT

    def _control(self, wait_s: float) -> int | None:
        """The next ACK or NAK within ``wait_s``; other bytes are not an answer to us."""
        deadline = self._clock() + wait_s
        while True:
            event = self._next(deadline)
            if event is None:
                return None
            if isinstance(event, Control) and event.byte in (ACK, NAK):
                return event.byte

    # -- receiving --------------------------------------------------------------------------

    def receive(self, wait_s: float, stop: Callable[[], bool] | None = None) -> str | None:
        """The terminal's next message, its session answered; None when none began in time."""
        deadline = self._clock() + wait_s
        while True:
            if stop is not None and stop():
                return None
            event = self._next(min(deadline, self._clock() + 0.1))
            if event is None:
                if self._clock() >= deadline:
                    return None
                continue
            if isinstance(event, Control) and event.byte == ENQ:
                self._write(bytes([ACK]))
                text = self._session_message()
                if text is not None:
                    return text
            elif isinstance(event, Message | Corrupt):
                self._write(bytes([NAK]))  # a message outside a session is not taken

    def _session_message(self) -> str | None:
        """Inside the terminal's session: its message, ACKed; NAK and wait for a repeat."""
        deadline = self._clock() + self.answer_s
        while (event := self._next(deadline)) is not None:
            match event:
                case Message(text=text):
                    self._close_session()
                    return text
                case Corrupt(reason=reason):
                    log.info("Concert answer refused with NAK: %s", reason)
                    self._write(bytes([NAK]))
                    deadline = self._clock() + self.answer_s
                case Control(byte=byte) if byte == ENQ:
                    self._write(bytes([ACK]))  # the terminal started its session over
                case Control(byte=byte) if byte == EOT:
                    return None  # it gave up
        return None

    def _close_session(self) -> None:
        """ACK the answer and take the terminal's EOT. The answer is the terminal's decision
        whatever happens next, so a line lost now loses nothing of it: the failure is kept
        for the driver's health report."""
        deadline = self._clock() + self.ack_timeout_s
        try:
            self._write(bytes([ACK]))
            while (event := self._next(deadline)) is not None:
                if isinstance(event, Control) and event.byte == EOT:
                    return
        except LinkLostError as exc:
            self.lost = exc

    def drain(self) -> None:
        self._read(0)
        self._events.clear()
        self._parser.reset()

    # -- the port ---------------------------------------------------------------------------

    def _next(self, deadline: float) -> Event | None:
        while not self._events:
            remaining = deadline - self._clock()
            if remaining <= 0:
                return None
            self._events.extend(self._parser.feed(self._read(min(remaining, POLL_S))))
        return self._events.popleft()

    def _read(self, wait_s: float) -> bytes:
        try:
            self.port.timeout = max(wait_s, 0)
            first = self.port.read(1)
            if not first:
                return b""
            waiting = self.port.in_waiting
            return first + (self.port.read(waiting) if waiting else b"")
        except (serial.SerialException, OSError, TypeError, termios.error) as exc:
            raise self._lost(exc) from exc

    def _write(self, data: bytes) -> None:
        try:
            self.port.write(data)
            self.port.flush()
        except (serial.SerialException, OSError, termios.error) as exc:
            raise self._lost(exc) from exc

    def _lost(self, exc: BaseException) -> LinkLostError:
        return LinkLostError(f"The connection to the card terminal on {self.port.port} was lost",
                             str(exc) or type(exc).__name__,
                             "Check the terminal's cable and power; card payment is "
                             "unavailable.")
