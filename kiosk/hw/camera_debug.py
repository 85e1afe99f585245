"""Debug capture: the one way a camera frame reaches the disk, and only when asked for.

Shoppers' privacy comes first: frames live in memory and are dropped after decoding. Store IT
tuning a camera (angle, focus, light) can switch ``devices.camera.debug_capture`` on; then
the frames worth looking at are kept as PNG files, numbered, in ``debug_dir``: those on
which the fallback ran (a code was likely but the fast path failed) and those that completed
a scan. At most ``debug_max_frames`` are kept; the oldest go first. Nothing is ever sent
anywhere.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import cv2

from kiosk.hw.camera_sources import Frame
from kiosk.store.atomic import atomic_write_bytes

log = logging.getLogger(__name__)
_NAME = re.compile(r"^(\d{8})-[a-z0-9-]+\.png$")


class DebugCapture:
    """Numbered PNG files in ``directory``, never more than ``max_frames`` of them."""

    def __init__(self, directory: Path, max_frames: int) -> None:
        self.directory = directory
        self.max_frames = max_frames
        self._kept: list[Path] | None = None  # found on the first write
        self._number = 0

    def keep(self, frame: Frame, label: str) -> Path | None:
        """Write ``frame``; None (and a warning: debugging never stops scanning) on failure."""
        ok, png = cv2.imencode(".png", frame)
        if not ok:
            return None
        try:
            kept = self._existing()
            self._number += 1
            path = self.directory / f"{self._number:08d}-{label}.png"
            atomic_write_bytes(path, png.tobytes(), tag="camera-debug")
        except OSError as exc:
            log.warning("camera debug capture in %s failed: %s", self.directory, exc)
            return None
        kept.append(path)
        while len(kept) > self.max_frames:
            kept.pop(0).unlink(missing_ok=True)
        return path

    def _existing(self) -> list[Path]:
        if self._kept is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._kept = sorted(p for p in self.directory.iterdir() if _NAME.match(p.name))
            last = _NAME.match(self._kept[-1].name) if self._kept else None
            self._number = int(last.group(1)) if last else 0
        return self._kept
