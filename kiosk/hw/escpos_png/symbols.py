"""GS ( k two-dimensional codes and GS ( L / GS 8 L graphics: declared-length commands.

Both carry ``pL pH`` (or ``p1..p4``) and then ``cn fn`` or ``m fn``; any function the preview
does not draw is skipped by that declared length, so the bytes after it stay in step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.hw.escpos_png.bitimage import raster_bitmap
from kiosk.hw.escpos_png.ops import QrCode, QrLevel, RasterImage
from kiosk.hw.escpos_png.syntax import MAX_COMMAND_BYTES, command_name, u16

if TYPE_CHECKING:
    from kiosk.hw.escpos_png.parser import Parser

QR = 49
QR_MODELS = {49: 1, 50: 2, 51: 3}
QR_LEVELS: dict[int, QrLevel] = {48: "L", 49: "M", 50: "Q", 51: "H"}
OTHER_2D = {48: "PDF417", 50: "MaxiCode", 51: "GS1 DataBar", 52: "composite symbol",
            53: "Aztec Code", 54: "DataMatrix"}
PRINT = 81  # the "print the symbol" function number of every GS ( k symbology
STORE_GRAPHICS, PRINT_GRAPHICS = 112, (50, 2)
QUIET_GRAPHICS = {48, 49, 50, 51, 52, 64, 65, 66, 67, 68}  # capacities, NV housekeeping


def two_d_code(p: Parser, buf: bytearray, pos: int) -> int | None:
    """GS ( k pL pH cn fn [parameters]."""
    if not p.has(pos, 5):
        return None
    length = u16(buf, pos + 3)
    if length > MAX_COMMAND_BYTES:
        return p.skip(pos, 5, length, f"GS ( k declares {length} bytes, more than a symbol "
                      "can hold")
    if not p.has(pos, 5 + length):
        return None
    body = bytes(buf[pos + 5:pos + 5 + length])
    if length < 2:
        p.warn("GS ( k without a symbol type and function; skipped")
    elif body[0] == QR:
        _qr_function(p, body[1], body[2:])
    elif body[1] == PRINT:
        name = OTHER_2D.get(body[0], f"2D symbol type {body[0]}")
        p.warn(f"{name} symbols (GS ( k) are not drawn")
    return 5 + length


def _qr_function(p: Parser, fn: int, params: bytes) -> None:
    qr = p.state.qr
    if fn == 65 and params and params[0] in QR_MODELS:
        qr.model = QR_MODELS[params[0]]
    elif fn == 67 and params and 1 <= params[0] <= 16:
        qr.module = params[0]
    elif fn == 69 and params and params[0] in QR_LEVELS:
        qr.level = QR_LEVELS[params[0]]
    elif fn == 80 and params:
        qr.data = params[1:] or None
    elif fn == PRINT:
        if qr.data is None:
            p.warn("QR code print (GS ( k function 181) with no stored data prints nothing")
        else:
            p.emit(QrCode(qr.data, qr.module, qr.level, qr.model, p.state.align))
    elif fn != 82:  # 182 only reports the symbol size to the host
        p.warn(f"QR code function {fn + 100} with parameters {params[:4].hex()} is out of "
               "range; ignored")


def graphics(p: Parser, buf: bytearray, pos: int) -> int | None:
    """GS ( L pL pH m fn ... (two length bytes) or GS 8 L p1 p2 p3 p4 m fn ... (four)."""
    wide = buf[pos + 1] == ord("8")
    header = 7 if wide else 5
    if not p.has(pos, header):
        return None
    length = u16(buf, pos + 3)
    if wide:
        length += u16(buf, pos + 5) << 16
    if length > MAX_COMMAND_BYTES:
        return p.skip(pos, header, length, f"{command_name(buf, pos, 3)} declares {length} "
                      "bytes, more than the preview keeps")
    if not p.has(pos, header + length):
        return None
    _graphics_function(p, bytes(buf[pos + header:pos + header + length]))
    return header + length


def _graphics_function(p: Parser, body: bytes) -> None:
    if len(body) < 2:
        p.warn("graphics command (GS ( L) without a function; skipped")
        return
    fn, params = body[1], body[2:]
    if fn == STORE_GRAPHICS:
        _store_graphics(p, params)
    elif fn in PRINT_GRAPHICS:
        if p.state.graphics is None:
            p.warn("graphics print (GS ( L function 50) with nothing stored prints nothing")
        else:
            p.emit(RasterImage(p.state.graphics, p.state.align))
            p.state.graphics = None
    elif fn not in QUIET_GRAPHICS:
        p.warn(f"graphics function {fn} (NV, download or column graphics) is not drawn")


def _store_graphics(p: Parser, params: bytes) -> None:
    """Function 112: a bx by c xL xH yL yH d1...dk, raster rows padded to whole bytes."""
    if len(params) < 8:
        p.warn("graphics data (GS ( L function 112) shorter than its header; ignored")
        return
    tone, bx, by, width, height = params[0], params[1], params[2], u16(params, 4), u16(
        params, 6)
    data = params[8:]
    expected = (width + 7) // 8 * height
    if tone != 48 or bx not in (1, 2) or by not in (1, 2) or len(data) < expected:
        p.warn(f"graphics data (GS ( L function 112) with tone {tone}, scale {bx}x{by}, "
               f"{width}x{height} dots and {len(data)} data bytes is not drawn")
        return
    p.state.graphics = raster_bitmap(data[:expected], width, height, bx, by)
