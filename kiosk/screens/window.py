"""Opening the kiosk's window: Kivy set up from ``[ui]``, the theme and staff rules loaded, the
shell built, and a clear refusal when there is no display to open a window on.

Kivy reads its configuration when its window module is first imported, so everything here
happens before that import, in :func:`run_window`.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from kiosk.errors import KioskError

if TYPE_CHECKING:
    from kiosk.app import Kiosk
    from kiosk.config import UiConfig


class NoDisplayError(KioskError, RuntimeError):
    """``kiosk run`` was asked for a window where there is no display."""


def check_display(env: os._Environ[str] | dict[str, str] = os.environ) -> None:
    """Refuse, with what to do, rather than fall back to headless behind the store's back."""
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or env.get("SDL_VIDEODRIVER") in (
            "offscreen", "kmsdrm", "wayland", "x11"):
        return
    raise NoDisplayError(
        "The kiosk window cannot open", "there is no display (DISPLAY is not set)",
        "Run it on the kiosk's screen, or use 'kiosk run --headless', or start it under a "
        "virtual display: xvfb-run -s '-screen 0 1280x800x24' kiosk run")


def configure_kivy(ui: UiConfig) -> None:
    """Window size, orientation and input, before Kivy's window exists."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_CLIPBOARD", "sdl2")  # not xsel/xclip, which a kiosk lacks
    from kivy.config import Config  # noqa: PLC0415 - must precede the window's import

    width, height = ui.window_size()
    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "resizable", "0")
    Config.set("graphics", "fullscreen", "auto" if ui.fullscreen else "0")
    Config.set("kivy", "keyboard_mode", "systemanddock")  # on-screen keyboard for search
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")


def load_rules() -> None:
    from kivy.lang import Builder  # noqa: PLC0415 - after configure_kivy

    from kiosk.screens.registry import HERE, STAFF_KV  # noqa: PLC0415

    theme = HERE / "theme.kv"
    if str(theme) not in Builder.files:
        Builder.load_file(str(theme))
    if STAFF_KV.exists() and str(STAFF_KV) not in Builder.files:
        Builder.load_file(str(STAFF_KV))


def run_window(kiosk: Kiosk) -> int:
    """Open the window and run until it closes; the kiosk's loop runs on Kivy's Clock."""
    check_display()
    configure_kivy(kiosk.config.ui)
    from kivy.app import App  # noqa: PLC0415 - after configure_kivy

    from kiosk.screens.shell import UiShell  # noqa: PLC0415

    class KioskApp(App):
        title = f"Kiosk {kiosk.config.store.store_id}/{kiosk.config.store.kiosk_id}"

        def build(self) -> object:
            load_rules()
            self.shell = UiShell(kiosk, kiosk.config.ui)
            return self.shell.manager

        def on_stop(self) -> None:
            self.shell.close()

    KioskApp().run()
    return 0
