"""Which handler reads a command, by its first byte (ESC, GS, FS, DLE)."""

from __future__ import annotations

from kiosk.hw.escpos_png.esc import esc_command
from kiosk.hw.escpos_png.fs_dle import dle_command, fs_command
from kiosk.hw.escpos_png.gs import gs_command
from kiosk.hw.escpos_png.syntax import Handler

PREFIXED: dict[int, Handler] = {0x1B: esc_command, 0x1D: gs_command, 0x1C: fs_command,
                                0x10: dle_command}
