"""A laid-out receipt to ESC/POS bytes through python-escpos, and back to paper with our renderer.

The bytes are made by python-escpos's Dummy printer (the real library), read back by the
ESC/POS parser and drawn by the PNG renderer; QR codes are decoded from the PNG with pyzbar.
"""

from __future__ import annotations

import logging

import pytest
from escpos.printer import Dummy
from PIL import Image
from receipt_fixtures import CREME, MUESLI, WINE, make_sale, qr_codes, receipt

from kiosk.core.receipt_doc import Document, Qr, Text
from kiosk.core.receipt_layout import PrintLine, QrLine, cells, layout
from kiosk.errors import DeviceError
from kiosk.hw.escpos_png import ops as escops
from kiosk.hw.escpos_png import parse, render_png
from kiosk.hw.printer_escpos import EscposRenderer
from kiosk.hw.printer_profile import CELL_DOTS, paper_profile
from kiosk.hw.printer_raster import LINE_DOTS, LineRaster

TM_T88V = paper_profile("TM-T88V", 80)
SHAPES = {32: ("default", 58), 42: ("TM-T88V", 80), 48: ("default", 80)}


def texts(data: bytes) -> list[escops.Text]:
    return [op for op in parse(data) if isinstance(op, escops.Text)]


def test_accents_and_the_euro_sign_print_as_text_through_a_code_page() -> None:
    data = EscposRenderer(TM_T88V).render([PrintLine("Crème fraîche 20 cl   2,35 €"),
                                           PrintLine("Müsli, Grüße")])
    # PC437 (ESC t 0) has è and î; the euro sign needs a switch to PC858 (ESC t 19)
    assert b"\x1bt\x00" + "Crème fraîche 20 cl   2,35 ".encode("cp437") in data
    assert b"\x1bt\x13" + "€".encode("cp858") in data
    assert b"?" not in data
    assert b"\x1dv0" not in data  # no raster image was needed
    read = [t.text for t in texts(data)]
    assert "".join(read).startswith("Crème fraîche 20 cl   2,35 €")
    assert "Müsli, Grüße" in "".join(read)


def test_a_chinese_name_is_a_raster_image_never_gb18030_bytes() -> None:
    name = "鲜奶油 20厘升                      2.35 A"
    data = EscposRenderer(TM_T88V).render([PrintLine(name)])
    # python-escpos's own text() would send GB18030, which a printer without a Chinese ROM
    # prints as garbage; the renderer never hands such a line to text()
    naive = Dummy(profile="TM-T88V")
    naive.text(name)
    assert "鲜奶油".encode("gb18030") in naive.output
    assert "鲜奶油".encode("gb18030") not in data
    images = [op for op in parse(data) if isinstance(op, escops.RasterImage)]
    assert [(i.bitmap.width, i.bitmap.height) for i in images] == [(TM_T88V.dots, LINE_DOTS)]


def test_a_raster_line_keeps_the_printers_column_grid() -> None:
    line = "鲜奶油 20厘升          2.35 A"
    image = LineRaster().draw(line, dots=512)
    column = 0
    for char in line:
        span = image.crop((column * CELL_DOTS, 0, (column + cells(char)) * CELL_DOTS, LINE_DOTS))
        inked = span.getextrema()[0] == 0
        assert inked == (not char.isspace()), (char, column)
        column += cells(char)


def test_a_character_no_font_has_is_a_box_and_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        image = LineRaster().draw("\U0001f600 ok", dots=384)
    assert image.crop((0, 0, 24, 24)).getextrema()[0] == 0  # something is drawn in its place
    assert "U+1F600" in caplog.text
    assert "fonts-wqy-microhei" in caplog.text


def test_the_qr_code_is_the_printers_own_where_the_model_has_it() -> None:
    data = EscposRenderer(TM_T88V).render([QrLine("store-0001-k01-00000017")])
    assert b"\x1b\x61\x01\x1d(k" in data  # centred (ESC a 1), then GS ( k
    assert b"store-0001-k01-00000017" in data
    assert qr_codes(render_png(data, paper_dots=512)) == ["store-0001-k01-00000017"]


