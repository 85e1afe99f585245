"""parse_scan, the session's one entry point: dispatch by symbology and by content, junk refused.

The decoded texts below are copied from the zxing black-box test images kept in
../shared/data/barcodes/ (a user's clone does not have that folder); each comment names the
file. Where the real decoders give another spelling of the same code (pyzbar: UPC-A and UPC-E
as 13 digits and DataBar without parentheses; zxing-cpp: UPC-E as 13 digits, DataBar in
parentheses), that spelling is tested too.
"""

from __future__ import annotations

import pytest

from kiosk.core.barcode import MAX_SCAN_LENGTH, parse_scan, symbology_family
from kiosk.core.codes import KioskCode, KioskCodeKind, ProductCode, Rejected
from kiosk.core.gtin import with_check_digit
from kiosk.core.kioskqr import encode_kiosk_code
from kiosk.core.labels import LabelTemplate, price_check_digit

GS = "\x1d"

# The [[barcode.templates]] of config/kiosk.toml, as the session builds them.
CONFIG_TEMPLATES = [
    {"name": "weight label (FR scales)", "pattern": "2IIIIIIVVVVVK", "kind": "weight",
     "decimals": 3},
    {"name": "price label with verifier digit", "pattern": "22IIIICVVVVVK", "kind": "price",
     "decimals": 2},
    {"name": "US random weight", "pattern": "02IIIIICVVVVK", "kind": "price", "decimals": 2},
]
TEMPLATES = [LabelTemplate.from_config(**entry) for entry in CONFIG_TEMPLATES]

# (symbology as a decoder names it, text of the .txt file, GTIN-14 it names)
REAL_RETAIL_CODES = [
    ("EAN13", "9780804816632", "09780804816632"),  # ean13-2/01.txt
    ("EAN13", "9780345348036", "09780345348036"),  # ean13-2/08.txt
    ("EAN13", "9784872348880", "09784872348880"),  # ean13-2/13.txt
    ("EAN13", "1920081045006", "01920081045006"),  # ean13-2/23.txt
    ("EAN8", "48512343", "00000048512343"),  # ean8-1/1.txt
    ("EAN8", "12345670", "00000012345670"),  # ean8-1/2.txt
    ("EAN8", "67678983", "00000067678983"),  # ean8-1/4.txt
    ("EAN8", "80674313", "00000080674313"),  # ean8-1/5.txt
    ("EAN8", "59001270", "00000059001270"),  # ean8-1/6.txt
    ("EAN8", "50487066", "00000050487066"),  # ean8-1/7.txt
    ("EAN8", "55123457", "00000055123457"),  # ean8-1/8.txt
    ("UPCA", "049000042566", "00049000042566"),  # upca-3/01.txt
    ("UPCA", "854818000116", "00854818000116"),  # upca-3/11.txt
    ("EAN13", "0049000042566", "00049000042566"),  # upca-3/01 as pyzbar reads it
    ("UPCE", "01234565", "00012345000065"),  # upce-1/1.txt
    ("UPCE", "00123457", "00001234000057"),  # upce-1/2.txt
    ("UPCE", "01234531", "00012300000451"),  # upce-1/4.txt
    ("UPCE", "0012345000065", "00012345000065"),  # upce-1/1 as zxing-cpp and pyzbar read it
    ("UPCE", "05096893", "00050968000093"),  # upce-2/01.txt
    ("UPCE", "04963406", "00049000006346"),  # upce-2/08.txt
    ("UPCE", "04124498", "00041244000098"),  # upce-2/16.txt
    ("UPCE", "01264904", "00012000006494"),  # upce-2/31.txt
    ("DATABAR", "04412345678909", "04412345678909"),  # rss14-1/1.txt
    ("DATABAR", "00821935106427", "00821935106427"),  # rss14-1/2.txt
    ("DATABAR", "00075678164125", "00075678164125"),  # rss14-1/3.txt
    ("DATABAR", "20012345678909", "20012345678909"),  # rss14-1/4.txt
    ("DATABAR", "00034567890125", "00034567890125"),  # rss14-1/5.txt
    ("DATABAR", "00012345678905", "00012345678905"),  # rss14-1/6.txt
    ("DATABAR", "(01)04412345678909", "04412345678909"),  # rss14-1/1 as zxing-cpp reads it
    ("DATABAR", "0104412345678909", "04412345678909"),  # rss14-1/1 as pyzbar reads it
    ("DataBarOmni", "(01)00821935106427", "00821935106427"),  # zxing-cpp's name for it
]


@pytest.mark.parametrize(("symbology", "text", "expected"), REAL_RETAIL_CODES)
def test_real_decoded_retail_codes_name_their_product(symbology: str, text: str,
                                                      expected: str) -> None:
    result = parse_scan(text, symbology=symbology, templates=TEMPLATES)
    assert isinstance(result, ProductCode), result
    assert result.gtin == expected
    assert result.raw == text


