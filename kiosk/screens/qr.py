"""The receipt as a QR code on screen, drawn with the ``qrcode`` package into a Kivy texture."""

from __future__ import annotations

import qrcode
from kivy.graphics.texture import Texture

MODULE_PX = 8  # pixels per QR module: a phone camera reads it from arm's length
BORDER = 4  # quiet zone, in modules, as the QR standard asks


def qr_rows(payload: str) -> list[list[bool]]:
    """The code's modules (True = dark), with the quiet zone."""
    code = qrcode.QRCode(border=BORDER, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


def qr_texture(payload: str) -> Texture:
    rows = qr_rows(payload)
    size = len(rows) * MODULE_PX
    pixels = bytearray()
    for row in reversed(rows):  # textures start at the bottom
        line = bytearray()
        for dark in row:
            line += (b"\x00\x00\x00" if dark else b"\xff\xff\xff") * MODULE_PX
        pixels += bytes(line) * MODULE_PX
    texture = Texture.create(size=(size, size), colorfmt="rgb")
    texture.mag_filter = "nearest"
    texture.blit_buffer(bytes(pixels), colorfmt="rgb", bufferfmt="ubyte")
    return texture
