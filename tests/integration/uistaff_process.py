"""The real ``kiosk run`` process on its own Xvfb display, clicked with xdotool, photographed
at the X server with Pillow's ImageGrab (XCB).

Where to click comes from a *mirror*: the same kiosk code, configuration and window size built
in the test process (ui_harness), kept in step with the real process by making the same taps.
A button's place on the mirror is its place in the real window, so the script clicks
buttons by their key, not by hard-coded pixels that would silently drift with the layout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from PIL import Image, ImageGrab
from ui_harness import ROOT, UiKiosk, find, frames, tap

PROCESS_SHOTS = ROOT / "tests" / "artifacts" / "screens" / "process"


def _run(*args: str, display: str, timeout: float = 30) -> str:
    done = subprocess.run(list(args), env={**os.environ, "DISPLAY": display},
                          capture_output=True, text=True, timeout=timeout, check=True)
    return done.stdout


@dataclass
class KioskProcess:
    proc: subprocess.Popen[str]
    display: str
    window: str
    data_dir: Path
    log: Path
    log_file: IO[str]

    def click_at(self, x: float, y: float) -> None:
        """A mouse click at window coordinates (Kivy's y grows upwards, X's downwards)."""
        height = int(_run("xdotool", "getwindowgeometry", "--shell", self.window,
                          display=self.display).split("HEIGHT=")[1].split()[0])
        _run("xdotool", "mousemove", "--window", self.window, "--sync", str(round(x)),
             str(round(height - y)), "click", "1", display=self.display)

    def screenshot(self, name: str) -> Path:
        PROCESS_SHOTS.mkdir(parents=True, exist_ok=True)
        path = PROCESS_SHOTS / f"{name}.png"
        image: Image.Image = ImageGrab.grab(xdisplay=self.display)
        image.save(path)
        return path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _kiosk_window(display: str) -> str:
    """The id of the window titled "Kiosk demo-store/...", or "" while there is none.

    ``xdotool search --name`` misses SDL's window on a bare Xvfb (no window manager sets the
    name it searches), so every window is listed and asked for its name."""
    listed = subprocess.run(["xdotool", "search", "--class", ""], capture_output=True,
                            text=True, check=False, env={**os.environ, "DISPLAY": display})
    for window in listed.stdout.split():
        named = subprocess.run(["xdotool", "getwindowname", window], capture_output=True,
                               text=True, check=False, env={**os.environ, "DISPLAY": display})
        if named.stdout.startswith("Kiosk demo-store"):
            return window
    return ""


def start_xvfb() -> tuple[subprocess.Popen[bytes], str]:
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0",
                             "1280x800x24", "-nolisten", "tcp"], pass_fds=(write,),
                            stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number:
        xvfb.kill()
        raise RuntimeError("Xvfb did not start")
    return xvfb, f":{number}"


def start_kiosk(display: str, data_dir: Path, log: Path,
                env: dict[str, str] | None = None) -> KioskProcess:
    """``kiosk run`` with the demo configuration, as the README's first command runs it."""
    if shutil.which("xdotool") is None:
        raise RuntimeError("xdotool is not installed (apt-get install xdotool)")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK__")}
    environ.update({"DISPLAY": display, "KIOSK__PATHS__DATA_DIR": str(data_dir),
                    "KIVY_HOME": tempfile.mkdtemp(prefix="kivy-process-"),
                    "KIVY_NO_ARGS": "1", **(env or {})})
    out = log.open("w", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "--config",
                             str(ROOT / "config" / "demo.toml"), "run"],
                            cwd=ROOT, env=environ, stdout=out, stderr=subprocess.STDOUT,
                            text=True)
    window = ""
    deadline = time.monotonic() + 180  # a loaded machine: the catalogue is seeded first
    while not window:
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            proc.wait(timeout=10)
            out.close()
            raise RuntimeError(f"kiosk run opened no window:\n{log.read_text()[-3000:]}")
        window = _kiosk_window(display)
        time.sleep(0.2)
    return KioskProcess(proc, display, window, data_dir, log, out)


def stop_kiosk(kiosk: KioskProcess) -> None:
    kiosk.proc.terminate()
    try:
        kiosk.proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        kiosk.proc.kill()
        kiosk.proc.wait(timeout=10)
    finally:
        kiosk.log_file.close()


def press(real: KioskProcess, mirror: UiKiosk, key: str) -> None:
    """Click the button ``key`` in the real window, where the mirror draws it; then tap the
    mirror's, so both stay on the same screen."""
    widget = find(mirror.screen, key)
    x, y = widget.to_window(*widget.center)
    real.click_at(x, y)
    tap(widget)
    frames(2)


def wait_for(check: Any, what: str, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {limit:g} s")
        time.sleep(0.2)


def settle(seconds: float) -> None:
    """Let the real process draw (it runs on its own: there is no frame of it to wait for);
    the mirror keeps running its frames meanwhile."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        frames(1)
        time.sleep(0.05)
