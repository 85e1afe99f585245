"""The touch screen's speed: cold start to the attract screen drawn, and scan to line drawn.

    .venv/bin/python bench/ui.py [--runs N] [--scans N]

Cold start: a fresh Python process builds the kiosk (demo configuration, the demo catalogue
already seeded by an untimed first boot, every device simulated) and its window, and says
when the first frame showing the attract screen has been swapped to the display; measured
from the moment the process was spawned to that line, median of ``--runs``. A bare Kivy app
with one label is measured the same way in the same run (same Kivy environment, window size
and fresh KIVY_HOME, both from byte-compiled modules as installed), so the figure can be read
against what Kivy itself costs on this machine. Each child also reports the CPU seconds it had
used by then (all its threads, and its main thread alone): on a shared machine the wall-clock
figures follow the load (printed too), the CPU ones much less.

Scan to line: in one kiosk process whose basket already holds nine other products (posted
as the camera posts codes, untimed), a camera frame (a real photograph of an EAN-13 from
tests/data/barcodes, already in memory as the camera would hand it over) arrives; on a thread
of its own, as in the camera, it is decoded by the camera's own pipeline, confirmed and
posted as the camera posts it; the kiosk's loop handles it on Kivy's Clock and the basket
draws it; the time ends at the first buffer swap after the basket shows the new line. The
confirmation rule needs the code seen by both decoders or on ``confirm_frames`` frames; the
frames before the confirming one are fed first and not timed, since they arrive at the
camera's rate whatever the kiosk does. Printed apart: the decoding, and the rest (posted to
drawn).

Runs under the current DISPLAY, or starts its own Xvfb when there is none. The last line is
one JSON object: bench, cold_start_s, kivy_bare_start_s, scan_to_line_p50_ms,
scan_to_line_p95_ms.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHOTO = ROOT / "tests" / "data" / "barcodes" / "ean13-2" / "04.png"
READY = "READY"
# Demo catalogue products (the codes of the EAN photos beside PHOTO) already in the basket when
# the timed scans start, so each timed scan updates a basket of ten lines, as a shopper's is.
BASKET = ("12345670", "48512343", "50487066", "55123457", "59001270", "67678983", "80674313",
          "9780345348036", "9784872348880")


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
                print(READY, time.process_time(), time.thread_time(), flush=True)
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
        print(READY, time.process_time(), time.thread_time(), flush=True)
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
    """Fill the basket (untimed), then time ``scans`` scans of the photo, one at a time."""
    from kivy.clock import Clock

    from kiosk.hw.camera import Decoded

    kiosk = shell.kiosk  # type: ignore[attr-defined]
    # The bench's camera thread stands in for the kiosk's: one decoding thread, as in a kiosk
    # (the simulator's own would decode its empty scene beside it, 30 frames a second).
    kiosk.devices.scanner.stop()
    camera = _Camera(kiosk.device_events)
    samples: list[tuple[float, float]] = []  # (scan to line, of which the UI's part) in ms

    def lines() -> int:
        return len(kiosk.loop.session.basket.lines)

    def filled(_dt: float) -> None:
        if lines() < len(BASKET):
            Clock.schedule_once(filled, 0.05)
            return
        if shell.manager.current != "basket":  # type: ignore[attr-defined]
            raise SystemExit(f"the basket did not open: {shell.manager.current}")  # type: ignore[attr-defined]
        Clock.schedule_once(one, 0.2)

    def one(_dt: float = 0.0) -> None:
        if len(samples) >= scans:
            camera.stop()
            print(json.dumps({"scan_ms": [t for t, _ in samples],
                              "ui_ms": [u for _, u in samples],
                              "decode_ms": camera.decode_ms}), flush=True)
            app.stop()  # type: ignore[attr-defined]
            return
        before = kiosk.loop.session.basket.item_count

        def drawn() -> bool:
            if shell.manager.current != "basket" or shell._dirty or \
                    kiosk.loop.session.basket.item_count <= before:  # type: ignore[attr-defined]
                return False
            now = time.perf_counter()
            samples.append(((now - camera.arrived) * 1000, (now - camera.posted) * 1000))
            Clock.schedule_once(one, 0.05)
            return True
        _when_drawn(drawn)
        camera.show()

    for code in BASKET:  # as the camera posts a code it read (SimulatedScanner.scan_text)
        kiosk.device_events(Decoded(code, "ean8" if len(code) == 8 else "ean13"))
    Clock.schedule_once(filled, 0.05)
    return True


class _Camera:
    """The camera's decode thread for the bench: on :meth:`show`, the photo arrives as frames
    and goes through what CameraScanner._decode_loop does (decode pipeline, confirmation,
    ``post(decoded(scan))``), on its own thread as there, never on the UI's."""

    def __init__(self, post: object) -> None:
        import cv2

        from kiosk.hw.camera_scanner import ScanSettings
        from kiosk.hw.decode_pipeline import DecodePipeline

        self.frame = cv2.imread(str(PHOTO))
        self.settings = ScanSettings()
        self.pipeline = DecodePipeline(self.settings.symbologies)
        self.post = post
        self.arrived = self.posted = 0.0
        self.decode_ms: list[float] = []
        self._shown: queue.Queue[bool] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="bench-camera", daemon=True)
        self._thread.start()

    def show(self) -> None:
        self._shown.put(True)

    def stop(self) -> None:
        self._shown.put(False)
        self._thread.join()

    def _run(self) -> None:
        try:
            self._scans()
        except BaseException:  # noqa: BLE001 - a bench child: say why, and end without waiting
            traceback.print_exc()
            os._exit(1)  # the UI thread would otherwise wait for a line that never comes

    def _scans(self) -> None:
        from kiosk.hw.camera_scanner import decoded
        from kiosk.hw.scan_confirm import Confirmer

        while self._shown.get():
            confirmer = Confirmer(self.settings.confirm_frames, self.settings.cooldown_s)
            accepted: list[object] = []
            for _frame in range(self.settings.confirm_frames):
                arrived = time.perf_counter()  # the frame that confirms: its arrival starts it
                at = time.monotonic()
                accepted = confirmer.feed(self.pipeline.decode(self.frame, at).candidates, at)
                if accepted:
                    break
            if not accepted:
                raise SystemExit(f"{PHOTO} was not confirmed on {self.settings.confirm_frames} "
                                 "frames")
            self.decode_ms.append((time.perf_counter() - arrived) * 1000)
            self.arrived, self.posted = arrived, time.perf_counter()
            for scan in accepted:
                self.post(decoded(scan))  # type: ignore[operator, arg-type]


