"""When the slow fallback is worth running on a frame in which the fast path found nothing.

Two cheap tests, both on a thumbnail of the frame:

- :func:`has_edges`: a barcode, however blurred or pale, has strong edges over a patch of the
  frame; the empty scan area of a kiosk (a plain surface and sensor noise) has none. On every
  photograph of a code in the ZXing test set the share of strong-edge pixels is above 15 %;
  on an empty camera frame it is 0.
- :class:`SceneMemory`: a fixed camera sees the same scene for seconds at a time. When the
  fallback found nothing on a scene, running it again on every frame of the same scene finds
  nothing again, so it is skipped until the scene changes or ``retry_s`` has passed (which
  still gives a marginal code a second chance in fresh sensor noise).

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
SCENE_SIDE = 40  # scenes are compared on this small a thumbnail: noise averages out
SAME_SCENE = 3.0  # mean absolute difference (grey levels) below which a scene is unchanged
RETRY_S = 0.5


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


class SceneMemory:
    """The last scene on which the fallback found nothing, and when."""

    def __init__(self, retry_s: float = RETRY_S) -> None:
        self.retry_s = retry_s
        self._scene: Gray | None = None
        self._at = 0.0

    def worth_trying(self, gray: Gray, at: float) -> bool:
        """False while the scene is the one the fallback just failed on."""
        if self._scene is None or at - self._at >= self.retry_s:
            return True
        scene = thumbnail(gray, SCENE_SIDE)
        if scene.shape != self._scene.shape:
            return True
        return float(cv2.absdiff(scene, self._scene).mean()) >= SAME_SCENE

    def fruitless(self, gray: Gray, at: float) -> None:
        self._scene = thumbnail(gray, SCENE_SIDE)
        self._at = at

    def forget(self) -> None:
        self._scene = None
