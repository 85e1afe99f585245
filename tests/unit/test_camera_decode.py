"""The decode pipeline on real photographs: what each decoder reads, what the kiosk believes.

Every photo is read through cv2.VideoCapture (kiosk.hw.camera_sources.read_photo), exactly as
camera frames arrive, and decoded as one frame.
"""

from __future__ import annotations

import pytest
from camera_photos import expected, frame, gray, product_photos, qr_frame

from kiosk.core import gtin
from kiosk.core.barcode import parse_scan
from kiosk.core.codes import ProductCode
from kiosk.hw.decode_passes import to_gray
from kiosk.hw.decode_pipeline import DecodePipeline
from kiosk.hw.decode_symbols import SYMBOLOGIES, decode_text, read_key, spelled
from kiosk.hw.decode_zbar import ZbarDecoder, orientation_of
from kiosk.hw.decode_zxing import ZxingDecoder

ALL = frozenset(SYMBOLOGIES)
REFUSED = "upce-2/14.png"  # see test_a_misread_that_one_resolution_repeats_is_refused


@pytest.fixture
def pipeline() -> DecodePipeline:
    return DecodePipeline()


def gtin14(text: str, folder: str) -> str:
    parse = gtin.upce if folder.startswith("upce") else gtin.normalise
    if folder.startswith("rssexpanded"):
        return text[4:18]
    result = parse(text)
    assert isinstance(result, str)
    return result


def test_both_decoders_load() -> None:
    """The kiosk (and these tests) need libzbar0 and the zxing-cpp wheel."""
    assert ZbarDecoder(ALL).problem() is None, "apt-get install libzbar0"
    assert ZxingDecoder(ALL).problem() is None


@pytest.mark.parametrize("name", [p for p in product_photos() if p != REFUSED])
def test_every_product_photo_gives_its_product(pipeline: DecodePipeline, name: str) -> None:
    folder = name.split("/", maxsplit=1)[0]
    candidates = pipeline.decode(frame(name)).candidates
    found = {c.read.key[-14:].zfill(14) if c.read.symbology != "databar-expanded"
             else c.read.text[2:16] for c in candidates}
    assert gtin14(expected(name), folder) in found


def test_a_misread_that_one_resolution_repeats_is_refused(pipeline: DecodePipeline) -> None:
    """zxing-cpp alone reads another UPC-E, check digit and all, at the photo's resolution."""
    photo = frame(REFUSED)
    alone = ZxingDecoder(ALL).decode(to_gray(photo))
    assert [(r.text, r.symbology) for r in alone] == [("04904144", "upce")]
    assert expected(REFUSED) == "04963406"  # what the can really carries
    result = pipeline.decode(photo)
    assert result.fallback
    assert result.candidates == ()  # two texts on the same bars: the shopper shows it again


def test_a_books_two_barcodes_are_two_symbols(pipeline: DecodePipeline) -> None:
    codes = {c.read.text: c.decoders for c in pipeline.decode(frame("ean13-2/14.png")).candidates}
    assert codes == {"9784872348880": {"zbar", "zxing"}, "1920081045006": {"zbar", "zxing"}}


def test_nothing_is_read_in_a_carpet_that_looks_like_bars(pipeline: DecodePipeline) -> None:
    result = pipeline.decode(frame("falsepositives-2/25.png"))
    assert result.fallback  # strong edges everywhere: worth a closer look, which finds nothing
    assert result.candidates == ()


def test_an_empty_scan_area_costs_only_the_fast_path(pipeline: DecodePipeline) -> None:
    from kiosk.hw.camera_sources import empty_scene

    result = pipeline.decode(empty_scene(640, 480))
    assert (result.candidates, result.fallback) == ((), False)


def test_code_128_extended_characters_come_from_zxing(pipeline: DecodePipeline) -> None:
    """zbar drops FNC4 (it would say ssss1234ssabszz), so Code 128 is zxing-cpp's alone."""
    (candidate,) = pipeline.decode(frame("code128-1/6.png")).candidates
    assert candidate.read.text == expected("code128-1/6.png") == "óóóó1234óóabózz"
    assert candidate.decoders == {"zxing"}


def test_datamatrix_is_read_by_zxing(pipeline: DecodePipeline) -> None:
    (candidate,) = pipeline.decode(frame("datamatrix-1/GUID.png")).candidates
    assert (candidate.read.text, candidate.read.symbology) == (
        expected("datamatrix-1/GUID.png"), "datamatrix")


def test_zbar_reads_a_shift_jis_qr_code_as_japanese() -> None:
    (read,) = ZbarDecoder(ALL).decode(gray("qrcode-2/17.png"))
    assert read.text == expected("qrcode-2/17.png") == "ﾃﾞｻﾞｲﾝQR\r\nhttp://d-qr.net/ex/"
    (other,) = ZxingDecoder(ALL).decode(gray("qrcode-2/17.png"))
    assert other.key == read.key  # the two decoders agree, character for character


