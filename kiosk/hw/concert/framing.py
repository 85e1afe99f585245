"""Concert V2 link framing: ``STX`` text ``ETX`` LRC, and the one-byte ENQ, ACK, NAK and EOT.

The LRC is the XOR of every byte after STX up to and including ETX. It can be any byte, STX
and ETX included (the 12.34 EUR request's LRC is ``02``), so a message is framed by the length
the receiver expects (it knows what it asked for): the ETX must come right after that many
characters, and the byte after it is the LRC whatever its value. The text is printable ASCII;
any other byte inside it means the message was cut, and is then read as what it is (an ENQ
from a sender that started over).

:class:`MessageParser` is pure and incremental; it never raises on input and never yields a
message whose LRC does not match.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto
from functools import reduce
from operator import xor

STX = 0x02
ETX = 0x03
EOT = 0x04
ENQ = 0x05
ACK = 0x06
NAK = 0x15
CONTROLS = frozenset({ENQ, ACK, NAK, EOT})


def lrc(data: bytes) -> int:
    return reduce(xor, data, 0)


def encode_message(text: str) -> bytes:
    """One message as it goes on the wire (the text must be printable ASCII)."""
    body = text.encode("ascii") + bytes([ETX])
    return bytes([STX]) + body + bytes([lrc(body)])


@dataclass(frozen=True, slots=True)
class Message:
    text: str


@dataclass(frozen=True, slots=True)
class Control:
    byte: int


@dataclass(frozen=True, slots=True)
class Corrupt:
    """A message that cannot be trusted; the receiver answers NAK and the sender repeats."""

    reason: str


Event = Message | Control | Corrupt


class _State(Enum):
    IDLE = auto()
    TEXT = auto()
    LRC = auto()
    SKIP_LRC = auto()  # a message ended at a length nobody expects: its LRC is skipped


class MessageParser:
    """Incremental parser for messages whose text has one of ``lengths`` characters."""

    def __init__(self, lengths: frozenset[int]) -> None:
        if not lengths:
            raise ValueError("a parser needs at least one expected message length")
        self.lengths = lengths
        self.noise = 0
        self._longest = max(lengths)
        self._state = _State.IDLE
        self._text = bytearray()

    def reset(self) -> None:
        if self._state is not _State.IDLE:
            self.noise += len(self._text) + 1
        self._state = _State.IDLE
        self._text.clear()

    def feed(self, data: bytes) -> list[Event]:
        events: list[Event] = []
        for byte in data:
            events.extend(self._step(byte))
        return events

    def _step(self, byte: int) -> list[Event]:
        state = self._state
        if state is _State.IDLE:
            return self._idle(byte)
        if state is _State.SKIP_LRC:
            self._state = _State.IDLE
            self.noise += 1
            return []
        if state is _State.LRC:
            return [self._close(byte)]
        return self._in_text(byte)

    def _idle(self, byte: int) -> list[Event]:
        if byte == STX:
            self._state = _State.TEXT
            self._text.clear()
            return []
        if byte in CONTROLS:
            return [Control(byte)]
        self.noise += 1
        return []

    def _in_text(self, byte: int) -> list[Event]:
        size = len(self._text)
        if byte == ETX:
            if size in self.lengths:
                self._state = _State.LRC
                return []
            self._drop(_State.SKIP_LRC)
            return [Corrupt(f"a message of {size} characters; {sorted(self.lengths)} expected")]
        if not 0x20 <= byte <= 0x7E:
            self._drop(_State.IDLE)
            return [Corrupt(f"byte {byte:02X} after {size} characters"), *self._idle(byte)]
        if size == self._longest:
            self._drop(_State.IDLE)
            return [Corrupt(f"no ETX after {size} characters")]
        self._text.append(byte)
        return []

    def _drop(self, state: _State) -> None:
        self.noise += len(self._text) + 1
        self._text.clear()
        self._state = state

    def _close(self, check: int) -> Event:
        text = bytes(self._text)
        self._state = _State.IDLE
        self._text.clear()
        expected = lrc(text + bytes([ETX]))
        if check != expected:
            self.noise += len(text) + 3
            return Corrupt(f"LRC {check:02X} does not match {expected:02X}")
        return Message(text.decode("ascii"))
