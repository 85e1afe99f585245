"""ZVT serial transport framing: ``DLE STX`` APDU ``DLE ETX`` CRC, and the one-byte ACK/NAK.

Inside a frame a data byte ``10`` (DLE) is sent twice. The CRC is CRC-16/KERMIT over the APDU
(undoubled) and the ETX, sent low byte first. Deployed cash-register software sends the two
CRC bytes as they are, never doubling a DLE among them (1.53 EUR with an empty TLV container
has one), and terminals accept that; the kiosk sends its CRC the same way. It reads both
spellings, since the expected CRC tells them apart.

:class:`FrameParser` is pure and incremental: bytes in, events out, in any split. It never
raises on input: line noise between frames is counted and dropped, and a frame whose CRC does
not match is reported as :class:`Corrupt` (the link answers NAK and the sender repeats it), so
a frame with a bad checksum can never reach the layers above.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto

DLE = 0x10
STX = 0x02
ETX = 0x03
ACK = 0x06
NAK = 0x15

# The longest APDU is 3 + 2 + 65535 bytes (extended length); anything longer is noise that
# happened to start with DLE STX, and is dropped rather than buffered without end.
MAX_APDU = 3 + 2 + 0xFFFF


def crc16_kermit(data: bytes) -> int:
    """CRC-16/KERMIT (reflected polynomial 0x1021, initial value 0), as ZVT specifies."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc


def frame_crc(apdu: bytes) -> bytes:
    """The two CRC bytes that follow ``DLE ETX``, low byte first."""
    return crc16_kermit(apdu + bytes([ETX])).to_bytes(2, "little")


def encode_frame(apdu: bytes) -> bytes:
    """One APDU as it goes on the wire: DLE doubled inside, CRC appended undoubled."""
    return (bytes([DLE, STX]) + apdu.replace(bytes([DLE]), bytes([DLE, DLE]))
            + bytes([DLE, ETX]) + frame_crc(apdu))


@dataclass(frozen=True, slots=True)
class Frame:
    """A frame whose CRC matched; ``apdu`` is its content with DLE doubling undone."""

    apdu: bytes


@dataclass(frozen=True, slots=True)
class Control:
    """A one-byte ACK (``06``) or NAK (``15``) between frames."""

    byte: int

    @property
    def ack(self) -> bool:
        return self.byte == ACK


@dataclass(frozen=True, slots=True)
class Corrupt:
    """A frame that started but cannot be trusted; the receiver answers NAK."""

    reason: str


Event = Frame | Control | Corrupt


def _crc_spellings(crc: bytes) -> tuple[bytes, ...]:
    """The CRC as sent undoubled, and with each DLE in it doubled (both are in the field)."""
    low = [crc[:1]] + ([bytes([DLE, DLE])] if crc[0] == DLE else [])
    high = [crc[1:]] + ([bytes([DLE, DLE])] if crc[1] == DLE else [])
    return tuple({a + b for a in low for b in high})


class _State(Enum):
    IDLE = auto()  # between frames
    IDLE_DLE = auto()  # saw DLE between frames: STX starts a frame
    DATA = auto()  # inside a frame
    DATA_DLE = auto()  # inside a frame after DLE: DLE, ETX or (a restart) STX
    CRC = auto()  # after DLE ETX: two CRC bytes, undoubled


class FrameParser:
    """Incremental ZVT frame parser; see the module docstring. ``noise`` counts dropped bytes."""

    def __init__(self) -> None:
        self.noise = 0
        self._state = _State.IDLE
        self._apdu = bytearray()
        self._crc = bytearray()
        self._spellings: tuple[bytes, ...] = ()

    def reset(self) -> None:
        """Forget a frame in progress (the link does this after it gave up on the line)."""
        if self._state is not _State.IDLE:
            self.noise += len(self._apdu) + len(self._crc)
        self._state = _State.IDLE
        self._apdu.clear()
        self._crc.clear()

    def feed(self, data: bytes) -> list[Event]:
        events: list[Event] = []
        for byte in data:
            event = self._step(byte)
            if event is not None:
                events.append(event)
        return events

    def _step(self, byte: int) -> Event | None:  # noqa: PLR0911 - one return per state
        state = self._state
        if state is _State.IDLE:
            return self._idle(byte)
        if state is _State.IDLE_DLE:
            if byte == STX:
                self._start()
                return None
            self.noise += 1  # the DLE was noise; this byte is read afresh
            self._state = _State.IDLE
            return self._idle(byte)
        if state is _State.DATA:
            if byte == DLE:
                self._state = _State.DATA_DLE
                return None
            return self._append(byte)
        if state is _State.DATA_DLE:
            return self._escaped(byte)
        self._crc.append(byte)
        seen = bytes(self._crc)
        if seen in self._spellings or (len(seen) >= 2 and not any(
                s.startswith(seen) for s in self._spellings)):
            return self._finish()
        return None

    def _idle(self, byte: int) -> Event | None:
        if byte in (ACK, NAK):
            return Control(byte)
        if byte == DLE:
            self._state = _State.IDLE_DLE
        else:
            self.noise += 1
        return None

    def _start(self) -> None:
        self._state = _State.DATA
        self._apdu.clear()
        self._crc.clear()

    def _append(self, byte: int) -> Event | None:
        if len(self._apdu) >= MAX_APDU:
            self.reset()
            return Corrupt(f"a frame longer than {MAX_APDU} bytes")
        self._apdu.append(byte)
        self._state = _State.DATA
        return None

    def _escaped(self, byte: int) -> Event | None:
        if byte == DLE:
            return self._append(DLE)
        if byte == ETX:
            self._state = _State.CRC
            self._spellings = _crc_spellings(frame_crc(bytes(self._apdu)))
            return None
        lost = len(self._apdu)
        if byte == STX:  # a new frame began before this one ended: the sender started over
            self.noise += lost
            self._start()
            return Corrupt(f"a frame cut short after {lost} bytes")
        self.reset()
        self.noise += 1
        return Corrupt(f"DLE followed by {byte:02X} inside a frame")

    def _finish(self) -> Event:
        apdu, crc = bytes(self._apdu), bytes(self._crc)
        self._state = _State.IDLE
        self._apdu.clear()
        self._crc.clear()
        if crc not in self._spellings:
            self.noise += len(apdu) + 2
            return Corrupt(f"CRC {crc.hex(' ').upper()} does not match "
                           f"{frame_crc(apdu).hex(' ').upper()}")
        return Frame(apdu)
