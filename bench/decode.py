"""The camera decoder on real photographs: read rate, wrong reads, speed (issue 4).

Usage: python bench/decode.py DIR... [--frames N] [--fps-frames N] [--verbose]

Each DIR is a folder in the format of ``../shared/data/barcodes/`` (see its README), or a
folder of such folders: ``NAME.png``/``.jpg`` beside ``NAME.txt`` holding the exact text of
its barcode; ``falsepositives-*`` folders hold photos with no barcode. Every photo is fed to
the kiosk's own pipeline (kiosk.hw.decode_pipeline) as a burst of N identical frames
(N = ``devices.camera.confirm_frames``, default 2) through the camera path's confirmation
rules (kiosk.hw.scan_confirm), which say which rule accepted each read. Beside it, in the same
run, the two decoders alone on the same photos: ``pyzbar.decode`` and
``zxingcpp.read_barcodes`` (their defaults, plain text), restricted to the same symbologies.

Counting, as the data's README defines it: a photo is *read* when its expected text is among
the accepted codes (EAN/UPC compared as GTIN-14, UPC-E expanded; GS1 DataBar as its GTIN; GS1
DataBar Expanded as its element string); a *wrong read* when something else was accepted and
the expected text was not; an *extra read* when something else was accepted beside it; any
read in a ``falsepositives-*`` folder is a *false positive*. Times are per photo (its whole
burst), on one CPU core, in CPU time of the decoding thread (``time.thread_time``): other
programs sharing the machine do not inflate them; on an idle core wall time is the same.

Frames per second are measured on 640x480 frames: an empty scan area with fresh sensor noise
in every frame (``empty_fps``: what the camera sees between shoppers), photos with no
barcode held still for a second each and changed every frame (a busy scene), and photos of
codes held up to the camera; the decoders alone beside the pipeline on the frames with no code.

The last line is one JSON object: bench, images, expected, read_rate, wrong_reads,
extra_reads, false_positives, pyzbar_read_rate, zxingcpp_read_rate, union_read_rate,
p95_ms, empty_fps.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from kiosk.config import CameraConfig
from kiosk.core import gs1, gtin
from kiosk.core.codes import Rejected
from kiosk.hw.camera_sources import IMAGE_SUFFIXES, Presenter, empty_scene
from kiosk.hw.decode_pipeline import DecodePipeline
from kiosk.hw.decode_symbols import decode_text, read_key, spelled
from kiosk.hw.decode_zxing import kiosk_symbology
from kiosk.hw.scan_confirm import Confirmer

FPS_SIZE = (640, 480)
FRAME_S = 1 / 30  # frame times in a burst, as a 30 fps camera delivers them
EMPTY = "empty scan area, kiosk"
_PYZBAR = {"EAN13": "ean13", "EAN8": "ean8", "UPCA": "upca", "UPCE": "upce", "ISBN13": "ean13",
           "CODE128": "code128", "DATABAR": "databar", "DATABAR_EXP": "databar-expanded",
           "QRCODE": "qrcode"}


@dataclass(frozen=True)
class Photo:
    path: Path
    folder: str
    expected: str | None  # None: nothing to read (a false-positive photo, or no .txt)

    @property
    def no_code(self) -> bool:
        return self.folder.startswith("falsepositives")


@dataclass
class Tally:
    """One decoder setup's results over some photos."""

    images: int = 0
    expected: int = 0
    read: int = 0
    wrong: int = 0
    extra: int = 0
    false_positives: int = 0
    ms: list[float] = field(default_factory=list)
    rules: Counter[str] = field(default_factory=Counter)
    read_paths: set[Path] = field(default_factory=set)

    def rate(self) -> float:
        return self.read / self.expected if self.expected else 0.0


def photos(folders: Iterable[Path]) -> list[Photo]:
    """Every photo of every set: a folder, or the set folders inside it."""
    found = []
    for top in folders:
        sets = [top, *sorted(d for d in top.iterdir() if d.is_dir())] if top.is_dir() else []
        for folder in sets:
            for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES):
                text = path.with_suffix(".txt")
                expected = text.read_bytes().decode("utf-8") if text.is_file() else None
                found.append(Photo(path, folder.name, expected))
    return found


