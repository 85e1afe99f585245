"""Image data as the printer receives it, turned into row-major bitmaps, bit for bit.

Raster formats (GS v 0, GS ( L) already are rows: first byte leftmost, most significant bit
first, 1 = a dot. The column format of ESC * sends one column at a time (1 or 3 bytes, most
significant bit at the top); transposing it with Pillow keeps every bit and costs nothing.
"""

from __future__ import annotations

from PIL import Image, ImageChops

from kiosk.hw.escpos_png.ops import Bitmap


def raster_bitmap(data: bytes, width: int, height: int, scale_x: int = 1,
                  scale_y: int = 1) -> Bitmap:
    """``height`` rows of ``ceil(width / 8)`` bytes each, as GS v 0 and GS ( L send them."""
    return Bitmap(width, height, data, scale_x, scale_y)


def column_bitmap(data: bytes, columns: int, rows: int, scale_x: int = 1,
                  scale_y: int = 1) -> Bitmap:
    """ESC * data: ``columns`` columns of ``rows`` (8 or 24) dots, top bit first."""
    if columns == 0:
        return Bitmap(0, rows, b"", scale_x, scale_y)
    # Read each column as one image row of `rows` bits, then swap the axes.
    sideways = Image.frombytes("1", (rows, columns), data)
    upright = sideways.transpose(Image.Transpose.TRANSPOSE)
    return Bitmap(columns, rows, upright.tobytes(), scale_x, scale_y)


def bitmap_image(bitmap: Bitmap) -> Image.Image:
    """The bitmap as a Pillow "1" image in printer dots: black dots on white paper."""
    if bitmap.width == 0 or bitmap.height == 0:
        return Image.new("1", (max(bitmap.width * bitmap.scale_x, 0),
                               max(bitmap.height * bitmap.scale_y, 0)), 255)
    bits = Image.frombytes("1", (bitmap.width, bitmap.height), bitmap.rows)
    # In a "1" image a set bit is white; on the printer it is a dot. Invert once, here.
    image = ImageChops.invert(bits)
    if bitmap.scale_x != 1 or bitmap.scale_y != 1:
        image = image.resize((bitmap.width * bitmap.scale_x, bitmap.height * bitmap.scale_y),
                             Image.Resampling.NEAREST)
    return image
