"""GTIN check digits, UPC-E expansion and GTIN-14 normalisation, against real printed codes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core import gtin
from kiosk.core.codes import Rejected

Parser = Callable[[str], str | Rejected]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("400638133393", 1),  # EAN-13 4006381333931, a Stabilo pen
        ("590123412345", 7),  # EAN-13 5901234123457, the GS1 Poland example
        ("9638507", 4),  # EAN-8 96385074
        ("03600029145", 2),  # UPC-A 036000291452
        ("950110153100", 0),  # GS1 General Specifications GTIN-13 example
        ("9501234", 6),  # GS1 General Specifications GTIN-8 example
        ("37610425002123456", 9),  # GS1 General Specifications SSCC example
        ("0950600013435", 2),  # GTIN-14 09506000134352 used throughout GS1 Digital Link
    ],
)
def test_check_digit_matches_printed_codes(body: str, expected: int) -> None:
    assert gtin.check_digit(body) == expected


@pytest.mark.parametrize("body", ["", "12a4", "١٢٣"])
def test_check_digit_refuses_anything_but_ascii_digits(body: str) -> None:
    with pytest.raises(ValueError, match="ASCII digits"):
        gtin.check_digit(body)


@pytest.mark.parametrize(
    ("parse", "code", "expected"),
    [
        (gtin.ean13, "4006381333931", "04006381333931"),
        (gtin.ean13, "5901234123457", "05901234123457"),
        (gtin.ean8, "96385074", "00000096385074"),
        (gtin.upca, "036000291452", "00036000291452"),
        (gtin.upca, "0036000291452", "00036000291452"),  # as pyzbar reports a UPC-A
        (gtin.ean13, "0036000291452", "00036000291452"),  # the same item read as an EAN-13
        (gtin.upce, "04252614", "00042100005264"),
        (gtin.gtin14, "09506000134352", "09506000134352"),
        (gtin.normalise, "96385074", "00000096385074"),
        (gtin.normalise, "036000291452", "00036000291452"),
        (gtin.normalise, "4006381333931", "04006381333931"),
        (gtin.normalise, "09506000134352", "09506000134352"),
    ],
)
def test_valid_codes_normalise_to_gtin14(parse: Parser, code: str, expected: str) -> None:
    assert parse(code) == expected


@pytest.mark.parametrize(
    ("upce", "upca"),
    [
        ("04252614", "042100005264"),  # last digit 0-2: it is the third maker digit
        ("01234505", "012000003455"),  # last digit 0
        ("01234531", "012300000451"),  # last digit 3 (zxing upce-1/4.txt)
        ("01234446", "012340000046"),  # last digit 4
        ("01234565", "012345000065"),  # last digit 5-9: it is the last item digit (upce-1/1)
        ("00123457", "001234000057"),  # number system 0, upce-1/2.txt
    ],
)
def test_upce_expands_by_each_rule_and_compresses_back(upce: str, upca: str) -> None:
    assert gtin.expand_upce(upce) == upca
    assert gtin.compress_upca(upca) == upce
    assert gtin.upce(upce) == upca.zfill(14)


@pytest.mark.parametrize("upca", ["036000291452", "212345602997", "012345600017"])
def test_compress_upca_is_none_where_zero_suppression_cannot_apply(upca: str) -> None:
    assert gtin.compress_upca(upca) is None


def test_expand_upce_refuses_a_code_that_is_not_upce() -> None:
    with pytest.raises(ValueError, match="starting with 0 or 1"):
        gtin.expand_upce("24252614")


@pytest.mark.parametrize(
    ("parse", "code", "reject", "words"),
    [
        (gtin.ean13, "4006381333932", "bad-check-digit", "check digit 2 but its digits give 1"),
        (gtin.ean8, "96385075", "bad-check-digit", "check digit 5 but its digits give 4"),
        (gtin.upca, "036000291453", "bad-check-digit", "check digit 3 but its digits give 2"),
        (gtin.upce, "04252615", "bad-check-digit", "check digit 5 but its digits give 4"),
        (gtin.gtin14, "09506000134353", "bad-check-digit", "check digit 3 but its digits give 2"),
        (gtin.ean13, "400638133393", "bad-length", "has 13 digits, 400638133393 has 12"),
        (gtin.ean8, "9638507", "bad-length", "has 8 digits, 9638507 has 7"),
        (gtin.ean13, "", "bad-length", "got nothing"),
        (gtin.upca, "5036000291452", "bad-length", "starts with 5"),
        (gtin.upce, "24252614", "bad-number-system", "starts with 2"),
        (gtin.ean13, "40063813339a1", "not-digits", "'a'"),
        (gtin.ean13, "٤٠٠٦٣٨١٣٣٣٩٣١", "not-digits", "'٤'"),  # Arabic-Indic: isdigit() is True
        (gtin.ean8, "9638507４", "not-digits", "'４'"),  # a full-width digit
        (gtin.normalise, "1234567890", "bad-length", "8, 12, 13 or 14 digits"),
    ],
)
def test_bad_codes_are_rejected_with_what_is_wrong(parse: Parser, code: str, reject: str,
                                                   words: str) -> None:
    result = parse(code)
    assert isinstance(result, Rejected)
    assert result.code == reject
    assert words in result.reason


@settings(max_examples=300)
@given(body=st.text(alphabet="0123456789", min_size=7, max_size=13).filter(
    lambda b: len(b) in (7, 11, 12, 13)))
def test_any_body_with_its_check_digit_normalises_to_itself(body: str) -> None:
    code = gtin.with_check_digit(body)
    assert gtin.normalise(code) == code.zfill(14)


@settings(max_examples=300)
@given(body=st.text(alphabet="0123456789", min_size=12, max_size=12),
       position=st.integers(0, 12), shift=st.integers(1, 9))
def test_any_single_digit_change_of_an_ean13_is_caught(body: str, position: int,
                                                       shift: int) -> None:
    code = gtin.with_check_digit(body)
    changed = code[:position] + str((int(code[position]) + shift) % 10) + code[position + 1:]
    result = gtin.ean13(changed)
    assert isinstance(result, Rejected)
    assert result.code == "bad-check-digit"


@settings(max_examples=300)
@given(ns=st.sampled_from("01"), middle=st.text(alphabet="0123456789", min_size=6, max_size=6))
def test_upce_expansion_round_trips_through_compression(ns: str, middle: str) -> None:
    body = ns + middle
    upca = gtin.expand_upce(body + "0")
    check = str(gtin.check_digit(upca[:-1]))
    code = body + check
    expanded = gtin.expand_upce(code)
    compressed = gtin.compress_upca(expanded)
    # Some UPC-A have two UPC-E spellings (last digit 3 with a third digit 0-2 is also a
    # last-digit-0-2 code); compression gives the canonical one, which expands the same way.
    assert compressed is not None
    assert gtin.expand_upce(compressed) == expanded
    assert gtin.upce(code) == expanded.zfill(14)


@settings(max_examples=300)
@given(ns=st.sampled_from("01"),
       rest=st.lists(st.sampled_from("000000000000123456789"), min_size=10, max_size=10))
def test_compressible_upca_expands_back_to_itself(ns: str, rest: list[str]) -> None:
    upca = gtin.with_check_digit(ns + "".join(rest))
    compressed = gtin.compress_upca(upca)
    if compressed is not None:
        assert gtin.expand_upce(compressed) == upca
