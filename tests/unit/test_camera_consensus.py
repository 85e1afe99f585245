"""Which readings of a frame the kiosk believes: independent votes per symbol, bars followed.

The photographs' cases (a misread repeated at one resolution, a book's two codes) are in
test_camera_decode.py; here the rules themselves, on readings and on a printed test chart
whose bars are known exactly.
"""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.hw.decode_consensus import Symbol, bar_extent, symbols, verdict
from kiosk.hw.decode_symbols import Read

BOX = (20.0, 40.0, 220.0, 41.0)


def read(text: str, decoder: str = "zxing", variant: str = "plain", scale: float = 1.0, *,
         symbology: str = "ean8", box: tuple[float, float, float, float] = BOX) -> Read:
    return Read(text, symbology, decoder, variant, scale, box, True)


def chart() -> np.ndarray:
    """Two different bar patterns, one above the other with white paper between (a book's
    EAN and its price code), on a 240 x 200 label."""
    rng = np.random.default_rng(7)
    image = np.full((200, 240), 235, np.uint8)
    for top, bottom in ((20, 80), (120, 180)):
        x = 20
        while x < 220:
            width = int(rng.integers(2, 7))
            if rng.random() < 0.5:
                image[top:bottom, x:x + width] = 25
            x += width + int(rng.integers(2, 7))
    return image


def test_bars_are_followed_to_their_ends() -> None:
    top, bottom = bar_extent(chart(), BOX, True)[1::2]
    assert (top, bottom) == (20, 79)


def test_a_tilted_symbol_is_followed_too() -> None:
    image = chart()
    sheared = np.full_like(image, 235)
    for y in range(image.shape[0]):
        sheared[y] = np.roll(image[y], y // 4)  # bars leaning about 14 degrees
    top, bottom = bar_extent(sheared, (25.0, 50.0, 230.0, 51.0), True)[1::2]
    assert top <= 22
    assert bottom >= 76


def test_readings_on_different_bars_are_different_symbols() -> None:
    upper = read("12345670", box=(20.0, 40.0, 220.0, 41.0))
    lower = read("96385074", decoder="zbar", box=(20.0, 150.0, 220.0, 151.0))
    found = symbols([upper, lower], chart())
    assert sorted(len(s.reads) for s in found) == [1, 1]


def test_rival_readings_on_the_same_bars_are_one_symbol_and_nothing_is_believed() -> None:
    one = read("12345670", box=(20.0, 30.0, 220.0, 31.0))
    other = read("12345687", decoder="zbar", box=(20.0, 70.0, 220.0, 71.0))
    (symbol,) = symbols([one, other], chart())
    assert verdict(symbol) is None


def symbol_of(*reads: Read) -> Symbol:
    return Symbol(list(reads), BOX, True)


def test_a_clear_majority_of_independent_readings_wins() -> None:
    winner = verdict(symbol_of(
        read("12345670"), read("12345670", "zbar"), read("12345670", scale=2.0),
        read("12345687", "zbar", scale=0.5)))
    assert winner is not None
    assert (winner.read.text, winner.units, winner.decoders) == ("12345670", 3,
                                                                 {"zbar", "zxing"})


def test_contrast_variants_at_one_resolution_are_one_vote() -> None:
    """A resolution-limited misread repeats in every contrast: it must not outvote a finer
    view that reads right."""
    misread = [read("12345687", variant=v) for v in ("plain", "clahe", "normalised")]
    assert verdict(symbol_of(*misread, read("12345670", scale=2.0))) is None


def test_an_ean_needs_two_independent_readings() -> None:
    assert verdict(symbol_of(read("12345670"), read("12345670", variant="clahe"))) is None
    crop = read("12345670", "zxing", variant="crop", scale=1.8)
    accepted = verdict(symbol_of(read("12345670"), crop))
    assert accepted is not None
    assert accepted.units == 2


@pytest.mark.parametrize(("text", "symbology"), [
    ("óóóó1234óóabózz", "code128"), ("0104412345678909", "databar"), ("Hello", "qrcode")])
def test_stronger_checksums_need_one_reading(text: str, symbology: str) -> None:
    accepted = verdict(symbol_of(read(text, symbology=symbology)))
    assert accepted is not None
    assert accepted.read.text == text


def test_the_shown_reading_is_zxings_which_keeps_a_upc_e_short() -> None:
    accepted = verdict(symbol_of(read("012345000065", "zbar", symbology="upca"),
                                 read("01234565", symbology="upce")))
    assert accepted is not None
    assert (accepted.read.text, accepted.read.symbology) == ("01234565", "upce")
