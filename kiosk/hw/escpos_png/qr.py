"""QR codes drawn as the printer draws them: real modules, ``module`` dots square, no quiet zone.

The matrix comes from the ``qrcode`` package (installed with python-escpos) built from the
bytes stored with GS ( k function 180, at the error correction level of function 169; like the
printer, it picks the numeric, alphanumeric or byte modes itself and the smallest version that
fits. The printer adds no quiet zone (Epson: the application must leave it), so neither does
this; a receipt that wants its QR code scanned leaves blank space around it.
"""

from __future__ import annotations

import qrcode
import qrcode.constants
from PIL import Image
from qrcode.exceptions import DataOverflowError

from kiosk.hw.escpos_png.ops import QrCode

LEVELS = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
          "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}
MODEL_NAMES = {1: "model 1", 3: "micro QR"}


def qr_image(code: QrCode) -> Image.Image | str:
    """The symbol in printer dots, or why the printer would print nothing (or something else)."""
    if code.model != 2:
        return (f"QR code {MODEL_NAMES.get(code.model, code.model)} is not drawn (only "
                "model 2, the default, is)")
    symbol = qrcode.QRCode(version=None, error_correction=LEVELS[code.level], box_size=1,
                           border=0)
    symbol.add_data(code.data)
    try:
        symbol.make(fit=True)
    except DataOverflowError:
        return (f"QR code data of {len(code.data)} bytes does not fit in a QR code at level "
                f"{code.level}; the printer prints nothing")
    matrix = symbol.get_matrix()
    size = len(matrix)
    image = Image.new("1", (size, size), 255)
    image.putdata([0 if dark else 255 for row in matrix for dark in row])
    return image.resize((size * code.module, size * code.module), Image.Resampling.NEAREST)
