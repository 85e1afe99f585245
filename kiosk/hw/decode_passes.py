"""The images the fallback decodes: one frame seen at other contrasts, resolutions and crops.

Each variant answers a way real photos defeat a single pass: glare and low contrast on a
curved bottle (CLAHE, local normalisation), codes too small for their modules to survive
binarisation (up-scaling), noise and blur that a coarser view averages away (down-scaling),
uneven light that a global threshold handles better than a local one (zxing's
``GlobalHistogram``). :func:`standard_crop` cuts one linear symbol out and resizes it to a
standard width, the cross-check that catches a misread repeated by every full-frame pass at
one resolution. All functions are pure: image in, image out.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from kiosk.hw.decode_symbols import Box, Placement

Gray = np.ndarray[Any, Any]
CROP_WIDTH = 360  # a 95-module EAN-13 at about 3 px per module
CROP_MARGIN = 0.12  # quiet zone kept on each side, as a share of the symbol's length
MAX_UPSCALED_SIDE = 1600  # up-scaling pays only for small images


def to_gray(frame: np.ndarray[Any, Any]) -> Gray:
    """Decoders read 8-bit grey; OpenCV delivers BGR (or BGRA from some cameras)."""
    if frame.ndim == 2:
        return frame
    code = cv2.COLOR_BGRA2GRAY if frame.shape[2] == 4 else cv2.COLOR_BGR2GRAY
    return cv2.cvtColor(frame, code)


def clahe(gray: Gray) -> Gray:
    """Contrast-limited adaptive equalisation: bars in glare or shadow regain contrast."""
    return cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(gray)


def normalised(gray: Gray, window: int = 31) -> Gray:
    """Each pixel relative to its neighbourhood's mean and spread: evens out uneven light.

    Box filters keep it cheap at any window size (two passes over the image).
    """
    pixels = gray.astype(np.float32)
    mean = cv2.blur(pixels, (window, window))
    spread = np.sqrt(np.maximum(cv2.blur(pixels * pixels, (window, window)) - mean * mean, 0))
    return np.clip((pixels - mean) / (spread + 5.0) * 50.0 + 128.0, 0, 255).astype(np.uint8)


def scaled(gray: Gray, factor: float) -> Gray | None:
    """``gray`` resized by ``factor``; None when up-scaling would give a needlessly big image."""
    height, width = gray.shape
    if factor > 1 and max(height, width) * factor > MAX_UPSCALED_SIDE:
        return None
    interpolation = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
    return cv2.resize(gray, None, fx=factor, fy=factor, interpolation=interpolation)


def standard_crop(gray: Gray, box: Box, across: bool) -> tuple[Gray, Placement] | None:
    """The symbol in ``box`` turned bars-upright, with its quiet zones, at the standard width.

    Its height is the bars' extent, at most 0.8 of its length, centred on the box: enough
    rows for both decoders, little of any neighbouring code.
    """
    image = gray if across else gray.T
    x0, y0, x1, y1 = box if across else (box[1], box[0], box[3], box[2])
    height, width = image.shape
    length = x1 - x0
    if length < 8:
        return None
    margin = CROP_MARGIN * length
    rows = min(y1 - y0, 0.8 * length)
    middle = (y0 + y1) / 2
    left, right = int(max(0, x0 - margin)), int(min(width, x1 + margin))
    top, bottom = int(max(0, middle - rows / 2 - 2)), int(min(height, middle + rows / 2 + 2))
    crop = image[top:bottom, left:right]
    if min(crop.shape) < 4:
        return None
    factor = CROP_WIDTH / crop.shape[1]
    resized = cv2.resize(crop, None, fx=factor, fy=factor,
                         interpolation=cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA)
    origin = (left, top) if across else (top, left)
    return resized, Placement("crop", factor, float(origin[0]), float(origin[1]), not across)
