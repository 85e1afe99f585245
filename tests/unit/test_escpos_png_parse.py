"""The ESC/POS parser on bytes made by python-escpos's own API, and on what it should skip."""

from __future__ import annotations

from escpos.constants import QR_ECLEVEL_H, QR_ECLEVEL_M
from escpos_png_helpers import printer
from PIL import Image

from kiosk.hw.escpos_png import Parser, ParseWarning, parse
from kiosk.hw.escpos_png.ops import (
    Barcode,
    Cut,
    Feed,
    Init,
    InlineImage,
    LineFeed,
    QrCode,
    RasterImage,
    Text,
    TextStyle,
)


def texts(data: bytes) -> list[Text]:
    return [op for op in parse(data) if isinstance(op, Text)]


def warnings(data: bytes) -> list[str]:
    return [op.message for op in parse(data) if isinstance(op, ParseWarning)]


def test_text_runs_carry_the_style_and_justification_set_through_python_escpos() -> None:
    p = printer()
    p.set(align="center", bold=True, double_height=True, double_width=True)
    p.textln("SHOP")
    p.set(align="right", bold=False, normal_textsize=True, underline=1)
    p.textln("5.45")
    p.set(font="b", underline=0, align="left")
    p.textln("small")
    shop, amount, small = texts(p.output)
    assert (shop.text, shop.align, shop.style) == ("SHOP", "center", TextStyle(
        bold=True, width=2, height=2))
    assert (amount.text, amount.align, amount.style) == ("5.45", "right", TextStyle(underline=1))
    assert (small.text, small.style.font) == ("small", "B")
    assert parse(p.output)[0] == Init()
    assert warnings(p.output) == []


def test_gs_exclamation_magnifies_up_to_eight_times() -> None:
    p = printer()
    p.set(custom_size=True, width=3, height=8)
    p.textln("X")
    [x] = texts(p.output)
    assert (x.style.width, x.style.height) == (3, 8)


def test_code_pages_switched_with_esc_t_decode_the_euro_sign_and_accents() -> None:
    p = printer()
    for page in ("CP858", "CP1252", "ISO_8859-15"):
        p.charcode(page)
        p.textln("€ é")
    p.charcode("CP850")
    p.textln("é ü")
    runs = texts(p.output)
    assert [(r.code_page, r.text) for r in runs] == [
        ("CP858", "€ é"), ("WPC1252", "€ é"), ("ISO-8859-15", "€ é"), ("CP850", "é ü")]
    assert runs[0].raw == b"\xd5 \x82"  # the euro sign is 0xD5 in CP858, é is 0x82
    assert runs[1].raw == b"\x80 \xe9"


def test_magic_encoding_picks_pages_the_preview_reads_back_to_the_same_text() -> None:
    p = printer()
    p.textln("Crème brûlée 3,20 € — Grüße, Łódź")
    assert "".join(r.text for r in texts(p.output)) == "Crème brûlée 3,20 € — Grüße, Łódź"


def test_native_qr_code_keeps_data_module_size_and_error_level() -> None:
    p = printer()
    p.set(align="center")
    p.qr("https://r.example/s/K1-000042", native=True, size=6, ec=QR_ECLEVEL_M)
    p.qr("second", native=True, ec=QR_ECLEVEL_H)
    first, second = [op for op in parse(p.output) if isinstance(op, QrCode)]
    assert first == QrCode(b"https://r.example/s/K1-000042", module=6, level="M", model=2,
                           align="center")
    assert (second.data, second.module, second.level) == (b"second", 3, "H")


def test_raster_image_bits_arrive_unchanged() -> None:
    picture = Image.new("1", (16, 2), 255)
    picture.putpixel((0, 0), 0)
    picture.putpixel((15, 1), 0)
    p = printer()
    p.image(picture)
    [raster] = [op for op in parse(p.output) if isinstance(op, RasterImage)]
    assert (raster.bitmap.width, raster.bitmap.height) == (16, 2)
    assert raster.bitmap.rows == b"\x80\x00\x00\x01"


