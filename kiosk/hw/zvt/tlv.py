"""The ZVT TLV container (BMP ``06``): BER-style tags, lengths and nesting.

A tag is one byte, or more when its low five bits are all set (``1F 07``, the receipt type);
bit 6 of the first byte marks a constructed tag whose value is itself a TLV sequence (``25``,
the print texts, holds ``07`` text lines). Unknown tags are kept, not rejected: the kiosk reads
the tags it needs and carries the others along.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kiosk.hw.zvt.bmp import BmpError, ber_length, encode_ber_length

TEXT_LINES = 0x07  # one printable line (in 25 print texts)
PRINT_TEXTS = 0x25  # constructed: the lines of a receipt
RECEIPT_TYPE = 0x1F07  # 01 merchant copy, 02 customer copy, 03 administration
MAX_DEPTH = 8  # nesting deeper than this is noise, not a terminal's answer


@dataclass(frozen=True, slots=True)
class Tlv:
    tag: int
    value: bytes
    children: tuple[Tlv, ...] = ()

    def find(self, tag: int) -> Iterator[Tlv]:
        """This node and every node below it with ``tag``, in order."""
        if self.tag == tag:
            yield self
        for child in self.children:
            yield from child.find(tag)


def _constructed(tag: int) -> bool:
    first = tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big")[0]
    return bool(first & 0x20)


def _tag(data: bytes, at: int) -> tuple[int, int]:
    if at >= len(data):
        raise BmpError("a TLV tag is cut short")
    tag, at = data[at], at + 1
    if tag & 0x1F == 0x1F:
        while True:
            if at >= len(data) or tag > 0xFFFFFF:
                raise BmpError("a TLV tag is cut short or too long")
            byte = data[at]
            tag, at = (tag << 8) | byte, at + 1
            if not byte & 0x80:
                break
    return tag, at


def decode_tlv(data: bytes, depth: int = 0) -> tuple[Tlv, ...]:
    """Every TLV object of a sequence; a malformed sequence is a typed rejection."""
    if depth > MAX_DEPTH:
        raise BmpError("a TLV container is nested too deeply", f"more than {MAX_DEPTH} levels")
    found: list[Tlv] = []
    at = 0
    while at < len(data):
        tag, at = _tag(data, at)
        length, used = ber_length(data, at, f"TLV tag {tag:X}")
        at += used
        value = data[at:at + length]
        if len(value) != length:
            raise BmpError(f"TLV tag {tag:X} is cut short",
                           f"{length} bytes were announced, {len(value)} follow")
        at += length
        children = decode_tlv(value, depth + 1) if _constructed(tag) else ()
        found.append(Tlv(tag, value, children))
    return tuple(found)


def encode_tlv(tag: int, value: bytes) -> bytes:
    size = (tag.bit_length() + 7) // 8 or 1
    return tag.to_bytes(size, "big") + encode_ber_length(len(value)) + value


def find_all(objects: tuple[Tlv, ...], tag: int) -> list[Tlv]:
    return [node for obj in objects for node in obj.find(tag)]
