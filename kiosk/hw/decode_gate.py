"""When the slow fallback is worth running on a frame in which the fast path found nothing.

- :func:`has_edges`, on a thumbnail of the frame: a barcode, however blurred or pale, has
  strong edges over a patch of the frame; the empty scan area of a kiosk (a plain surface and
  sensor noise) has none. On every photograph of a code in the ZXing test set the share of
  strong-edge pixels is above 15 %; on an empty camera frame it is 0.
- :class:`Backoff`: edges alone do not make a code (a sleeve, a patterned bag, a carpet), so
  after a fallback that found nothing at all the next one waits ``retry_s``, whatever the
  camera sees meanwhile. A busy scene without codes then costs the fast path plus a fallback
  now and then, not a fallback per frame; a fallback that found something (a code to
  confirm) is repeated on the next frame at once. Items arrive from an empty scan area, which
  never starts the wait, so the first frames of a product get the fallback straight away.

Times are passed in (seconds on any monotonic clock), so this is testable frame by frame.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

Gray = np.ndarray[Any, Any]
THUMB_SIDE = 160  # the edge test works on a thumbnail this long
EDGE = 40  # Sobel response (per pixel of the thumbnail) of a printed edge, not sensor noise
MIN_EDGE_SHARE = 0.005  # of the thumbnail's pixels: a code as small as 1/200 of the frame
RETRY_S = 0.5  # at most two fruitless fallbacks a second


def thumbnail(gray: Gray, side: int) -> Gray:
    height, width = gray.shape
    factor = side / max(height, width)
    if factor >= 1:
        return gray
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return cv2.resize(gray, size, interpolation=cv2.INTER_AREA)


def has_edges(gray: Gray) -> bool:
    """Whether the frame has enough strong edges anywhere to hold a code."""
    small = thumbnail(gray, THUMB_SIDE)
    gx = cv2.convertScaleAbs(cv2.Sobel(small, cv2.CV_16S, 1, 0), alpha=0.5)
    gy = cv2.convertScaleAbs(cv2.Sobel(small, cv2.CV_16S, 0, 1), alpha=0.5)
    strong = cv2.countNonZero(cv2.threshold(cv2.add(gx, gy), EDGE, 255,
                                            cv2.THRESH_BINARY)[1])
    return strong >= MIN_EDGE_SHARE * small.size


class Backoff:
    """When the last fruitless fallback ran; the next may run ``retry_s`` after it."""

    def __init__(self, retry_s: float = RETRY_S) -> None:
        self.retry_s = retry_s
        self._fruitless_at: float | None = None

    def worth_trying(self, at: float) -> bool:
        return self._fruitless_at is None or at - self._fruitless_at >= self.retry_s

    def fruitless(self, at: float) -> None:
        self._fruitless_at = at

    def forget(self) -> None:
        self._fruitless_at = None
