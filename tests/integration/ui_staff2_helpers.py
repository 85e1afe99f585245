"""Shared by the test_ui_staff2_* files: a badge photographed for the simulated camera, the
kiosk's list of suspended sales on disk, and holding a photo up while the window keeps drawing.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import qrcode
from ui_harness import UiKiosk, frames

from kiosk.core.codes import KioskCodeKind
from kiosk.core.kioskqr import encode_kiosk_code
from kiosk.store.suspended_sales import FILE as SUSPENDED_FILE


def badge_png(folder: Path, staff_id: str) -> Path:
    """A printed staff badge as the camera would see it: the kiosk QR code, as a PNG."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"badge-{staff_id}.png"
    image = qrcode.make(encode_kiosk_code(KioskCodeKind.STAFF, staff_id), box_size=8, border=4)
    image.save(path)
    return path


def hold_up(ui: UiKiosk, photo: Path) -> list[Any]:
    """Show ``photo`` to the simulated camera (real decoders read it) while the UI draws; the
    camera's own error, if any, is raised here."""
    with ThreadPoolExecutor(1, thread_name_prefix="hold-up") as pool:
        shown = pool.submit(ui.kiosk.devices.scanner.scan_image, photo)
        ui.until(shown.done, f"the camera reading {photo.name}", 60)
        frames(3)
        return list(shown.result())


def suspended_on_disk(data_dir: Path) -> list[dict[str, Any]]:
    path = data_dir / SUSPENDED_FILE
    if not path.exists():
        return []
    return list(json.loads(path.read_text(encoding="utf-8"))["sales"])