def test_a_model_without_native_qr_gets_a_centred_qr_image() -> None:
    simple = paper_profile("simple", 80)
    assert not simple.native_qr
    data = EscposRenderer(simple).render([QrLine("store-0001-k01-00000017")])
    assert b"\x1d(k" not in data
    image = render_png(data, paper_dots=simple.dots)
    assert qr_codes(image) == ["store-0001-k01-00000017"]
    ink = image.convert("L").point(lambda v: 255 if v < 128 else 0).getbbox()
    assert ink is not None
    assert abs((ink[0] + ink[2]) / 2 - simple.dots / 2) <= 6  # centred on the paper


@pytest.mark.parametrize("columns", sorted(SHAPES))
def test_the_rendered_receipt_is_one_pixel_per_dot_and_its_qr_is_the_sale_id(
        columns: int) -> None:
    profile, paper_mm = SHAPES[columns]
    paper = paper_profile(profile, paper_mm)
    assert paper.columns == columns
    sale = make_sale(((CREME, 2), (MUESLI, 1), (WINE, 12)), number=123)
    data = EscposRenderer(paper).render(layout(receipt(sale), columns))
    image = render_png(data, paper_dots=paper.dots)
    assert image.width == paper.dots
    assert image.info["warnings"] == []
    assert qr_codes(image) == [sale.sale_id]


def test_a_chinese_receipt_renders_and_still_scans() -> None:
    sale = make_sale(language="zh")
    data = EscposRenderer(TM_T88V).render(layout(receipt(sale), 42))
    image = render_png(data, paper_dots=512)
    assert image.info["warnings"] == []
    assert qr_codes(image) == [sale.sale_id]
    assert sum(isinstance(op, escops.RasterImage) for op in parse(data)) >= 5


def test_the_stream_starts_clean_and_ends_with_a_cut() -> None:
    data = EscposRenderer(TM_T88V).render(layout(Document("t", (Text("x"), Qr("y"))), 42))
    assert data.startswith(b"\x1b@\x1b3\x1e")  # ESC @, then ESC 3 30: the raster line pitch
    assert data.endswith(b"\x1dV\x00")  # GS V 0: full cut
    assert isinstance(next(op for op in reversed(parse(data))), escops.Cut)


@pytest.mark.parametrize(("profile", "paper_mm", "columns", "dots", "expected"), [
    ("default", 58, None, 384, 32), ("default", 80, None, 576, 48), ("TM-T88V", 80, None, 512, 42),
    ("TM-T20II", 80, None, 576, 48), ("TM-T20II", 80, 42, 576, 42), ("POS-5890", 58, None, 384, 32)])
def test_paper_profiles_come_from_python_escpos(profile: str, paper_mm: int,
                                                columns: int | None, dots: int,
                                                expected: int) -> None:
    paper = paper_profile(profile, paper_mm, columns)
    assert (paper.dots, paper.columns) == (dots, expected)


@pytest.mark.parametrize(("args", "message"), [
    (("TM-T88V", 58, None), "Receipt printer profile TM-T88V is for 80 mm printing, not 58 mm"),
    (("TM-T88V", 80, 48), "48 columns do not fit the 512 dots of TM-T88V"),
    (("TM-NOPE", 80, None), "Receipt printer profile 'TM-NOPE' is unknown"),
])
def test_a_paper_that_cannot_be_right_is_refused(args: tuple, message: str) -> None:
    with pytest.raises(DeviceError, match=message):
        paper_profile(*args)


def test_the_raster_image_is_black_on_white_1_bit() -> None:
    image = LineRaster().draw("可乐", dots=384, large=True, bold=True)
    assert (image.mode, image.size) == ("1", (384, 48))
    assert isinstance(image, Image.Image)
