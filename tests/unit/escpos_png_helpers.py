"""Looking at rendered receipts the way a person would: ink, lines, positions, QR codes.

Shared by the test_escpos_png_* files (imported as a sibling module). OCR is not available, so
what a person sees is checked as pixel facts: where the ink is, how much of it, and whether a
phone (zbar) reads the QR code.
"""

from __future__ import annotations

import numpy as np
from escpos.printer import Dummy
from PIL import Image, ImageOps
from pyzbar import pyzbar

PROFILE_80MM = "TM-T20II"  # python-escpos profile: 203 dpi, 576 dots
PROFILE_58MM = "ZJ-5870"  # 203 dpi, 384 dots


def printer(profile: str = PROFILE_80MM) -> Dummy:
    """A python-escpos Dummy printer after ESC @, as every kiosk job starts."""
    dummy = Dummy(profile=profile)
    dummy.hw("INIT")
    return dummy


def ink(image: Image.Image) -> np.ndarray:
    """True where the printer put a dot."""
    return np.asarray(image.convert("L")) < 128


def ink_rows(image: Image.Image) -> list[tuple[int, int]]:
    """Bands of consecutive rows with ink: (first row, last row + 1), top to bottom."""
    rows = ink(image).any(axis=1)
    bands, start = [], None
    for y, has_ink in enumerate(rows):
        if has_ink and start is None:
            start = y
        elif not has_ink and start is not None:
            bands.append((start, y))
            start = None
    if start is not None:
        bands.append((start, len(rows)))
    return bands


def ink_box(image: Image.Image, top: int = 0, bottom: int | None = None) -> tuple[int, int]:
    """Leftmost and rightmost ink column (inclusive) between rows ``top`` and ``bottom``."""
    columns = np.flatnonzero(ink(image)[top:bottom].any(axis=0))
    return int(columns[0]), int(columns[-1])


def dots(image: Image.Image, top: int = 0, bottom: int | None = None) -> int:
    return int(ink(image)[top:bottom].sum())


def decode_qr(image: Image.Image) -> list[bytes]:
    """What a scanner reads from the paper. The printer adds no quiet zone, the paper margin
    does: a white border stands in for the paper beyond the print area."""
    paper = ImageOps.expand(image.convert("L"), border=40, fill=255)
    return [symbol.data for symbol in pyzbar.decode(paper) if symbol.type == "QRCODE"]


def dashed_rows(image: Image.Image) -> list[int]:
    """Rows that look like the cut mark: ink in many short runs across the width."""
    found = []
    for y, row in enumerate(ink(image)):
        starts = np.flatnonzero(row[1:] & ~row[:-1])
        if len(starts) >= image.width // 20 and 0.4 < row.mean() < 0.75:
            found.append(y)
    return found
