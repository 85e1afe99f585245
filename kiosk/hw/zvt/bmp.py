"""ZVT bitmaps (BMPs): the tagged fields of a command, and the BCD numbers inside them.

A BMP is one tag byte followed by a value whose length the tag fixes (``04`` amount: 6 bytes
BCD), or that carries its own length: LLVAR ``Fx Fy`` (two digits, each as ``F`` + digit),
LLLVAR ``Fx Fy Fz``, or the TLV container ``06`` with a BER length. The table is the
specification's summary of utilised BMPs (ZVT 13.x, chapter 11). A tag missing from it cannot
be skipped, because its length is unknown: decoding stops there and keeps the rest as it is,
for the record, rather than guessing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from kiosk.hw.terminal import mask_pan
from kiosk.hw.zvt.apdu import ApduError

LLVAR = -2
LLLVAR = -3
TLV = -1

# tag -> value length in bytes, or LLVAR / LLLVAR / TLV
BMP_LENGTHS: Mapping[int, int] = MappingProxyType({
    0x01: 1, 0x02: 1, 0x03: 1, 0x04: 6, 0x05: 1, 0x06: TLV, 0x0B: 3, 0x0C: 3, 0x0D: 2,
    0x0E: 2, 0x17: 2, 0x19: 1, 0x22: LLVAR, 0x23: LLVAR, 0x24: LLLVAR, 0x27: 1, 0x29: 4,
    0x2A: 15, 0x2D: LLVAR, 0x2E: LLLVAR, 0x37: 3, 0x3A: 2, 0x3B: 8, 0x3C: LLLVAR, 0x3D: 3,
    0x49: 2, 0x4C: LLVAR, 0x60: LLLVAR, 0x87: 2, 0x88: 3, 0x8A: 1, 0x8B: LLVAR, 0x8C: 1,
    0x92: LLLVAR, 0x9A: LLLVAR, 0xA0: 1, 0xA7: LLVAR, 0xAA: 3, 0xAF: LLLVAR, 0xBA: 5,
    0xD0: 1, 0xD1: LLVAR, 0xD2: 1, 0xD3: 1, 0xE0: 1, 0xE9: 1, 0xEA: 1, 0xEB: 8, 0xF0: 1,
    0xF9: 1, 0xFC: 1,
    **{tag: LLVAR for tag in range(0xE1, 0xE9)},  # display text lines
    **{tag: LLVAR for tag in range(0xF1, 0xF9)},
})


class BmpError(ApduError):
    """A field that cannot be read: truncated, a bad length, or a digit that is not BCD."""


@dataclass(frozen=True, slots=True)
class Bmps:
    """The fields of one APDU in order; ``rest`` holds what follows a tag we cannot size."""

    fields: tuple[tuple[int, bytes], ...]
    rest: bytes = b""

    def get(self, tag: int) -> bytes | None:
        return next((value for found, value in self.fields if found == tag), None)

    def __contains__(self, tag: object) -> bool:
        return any(found == tag for found, _ in self.fields)

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        return iter(self.fields)


# --- BCD -----------------------------------------------------------------------------------------

def bcd_digits(raw: bytes, *, what: str = "number") -> str:
    """The decimal digits of packed BCD; a nibble above 9 is a typed rejection."""
    digits = raw.hex().upper()
    if not digits.isdigit():
        raise BmpError(f"the terminal sent a {what} that is not BCD", f"bytes {raw.hex(' ')}")
    return digits


def bcd_int(raw: bytes, *, what: str = "number") -> int:
    return int(bcd_digits(raw, what=what) or "0")


def int_bcd(value: int, size: int, *, what: str = "number") -> bytes:
    """``value`` as ``size`` bytes of packed BCD (12.34 EUR -> ``00 00 00 00 12 34``)."""
    text = str(value)
    if value < 0 or len(text) > size * 2:
        raise BmpError(f"cannot send the {what} {value}",
                       f"it does not fit {size * 2} BCD digits")
    return bytes.fromhex(text.zfill(size * 2))


def masked_pan(raw: bytes) -> str:
    """BMP 22: BCD digits with ``E`` for each masked digit and ``F`` padding an odd count,
    masked as a receipt may show it (:func:`kiosk.hw.terminal.mask_pan`)."""
    nibbles = raw.hex().upper().rstrip("F")
    if not nibbles or any(c not in "0123456789E" for c in nibbles):
        raise BmpError("the terminal sent a card number that cannot be read",
                       f"bytes {raw.hex(' ')}")
    return mask_pan(nibbles.replace("E", "*"))


# --- lengths ------------------------------------------------------------------------------------

def _var_length(data: bytes, at: int, digits: int, tag: int) -> int:
    head = data[at:at + digits]
    if len(head) < digits or any(b >> 4 != 0xF or b & 0xF > 9 for b in head):
        raise BmpError(f"field {tag:02X} has an unreadable length",
                       f"expected {digits} bytes F0-F9, got {head.hex(' ')}")
    return int("".join(str(b & 0xF) for b in head))


def ber_length(data: bytes, at: int, what: str) -> tuple[int, int]:
    """A BER length at ``at``: (length, bytes used). Short form, or ``81 xx`` / ``82 xx xx``."""
    if at >= len(data):
        raise BmpError(f"{what} has no length")
    first = data[at]
    if first < 0x80:
        return first, 1
    count = first & 0x7F
    if count not in (1, 2) or at + 1 + count > len(data):
        raise BmpError(f"{what} has an unreadable length", f"length byte {first:02X}")
    return int.from_bytes(data[at + 1:at + 1 + count], "big"), 1 + count


def encode_ber_length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    if size <= 0xFF:
        return bytes([0x81, size])
    if size <= 0xFFFF:
        return bytes([0x82]) + size.to_bytes(2, "big")
    raise BmpError(f"cannot send a TLV value of {size} bytes", "the limit is 65535")


def encode_var(tag: int, value: bytes) -> bytes:
    """A LLVAR or LLLVAR field with its ``Fx Fy [Fz]`` length bytes."""
    digits = {LLVAR: 2, LLLVAR: 3}[BMP_LENGTHS[tag]]
    if len(value) >= 10 ** digits:
        raise BmpError(f"cannot send field {tag:02X}", f"{len(value)} bytes do not fit its length")
    length = bytes(0xF0 | int(c) for c in str(len(value)).zfill(digits))
    return bytes([tag]) + length + value


# --- decoding -----------------------------------------------------------------------------------

def _field(data: bytes, at: int, tag: int, size: int) -> tuple[bytes, int]:
    if size == TLV:
        length, used = ber_length(data, at, f"the TLV container {tag:02X}")
        at += used
    elif size in (LLVAR, LLLVAR):
        digits = -size
        length = _var_length(data, at, digits, tag)
        at += digits
    else:
        length = size
    value = data[at:at + length]
    if len(value) != length:
        raise BmpError(f"field {tag:02X} is cut short",
                       f"{length} bytes were announced, {len(value)} follow")
    return value, at + length


def decode_bmps(data: bytes, *, strict: bool = False) -> Bmps:
    """The fields of a data block, in order, in any order the sender chose.

    ``strict``: an unknown tag is an error (a command to the terminal must be fully
    understood); otherwise decoding stops there and the rest is kept (an answer whose known
    fields, such as the result code, are still worth reading).
    """
    fields: list[tuple[int, bytes]] = []
    at = 0
    while at < len(data):
        tag = data[at]
        size = BMP_LENGTHS.get(tag)
        if size is None:
            if strict:
                raise BmpError(f"field {tag:02X} is not a ZVT field the kiosk knows",
                               "its length cannot be known")
            return Bmps(tuple(fields), data[at:])
        value, at = _field(data, at + 1, tag, size)
        fields.append((tag, value))
    return Bmps(tuple(fields))