# rssexpanded-1/*.txt that hold a GTIN (01): what the kiosk reads from each.
REAL_EXPANDED_CODES = [
    ("(01)98898765432106(15)991231(3103)001750(10)12A(422)123(21)123456(423)012345678901",
     "98898765432106", {"weight_g": 1750, "batch": "12A", "serial": "123456"}),  # 10.txt
    ("(01)98898765432106(3103)001750", "98898765432106", {"weight_g": 1750}),  # 12.txt
    ("(01)90012345678908(3922)795", "90012345678908", {"price": 795}),  # 13.txt
    ("(01)90012345678908(3102)001750(11)100312", "90012345678908", {"weight_g": 17500}),  # 15
    ("(01)90012345678908(3202)001750(17)100312", "90012345678908",
     {"weight_g": 7938, "expiry": "2010-03-12"}),  # 22.txt: 17.50 lb
    ("(01)98898765432106(3202)012345(15)991231", "98898765432106", {"weight_g": 55996}),  # 4.txt: 123.45 lb
    ("(01)90614141000015(3202)000150", "90614141000015", {"weight_g": 680}),  # 5.txt
    ("(10)567(01)90012345678908(11)010101", "90012345678908", {"batch": "567"}),  # 6.txt
    # 11.txt as pyzbar reads it: no parentheses, GS after the variable-length fields.
    ("01988987654321061599123131030017501012A" + GS + "422123" + GS + "21123456",
     "98898765432106", {"weight_g": 1750, "batch": "12A", "serial": "123456"}),
]


@pytest.mark.parametrize(("text", "gtin", "fields"), REAL_EXPANDED_CODES)
def test_real_databar_expanded_codes(text: str, gtin: str, fields: dict[str, object]) -> None:
    result = parse_scan(text, symbology="DATABAR_EXP", reference_year=2026)
    assert isinstance(result, ProductCode), result
    assert result.gtin == gtin
    assert {name: getattr(result, name) for name in fields} == fields
    assert parse_scan(text, symbology="DataBarExpanded", reference_year=2026) == result


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("(11)100224(17)110224(3102)000100", "missing-gtin"),  # rssexpanded-1/1.txt
        ("(10)1098/1234", "missing-gtin"),  # rssexpanded-1/28.txt
        ("(420)azaaaaa\"agaa&a3", "missing-gtin"),  # rssexpanded-1/33.txt: ship-to postcode
        ("(01)90012345678908(3932)0401234", "wrong-currency"),  # 14.txt: Austrian schillings
    ],
)
def test_real_databar_expanded_codes_that_name_no_sellable_item(text: str, code: str) -> None:
    """These decode fine but cannot go in a basket: no GTIN, or a price in another currency."""
    result = parse_scan(text, symbology="DATABAR_EXP", currency="EUR")
    assert isinstance(result, Rejected)
    assert result.code == code


@pytest.mark.parametrize(
    ("text", "source", "gtin"),
    [
        ("4006381333931", "ean13", "04006381333931"),
        ("5901234123457", "ean13", "05901234123457"),
        ("96385074", "ean8", "00000096385074"),
        ("036000291452", "upca", "00036000291452"),
        ("0036000291452", "ean13", "00036000291452"),
        ("04252614", "upce", "00042100005264"),  # no EAN-8 check digit fits, UPC-E does
        ("09506000134352", "gtin14", "09506000134352"),
        ("]E04006381333931", "ean13", "04006381333931"),
        ("]E496385074", "ean8", "00000096385074"),
        ("]C1" + "0109506000134352", "gs1", "09506000134352"),
        ("(01)09506000134352(10)ABC", "gs1", "09506000134352"),
        ("0109506000134352" + "10ABC", "gs1", "09506000134352"),  # GS1-128 from pyzbar
        ("https://id.gs1.org/01/09506000134352", "digital-link", "09506000134352"),
        ("]Q1https://id.gs1.org/01/09506000134352", "digital-link", "09506000134352"),
        ("4006381333931\r\n", "ean13", "04006381333931"),  # keyboard-wedge line ending
    ],
)
def test_without_a_symbology_the_content_decides(text: str, source: str, gtin: str) -> None:
    result = parse_scan(text)
    assert isinstance(result, ProductCode), result
    assert (result.source, result.gtin) == (source, gtin)


def test_kiosk_codes_are_recognised_in_any_2d_symbology() -> None:
    text = encode_kiosk_code(KioskCodeKind.STAFF, "EMP_0042")
    expected = KioskCode(kind=KioskCodeKind.STAFF, payload="EMP_0042", raw=text)
    assert parse_scan(text) == expected
    assert parse_scan(text, symbology="QRCODE") == expected
    assert parse_scan(text, symbology="DataMatrix") == expected


@pytest.mark.parametrize(
    ("name", "family"),
    [("EAN13", "ean13"), ("ean_13", "ean13"), ("EAN-8", "ean8"), ("UPC_A", "upca"),
     ("UPCE", "upce"), ("DATABAR", "databar"), ("DataBarLtd", "databar"),
     ("DATABAR_EXP", "gs1"), ("DataBarExpanded", "gs1"), ("RSS_EXPANDED", "gs1"),
     ("CODE128", "content"), ("QRCODE", "content"), ("QR_CODE", "content"),
     ("DataMatrix", "content"), ("BarcodeFormat.EAN13", "ean13"), ("I25", "itf"),
     ("CODE39", None), ("codabar", None), ("", None)],
)
def test_symbology_names_from_pyzbar_and_zxing(name: str, family: str | None) -> None:
    assert symbology_family(name) == family