def raw_element_string(text: str) -> str | None:
    """``(01)...(10)ABC`` as decoders give it: values run on, GS after variable-length ones."""
    elements = gs1.split_parenthesised(text)
    if isinstance(elements, Rejected) or not elements:
        return None
    out = []
    for i, (ai, value) in enumerate(elements):
        out.append(ai + value)
        if i < len(elements) - 1 and ai[:2] not in gs1.PREDEFINED_LENGTH:
            out.append(gs1.GS)
    return "".join(out)


def expected_keys(text: str) -> set[str]:
    """What a correct read of ``text`` may look like after read_key (the README's rules)."""
    keys = {text}
    if gtin.is_ascii_digits(text):
        parsers = {8: (gtin.ean8, gtin.upce), 12: (gtin.upca,), 13: (gtin.ean13,),
                   14: (gtin.gtin14,)}.get(len(text), ())
        keys |= {key for key in (parse(text) for parse in parsers) if isinstance(key, str)}
    elif text.startswith("("):
        raw = raw_element_string(text)
        keys |= {raw} if raw else set()
    return keys


def judge(tally: Tally, photo: Photo, keys: set[str], ms: float) -> bool:
    """Count one photo's accepted codes into ``tally``; True when its expected text was read."""
    tally.images += 1
    tally.ms.append(ms)
    if photo.no_code:
        tally.false_positives += bool(keys)
        return False
    if photo.expected is None:
        return False
    tally.expected += 1
    wanted = expected_keys(photo.expected)
    hit = bool(keys & wanted)
    tally.read += hit
    tally.wrong += bool(keys) and not hit
    tally.extra += hit and bool(keys - wanted)
    if hit:
        tally.read_paths.add(photo.path)
    return hit


def pipeline_keys(pipeline: DecodePipeline, frame: np.ndarray[Any, Any], bursts: int,
                  start: float, frames: int) -> tuple[dict[str, str], float]:
    """A burst of identical frames through the pipeline and a fresh confirmation; code -> rule."""
    confirmer = Confirmer(frames=frames)
    accepted: dict[str, str] = {}
    began = time.thread_time()
    for i in range(bursts):
        at = start + i * FRAME_S
        for scan in confirmer.feed(pipeline.decode(frame, at).candidates, at):
            accepted[scan.candidate.key] = scan.rule
    return accepted, (time.thread_time() - began) * 1000


def pyzbar_keys(frame: np.ndarray[Any, Any], wanted: frozenset[str]) -> set[str]:
    """``pyzbar.decode`` as the library comes; a ValueError (pyzbar #139) loses the frame."""
    from pyzbar import pyzbar

    try:
        symbols = pyzbar.decode(cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY))
    except ValueError:
        return set()
    return _keys(((decode_text(s.data), _PYZBAR.get(s.type)) for s in symbols), wanted)


def zxing_keys(frame: np.ndarray[Any, Any], wanted: frozenset[str],
               formats: tuple[Any, ...]) -> set[str]:
    """``zxingcpp.read_barcodes`` with its defaults (rotation, down-scaling, inversion)."""
    import zxingcpp

    found = zxingcpp.read_barcodes(frame, formats=formats, text_mode=zxingcpp.TextMode.Plain)
    return _keys(((b.text, kiosk_symbology(b.format.name)) for b in found if b.valid), wanted)


def _keys(reads: Iterable[tuple[str, str | None]], wanted: frozenset[str]) -> set[str]:
    keys = set()
    for text, symbology in reads:
        written = spelled(text, symbology) if symbology in wanted else None
        if written is not None:
            keys.add(read_key(*written))
    return keys