@pytest.mark.parametrize(("text", "encoding"), [
    ("Crème brûlée 3,50", "latin-1"), ("モバイル 日本", "shift_jis"), ("日本", "shift_jis"),
    ("Grüße €", "utf-8")])
def test_qr_payloads_keep_their_characters_through_zbar(text: str, encoding: str) -> None:
    (read,) = ZbarDecoder(ALL).decode(qr_frame(text.encode(encoding)))
    assert (read.text, read.symbology) == (text, "qrcode")


@pytest.mark.parametrize(("raw", "text"), [
    ("Grüße €".encode(), "Grüße €"),
    ("ﾃﾞｻﾞｲﾝ".encode("shift_jis"), "ﾃﾞｻﾞｲﾝ"),
    (b"caf\xe9 \xff", "café ÿ"),
])
def test_symbol_bytes_are_utf8_then_japanese_shift_jis_then_latin1(raw: bytes, text: str) -> None:
    assert decode_text(raw) == text


def test_upc_a_read_as_13_digits_is_given_as_its_12(pipeline: DecodePipeline) -> None:
    """Both decoders report the UPC-A 049000042566 as 13 digits (zbar even calls it EAN-13)."""
    assert spelled("0049000042566", "ean13") == ("049000042566", "upca")
    assert spelled("0049000042566", "upca") == ("049000042566", "upca")
    assert spelled("4006381333931", "ean13") == ("4006381333931", "ean13")
    (candidate,) = pipeline.decode(frame("upca-3/01.png")).candidates
    assert (candidate.read.text, candidate.read.symbology) == ("049000042566", "upca")
    assert candidate.decoders == {"zbar", "zxing"}
    parsed = parse_scan(candidate.read.text, symbology=candidate.read.symbology)
    assert isinstance(parsed, ProductCode)
    assert parsed.gtin == "00049000042566"


def test_a_misread_check_digit_never_leaves_the_decoder() -> None:
    assert spelled("4006381333932", "ean13") is None
    assert spelled("0104412345678900", "databar") is None
    assert spelled("0104412345678909", "databar") == ("0104412345678909", "databar")


def test_every_spelling_of_one_product_has_one_key() -> None:
    keys = {read_key("01234565", "upce"), read_key("012345000065", "upca"),
            read_key("0012345000065", "ean13"), read_key("00012345000065", "databar")}
    assert keys == {"00012345000065"}
    assert read_key("0104412345678909", "databar") == "04412345678909"


def test_zbar_orientation_unknown_is_not_an_error() -> None:
    """pyzbar 0.1.9 reads zbar's -1 ("unknown") through a c_uint as 4294967295 and raises
    ValueError building its enum, losing the whole frame (pyzbar issue #139)."""
    assert orientation_of(4294967295) is None
    assert orientation_of(0) is True  # read along the rows
    assert orientation_of(1) is False


def test_a_symbol_of_unknown_orientation_is_still_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # Which real images make libzbar answer "unknown" depends on its build, so its answer is
    # forced here, for every symbol, at the one C call that pyzbar.decode would choke on.
    decoder = ZbarDecoder(ALL)
    monkeypatch.setattr(decoder._zbar, "zbar_symbol_get_orientation", lambda symbol: 4294967295)
    (read,) = decoder.decode(gray("ean8-1/1.png"))
    assert (read.text, read.across) == ("48512343", None)


def test_a_decoder_that_raises_loses_its_pass_not_the_frame(
        pipeline: DecodePipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    # zxing-cpp raising on a frame cannot be provoked on demand with a valid image, so its
    # entry point is made to raise as a corrupt frame would make it.
    def broken(*args: object, **kwargs: object) -> list[object]:
        raise RuntimeError("corrupt frame")

    monkeypatch.setattr(pipeline.zxing._zx, "read_barcodes", broken)
    result = pipeline.decode(frame("ean8-1/1.png"))
    assert [c.read.text for c in result.candidates] == ["48512343"]  # zbar's passes still count
    assert result.candidates[0].decoders == {"zbar"}
    assert result.failures == ("zxing-cpp could not decode a frame, because corrupt frame.",)


def test_only_the_enabled_symbologies_are_read() -> None:
    qr_only = DecodePipeline({"qrcode"})
    assert qr_only.decode(frame("ean8-1/1.png")).candidates == ()
    (candidate,) = qr_only.decode(frame("qrcode-2/17.png")).candidates
    assert candidate.read.symbology == "qrcode"
    no_upca = DecodePipeline({"ean13", "ean8", "upce"})
    assert no_upca.decode(frame("upca-3/01.png")).candidates == ()
