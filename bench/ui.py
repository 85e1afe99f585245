"""The touch screen's speed: cold start to the attract screen drawn, and scan to line drawn.

    .venv/bin/python bench/ui.py [--runs N] [--scans N]

Cold start: a fresh Python process builds the kiosk (demo configuration, the demo catalogue
already seeded by an untimed first boot, every device simulated) and its window, and says
when the first frame showing the attract screen has been swapped to the display; measured
from the moment the process was spawned to that line, median of ``--runs``. A bare Kivy app
with one label is measured the same way in the same run, so the figure can be read against
what Kivy itself costs on this machine.

Scan to line: in one kiosk process, a camera frame (a real photograph of an EAN-13 from
tests/data/barcodes, already in memory as the camera would hand it over) arrives; it is
decoded by the camera's own pipeline, confirmed, posted as the camera posts it, handled by
the session and drawn; the time ends at the first buffer swap after the basket shows the new
line. The confirmation rule needs the code seen by both decoders or on ``confirm_frames``
frames; the frames before the confirming one are fed first and not timed, since they arrive
at the camera's rate whatever the kiosk does.

Runs under the current DISPLAY, or starts its own Xvfb when there is none. The last line is
one JSON object: bench, cold_start_s, kivy_bare_start_s, scan_to_line_p50_ms,
scan_to_line_p95_ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHOTO = ROOT / "tests" / "data" / "barcodes" / "ean13-2" / "04.png"
READY = "READY"


def _kivy_env(home: str) -> None:
    os.environ["KIVY_HOME"] = home
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")


def _when_drawn(done: object) -> None:
    """Call ``done()`` at the first buffer swap once ``done`` says the frame is the one."""
    from kivy.core.window import Window

    def flipped(*_args: object) -> None:
        if done():  # type: ignore[operator]
            Window.unbind(on_flip=flipped)
    Window.bind(on_flip=flipped)


# -- children ---------------------------------------------------------------------------------

def child_bare() -> None:
    _kivy_env(tempfile.mkdtemp(prefix="kivy-bench-"))
    from kivy.config import Config

    Config.set("graphics", "width", "1280")
    Config.set("graphics", "height", "800")
    from kivy.app import App
    from kivy.uix.label import Label

    class Bare(App):
        def build(self) -> Label:
            return Label(text="Scan an item to start")

        def on_start(self) -> None:
            def first() -> bool:
                print(READY, flush=True)
                self.stop()
                return True
            _when_drawn(first)

    Bare().run()


def _kiosk_app(data_dir: str, on_ready: object) -> None:
    """Build the kiosk and its window as ``kiosk run`` does; ``on_ready(shell)`` at the
    first swap that shows the attract screen."""
    from kiosk.app import Kiosk
    from kiosk.config import load_config
    from kiosk.screens.window import configure_kivy, load_rules

    environ = {"KIOSK__PATHS__DATA_DIR": data_dir}
    kiosk = Kiosk(load_config(ROOT / "config" / "demo.toml", environ=environ),
                  say=lambda _line: None)
    configure_kivy(kiosk.config.ui)
    from kivy.app import App

    from kiosk.screens.shell import UiShell

    class Bench(App):
        def build(self) -> object:
            load_rules()
            self.shell = UiShell(kiosk, kiosk.config.ui)
            return self.shell.manager

        def on_start(self) -> None:
            _when_drawn(lambda: self.shell.manager.current == "attract"
                        and on_ready(self, self.shell))  # type: ignore[operator]

    try:
        Bench().run()
    finally:
        kiosk.close()


def child_kiosk(data: str) -> None:
    _kivy_env(tempfile.mkdtemp(prefix="kivy-bench-"))

    def ready(app: object, _shell: object) -> bool:
        print(READY, flush=True)
        app.stop()  # type: ignore[attr-defined]
        return True
    _kiosk_app(data, ready)


def child_scan(scans: int) -> None:
    _kivy_env(tempfile.mkdtemp(prefix="kivy-bench-"))
    data = tempfile.mkdtemp(prefix="kiosk-bench-")
    try:
        _kiosk_app(data, lambda app, shell: _start_scans(app, shell, scans))
    finally:
        shutil.rmtree(data, ignore_errors=True)


def _start_scans(app: object, shell: object, scans: int) -> bool:
    import cv2
    from kivy.clock import Clock

    from kiosk.hw.camera_scanner import ScanSettings, decoded
    from kiosk.hw.decode_pipeline import DecodePipeline
    from kiosk.hw.scan_confirm import Confirmer

    frame = cv2.imread(str(PHOTO))
    settings = ScanSettings()
    pipeline = DecodePipeline(settings.symbologies)
    kiosk = shell.kiosk  # type: ignore[attr-defined]
    samples: list[float] = []
    decodes: list[float] = []

    def one(_dt: float = 0.0) -> None:
        if len(samples) >= scans:
            print(json.dumps({"scan_ms": samples, "decode_ms": decodes}), flush=True)
            app.stop()  # type: ignore[attr-defined]
            return
        confirmer = Confirmer(settings.confirm_frames, settings.cooldown_s)
        accepted: list[object] = []
        for index in range(settings.confirm_frames):
            start = time.perf_counter()  # the frame that confirms: its arrival starts the clock
            at = time.monotonic()
            accepted = confirmer.feed(pipeline.decode(frame, at).candidates, at)
            if accepted or index == settings.confirm_frames - 1:
                break
        decodes.append((time.perf_counter() - start) * 1000)
        before = kiosk.loop.session.basket.item_count
        for scan in accepted:
            kiosk.device_events(decoded(scan))  # type: ignore[arg-type]

        def drawn() -> bool:
            if shell.manager.current != "basket" or \
                    kiosk.loop.session.basket.item_count <= before or shell._dirty:  # type: ignore[attr-defined]
                return False
            samples.append((time.perf_counter() - start) * 1000)
            Clock.schedule_once(one, 0.05)
            return True
        _when_drawn(drawn)
    Clock.schedule_once(one, 0.2)
    return True


# -- the parent -------------------------------------------------------------------------------

def _timed(mode: str, *extra: str) -> float:
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, "--child", mode, *extra], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    for line in child.stdout:
        if line.strip() == READY:
            elapsed = time.perf_counter() - start
            child.wait(timeout=60)
            return elapsed
    raise SystemExit(f"the {mode} child ended without drawing (exit {child.wait()})")


def _scan_times(scans: int) -> tuple[list[float], list[float]]:
    run = subprocess.run([sys.executable, __file__, "--child", "scan", "--scans", str(scans)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    for line in run.stdout.splitlines():
        if line.startswith('{"scan_ms"'):
            found = json.loads(line)
            return list(found["scan_ms"]), list(found["decode_ms"])
    raise SystemExit(f"the scan child failed (exit {run.returncode}):\n{run.stderr[-2000:]}")


def _display() -> subprocess.Popen[bytes] | None:
    if os.environ.get("DISPLAY"):
        return None
    read, write = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24",
                             "-nolisten", "tcp"], pass_fds=(write,), stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        os.environ["DISPLAY"] = f":{pipe.readline().strip()}"
    return xvfb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scans", type=int, default=40)
    parser.add_argument("--child", choices=("bare", "kiosk", "scan"))
    parser.add_argument("--data", default="")
    args = parser.parse_args()
    if args.child:
        {"bare": child_bare, "kiosk": lambda: child_kiosk(args.data),
         "scan": lambda: child_scan(args.scans)}[args.child]()
        return 0
    xvfb = _display()
    work = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
    try:
        # First boot seeds the demo catalogue (a one-off durable write): done once, untimed,
        # so each timed start is a kiosk starting on its existing data, as after a reboot.
        _timed("kiosk", "--data", str(work / "seeded"))
        bare, cold = [], []
        for run in range(args.runs):
            bare.append(_timed("bare"))
            copy = shutil.copytree(work / "seeded", work / f"run{run}")
            cold.append(_timed("kiosk", "--data", str(copy)))
        scans, decodes = _scan_times(args.scans)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait()
    p50, p95 = statistics.quantiles(scans, n=100, method="inclusive")[49::45][:2]
    print(f"bare Kivy app, one label: {', '.join(f'{t:.2f}' for t in bare)} s")
    print(f"kiosk to attract drawn:   {', '.join(f'{t:.2f}' for t in cold)} s")
    print(f"scan to line drawn ({len(scans)} scans): p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
          f"max {max(scans):.1f} ms; of which decoding the frame: median "
          f"{statistics.median(decodes):.1f} ms")
    print(json.dumps({"bench": "ui", "cold_start_s": round(statistics.median(cold), 3),
                      "kivy_bare_start_s": round(statistics.median(bare), 3),
                      "scan_to_line_p50_ms": round(p50, 1),
                      "scan_to_line_p95_ms": round(p95, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