def run(items: list[Photo], frames: int, verbose: bool) -> dict[str, dict[str, Tally]]:
    """Per folder (and "TOTAL"), a Tally for the pipeline and for each decoder alone."""
    wanted = frozenset(CameraConfig().symbologies)
    pipeline = DecodePipeline(wanted)
    formats = pipeline.zxing.formats
    tallies: dict[str, dict[str, Tally]] = {}
    for n, photo in enumerate(items):
        frame = cv2.imread(str(photo.path), cv2.IMREAD_COLOR)
        if frame is None:
            print(f"skipped {photo.path}: not an image OpenCV can read")
            continue
        accepted, ms = pipeline_keys(pipeline, frame, frames, n * 10.0, frames)
        outcomes = {"pipeline": (set(accepted), ms)}
        for name, decode in (("pyzbar", lambda f: pyzbar_keys(f, wanted)),
                             ("zxing-cpp", lambda f: zxing_keys(f, wanted, formats))):
            began = time.thread_time()
            outcomes[name] = (decode(frame), (time.thread_time() - began) * 1000)
        for folder in (photo.folder, "TOTAL"):
            row = tallies.setdefault(folder, {k: Tally() for k in (*outcomes, "union")})
            hits = {k: judge(row[k], photo, keys, ms) for k, (keys, ms) in outcomes.items()}
            union_keys = {photo.expected or ""} if hits["pyzbar"] or hits["zxing-cpp"] else set()
            judge(row["union"], photo, union_keys, 0.0)
            row["pipeline"].rules.update(rule for key, rule in accepted.items()
                                         if photo.expected and key in expected_keys(
                                             photo.expected))
        if verbose:
            print(f"{photo.folder}/{photo.path.name}: {sorted(accepted.items())} {ms:.1f} ms")
    return tallies


def percentile(values: list[float], pct: float) -> float:
    return float(np.percentile(values, pct)) if values else 0.0


def print_table(title: str, rows: dict[str, dict[str, Tally]], kind: str) -> None:
    print(f"\n{title}")
    print(f"{'folder':<18}{'images':>7}{'expected':>9}{'read':>6}{'rate':>8}{'wrong':>7}"
          f"{'extra':>7}{'false+':>7}{'p50 ms':>8}{'p95 ms':>8}  accepted by")
    for folder, tallies in rows.items():
        t = tallies[kind]
        rules = ", ".join(f"{rule} {count}" for rule, count in sorted(t.rules.items()))
        timing = (f"{percentile(t.ms, 50):>8.1f}{percentile(t.ms, 95):>8.1f}" if kind != "union"
                  else f"{'':>16}")
        print(f"{folder:<18}{t.images:>7}{t.expected:>9}{t.read:>6}{t.rate():>8.1%}"
              f"{t.wrong:>7}{t.extra:>7}{t.false_positives:>7}{timing}  {rules}")


def timed_frames(decode: Callable[[np.ndarray[Any, Any], float], object],
                 scenes: list[np.ndarray[Any, Any]], hold: int) -> tuple[float, float]:
    """Frames per second (CPU time, wall time) of ``decode``, each scene held ``hold`` frames
    with fresh sensor noise in every frame (made before timing)."""
    frames = []
    for scene in scenes:
        presenter = Presenter(scene)
        frames += [presenter.read() for _ in range(hold)]
    cpu, wall = time.thread_time(), time.perf_counter()
    for i, frame in enumerate(frames):
        decode(frame, i * FRAME_S)
    return (len(frames) / (time.thread_time() - cpu),
            len(frames) / (time.perf_counter() - wall))


def kiosk_decode() -> Callable[[np.ndarray[Any, Any], float], object]:
    """The camera path's per-frame work: a pipeline and its confirmation."""
    pipeline, confirmer = DecodePipeline(), Confirmer()
    return lambda frame, at: confirmer.feed(pipeline.decode(frame, at).candidates, at)


def in_frame(photo: Path, background: np.ndarray[Any, Any]) -> np.ndarray[Any, Any] | None:
    """A 640x480 camera frame: the photo scaled to fit, on the empty scan area."""
    image = cv2.imread(str(photo), cv2.IMREAD_COLOR)
    if image is None:
        return None
    height, width = image.shape[:2]
    factor = min(FPS_SIZE[0] / width, FPS_SIZE[1] / height, 1.0)
    image = cv2.resize(image, (round(width * factor), round(height * factor)),
                       interpolation=cv2.INTER_AREA)
    frame = background.copy()
    top, left = (FPS_SIZE[1] - image.shape[0]) // 2, (FPS_SIZE[0] - image.shape[1]) // 2
    frame[top:top + image.shape[0], left:left + image.shape[1]] = image
    return frame


