"""The shapes ESC/POS commands come in, shared by the command tables.

Most commands are a prefix and a fixed number of parameter bytes; :func:`fixed` reads those.
Commands the preview does not know are skipped by their prefix only, with a warning saying so:
without a declared length nobody, printer or preview, can know where their parameters end.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.hw.escpos_png.parser import Parser

Handler = Callable[["Parser", bytearray, int], "int | None"]
"""Reads one command starting at ``pos``: the bytes it took, or None until more bytes arrive."""

Action = Callable[["Parser", bytes], None]
Spec = tuple[int, Action | None]
"""Parameter bytes after the prefix, and what to do with them (None: no visible effect)."""

MAX_COMMAND_BYTES = 4 * 1024 * 1024  # larger declared data is skipped, not kept in memory
PREFIX_NAMES = {0x1B: "ESC", 0x1C: "FS", 0x1D: "GS", 0x10: "DLE"}


def command_name(buf: bytearray, pos: int, length: int = 2) -> str:
    """``ESC t``-style name of the command at ``pos`` for warnings a person can look up."""
    parts = [PREFIX_NAMES.get(buf[pos], f"0x{buf[pos]:02x}")]
    for byte in buf[pos + 1:pos + length]:
        parts.append(chr(byte) if 0x21 <= byte <= 0x7E else f"0x{byte:02x}")
    return " ".join(parts)


def warns(message: str, params: int = 0, *, when_on: bool = False) -> Spec:
    """A command read only to say the preview cannot draw it; ``when_on``: only when its
    parameter switches the mode on (bit 0), since switching it off changes nothing."""
    def warn(p: Parser, b: bytes) -> None:
        if not when_on or b[0] & 1:
            p.warn(message)
    return (params, warn)


def fixed(p: Parser, buf: bytearray, pos: int, prefix: int, spec: Spec) -> int | None:
    count, action = spec
    if pos + prefix + count > len(buf):
        return None
    if action is not None:
        action(p, bytes(buf[pos + prefix:pos + prefix + count]))
    return prefix + count


def unknown(p: Parser, buf: bytearray, pos: int) -> int:
    p.warn(f"unknown command {command_name(buf, pos)}: skipped its 2 bytes; any parameters "
           "it has print as text")
    return 2


def u16(buf: bytes | bytearray, at: int) -> int:
    """A little-endian (nL nH) 16-bit parameter."""
    return buf[at] + 256 * buf[at + 1]


def dispatch(table: dict[int, Spec], handlers: dict[int, Handler]) -> Handler:
    """One handler for a prefix byte: the second byte picks a fixed spec or a handler."""
    def handle(p: Parser, buf: bytearray, pos: int) -> int | None:
        if pos + 2 > len(buf):
            return None
        second = buf[pos + 1]
        handler = handlers.get(second)
        if handler is not None:
            return handler(p, buf, pos)
        spec = table.get(second)
        if spec is not None:
            return fixed(p, buf, pos, 2, spec)
        return unknown(p, buf, pos)
    return handle
