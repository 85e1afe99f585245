"""Fuzzing parse_scan: whatever a decoder hands over, the kiosk gets a typed answer, never a crash.

Two kinds of input: arbitrary text (control characters, every Unicode digit, separators), and
near-valid codes (real structures with one thing broken), which reach deep into the parsers
where random text never gets. Every ProductCode that comes out must name a well-formed GTIN-14.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.barcode import MAX_SCAN_LENGTH, parse_scan
from kiosk.core.codes import KioskCode, ProductCode, Rejected, ScanResult
from kiosk.core.gs1 import AI_TABLE
from kiosk.core.gtin import check_digit, with_check_digit
from kiosk.core.kioskqr import encode_kiosk_code
from kiosk.core.labels import LabelTemplate

GS = "\x1d"
DIGITS = "0123456789"
CSET82 = "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
ISO_DATE = re.compile(r"-?\d{4}-\d{2}-\d{2}")
TEMPLATES = (
    LabelTemplate.from_config("2IIIIIIVVVVVK", "weight", 3),
    LabelTemplate.from_config("28IIIIICVVVVK", "price", 2),
    LabelTemplate.from_config("22IIIICVVVVVK", "price", 2),
    LabelTemplate.from_config("02IIIIICVVVVK", "price", 2),
)
SYMBOLOGIES = ["EAN13", "EAN8", "UPCA", "UPCE", "UPC_E", "CODE128", "QRCODE", "DATABAR",
               "DATABAR_EXP", "DataBarExpanded", "DataMatrix", "ITF", "EANUPC", "CODE39", ""]

# Mostly no symbology or a real name, sometimes junk: a junk name stops every parse early.
symbologies = st.one_of(st.none(), st.none(), st.sampled_from(SYMBOLOGIES),
                        st.text(max_size=12))
options = st.fixed_dictionaries({
    "symbology": symbologies,
    "templates": st.sampled_from([(), TEMPLATES]),
    "currency_decimals": st.integers(0, 3),
    "reference_year": st.one_of(st.none(), st.integers(-10_000, 10_000)),
    "currency": st.sampled_from([None, "EUR", "JPY", "GBP"]),
})
junk_text = st.text(alphabet=st.one_of(
    st.characters(),  # everything but surrogates, control characters included
    st.sampled_from("0123456789٠١٢٣٤٥٦٧٨٩۰۱۲०१२０１２²\x1d\x00\r\n\t |()]/?=%&KSK1LCS"),
), max_size=MAX_SCAN_LENGTH + 20)


def assert_well_formed(result: ScanResult, text: str) -> None:
    assert isinstance(result, ProductCode | KioskCode | Rejected)
    assert result.raw == text[:MAX_SCAN_LENGTH]
    if isinstance(result, Rejected):
        assert result.code
        assert result.reason
    elif isinstance(result, ProductCode):
        assert len(result.gtin) == 14
        assert result.gtin.isascii()
        assert result.gtin.isdigit()
        assert int(result.gtin[-1]) == check_digit(result.gtin[:-1])
        assert result.price is None or result.price >= 0
        assert result.weight_g is None or result.weight_g >= 0
        assert result.expiry is None or ISO_DATE.fullmatch(result.expiry)


@settings(max_examples=500)
@given(text=junk_text, opts=options)
def test_arbitrary_text_never_raises(text: str, opts: dict) -> None:
    assert_well_formed(parse_scan(text, **opts), text)


@st.composite
def mutated(draw: st.DrawFn, base: st.SearchStrategy[str]) -> str:
    """A valid-looking code with nothing, or one character deleted, inserted or replaced."""
    text = draw(base)
    op = draw(st.sampled_from(["keep", "delete", "insert", "replace", "truncate"]))
    if op == "keep" or not text:
        return text
    at = draw(st.integers(0, len(text) - 1))
    char = draw(st.sampled_from(DIGITS + GS + "()/?=%|A \x00٣"))
    return {
        "delete": text[:at] + text[at + 1:],
        "insert": text[:at] + char + text[at:],
        "replace": text[:at] + char + text[at + 1:],
        "truncate": text[:at],
    }[op]


def digit_strings(low: int, high: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=DIGITS, min_size=low, max_size=high)


gtins = st.sampled_from([7, 11, 12, 13]).flatmap(lambda n: digit_strings(n, n)).map(with_check_digit)


@st.composite
def element(draw: st.DrawFn) -> tuple[str, str]:
    ai = draw(st.sampled_from(sorted(AI_TABLE)))
    spec = AI_TABLE[ai]
    size = draw(st.integers(max(0, spec.min_len - 1), spec.max_len + 1))
    if ai in ("01", "02"):
        return ai, draw(digit_strings(13, 13).map(with_check_digit))
    return ai, draw(st.text(alphabet=DIGITS if spec.numeric else CSET82, min_size=size,
                            max_size=size))


@st.composite
def element_strings(draw: st.DrawFn) -> str:
    elements = [("01", draw(digit_strings(13, 13).map(with_check_digit)))]
    elements += draw(st.lists(element(), max_size=4))
    if draw(st.booleans()):
        return "".join(f"({ai}){value}" for ai, value in elements)
    prefix = draw(st.sampled_from(["", "]C1", "]e0", "]d2", "]Q3", GS]))
    return prefix + GS.join(ai + value for ai, value in elements)


@st.composite
def digital_links(draw: st.DrawFn) -> str:
    host = draw(st.sampled_from(["id.gs1.org", "example.com", "a.b.c:8080"]))
    path = draw(st.sampled_from(["", "/shop", "/x/y"]))
    key = draw(gtins)
    pairs = draw(st.lists(element(), max_size=3))
    query = "&".join(f"{ai}={value}" for ai, value in draw(st.lists(element(), max_size=2)))
    rest = "".join(f"/{ai}/{value}" for ai, value in pairs)
    return f"https://{host}{path}/01/{key}{rest}" + (f"?{query}" if query else "")


@st.composite
def labels(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["2", "21", "22", "28", "02"]))
    return with_check_digit(prefix + draw(digit_strings(12 - len(prefix), 12 - len(prefix))))


kiosk_codes = st.builds(encode_kiosk_code, st.sampled_from(["loyalty", "coupon", "staff"]),
                        st.text(alphabet="ABCXYZ0123456789-._", min_size=1, max_size=20))
near_valid = mutated(st.one_of(gtins, element_strings(), digital_links(), labels(), kiosk_codes))


@settings(max_examples=400)
@given(text=near_valid, opts=options)
def test_near_valid_codes_never_raise(text: str, opts: dict) -> None:
    assert_well_formed(parse_scan(text, **opts), text)


@settings(max_examples=250)
@given(text=element_strings(), reference_year=st.integers(1900, 2200))
def test_element_strings_that_fit_the_table_name_their_gtin(text: str,
                                                            reference_year: int) -> None:
    result = parse_scan(text, reference_year=reference_year, currency="EUR")
    assert_well_formed(result, text)
    if isinstance(result, ProductCode):
        gtin = re.search(r"(?:\(01\)|^(?:\]..|\x1d)?01)(\d{14})", text)
        assert gtin is not None
        assert result.gtin == gtin.group(1)


SYMBOLOGY_BY_LENGTH = {8: "EAN8", 12: "UPCA", 13: "EAN13", 14: "ITF"}


@settings(max_examples=400)
@given(code=gtins)
def test_a_gtin_with_its_check_digit_parses_to_itself(code: str) -> None:
    for symbology in (SYMBOLOGY_BY_LENGTH[len(code)], None):
        result = parse_scan(code, symbology=symbology)
        assert isinstance(result, ProductCode), (code, symbology, result)
        assert result.gtin == code.zfill(14)


@settings(max_examples=400)
@given(body=digit_strings(12, 12), position=st.integers(0, 12), shift=st.integers(1, 9),
       symbology=st.sampled_from([None, "EAN13"]), templates=st.sampled_from([(), TEMPLATES]))
def test_any_single_digit_change_of_an_ean13_is_rejected(
    body: str, position: int, shift: int, symbology: str | None,
    templates: tuple[LabelTemplate, ...],
) -> None:
    code = with_check_digit(body)
    changed = code[:position] + str((int(code[position]) + shift) % 10) + code[position + 1:]
    result = parse_scan(changed, symbology=symbology, templates=templates)
    assert isinstance(result, Rejected)
    assert result.code == "bad-check-digit"