def frame_rates(items: list[Photo], count: int) -> dict[str, tuple[float, float]]:
    background = empty_scene(*FPS_SIZE)
    no_code = [f for p in items if p.no_code if (f := in_frame(p.path, background)) is not None]
    coded = [p for p in items if p.expected and not p.no_code]
    sample = coded[:: max(1, len(coded) // 30)][:30]
    with_code = [f for p in sample if (f := in_frame(p.path, background)) is not None]
    wanted = frozenset(CameraConfig().symbologies)
    formats = DecodePipeline(wanted).zxing.formats
    alone = {"pyzbar alone": lambda frame, at: pyzbar_keys(frame, wanted),
             "zxing-cpp alone": lambda frame, at: zxing_keys(frame, wanted, formats)}
    rates = {EMPTY: timed_frames(kiosk_decode(), [background], count)}
    for name, decode in alone.items():
        rates[f"empty scan area, {name}"] = timed_frames(decode, [background], count // 3)
    if no_code:
        rates["no-code photos held 1 s, kiosk"] = timed_frames(kiosk_decode(), no_code, 30)
        rates["no-code photos new each frame, kiosk"] = timed_frames(kiosk_decode(), no_code, 1)
        for name, decode in alone.items():
            rates[f"no-code photos new each frame, {name}"] = timed_frames(decode, no_code, 1)
    if with_code:
        rates["photos of codes held 1 s, kiosk"] = timed_frames(kiosk_decode(), with_code, 30)
    return rates


def one_core() -> str:
    """Pin the process (and OpenCV) to one core, so figures are per core."""
    cv2.setNumThreads(1)
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"core {core}"
    return "all cores (no affinity control here)"


def report(rows: dict[str, dict[str, Tally]], rates: dict[str, tuple[float, float]]) -> None:
    print_table("pipeline (zxing-cpp fast path, both decoders where a code is likely)", rows,
                "pipeline")
    print_table("pyzbar alone (pyzbar.decode, one frame)", rows, "pyzbar")
    print_table("zxing-cpp alone (zxingcpp.read_barcodes, one frame)", rows, "zxing-cpp")
    print_table("union: read by pyzbar alone or zxing-cpp alone", rows, "union")
    if rates:
        print(f"\nframes per second, 640x480, one core{'':<15}{'CPU time':>10}{'wall':>8}")
    for name, (cpu, wall) in rates.items():
        print(f"  {name:<48}{cpu:>10.0f}{wall:>8.0f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--frames", type=int, default=CameraConfig().confirm_frames,
                        help="frames per burst (default: devices.camera.confirm_frames)")
    parser.add_argument("--fps-frames", type=int, default=300,
                        help="empty frames timed for empty_fps (0: skip the frame rates)")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    print(f"decoding on {one_core()}, bursts of {args.frames} identical frames")
    items = photos(args.folders)
    if not items:
        parser.error("no photos in the folders given")
    rows = run(items, args.frames, args.verbose)
    rows["TOTAL"] = rows.pop("TOTAL")
    rates = frame_rates(items, args.fps_frames) if args.fps_frames > 0 else {}
    report(rows, rates)
    total = rows["TOTAL"]
    print(f"\nbench run time {time.perf_counter() - began:.0f} s")
    print(json.dumps({
        "bench": "decode", "images": total["pipeline"].images,
        "expected": total["pipeline"].expected,
        "read_rate": round(total["pipeline"].rate(), 4),
        "wrong_reads": total["pipeline"].wrong, "extra_reads": total["pipeline"].extra,
        "false_positives": total["pipeline"].false_positives,
        "pyzbar_read_rate": round(total["pyzbar"].rate(), 4),
        "zxingcpp_read_rate": round(total["zxing-cpp"].rate(), 4),
        "union_read_rate": round(total["union"].rate(), 4),
        "p95_ms": round(percentile(total["pipeline"].ms, 95), 1),
        "empty_fps": round(rates[EMPTY][0]) if rates else None,
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