def test_column_bit_image_is_turned_into_rows() -> None:
    # ESC * 33 (24-dot double density), 2 columns: the first has only its top dot.
    data = b"\x1b@\x1b*\x21\x02\x00" + b"\x80\x00\x00" + b"\x00\x00\x01" + b"\n"
    [strip] = [op for op in parse(data) if isinstance(op, InlineImage)]
    assert (strip.bitmap.width, strip.bitmap.height) == (2, 24)
    assert (strip.bitmap.rows[0], strip.bitmap.rows[-1]) == (0x80, 0x40)
    assert sum(strip.bitmap.rows) == 0x80 + 0x40


def test_cut_after_feeding_six_lines() -> None:
    p = printer()
    p.textln("bye")
    p.cut()
    p.cut(mode="PART")
    assert parse(p.output)[-4:] == [Feed(6), Cut(partial=False), Feed(6), Cut(partial=True)]
    assert parse(b"\x1dVA\x10")[-1] == Cut(partial=False, feed_dots=16)


def test_unknown_command_is_skipped_and_named() -> None:
    [warning] = warnings(b"\x1b~after\n")
    assert warning.startswith("unknown command ESC ~: skipped its 2 bytes")
    assert texts(b"\x1b~after\n")[0].text == "after"


def test_declared_length_commands_are_skipped_by_their_length() -> None:
    test_print = b"\x1d(A\x02\x00\x00\x02"  # GS ( A: self-test page
    pdf417 = b"\x1d(k\x03\x000Q0"  # print a PDF417 symbol
    data = test_print + pdf417 + b"\x1d(E\x03\x00\x01\x02\x03" + b"after\n"
    assert warnings(data) == ["GS ( A is not drawn; skipped 7 bytes",
                              "PDF417 symbols (GS ( k) are not drawn"]
    assert [op for op in parse(data) if not isinstance(op, ParseWarning)] == [
        Text("after", b"after", "CP437"), LineFeed()]


def test_barcode_is_read_with_its_data_and_said_to_be_a_box() -> None:
    p = printer()
    p.barcode("4006381333931", "EAN13", height=80)
    [code] = [op for op in parse(p.output) if isinstance(op, Barcode)]
    assert (code.symbology, code.data, code.height) == ("EAN13", b"4006381333931", 80)
    assert "EAN13 barcode is drawn as a labelled box, not as bars" in warnings(p.output)


def test_a_command_cut_off_by_the_end_of_the_data_is_reported() -> None:
    assert warnings(b"\x1dv0\x00\x10\x00\x10\x00\xff\xff") == [
        "the data ended inside a command (1d 76 30 00 10 00 10 00...); it was not printed"]


def test_oversized_image_is_skipped_as_it_arrives_without_keeping_it() -> None:
    parser = Parser()
    ops = parser.feed(b"\x1dv0\x00\xff\xff\xff\xff" + bytes(1000))
    assert [op.message for op in ops if isinstance(op, ParseWarning)] == [
        "raster image (GS v 0) of 524280x65535 dots is larger than the preview keeps; "
        "skipped 4294836233 bytes"]
    assert parser.feed(bytes(5000)) == []
    assert parser.finish() == [ParseWarning(0, "the data ended 4294830225 bytes before the end "
                                               "of the skipped command")]


def test_code_page_the_preview_cannot_draw_is_named() -> None:
    assert warnings(b"\x1bt\x14\xa1\n") == [
        "code page Thai 42 (ESC t 20) cannot be drawn by the preview; its characters above "
        "0x7F appear as empty boxes"]
    assert warnings(b"\x1bt\x09") == [
        "ESC t 9 selects no character code table Epson defines; CP437 stays selected"]


def test_esc_at_resets_the_style() -> None:
    data = b"\x1bE\x01\x1d!\x11\x1ba\x01bold\n\x1b@plain\n"
    bold, plain = texts(data)
    assert (bold.style.bold, bold.style.width, bold.align) == (True, 2, "center")
    assert (plain.style, plain.align) == (TextStyle(), "left")
