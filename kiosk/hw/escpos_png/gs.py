"""GS commands: character size, reverse, margins, motion units, cuts, raster images, barcodes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.hw.escpos_png.bitimage import raster_bitmap
from kiosk.hw.escpos_png.ops import Barcode, Cut, PrintArea, RasterImage
from kiosk.hw.escpos_png.state import DPI
from kiosk.hw.escpos_png.symbols import graphics, two_d_code
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

CUT_FULL, CUT_PARTIAL = (0, 48), (1, 49)
CUT_WITH_FEED = {65: False, 66: True, 97: False, 98: True, 103: False, 104: True}
SYMBOLOGY_A = {0: "UPC-A", 1: "UPC-E", 2: "EAN13", 3: "EAN8", 4: "CODE39", 5: "ITF",
               6: "CODABAR"}
SYMBOLOGY_B = {65: "UPC-A", 66: "UPC-E", 67: "EAN13", 68: "EAN8", 69: "CODE39", 70: "ITF",
               71: "CODABAR", 72: "CODE93", 73: "CODE128", 74: "GS1-128",
               75: "GS1 DataBar Omnidirectional", 76: "GS1 DataBar Truncated",
               77: "GS1 DataBar Limited", 78: "GS1 DataBar Expanded", 79: "CODE128 auto"}
QUIET_DECLARED = {ord(c) for c in "CDEHKM"}  # NV memory, real-time setup, responses, tuning


def _size(p: Parser, b: bytes) -> None:
    p.state.width = ((b[0] >> 4) & 7) + 1
    p.state.height = (b[0] & 7) + 1


def _inverted(p: Parser, b: bytes) -> None:
    p.state.inverted = bool(b[0] & 1)


def _motion_units(p: Parser, b: bytes) -> None:
    p.state.motion_x = b[0] or DPI
    p.state.motion_y = b[1] or DPI


def _left_margin(p: Parser, b: bytes) -> None:
    p.state.left_margin = p.state.dots_x(u16(b, 0))
    p.emit(PrintArea(p.state.left_margin, p.state.area_width))


def _area_width(p: Parser, b: bytes) -> None:
    p.state.area_width = p.state.dots_x(u16(b, 0)) or None
    p.emit(PrintArea(p.state.left_margin, p.state.area_width))


def _barcode_height(p: Parser, b: bytes) -> None:
    p.state.barcode_height = b[0] or p.state.barcode_height


GS_TABLE: dict[int, Spec] = {
    ord("!"): (1, _size), ord("B"): (1, _inverted), ord("P"): (2, _motion_units),
    ord("L"): (2, _left_margin), ord("W"): (2, _area_width), ord("h"): (1, _barcode_height),
    ord("/"): warns("printing the downloaded bit image (GS /) is not drawn", 1),
    ord("^"): warns("running a macro (GS ^) is not drawn", 3),
    ord("c"): warns("the print counter (GS c) is not drawn"),
    ord("$"): warns("page mode vertical position (GS $) is not drawn", 2),
    ord("\\"): warns("page mode vertical move (GS \\) is not drawn", 2),
    # No visible effect: barcode HRI and module width (the box shows the data), status
    # and ID requests, smoothing, density, head energy, online recovery, counters, macros.
    ord("w"): (1, None), ord("H"): (1, None), ord("f"): (1, None), ord("a"): (1, None),
    ord("r"): (1, None), ord("I"): (1, None), ord("b"): (1, None), ord("|"): (1, None),
    ord("T"): (1, None), ord("E"): (1, None), ord("z"): (2, None), ord("g"): (4, None),
    ord(":"): (0, None),
}


def _cut(p: Parser, buf: bytearray, pos: int) -> int | None:
    if not p.has(pos, 3):
        return None
    mode = buf[pos + 2]
    if mode in CUT_FULL or mode in CUT_PARTIAL:
        p.emit(Cut(partial=mode in CUT_PARTIAL))
        return 3
    if mode in CUT_WITH_FEED:
        if not p.has(pos, 4):
            return None
        p.emit(Cut(partial=CUT_WITH_FEED[mode], feed_dots=p.state.dots_y(buf[pos + 3])))
        return 4
    p.warn(f"GS V {mode} is not a cut mode; skipped 3 bytes")
    return 3


def _raster(p: Parser, buf: bytearray, pos: int) -> int | None:
    """GS v 0 m xL xH yL yH d1...dk: k = x bytes per row times y rows."""
    if not p.has(pos, 8):
        return None
    mode = buf[pos + 3]
    if buf[pos + 2] != ord("0") or mode not in (0, 1, 2, 3, 48, 49, 50, 51):
        p.warn(f"{command_name(buf, pos, 4)} is not a raster image command; skipped 3 bytes")
        return 3
    row_bytes, height = u16(buf, pos + 4), u16(buf, pos + 6)
    size = row_bytes * height
    if size > MAX_COMMAND_BYTES:
        return p.skip(pos, 8, size, f"raster image (GS v 0) of {row_bytes * 8}x{height} dots "
                      "is larger than the preview keeps")
    if not p.has(pos, 8 + size):
        return None
    if size:
        bitmap = raster_bitmap(bytes(buf[pos + 8:pos + 8 + size]), row_bytes * 8, height,
                               2 if mode & 1 else 1, 2 if mode & 2 else 1)
        p.emit(RasterImage(bitmap, p.state.align))
    return 8 + size


def _barcode(p: Parser, buf: bytearray, pos: int) -> int | None:
    """GS k m d1...dk NUL (m 0-6) or GS k m n d1...dn (m 65-79)."""
    if not p.has(pos, 4):
        return None
    m = buf[pos + 2]
    if m in SYMBOLOGY_A:
        end = buf.find(b"\x00", pos + 3, pos + 3 + 256)
        if end < 0:
            if p.has(pos, 3 + 256):
                p.warn(f"barcode GS k {m} data has no NUL in 255 bytes; skipped 3 bytes")
                return 3
            return None
        data, taken, name = bytes(buf[pos + 3:end]), end + 1 - pos, SYMBOLOGY_A[m]
    elif m in SYMBOLOGY_B:
        count = buf[pos + 3]
        if not p.has(pos, 4 + count):
            return None
        data, taken, name = bytes(buf[pos + 4:pos + 4 + count]), 4 + count, SYMBOLOGY_B[m]
    else:
        p.warn(f"GS k {m} is not a barcode system; skipped 3 bytes")
        return 3
    p.warn(f"{name} barcode is drawn as a labelled box, not as bars")
    p.emit(Barcode(name, data, p.state.barcode_height, p.state.align))
    return taken


def _downloaded_image(p: Parser, buf: bytearray, pos: int) -> int | None:
    """GS * x y d1...d(x*y*8): defines an image for GS / (which the preview cannot show)."""
    if not p.has(pos, 4):
        return None
    size = buf[pos + 2] * buf[pos + 3] * 8
    return p.skip(pos, 4, size, "defining a downloaded bit image (GS *)")


def _declared(p: Parser, buf: bytearray, pos: int) -> int | None:
    """GS ( x pL pH ...: k (2D codes) and L (graphics) are drawn; others skipped by length."""
    if not p.has(pos, 3):
        return None
    kind = buf[pos + 2]
    if kind == ord("k"):
        return two_d_code(p, buf, pos)
    if kind == ord("L"):
        return graphics(p, buf, pos)
    if not p.has(pos, 5):
        return None
    message = None if kind in QUIET_DECLARED else f"{command_name(buf, pos, 3)} is not drawn"
    return p.skip(pos, 5, u16(buf, pos + 3), message)


def _graphics_wide(p: Parser, buf: bytearray, pos: int) -> int | None:
    """GS 8 L p1 p2 p3 p4 ...: graphics with a four-byte length (GS 8 A and others: skipped)."""
    if not p.has(pos, 3):
        return None
    if buf[pos + 2] == ord("L"):
        return graphics(p, buf, pos)
    p.warn(f"{command_name(buf, pos, 3)} is not drawn; skipped 3 bytes")
    return 3


GS_HANDLERS: dict[int, Handler] = {
    ord("V"): _cut, ord("v"): _raster, ord("k"): _barcode, ord("*"): _downloaded_image,
    ord("("): _declared, ord("8"): _graphics_wide,
}

gs_command = dispatch(GS_TABLE, GS_HANDLERS)
