"""FS commands (Kanji modes, NV bit images) and DLE real-time commands (status, recovery).

None of these change what a Latin receipt looks like, so most are read only to stay in step
with the stream; the ones that would print something the preview cannot show say so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.hw.escpos_png.syntax import (
    MAX_COMMAND_BYTES,
    Handler,
    Spec,
    command_name,
    dispatch,
    u16,
    warns,
)

if TYPE_CHECKING:
    from kiosk.hw.escpos_png.parser import Parser

DLE_EOT, DLE_ENQ, DLE_DC4 = 0x04, 0x05, 0x14
DC4_LENGTHS = {1: 5, 2: 5, 3: 8, 7: 4, 8: 10}  # DLE DC4 fn: whole command length
QUIET_FS_DECLARED = {ord(c) for c in "ACe"}


FS_TABLE: dict[int, Spec] = {
    ord("&"): (0, lambda p, b: p.warn("Kanji mode (FS &) is not drawn; the bytes are read "
                                      "through the selected code page, one per character")),
    ord("2"): warns("a user-defined Kanji character (FS 2) is not drawn", 74),
    ord("p"): (2, lambda p, b: p.warn(f"NV bit image {b[0]} (FS p) is stored in the printer "
                                      "and not drawn")),
    # Kanji character modes: no effect on single-byte text.
    ord("!"): (1, None), ord("-"): (1, None), ord("."): (0, None), ord("C"): (1, None),
    ord("S"): (2, None), ord("W"): (1, None),
}


def _nv_images(p: Parser, buf: bytearray, pos: int) -> int | None:
    """FS q n [xL xH yL yH d1...dk]1...n: defines NV bit images (k = x * y * 8 bytes)."""
    if not p.has(pos, 3):
        return None
    at = pos + 3
    for _ in range(buf[pos + 2]):
        if not p.has(at, 4):
            return None
        at += 4 + u16(buf, at) * u16(buf, at + 2) * 8
        if at - pos > MAX_COMMAND_BYTES:
            return p.skip(pos, 0, at - pos, "NV bit images (FS q) larger than the preview "
                          "keeps")
    if at > len(buf):
        return None
    p.warn("defining NV bit images (FS q) is not drawn")
    return at - pos


def _fs_declared(p: Parser, buf: bytearray, pos: int) -> int | None:
    if not p.has(pos, 5):
        return None
    kind = buf[pos + 2]
    message = None if kind in QUIET_FS_DECLARED else f"{command_name(buf, pos, 3)} is not drawn"
    return p.skip(pos, 5, u16(buf, pos + 3), message)


def _user_memory(p: Parser, buf: bytearray, pos: int) -> int | None:
    """FS g 1 m a1..a4 nL nH d1..dk writes NV user memory; FS g 2 m a1..a4 nL nH reads it."""
    if not p.has(pos, 10):
        return None
    sub = buf[pos + 2]
    if sub == ord("1"):
        return p.skip(pos, 10, u16(buf, pos + 8), None)
    if sub == ord("2"):
        return 10
    p.warn(f"{command_name(buf, pos, 3)} is unknown; skipped 3 bytes")
    return 3


FS_HANDLERS: dict[int, Handler] = {
    ord("q"): _nv_images, ord("("): _fs_declared, ord("g"): _user_memory,
}

fs_command = dispatch(FS_TABLE, FS_HANDLERS)


def dle_command(p: Parser, buf: bytearray, pos: int) -> int | None:
    """DLE EOT / ENQ / DC4: real-time requests, answered by the printer, never printed."""
    if not p.has(pos, 2):
        return None
    kind = buf[pos + 1]
    if kind not in (DLE_EOT, DLE_ENQ, DLE_DC4):
        p.warn("control byte 0x10 (DLE) without EOT, ENQ or DC4 is ignored")
        return 1
    if not p.has(pos, 3):
        return None
    n = buf[pos + 2]
    if kind == DLE_EOT:
        length = 4 if n in (7, 8) else 3
    elif kind == DLE_ENQ:
        length = 3
    elif n in DC4_LENGTHS:
        length = DC4_LENGTHS[n]
    else:
        p.warn(f"DLE DC4 {n} is unknown; skipped 3 bytes")
        return 3
    return length if p.has(pos, length) else None
