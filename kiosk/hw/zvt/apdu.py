"""The ZVT APDU: a two-byte control field, a length, and the data.

The control field is class and instruction for a command (``06 01`` authorisation) or, in an
answer, CCRC and APRC (``80 00`` positive, ``84 xx`` negative with an error code). The length is
one byte, or ``FF`` followed by two bytes low byte first for data of 255 bytes and more.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.errors import DeviceError

EXTENDED = 0xFF


class ApduError(DeviceError, ValueError):
    """Bytes that are not a well-formed APDU; the message names what is wrong."""


@dataclass(frozen=True, slots=True)
class Apdu:
    cls: int
    instr: int
    data: bytes = b""

    @property
    def control(self) -> tuple[int, int]:
        return self.cls, self.instr

    def encode(self) -> bytes:
        size = len(self.data)
        if size > 0xFFFF:
            raise ApduError(f"cannot send ZVT command {self.cls:02X} {self.instr:02X}",
                            f"its data is {size} bytes, more than 65535")
        length = (bytes([size]) if size < EXTENDED
                  else bytes([EXTENDED]) + size.to_bytes(2, "little"))
        return bytes([self.cls, self.instr]) + length + self.data

    def __str__(self) -> str:
        return f"{self.cls:02X} {self.instr:02X} ({len(self.data)} bytes)"


def decode_apdu(raw: bytes) -> Apdu:
    """Read one APDU; the length must match the data exactly, as a frame holds one APDU."""
    if len(raw) < 3:
        raise ApduError("the terminal sent a message too short to be a ZVT command",
                        f"it has {len(raw)} bytes ({raw.hex(' ').upper()}), at least 3 are needed")
    cls, instr, size = raw[0], raw[1], raw[2]
    start = 3
    if size == EXTENDED:
        if len(raw) < 5:
            raise ApduError(f"ZVT message {cls:02X} {instr:02X} is cut short",
                            "its extended length field is incomplete")
        size, start = int.from_bytes(raw[3:5], "little"), 5
    data = raw[start:]
    if len(data) != size:
        raise ApduError(f"ZVT message {cls:02X} {instr:02X} has the wrong length",
                        f"its length field says {size} bytes but {len(data)} follow")
    return Apdu(cls, instr, bytes(data))
