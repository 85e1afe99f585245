"""The camera scanner, as the rest of the kiosk sees it.

A camera (V4L2 or the Pi camera, through OpenCV) or its simulator delivers frames; the decode
pipeline reads codes with zxing-cpp and zbar; the confirmation rules turn them into scans,
posted as :class:`Decoded` events. The parts:

=========================  ===============================================================
kiosk.hw.camera_scanner    :class:`CameraScanner`: grabber and decode threads, health
kiosk.hw.camera_sim        :class:`SimulatedScanner`: the same on photos a person holds up
kiosk.hw.camera_sources    ``cv2.VideoCapture`` sources, the simulator's scene and photos
kiosk.hw.camera_grabber    newest-frame mailbox, stall / black-frame / failure detection
kiosk.hw.camera_faults     the simulator's fault script
kiosk.hw.camera_debug      the opt-in debug capture (frames otherwise never leave memory)
kiosk.hw.decode_*          decoders, image passes, consensus, the fast-path gate
kiosk.hw.scan_confirm      confirmation over frames, one scan per presentation
=========================  ===============================================================

:func:`build_scanner` is how the device factory makes one from ``devices.camera``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kiosk.config import CameraConfig
from kiosk.hw.camera_scanner import (
    CameraScanner,
    Decoded,
    Scanner,
    ScanSettings,
    camera_scanner,
    debug_capture,
)
from kiosk.hw.camera_sim import SimulatedScanner
from kiosk.hw.camera_sources import ImageError

__all__ = ["CameraScanner", "Decoded", "ImageError", "ScanSettings", "Scanner",
           "SimulatedScanner", "build_scanner"]


def build_scanner(cfg: CameraConfig, *, data_dir: Path, base_dir: Path,
                  faults: Iterable[str] = ()) -> tuple[Scanner, str]:
    """The scanner ``cfg`` asks for (not started) and how the start-up banner names its source.

    Relative simulator paths are relative to ``base_dir`` (the checkout, for the demo).
    ``faults`` is the simulator's fault script (kiosk.hw.camera_faults); a real camera
    ignores it.
    """
    if cfg.mode == "real":
        where = f"{cfg.device} {cfg.width}x{cfg.height}@{cfg.fps}"
        return camera_scanner(cfg, data_dir), where
    images = _resolved(cfg.images, base_dir)
    video = _resolved(cfg.video, base_dir) if cfg.video else None
    scanner = SimulatedScanner(images, kind=cfg.simulator, video=video,
                               settings=ScanSettings.from_config(cfg), present_s=cfg.present_s,
                               faults=faults, debug=debug_capture(cfg, data_dir))
    where = {"folder": f"images from {cfg.images}", "image": f"image {cfg.images} in view",
             "video": f"video {cfg.video}"}[cfg.simulator]
    return scanner, where


def _resolved(path: str, base_dir: Path) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else base_dir / candidate
