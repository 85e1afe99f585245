"""A real Kivy window under Xvfb for the touch-screen tests (test_ui_*; the staff tests too).

Kivy reads its environment when first imported, so this module sets it at import: a private
KIVY_HOME, no argument parsing, no console spam. ``ui_display`` (session) starts Xvfb on a free
display number; ``ui_kiosk`` builds a real kiosk on the demo configuration (simulated camera,
terminal and printer, data in tmp) with the real shell in the window. Taps are Kivy's own
UnitTestTouch at the widget's centre in window coordinates, so a disabled or covered button
does what it would do for a finger.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy-home-"))
os.environ["KIVY_NO_ARGS"] = "1"
os.environ["KIVY_NO_CONSOLELOG"] = "1"
os.environ["KIVY_NO_FILELOG"] = "1"
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
os.environ["KIVY_CLIPBOARD"] = "sdl2"

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "config" / "demo.toml"
ARTIFACTS = ROOT / "tests" / "artifacts" / "screens"
PHOTO = ROOT / "tests" / "data" / "barcodes" / "ean13-2" / "04.png"  # a real photo: 9780804816632


def _free_display() -> int:
    for number in range(90, 200):
        if not Path(f"/tmp/.X{number}-lock").exists() and \
                not Path(f"/tmp/.X11-unix/X{number}").exists():
            return number
    raise RuntimeError("no free X display number between :90 and :199")


@pytest.fixture(scope="session")
def ui_display() -> Iterator[str]:
    """Xvfb at 1280x800 (the 10-inch panel); DISPLAY set for Kivy's SDL2 window."""
    if shutil.which("Xvfb") is None:
        pytest.fail("Xvfb is not installed (apt-get install xvfb)")
    number = _free_display()
    command = ["Xvfb", f":{number}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"Xvfb :{number} did not start")
        time.sleep(0.05)
    os.environ["DISPLAY"] = f":{number}"
    yield os.environ["DISPLAY"]
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def ui_window(ui_display: str) -> Any:
    """Kivy's one window for the session (Kivy cannot reopen it in a process)."""
    from kiosk.config import load_config
    from kiosk.screens.window import configure_kivy, load_rules

    configure_kivy(load_config(DEMO, environ={}).config.ui)
    from kivy.base import EventLoop

    EventLoop.ensure_window()
    load_rules()
    return EventLoop.window


def frames(count: int = 3) -> None:
    from kivy.base import EventLoop

    for _ in range(count):
        EventLoop.idle()


def tap(widget: Any) -> None:
    """A finger on the widget's centre: down, a frame, up, a frame."""
    from kivy.tests.common import UnitTestTouch

    x, y = widget.to_window(*widget.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    frames(1)
    touch.touch_up()
    frames(2)


def walk(widget: Any) -> Iterator[Any]:
    yield widget
    for child in widget.children:
        yield from walk(child)


def find(root: Any, key: str) -> Any:
    found = [w for w in walk(root) if getattr(w, "key", None) == key]
    if len(found) != 1:
        raise LookupError(f"{len(found)} widgets with key {key!r}")
    return found[0]


def labels_outside_window(root: Any, window: Any) -> list[str]:
    """Every visible label with text whose box is not wholly inside the window."""
    from kivy.uix.label import Label

    bad = []
    for widget in walk(root):
        if not isinstance(widget, Label) or not widget.text or widget.opacity == 0:
            continue
        if _hidden(widget):
            continue
        x0, y0 = widget.to_window(widget.x, widget.y)
        x1, y1 = widget.to_window(widget.right, widget.top)
        tw, th = widget.texture_size
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        text_box = (cx - tw / 2, cy - th / 2, cx + tw / 2, cy + th / 2)
        for left, bottom, right, top in ((x0, y0, x1, y1), text_box):
            if left < -0.5 or bottom < -0.5 or right > window.width + 0.5 \
                    or top > window.height + 0.5:
                bad.append(f"{widget.text[:40]!r} at {(round(left), round(bottom), round(right), round(top))}")
                break
    return bad


def _hidden(widget: Any) -> bool:
    from kivy.uix.scrollview import ScrollView

    node, seen = widget.parent, set()
    while node is not None and id(node) not in seen:  # Kivy's Window is its own parent
        seen.add(id(node))
        if getattr(node, "opacity", 1) == 0:
            return True
        if isinstance(node, ScrollView):
            return True  # inside a scroll view: clipped to it, which is checked itself
        node = node.parent
    return False


def screenshot(widget: Any, name: str) -> Path:
    """The widget as drawn, into tests/artifacts/screens/NAME.png (a person looks at these)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    frames(2)
    path = ARTIFACTS / f"{name}.png"
    widget.export_to_png(str(path))
    return path


@dataclass
class UiKiosk:
    kiosk: Any
    shell: Any
    window: Any

    @property
    def screen(self) -> Any:
        return self.shell.manager.current_screen

    def until(self, check: Callable[[], bool], what: str, limit: float = 30.0) -> None:
        """Run frames until ``check`` holds (the kiosk's devices answer on their threads)."""
        deadline = time.monotonic() + limit
        while not check():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what}: not reached within {limit:g} s; state "
                                     f"{self.kiosk.loop.session.state}, screen "
                                     f"{self.shell.manager.current}")
            frames(1)
            time.sleep(0.01)

    def at(self, screen: str, limit: float = 30.0) -> Any:
        self.until(lambda: self.shell.manager.current == screen, f"screen {screen}", limit)
        frames(2)
        return self.screen

    def tap(self, key: str) -> None:
        tap(find(self.screen, key))

    def text(self, key: str) -> str:
        return str(find(self.screen, key).text)


def make_ui_kiosk(window: Any, data_dir: Path, *, env: dict[str, str] | None = None,
                  simulators: Any = None, require: tuple[str, ...] | None = None) -> UiKiosk:
    from kiosk.app import Kiosk
    from kiosk.config import load_config
    from kiosk.hw.factory import SimulatorOptions
    from kiosk.screens.routing import SHOPPER_SCREENS
    from kiosk.screens.shell import UiShell

    environ = {"KIOSK__PATHS__DATA_DIR": str(data_dir), **(env or {})}
    loaded = load_config(DEMO, environ=environ)
    kiosk = Kiosk(loaded, say=lambda _line: None,
                  simulators=simulators or SimulatorOptions(terminal_delay_s=0.2))
    shell = UiShell(kiosk, loaded.config.ui, require=require or SHOPPER_SCREENS)
    window.add_widget(shell.manager)
    frames(3)
    return UiKiosk(kiosk, shell, window)


def close_ui_kiosk(ui: UiKiosk) -> None:
    ui.window.remove_widget(ui.shell.manager)
    ui.shell.close()
    ui.kiosk.close()
    frames(1)
