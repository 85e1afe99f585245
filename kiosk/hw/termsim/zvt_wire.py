"""The simulator's own ZVT serial framing: DLE STX, APDU with DLE doubled, DLE ETX, CRC-16.

The CRC is CRC-16/KERMIT (reflected CCITT polynomial, initial value 0) over the undoubled APDU
and the ETX, sent low byte first. Deployed cash registers send the two CRC bytes as they are even
when one is a DLE, others double it: the reader accepts both, and :func:`encode_frame` sends them
undoubled like the field does. Every frame is answered on the link with one ACK (06) or NAK (15).

:class:`ZvtFrameReader` is a pure incremental parser: bytes in, events out, with no clock and no
I/O, so any split of the byte stream gives the same events. Whoever feeds it decides what a pause
means (:meth:`ZvtFrameReader.reset` drops a half-received frame).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

DLE = 0x10
STX = 0x02
ETX = 0x03
ACK = 0x06
NAK = 0x15
MAX_APDU = 4096  # far above any message of this protocol; longer input is noise


def crc16_kermit(data: bytes) -> int:
    """CRC-16/KERMIT: poly 0x1021 reflected (0x8408), init 0, no final XOR."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc


def frame_crc(apdu: bytes) -> bytes:
    """The two CRC bytes that follow DLE ETX for ``apdu``, low byte first."""
    crc = crc16_kermit(apdu + bytes([ETX]))
    return bytes([crc & 0xFF, crc >> 8])


def encode_frame(apdu: bytes, *, corrupt_crc: bool = False) -> bytes:
    """The wire image of one APDU; ``corrupt_crc`` flips the CRC for the bad-checksum fault."""
    crc = frame_crc(apdu)
    if corrupt_crc:
        crc = bytes([crc[0] ^ 0xFF, crc[1] ^ 0x5A])
    body = apdu.replace(bytes([DLE]), bytes([DLE, DLE]))
    return bytes([DLE, STX]) + body + bytes([DLE, ETX]) + crc


@dataclass(frozen=True, slots=True)
class LinkAck:
    """A single ACK byte outside a frame: the other side received our last frame."""


@dataclass(frozen=True, slots=True)
class LinkNak:
    """A single NAK byte outside a frame: the other side wants our last frame again."""


@dataclass(frozen=True, slots=True)
class ZvtFrame:
    """A frame whose CRC checked out; ``apdu`` is undoubled."""

    apdu: bytes


@dataclass(frozen=True, slots=True)
class FrameRejected:
    """A frame that cannot be used; the receiver answers it with NAK."""

    reason: str


ZvtEvent = LinkAck | LinkNak | ZvtFrame | FrameRejected


class _State(Enum):
    IDLE = auto()
    IDLE_DLE = auto()
    BODY = auto()
    BODY_DLE = auto()
    CRC = auto()


def _crc_variants(crc: bytes) -> tuple[bytes, ...]:
    """The spellings of the CRC we accept: each byte as it is, or doubled when it is a DLE."""
    low = [bytes([crc[0]])] + ([bytes([DLE, DLE])] if crc[0] == DLE else [])
    high = [bytes([crc[1]])] + ([bytes([DLE, DLE])] if crc[1] == DLE else [])
    return tuple(sorted({a + b for a in low for b in high}, key=len))


class ZvtFrameReader:
    """Incremental ZVT frame parser; :meth:`feed` never raises, whatever the bytes."""

    def __init__(self) -> None:
        self._state = _State.IDLE
        self._body = bytearray()
        self._crc_seen = bytearray()
        self._crc_variants: tuple[bytes, ...] = ()
        self.discarded = 0  # bytes outside any frame that meant nothing: line noise

    @property
    def in_frame(self) -> bool:
        """Whether a frame has begun and not ended: a pause now is a broken frame."""
        return self._state not in (_State.IDLE, _State.IDLE_DLE)

    def reset(self) -> None:
        """Forget a half-received frame (the line went quiet in the middle of it)."""
        if self.in_frame:
            self.discarded += len(self._body) + 2
        self._state = _State.IDLE
        self._body.clear()
        self._crc_seen.clear()

    def feed(self, data: bytes) -> list[ZvtEvent]:
        events: list[ZvtEvent] = []
        for byte in data:
            event = self._step(byte)
            if event is not None:
                events.append(event)
        return events

    def _step(self, byte: int) -> ZvtEvent | None:
        handler = {
            _State.IDLE: self._idle,
            _State.IDLE_DLE: self._idle_dle,
            _State.BODY: self._in_body,
            _State.BODY_DLE: self._body_dle,
            _State.CRC: self._crc,
        }[self._state]
        return handler(byte)

    def _idle(self, byte: int) -> ZvtEvent | None:
        if byte == ACK:
            return LinkAck()
        if byte == NAK:
            return LinkNak()
        if byte == DLE:
            self._state = _State.IDLE_DLE
        else:
            self.discarded += 1
        return None

    def _idle_dle(self, byte: int) -> ZvtEvent | None:
        if byte == STX:
            self._state = _State.BODY
            self._body.clear()
            return None
        self.discarded += 1
        if byte != DLE:  # a run of DLEs may still end in DLE STX
            self._state = _State.IDLE
            return self._idle(byte)
        return None

    def _in_body(self, byte: int) -> ZvtEvent | None:
        if byte == DLE:
            self._state = _State.BODY_DLE
            return None
        self._body.append(byte)
        return self._check_length()

    def _body_dle(self, byte: int) -> ZvtEvent | None:
        if byte == DLE:
            self._state = _State.BODY
            self._body.append(DLE)
            return self._check_length()
        if byte == ETX:
            self._state = _State.CRC
            self._crc_seen.clear()
            self._crc_variants = _crc_variants(frame_crc(bytes(self._body)))
            return None
        if byte == STX:  # a new frame starts inside the old one: the old one is lost
            self._body.clear()
            self._state = _State.BODY
            return FrameRejected("a frame was interrupted by the start of another")
        return self._reject(f"DLE followed by {byte:02X} inside a frame")

    def _check_length(self) -> ZvtEvent | None:
        if len(self._body) > MAX_APDU:
            return self._reject(f"a frame longer than {MAX_APDU} bytes")
        return None

    def _crc(self, byte: int) -> ZvtEvent | None:
        self._crc_seen.append(byte)
        seen = bytes(self._crc_seen)
        if seen in self._crc_variants:
            apdu = bytes(self._body)
            self._state = _State.IDLE
            self._body.clear()
            return ZvtFrame(apdu)
        if any(v.startswith(seen) for v in self._crc_variants):
            return None
        if len(seen) < 2:
            return None  # a wrong CRC is two bytes long: take the second one too
        return self._reject("the checksum does not match (bad CRC)")

    def _reject(self, reason: str) -> FrameRejected:
        self._state = _State.IDLE
        self._body.clear()
        self._crc_seen.clear()
        return FrameRejected(reason)
