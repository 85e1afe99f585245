"""The one error the preview raises: it cannot draw at all (no font, impossible paper)."""

from __future__ import annotations

from kiosk.errors import KioskError


class RenderError(KioskError, ValueError):
    """Rendering is impossible; bad ESC/POS bytes never raise this, they become warnings."""
