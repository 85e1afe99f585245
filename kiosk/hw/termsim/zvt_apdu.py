"""The simulator's own ZVT APDU, BMP and TLV coding (pure: bytes in, values out).

An APDU is CLASS INSTR LEN data, LEN one byte, or FF and two bytes (low first) for long ones.
Data is a sequence of BMPs, each a one-byte tag and a value whose length the tag fixes: fixed
size, LLVAR (two bytes F0-F9 F0-F9 giving the length in decimal), LLLVAR (three such bytes) or
the TLV container (06, BER-style length). A cash register may send the BMPs in any order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from types import MappingProxyType

from kiosk.errors import KioskError


class ZvtCodingError(KioskError, ValueError):
    """Bytes that are not a well-formed ZVT message; the terminal answers with an error."""


@dataclass(frozen=True, slots=True)
class Apdu:
    """One application message: control field (class, instruction) and data block."""

    cls: int
    instr: int
    data: bytes

    @property
    def command(self) -> tuple[int, int]:
        return (self.cls, self.instr)


def encode_apdu(cls: int, instr: int, data: bytes = b"") -> bytes:
    if len(data) < 0xFF:
        return bytes([cls, instr, len(data)]) + data
    if len(data) > 0xFFFF:
        raise ZvtCodingError("an APDU of more than 65535 data bytes", "ZVT lengths have 2 bytes")
    return bytes([cls, instr, 0xFF, len(data) & 0xFF, len(data) >> 8]) + data


def decode_apdu(raw: bytes) -> Apdu:
    if len(raw) < 3:
        raise ZvtCodingError(f"an APDU of {len(raw)} bytes", "an APDU has at least 3 bytes")
    length, start = raw[2], 3
    if length == 0xFF:
        if len(raw) < 5:
            raise ZvtCodingError("an extended APDU length cut short", "FF needs 2 more bytes")
        length, start = raw[3] | raw[4] << 8, 5
    if len(raw) - start != length:
        raise ZvtCodingError(f"an APDU announcing {length} data bytes carries "
                             f"{len(raw) - start}", "the length byte must match the data")
    return Apdu(raw[0], raw[1], raw[start:])


# --- BCD --------------------------------------------------------------------------------------
def bcd_encode(number: int, size: int) -> bytes:
    digits = f"{number:0{size * 2}d}"
    if number < 0 or len(digits) > size * 2:
        raise ZvtCodingError(f"{number} does not fit {size} BCD bytes", "BCD is unsigned")
    return bytes.fromhex(digits)


def bcd_decode(raw: bytes) -> int:
    text = raw.hex()
    if not text.isdigit():
        raise ZvtCodingError(f"BCD field {text.upper()} holds a non-digit", "BCD is 0-9 only")
    return int(text)


def masked_pan_encode(pan: str) -> bytes:
    """PAN digits as BCD nibbles, ``*`` as E (a masked digit), padded with F when odd."""
    nibbles = "".join("e" if c == "*" else c for c in pan)
    if not nibbles or any(c not in "0123456789e" for c in nibbles):
        raise ZvtCodingError(f"card number {pan!r}", "only digits and * may appear")
    if len(nibbles) % 2:
        nibbles += "f"
    return bytes.fromhex(nibbles)


# --- BMP --------------------------------------------------------------------------------------
LLVAR = -2
LLLVAR = -3
TLV = -6
# Tag -> fixed size, or LLVAR/LLLVAR/TLV. From the spec's summary of BMPs.
BMP_SIZES = MappingProxyType({
    0x01: 1, 0x02: 1, 0x03: 1, 0x04: 6, 0x05: 1, 0x06: TLV, 0x0B: 3, 0x0C: 3, 0x0D: 2,
    0x0E: 2, 0x17: 2, 0x19: 1, 0x22: LLVAR, 0x23: LLVAR, 0x24: LLLVAR, 0x27: 1, 0x29: 4,
    0x2A: 15, 0x2D: LLVAR, 0x2E: LLLVAR, 0x37: 3, 0x3A: 2, 0x3B: 8, 0x3C: LLLVAR, 0x3D: 3,
    0x49: 2, 0x60: LLLVAR, 0x87: 2, 0x88: 3, 0x8A: 1, 0x8B: LLVAR, 0x8C: 1, 0x92: LLLVAR,
    0x9A: LLLVAR, 0xA0: 1, 0xA7: LLVAR, 0xAA: 3, 0xAF: LLLVAR, 0xBA: 5, 0xD0: 1, 0xD1: LLVAR,
    0xD2: 1, 0xD3: 1, 0xE0: 1, 0xE9: 1, 0xEA: 1, 0xEB: 8, 0xF0: 1, 0xF9: 1, 0xFA: 1,
    0xFB: 1, 0xFC: 1,
})


def var_length_encode(size: int, digits: int) -> bytes:
    """The Fx Fy (Fz) length prefix of an LLVAR/LLLVAR field."""
    text = f"{size:0{digits}d}"
    if len(text) > digits:
        raise ZvtCodingError(f"a field of {size} bytes", f"an {digits}-digit length ends at "
                             f"{10 ** digits - 1}")
    return bytes(0xF0 | int(c) for c in text)


def _var_length_decode(raw: bytes, at: int, digits: int) -> tuple[int, int]:
    prefix = raw[at:at + digits]
    if len(prefix) < digits or any(b >> 4 != 0xF or b & 0x0F > 9 for b in prefix):
        raise ZvtCodingError(f"length bytes {prefix.hex(' ').upper()!r}",
                             "a variable field's length is F0-F9 per digit")
    return int("".join(str(b & 0x0F) for b in prefix)), at + digits


def encode_bmp(tag: int, value: bytes) -> bytes:
    size = BMP_SIZES.get(tag)
    if size is None:
        raise ZvtCodingError(f"BMP {tag:02X}", "the simulator does not know this BMP")
    if size == LLVAR:
        return bytes([tag]) + var_length_encode(len(value), 2) + value
    if size == LLLVAR:
        return bytes([tag]) + var_length_encode(len(value), 3) + value
    if size == TLV:
        return bytes([tag]) + tlv_length_encode(len(value)) + value
    if len(value) != size:
        raise ZvtCodingError(f"BMP {tag:02X} of {len(value)} bytes", f"it has {size} bytes")
    return bytes([tag]) + value


def iter_bmps(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Each (tag, value) of a BMP data block, in the order sent; raises on a malformed one."""
    at = 0
    while at < len(data):
        tag = data[at]
        size = BMP_SIZES.get(tag)
        if size is None:
            raise ZvtCodingError(f"unknown BMP {tag:02X} at byte {at}",
                                 "its length cannot be known, so nothing after it can be read")
        if size == LLVAR:
            size, at = _var_length_decode(data, at + 1, 2)
        elif size == LLLVAR:
            size, at = _var_length_decode(data, at + 1, 3)
        elif size == TLV:
            size, at = tlv_length_decode(data, at + 1)
        else:
            at += 1
        if at + size > len(data):
            raise ZvtCodingError(f"BMP {tag:02X} cut short", f"it needs {size} bytes")
        yield tag, data[at:at + size]
        at += size


