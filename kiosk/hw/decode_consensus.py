"""Which of a frame's readings to believe: one vote per independent reading, per symbol.

A frame is decoded several times (two decoders, several scales and contrasts, a crop of each
code at a standard size), so the same symbol comes back several times: usually with the same
text, sometimes with a misread that still has a valid check digit. EAN/UPC's one mod-10 digit
lets through about one random misread in ten, and a resolution-limited misread repeats in
every pass at that resolution. So readings are grouped by the symbol they came from, and
within a symbol only *independent* readings count: another decoder, or another resolution
(:attr:`~kiosk.hw.decode_symbols.Read.unit`), never the same decoder on a contrast variant.

A symbol's text is believed when its independent readings outnumber every other text read
from the same symbol at least :data:`DOMINANCE` to one; an EAN/UPC needs two of them besides.
Anything less clear-cut yields nothing for that frame: the shopper holds the item a moment
longer, which costs far less than the wrong product in the basket.

Where a linear symbol ends along its bars is not in what decoders report (one scan line is
enough for them), so :func:`bar_extent` follows the bars in the image: two readings belong to
one symbol when they lie on the same bars, while a book's second code a little lower is
another symbol.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from kiosk.hw.decode_symbols import RETAIL, Box, Read, is_linear, union

DOMINANCE = 3  # independent readings of the winner per reading of any rival text
RETAIL_UNITS = 2  # an EAN/UPC is believed only when read independently twice
_STEP = 2  # rows between profiles when following bars
_SAME_BARS = 0.5  # correlation of a row's profile with the symbol's above which bars continue
_MAX_LAG = 2  # pixels a bar may drift sideways per step (a tilted code)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A code the frame supports: its best reading and the evidence behind it."""

    read: Read
    decoders: frozenset[str]
    units: int
    box: Box

    @property
    def key(self) -> str:
        return self.read.key


@dataclass
class Symbol:
    """Readings that lie on the same bars (or, for matrix codes, have the same text)."""

    reads: list[Read]
    box: Box
    across: bool

    def add(self, read: Read) -> None:
        self.reads.append(read)


def _across(read: Read) -> bool:
    if read.across is not None:
        return read.across
    x0, y0, x1, y1 = read.box
    return (x1 - x0) >= (y1 - y0)


def _along(a: Box, b: Box, across: bool) -> bool:
    """Whether two boxes share at least half the shorter one along the scan direction."""
    lo, hi = (0, 2) if across else (1, 3)
    overlap = min(a[hi], b[hi]) - max(a[lo], b[lo])
    return overlap >= 0.5 * min(a[hi] - a[lo], b[hi] - b[lo])


def _meet(a: Box, b: Box) -> bool:
    return min(a[2], b[2]) >= max(a[0], b[0]) and min(a[3], b[3]) >= max(a[1], b[1])


def _detail(profile: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """A profile without its slow changes (light falling across the label): bars and spaces."""
    width = max(5, len(profile) // 20) | 1
    kernel = np.ones(width, np.float32) / width
    return profile - np.convolve(np.pad(profile, width // 2, mode="edge"), kernel, "valid")


def _correlation(ref: np.ndarray[Any, Any], row: np.ndarray[Any, Any], lag: int) -> float:
    n = len(ref)
    a, b = (ref[lag:], row[:n - lag]) if lag >= 0 else (ref[:n + lag], row[-lag:])
    if len(a) < 8:
        return -1.0
    return float((a * b).sum() / (np.sqrt((a * a).sum() * (b * b).sum()) + 1e-6))


def bar_extent(gray: np.ndarray[Any, Any], box: Box, across: bool) -> Box:
    """``box`` grown along the bars for as long as the same bars continue in the image.

    A row continues the symbol when its detail (:func:`_detail`) correlates with the
    symbol's, shifted sideways by at most :data:`_MAX_LAG` per step and half a pixel per row
    overall (a code tilted up to about 25 degrees), and keeps at least half its contrast.
    """
    image = gray if across else gray.T
    x0, y0, x1, y1 = box if across else (box[1], box[0], box[3], box[2])
    height, width = image.shape
    left, right = max(0, int(x0)), min(width, int(np.ceil(x1)) + 1)
    top, bottom = min(max(0, int(y0)), height - 1), min(max(0, int(np.ceil(y1))), height - 1)
    if right - left < 16:
        return box
    ref = _detail(image[top:bottom + 1, left:right].astype(np.float32).mean(axis=0))
    contrast = float(ref.std())

    def follow(start: int, step: int) -> int:
        y, lag = start, 0
        while 0 <= y + step < height:
            row = _detail(image[y + step, left:right].astype(np.float32))
            reach = 2 + abs(y + step - start) // 2
            lags = [lag + d for d in range(-_MAX_LAG, _MAX_LAG + 1) if abs(lag + d) <= reach]
            score, lag = max((_correlation(ref, row, shift), shift) for shift in lags)
            if score < _SAME_BARS or row.std() < 0.5 * contrast:
                break
            y += step
        return y

    grown = (x0, min(y0, follow(top, -_STEP)), x1, max(y1, follow(bottom, _STEP)))
    return grown if across else (grown[1], grown[0], grown[3], grown[2])


def symbols(reads: list[Read], gray: np.ndarray[Any, Any]) -> list[Symbol]:
    """The frame's readings grouped by the symbol they came from."""
    matrix: dict[str, Symbol] = {}
    pieces: list[Symbol] = []
    for read in reads:
        if not is_linear(read.symbology):
            found = matrix.setdefault(read.key, Symbol([], read.box, True))
            found.add(read)
            continue
        across = _across(read)
        same = next((s for s in pieces if s.reads[0].key == read.key and s.across == across
                     and (_meet(s.box, read.box) or _along(s.box, read.box, across))), None)
        if same is None:
            pieces.append(Symbol([read], read.box, across))
        else:
            same.add(read)
            same.box = union([same.box, read.box])
    if len({piece.reads[0].key for piece in pieces}) > 1:
        for piece in pieces:  # rival texts: find out which of them lie on the same bars
            piece.box = bar_extent(gray, piece.box, piece.across)
    return [*matrix.values(), *_merged(pieces)]


def _merged(pieces: list[Symbol]) -> list[Symbol]:
    merged: list[Symbol] = []
    for piece in pieces:
        grown = Symbol(list(piece.reads), piece.box, piece.across)
        for hit in [m for m in merged if m.across == piece.across and _meet(m.box, piece.box)
                    and _along(m.box, piece.box, piece.across)]:
            merged.remove(hit)
            grown = Symbol(hit.reads + grown.reads, union([hit.box, grown.box]), grown.across)
        merged.append(grown)
    return merged


def verdict(symbol: Symbol) -> Candidate | None:
    """The symbol's text if its independent readings make it clear, else None."""
    units: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for read in symbol.reads:
        units[read.key].add(read.unit)
    ranked = sorted(units, key=lambda key: len(units[key]), reverse=True)
    best = len(units[ranked[0]])
    rival = len(units[ranked[1]]) if len(ranked) > 1 else 0
    winner = [read for read in symbol.reads if read.key == ranked[0]]
    needed = RETAIL_UNITS if winner[0].symbology in RETAIL else 1
    if best < needed or best < DOMINANCE * rival:
        return None
    shown = next((r for r in winner if r.decoder == "zxing"), winner[0])
    return Candidate(shown, frozenset(r.decoder for r in winner), best,
                     union([r.box for r in winner]))