def test_labels_are_read_through_the_config_templates() -> None:
    weight = parse_scan("2123456012347", symbology="EAN13", templates=TEMPLATES)
    assert weight == ProductCode(gtin="02123456000009", source="label", weight_g=1234,
                                 raw="2123456012347")
    price = parse_scan("2212341012347", templates=TEMPLATES)
    assert isinstance(price, ProductCode)
    assert (price.source, price.price) == ("label", 1234)


def test_a_us_random_weight_upca_is_read_as_a_label_in_both_spellings() -> None:
    upca = "212345602997"  # 2 12345 6 0299 7: 2.99 USD, verifier 6
    for text, symbology in ((upca, "UPCA"), ("0" + upca, "EAN13"), (upca, None)):
        result = parse_scan(text, symbology=symbology, templates=TEMPLATES)
        assert isinstance(result, ProductCode), (text, result)
        assert (result.source, result.price) == ("label", 299)


def test_an_in_store_code_without_a_template_is_a_plain_ean13() -> None:
    code = with_check_digit("291234567890")
    result = parse_scan(code, templates=TEMPLATES[1:])
    assert isinstance(result, ProductCode)
    assert (result.source, result.gtin) == ("ean13", "0" + code)


def test_a_misread_label_price_is_rejected() -> None:
    value = "01234"
    misread = with_check_digit("22" + "1234" + str(price_check_digit(value)) + "01235")
    result = parse_scan(misread, templates=TEMPLATES)
    assert isinstance(result, Rejected)
    assert result.code == "bad-price-check-digit"
    assert "01235" in result.reason


@pytest.mark.parametrize(
    ("text", "symbology", "code", "words"),
    [
        ("", None, "empty", "no characters"),
        (" \t\r\n", None, "empty", "only blanks"),
        ("4" * (MAX_SCAN_LENGTH + 1), None, "too-long", f"{MAX_SCAN_LENGTH + 1} characters"),
        ("4006381\x00333931", None, "control-characters", "U+0000"),
        ("4006381333931\x1b", None, "control-characters", "U+001B"),
        ("٤٠٠٦٣٨١٣٣٣٩٣١", None, "not-digits", "U+0664"),  # Arabic-Indic digits
        ("400638133393١", "EAN13", "not-digits", "U+0661"),  # one Arabic-Indic digit at the end
        ("４００６３８１３３３９３１", None, "not-digits", "U+FF14"),  # full-width digits
        ("Grüße", None, "unrecognised", "'ü'"),
        ("Code 128", "CODE128", "unrecognised", "not a product barcode"),  # code128-1/2.txt
        ("MECARD:N:Sean Owen;TEL:+12125658770;;", "QRCODE", "unrecognised", "kiosk code"),
        ("http://www.google.com/", "QRCODE", "unrecognised", "not a GS1 Digital Link"),
        ("2021200000", "QRCODE", "bad-length", "10 digits"),  # qrcode-2/5.txt
        ("0123456789", "DataMatrix", "bad-length", "10 digits"),  # datamatrix-1/0123456789.txt
        ("4006381333932", "EAN13", "bad-check-digit", "check digit 2 but its digits give 1"),
        ("4006381333932", None, "bad-check-digit", "check digit 2 but its digits give 1"),
        ("400638133393", "EAN13", "bad-length", "has 13 digits"),
        ("40063813339a1", "EAN13", "not-digits", "'a'"),
        ("12345678", None, "bad-check-digit", "read as UPC-E instead"),
        ("04252614", "EAN8", "bad-check-digit", "check digit 4 but its digits give 0"),
        ("24252614", "UPCE", "bad-number-system", "starts with 2"),
        ("4006381333931", "CODE39", "unsupported-symbology", "'CODE39'"),
        ("]C1", None, "truncated-element", "no elements"),
        ("]Q1", None, "unrecognised", "no code after it"),
        ("]Q1]Q1x", None, "unrecognised", "no code after it"),
    ],
)
def test_junk_and_bad_codes_are_rejected_with_a_reason(text: str, symbology: str | None,
                                                       code: str, words: str) -> None:
    result = parse_scan(text, symbology=symbology)
    assert isinstance(result, Rejected)
    assert result.code == code
    assert words in result.reason
    assert result.raw == text[:MAX_SCAN_LENGTH]


def test_gs1_dates_use_the_reference_year_passed_in() -> None:
    text = "(01)09506000134352(17)770101"
    with_year = parse_scan(text, reference_year=2026)
    without = parse_scan(text)
    assert isinstance(with_year, ProductCode)
    assert isinstance(without, ProductCode)
    assert (with_year.expiry, without.expiry) == ("1977-01-01", "2077-01-01")
