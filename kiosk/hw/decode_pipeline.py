"""One frame in, the codes it supports out: zxing-cpp fast, both decoders where it pays.

1. **Fast path**, every frame: zxing-cpp on the grey frame, enabled symbologies only, without
   rotation, down-scaling or inversion. On a frame with no code this is all that runs besides
   a thumbnail edge test, which keeps the pipeline faster than either decoder alone there.
2. **Fallback**, only where a code is likely: when the fast path read a linear code (which is
   then cross-checked), or read nothing on a frame with strong edges, unless a fallback just
   found nothing (kiosk.hw.decode_gate). It decodes the frame again with zbar and
   zxing-cpp on other contrasts and resolutions (:data:`FALLBACK`); a frame larger than
   :data:`FALLBACK_PIXELS` is searched scaled down to that size, which bounds its cost.
3. **Cross-check**: every EAN/UPC symbol is cut out at a standard size and decoded again by
   both decoders (kiosk.hw.decode_passes.standard_crop).
4. **Consensus** (kiosk.hw.decode_consensus): per symbol, only a clear majority of
   independent readings is believed.

Decoder exceptions are caught here, per pass, and reported in :attr:`FrameResult.failures`;
the other passes still count, and nothing raised by a decoder leaves this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from kiosk.errors import DeviceError
from kiosk.hw.decode_consensus import Candidate, Symbol, bar_extent, symbols, verdict
from kiosk.hw.decode_gate import Backoff, has_edges
from kiosk.hw.decode_passes import Gray, clahe, normalised, scaled, standard_crop, to_gray
from kiosk.hw.decode_symbols import MATRIX, RETAIL, SYMBOLOGIES, Placement, Read
from kiosk.hw.decode_zbar import DecodeError, ZbarDecoder
from kiosk.hw.decode_zxing import ZxingDecoder

# (decoder, image variant, scale): each one undoes a way real photos defeat the fast path.
FALLBACK = (
    ("zbar", "plain", 1.0),
    ("zxing", "clahe", 1.0),
    ("zbar", "clahe", 1.0),
    ("zxing", "plain", 2.0),
    ("zbar", "plain", 0.5),
    ("zxing", "normalised", 1.0),
    ("zxing", "histogram", 1.0),
)
FALLBACK_PIXELS = 640 * 480  # larger frames are searched at this size (their crops at full)
_VARIANTS: dict[str, Callable[[Gray], Gray]] = {
    "plain": lambda gray: gray, "clahe": clahe, "normalised": normalised,
    "histogram": lambda gray: gray,  # the same pixels through zxing's global binariser
}


@dataclass(frozen=True, slots=True)
class FrameResult:
    """What one frame supports, and how much work it took to know."""

    candidates: tuple[Candidate, ...]
    fallback: bool
    failures: tuple[str, ...] = ()


class DecodePipeline:
    """Both decoders, restricted to ``symbologies``; one instance per camera (not shared)."""

    def __init__(self, symbologies: Iterable[str] = SYMBOLOGIES, *,
                 backoff: Backoff | None = None) -> None:
        self.symbologies = frozenset(symbologies)
        self.zbar = ZbarDecoder(self.symbologies)
        self.zxing = ZxingDecoder(self.symbologies)
        self.backoff = backoff or Backoff()

    @property
    def name(self) -> str:
        working = [d.name for d in (self.zxing, self.zbar) if d.problem() is None]
        return " + ".join(working) or "none"

    def problem(self) -> DeviceError | None:
        """Why nothing can be decoded (both decoders missing), else None."""
        problems = [d.problem() for d in (self.zxing, self.zbar)]
        return problems[0] if all(problems) else None

    def decode(self, frame: np.ndarray[Any, Any], at: float = 0.0) -> FrameResult:
        """The codes ``frame`` supports; ``at`` is the frame's time in seconds (monotonic)."""
        gray = to_gray(frame)
        failures: list[str] = []
        reads = self._pass(gray, "zxing", "plain", 1.0, failures)
        if reads and all(read.symbology in MATRIX for read in reads):
            return self._result(symbols(reads, gray), False, failures)
        if not reads and not (has_edges(gray) and self.backoff.worth_trying(at)):
            return self._result([], False, failures)
        base = min(1.0, (FALLBACK_PIXELS / gray.size) ** 0.5)
        for decoder, variant, scale in FALLBACK:
            reads += self._pass(gray, decoder, variant, scale * base, failures)
        if not reads:
            self.backoff.fruitless(at)
            return self._result([], True, failures)
        self.backoff.forget()
        found = symbols(reads, gray)
        for symbol in found:
            if any(read.symbology in RETAIL for read in symbol.reads):
                symbol.reads += self._cross_check(gray, symbol, failures)
        return self._result(found, True, failures)

    def _result(self, found: list[Symbol], fallback: bool, failures: list[str]) -> FrameResult:
        """The verdicts on ``found``; each decoder failure once, however many passes it hit."""
        candidates = (verdict(symbol) for symbol in found)
        return FrameResult(tuple(c for c in candidates if c is not None), fallback,
                           tuple(dict.fromkeys(failures)))

    def _pass(self, gray: Gray, decoder: str, variant: str, scale: float,
              failures: list[str]) -> list[Read]:
        image = scaled(gray, scale) if scale != 1.0 else gray
        if image is None:
            return []
        return self._decode(decoder, _VARIANTS[variant](image),
                            Placement(variant, scale), failures)

    def _decode(self, decoder: str, image: Gray, place: Placement,
                failures: list[str]) -> list[Read]:
        engine = self.zbar if decoder == "zbar" else self.zxing
        if engine.problem() is not None:
            return []
        try:
            if engine is self.zxing:
                histogram = place.variant == "histogram"
                return self.zxing.decode(image, place, binarizer="GlobalHistogram" if histogram
                                         else "LocalAverage")
            return self.zbar.decode(image, place)
        except DecodeError as exc:
            failures.append(exc.message)
            return []

    def _cross_check(self, gray: Gray, symbol: Symbol, failures: list[str]) -> list[Read]:
        """Readings of a standard-size crop of the symbol that lie on the symbol itself."""
        box = bar_extent(gray, symbol.box, symbol.across)
        cut = standard_crop(gray, box, symbol.across)
        if cut is None:
            return []
        crop, place = cut
        reads: list[Read] = []
        for variant, image in (("crop", crop), ("crop-clahe", clahe(crop))):
            placed = Placement(variant, place.scale, place.x0, place.y0, place.transposed)
            for decoder in ("zbar", "zxing"):
                reads += self._decode(decoder, image, placed, failures)
        return [read for read in reads if _on(read.box, box)]


def _on(inner: tuple[float, ...], outer: tuple[float, ...]) -> bool:
    """Whether a reading's centre lies inside the symbol's box."""
    cx, cy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]