def parse_bmps(data: bytes) -> dict[int, bytes]:
    bmps: dict[int, bytes] = {}
    for tag, value in iter_bmps(data):
        if tag in bmps:
            raise ZvtCodingError(f"BMP {tag:02X} sent twice", "each BMP appears once")
        bmps[tag] = value
    return bmps


# --- TLV --------------------------------------------------------------------------------------
def tlv_length_encode(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    if size <= 0xFF:
        return bytes([0x81, size])
    if size <= 0xFFFF:
        return bytes([0x82, size >> 8, size & 0xFF])
    raise ZvtCodingError(f"a TLV value of {size} bytes", "TLV lengths end at 65535")


def tlv_length_decode(raw: bytes, at: int) -> tuple[int, int]:
    if at >= len(raw):
        raise ZvtCodingError("a TLV length cut short", "a length byte is missing")
    first = raw[at]
    if first < 0x80:
        return first, at + 1
    count = first & 0x7F
    if count not in (1, 2) or at + 1 + count > len(raw):
        raise ZvtCodingError(f"TLV length byte {first:02X}", "81 xx or 82 xx xx expected")
    return int.from_bytes(raw[at + 1:at + 1 + count], "big"), at + 1 + count


def encode_tlv(tag: int, value: bytes) -> bytes:
    tag_bytes = tag.to_bytes(2 if tag > 0xFF else 1, "big")
    return tag_bytes + tlv_length_encode(len(value)) + value


def iter_tlv(data: bytes) -> Iterator[tuple[int, bytes]]:
    """Each (tag, value) of a TLV container; multi-byte tags (xx1F ...) come back whole."""
    at = 0
    while at < len(data):
        tag, at = data[at], at + 1
        if tag & 0x1F == 0x1F:  # more tag bytes follow while bit 8 is set
            while True:
                if at >= len(data):
                    raise ZvtCodingError("a TLV tag cut short", "the tag is incomplete")
                tag, at = tag << 8 | data[at], at + 1
                if not data[at - 1] & 0x80:
                    break
        size, at = tlv_length_decode(data, at)
        if at + size > len(data):
            raise ZvtCodingError(f"TLV tag {tag:X} cut short", f"it needs {size} bytes")
        yield tag, data[at:at + size]
        at += size