# -- the parent -------------------------------------------------------------------------------

def _timed(mode: str, *extra: str) -> tuple[float, float, float]:
    """Seconds from spawning the child to its first drawn frame, and the CPU seconds the child
    had used by then, all its threads and its main (Kivy's) thread alone: on a shared machine
    the first follows the load, the CPU figures much less."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, "--child", mode, *extra], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    for line in child.stdout:
        if line.startswith(READY):
            elapsed = time.perf_counter() - start
            child.wait(timeout=60)
            _, process, main = line.split()
            return elapsed, float(process), float(main)
    raise SystemExit(f"the {mode} child ended without drawing (exit {child.wait()})")


def _scan_times(scans: int) -> dict[str, list[float]]:
    run = subprocess.run([sys.executable, __file__, "--child", "scan", "--scans", str(scans)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    for line in run.stdout.splitlines():
        if line.startswith('{"scan_ms"'):
            return dict(json.loads(line))
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


def _p50_p95(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
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
    os.environ["TMPDIR"] = str(work)  # the children's KIVY_HOMEs and temporary files go with it
    # Both apps run from byte-compiled modules, as installed (pip compiles them): a checkout
    # run under PYTHONDONTWRITEBYTECODE would compile every kiosk module at every start, which
    # installed Kivy never does. The untimed first runs compile into the work directory.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    load = os.getloadavg()[0]
    try:
        # First boot seeds the demo catalogue (a one-off durable write): done once, untimed,
        # so each timed start is a kiosk starting on its existing data, as after a reboot.
        _timed("kiosk", "--data", str(work / "seeded"))
        _timed("bare")
        bare, cold = [], []
        for run in range(args.runs):
            bare.append(_timed("bare"))
            copy = shutil.copytree(work / "seeded", work / f"run{run}")
            cold.append(_timed("kiosk", "--data", str(copy)))
        found = _scan_times(args.scans)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if xvfb is not None:
            xvfb.terminate()
            xvfb.wait()
    scans = found["scan_ms"]
    p50, p95 = _p50_p95(scans)
    print(f"load average {load:.2f} before, {os.getloadavg()[0]:.2f} after (2 cores: above 2 "
          "the figures are the machine's, not the kiosk's)")
    for name, runs in (("bare Kivy app, one label", bare), ("kiosk to attract drawn", cold)):
        print(f"{name + ':':26}{', '.join(f'{t:.2f}' for t, _, _ in runs)} s; CPU "
              f"{', '.join(f'{c:.2f}' for _, c, _ in runs)} s, of which its main thread "
              f"{', '.join(f'{m:.2f}' for _, _, m in runs)} s")
    print(f"scan to line drawn ({len(scans)} scans, basket of {len(BASKET) + 1} lines): "
          f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(scans):.1f} ms")
    for part, key in (("decoding the frame", "decode_ms"), ("posted to drawn", "ui_ms")):
        part50, part95 = _p50_p95(found[key])
        print(f"  of which {part}: p50 {part50:.1f} ms, p95 {part95:.1f} ms")
    cold_s = statistics.median(t for t, _, _ in cold)
    bare_s = statistics.median(t for t, _, _ in bare)
    print(json.dumps({"bench": "ui", "cold_start_s": round(cold_s, 3),
                      "kivy_bare_start_s": round(bare_s, 3),
                      "scan_to_line_p50_ms": round(p50, 1),
                      "scan_to_line_p95_ms": round(p95, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
