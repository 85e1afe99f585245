"""Real photographs for the camera tests, read through cv2.VideoCapture as camera frames are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import qrcode

from kiosk.hw.camera_sources import read_photo
from kiosk.hw.decode_passes import to_gray

PHOTOS = Path(__file__).parents[1] / "data" / "barcodes"
PRODUCT_FOLDERS = ("ean13-2", "ean8-1", "upca-3", "upce-1", "upce-2", "rss14-1", "rssexpanded-1")


def frame(name: str) -> np.ndarray[Any, Any]:
    """The photo ``FOLDER/NAME.png`` as one camera frame (BGR, through cv2.VideoCapture)."""
    return read_photo(PHOTOS / name)


def expected(name: str) -> str:
    return (PHOTOS / name).with_suffix(".txt").read_bytes().decode("utf-8")


def product_photos() -> list[str]:
    return [f"{p.parent.name}/{p.name}" for folder in PRODUCT_FOLDERS
            for p in sorted((PHOTOS / folder).glob("*.png"))]


def qr_frame(payload: bytes) -> np.ndarray[Any, Any]:
    """A printed QR code holding exactly ``payload`` (byte mode, no ECI header)."""
    code = qrcode.QRCode(border=4, box_size=4)
    code.add_data(payload)
    code.make()
    return np.array(code.make_image().convert("L"), dtype=np.uint8)


def gray(name: str) -> np.ndarray[Any, Any]:
    """The photo as the decoders take it: 8-bit grey."""
    return to_gray(frame(name))
