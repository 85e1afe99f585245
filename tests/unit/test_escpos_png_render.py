"""What the rendered paper shows, checked as a person would look at it: pixel facts and QR scans.

Bytes come from python-escpos's own API (Dummy printer) unless a test is about raw commands.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from escpos.constants import QR_ECLEVEL_H, QR_ECLEVEL_L, QR_ECLEVEL_M
from escpos_png_helpers import (
    PROFILE_58MM,
    dashed_rows,
    decode_qr,
    dots,
    ink,
    ink_box,
    ink_rows,
    printer,
)
from PIL import Image, ImageDraw, ImageFont

from kiosk.hw.escpos_png import RenderError, render, render_png
from kiosk.hw.escpos_png import glyphs as glyphs_module

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def drawn_directly(char: str, *, bold: bool = False) -> np.ndarray:
    """The glyph as DejaVu Sans Mono draws it in a font A cell (20 px, baseline 19)."""
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    cell = Image.new("1", (12, 24), 255)
    draw = ImageDraw.Draw(cell)
    draw.fontmode = "1"
    draw.text((0, 19), char, font=ImageFont.truetype(str(DEJAVU / name), 20), fill=0,
              anchor="ls")
    return ink(cell)


def test_paper_is_576_dots_for_80mm_and_384_for_58mm() -> None:
    p = printer()
    p.textln("hello")
    assert render_png(p.output).size[0] == 576
    assert render_png(p.output, paper_dots=384).size[0] == 384
    assert render_png(p.output).mode == "1"


def test_48_columns_fit_on_80mm_and_32_on_58mm_then_the_line_wraps() -> None:
    p = printer()
    p.textln("M" * 48)
    assert len(ink_rows(render_png(p.output))) == 1
    p = printer(PROFILE_58MM)
    p.textln("M" * 33)
    wrapped = render_png(p.output, paper_dots=384)
    assert len(ink_rows(wrapped)) == 2
    assert ink_box(wrapped, *ink_rows(wrapped)[1])[1] < 12  # one M on the second line


def test_font_b_fits_64_columns_on_80mm() -> None:
    p = printer()
    p.set(font="b")
    p.textln("M" * 64)
    image = render_png(p.output)
    [(top, bottom)] = ink_rows(image)
    assert bottom - top <= 17
    assert ink_box(image)[1] > 576 - 9


def test_bold_line_is_darker_than_the_same_line_plain() -> None:
    p = printer()
    p.textln("TOTAL            5.45")
    p.set(bold=True)
    p.textln("TOTAL            5.45")
    image = render_png(p.output)
    plain, bold = ink_rows(image)
    assert dots(image, *bold) > 1.15 * dots(image, *plain)


def test_centred_and_right_aligned_text_sit_where_a_person_expects() -> None:
    p = printer()
    p.set(align="center")
    p.textln("THANK YOU")
    p.set(align="right")
    p.textln("5.45")
    image = render_png(p.output)
    centred, right = ink_rows(image)
    left_edge, right_edge = ink_box(image, *centred)
    assert abs((left_edge + right_edge) / 2 - 288) <= 3
    assert 576 - 4 <= ink_box(image, *right)[1] <= 575


def test_double_size_text_is_twice_as_tall_and_wide() -> None:
    p = printer()
    p.textln("H")
    p.set(double_height=True, double_width=True)
    p.textln("H")
    image = render_png(p.output)
    small, big = ink_rows(image)
    assert (big[1] - big[0]) == 2 * (small[1] - small[0])
    small_left, small_right = ink_box(image, *small)
    big_left, big_right = ink_box(image, *big)
    assert big_right - big_left + 1 == 2 * (small_right - small_left + 1)


def test_cut_is_a_dashed_line_below_the_last_text() -> None:
    p = printer()
    p.textln("last line")
    p.cut()
    image = render_png(p.output)
    cut_rows = dashed_rows(image)
    assert cut_rows, "no cut mark"
    text_bottom = ink_rows(image)[0][1]
    assert min(cut_rows) >= text_bottom + 6 * 30 - 30  # after the six lines fed before it
    assert image.height - max(cut_rows) <= 4


@pytest.mark.parametrize(("code_page", "char", "byte"), [
    ("CP858", "€", b"\xd5"), ("CP1252", "€", b"\x80"), ("ISO_8859-15", "€", b"\xa4"),
    ("CP437", "é", b"\x82"), ("CP850", "é", b"\x82"), ("CP1252", "é", b"\xe9"),
])
def test_euro_and_e_acute_through_code_pages_look_like_the_glyphs_themselves(
        code_page: str, char: str, byte: bytes) -> None:
    p = printer()
    p.charcode(code_page)
    p.textln(char)
    assert byte + b"\n" in p.output
    cell = ink(render_png(p.output))[0:24, 0:12]
    assert np.array_equal(cell, drawn_directly(char))
    assert not np.array_equal(cell, drawn_directly("E" if char == "€" else "e"))


def test_bold_euro_uses_the_bold_face() -> None:
    p = printer()
    p.charcode("CP858")
    p.set(bold=True)
    p.textln("€")
    cell = ink(render_png(p.output))[0:24, 0:12]
    assert np.array_equal(cell, drawn_directly("€", bold=True))


@pytest.mark.parametrize(("paper", "profile"), [(576, "TM-T20II"), (384, PROFILE_58MM)])
def test_native_qr_code_scans_back_to_its_data(paper: int, profile: str) -> None:
    sale = "https://receipts.example/s/STORE-7/K1/000042?c=9f3a"
    p = printer(profile)
    p.textln("Scan for your e-receipt")
    p.set(align="center")
    p.qr(sale, native=True, size=4, ec=QR_ECLEVEL_M)
    p.textln("")
    p.cut()
    assert decode_qr(render_png(p.output, paper_dots=paper)) == [sale.encode()]


def test_qr_module_size_and_error_level_change_the_symbol_as_on_paper() -> None:
    sizes = {}
    for size, ec in ((3, QR_ECLEVEL_L), (6, QR_ECLEVEL_L), (3, QR_ECLEVEL_H)):
        p = printer()
        p.qr("K1-000042-STORE7", native=True, size=size, ec=ec)
        image = render_png(p.output)
        assert decode_qr(image) == [b"K1-000042-STORE7"]
        left, right = ink_box(image)
        sizes[size, ec] = right - left + 1
    assert sizes[6, QR_ECLEVEL_L] == 2 * sizes[3, QR_ECLEVEL_L]
    assert sizes[3, QR_ECLEVEL_L] == 3 * 21  # version 1: 21 modules of 3 dots
    assert sizes[3, QR_ECLEVEL_H] > sizes[3, QR_ECLEVEL_L]  # more redundancy, more modules


def test_raster_image_is_drawn_bit_for_bit() -> None:
    rng = np.random.default_rng(7)
    pattern = rng.random((40, 96)) < 0.5
    picture = Image.fromarray(np.where(pattern, 0, 255).astype(np.uint8)).convert("1")
    for impl in ("bitImageRaster", "graphics"):
        p = printer()
        p.image(picture, impl=impl)
        image = render_png(p.output)
        assert np.array_equal(ink(image)[0:40, 0:96], pattern), impl
        assert dots(image) == int(pattern.sum()), impl


def test_column_bit_image_strips_are_drawn_bit_for_bit() -> None:
    rng = np.random.default_rng(11)
    pattern = rng.random((48, 30)) < 0.5
    picture = Image.fromarray(np.where(pattern, 0, 255).astype(np.uint8)).convert("1")
    p = printer()
    p.image(picture, impl="bitImageColumn")
    assert np.array_equal(ink(render_png(p.output))[0:48, 0:30], pattern)


def test_image_wider_than_the_paper_is_cut_off_with_a_warning() -> None:
    rendering = render(b"\x1dv0\x00\x50\x00\x01\x00" + b"\xff" * 80, paper_dots=384)
    assert dots(rendering.image) == 384
    assert rendering.warnings == ("the raster image is 640 dots wide, more than the 384-dot "
                                  "printing area; the rest is cut off",)


def test_barcode_shows_as_a_labelled_box_and_the_warning_says_so() -> None:
    p = printer()
    p.barcode("4006381333931", "EAN13", height=80, width=2)
    image = render_png(p.output)
    [warning] = image.info["warnings"]
    assert warning.endswith(": EAN13 barcode is drawn as a labelled box, not as bars")
    assert any(bottom - top >= 80 for top, bottom in ink_rows(image))


def test_missing_font_names_the_package_to_install(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    monkeypatch.setattr(glyphs_module, "FONT_DIR", tmp_path)
    glyphs_module.truetype.cache_clear()
    try:
        with pytest.raises(RenderError, match="Install the Debian package fonts-dejavu-core"):
            render_png(b"hi\n")
    finally:
        glyphs_module.truetype.cache_clear()


def test_impossible_paper_width_is_refused() -> None:
    with pytest.raises(RenderError, match="Use 384 for 58 mm or 576 for 80 mm paper"):
        render_png(b"hi\n", paper_dots=10)


def test_sample_receipts_are_written_for_people_to_look_at(tmp_path: Path) -> None:
    for paper, profile in ((576, "TM-T20II"), (384, PROFILE_58MM)):
        p = printer(profile)
        p.set(align="center", bold=True, double_height=True, double_width=True)
        p.textln("Épicerie Müller")
        p.set(align="center", bold=False, normal_textsize=True)
        p.textln("12 rue de la Gare, Lyon")
        p.set(align="left")
        p.textln("Crème fraîche 20cl   2,35 €")
        p.set(bold=True)
        p.textln("TOTAL                5,45 €")
        p.set(bold=False, align="center")
        p.qr("K1-000042", native=True, size=4)
        p.textln("")
        p.cut()
        path = tmp_path / f"receipt-{paper}.png"
        render_png(p.output, paper_dots=paper).save(path)
        with Image.open(path) as saved:
            assert saved.size[0] == paper
            assert decode_qr(saved) == [b"K1-000042"]


def test_text_without_a_line_feed_is_shown_and_flagged() -> None:
    rendering = render(b"\x1b@unfinished")
    assert ink_rows(rendering.image)
    assert rendering.warnings == ("the last line has no line feed; a printer holds it "
                                  "unprinted until more data comes",)


def test_esc_at_throws_away_text_not_yet_printed_as_the_printer_does() -> None:
    rendering = render(b"lost\x1b@kept\n")
    assert len(ink_rows(rendering.image)) == 1
    assert ink_box(rendering.image)[1] < 4 * 12  # "kept" only, four columns
    assert rendering.warnings == ("ESC @ discarded text that had no line feed yet",)


def test_endless_feeding_stops_at_the_paper_limit() -> None:
    rendering = render(b"\x1dP\x00\x01" + b"\x1bJ\xff" * 10_000)  # 51765 dots per ESC J
    assert rendering.image.height < 160_000
    assert rendering.warnings == ("the paper is longer than 100000 dots; the preview stops "
                                  "there",)
