"""GS1 element strings (raw, with symbology identifiers, parenthesised) and GS1 Digital Link."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.core.codes import ProductCode, Rejected
from kiosk.core.gs1 import (
    AI_TABLE,
    PREDEFINED_LENGTH,
    gs1_date,
    parse_digital_link,
    parse_element_string,
)

GS = "\x1d"


def read(text: str, **options: Any) -> ProductCode:
    result = parse_element_string(text, **options)
    assert isinstance(result, ProductCode), result
    return result


def refused(text: str, **options: Any) -> Rejected:
    result = parse_element_string(text, **options)
    assert isinstance(result, Rejected), result
    return result


def test_the_gs1_datamatrix_example_in_every_spelling() -> None:
    """GS1 DataMatrix Guideline example: GTIN, expiry 4 July 2014, batch AB-123."""
    expected = ProductCode(gtin="09501101530003", source="gs1", batch="AB-123",
                           expiry="2014-07-04")
    assert read("(01)09501101530003(17)140704(10)AB-123") == expected
    assert read("]d2010950110153000317140704" + "10AB-123") == expected
    assert read(GS + "01095011015300031714070410AB-123") == expected  # FNC1 shown as GS
    assert read("0109501101530003" + "10AB-123" + GS + "17140704") == expected  # 10 needs a GS


@pytest.mark.parametrize("prefix", ["]C1", "]e0", "]d2", "]Q3", "]J1"])
def test_gs1_symbology_identifiers_are_accepted(prefix: str) -> None:
    result = read(prefix + "0109506000134352" + "10ABC" + GS + "21XYZ")
    assert (result.gtin, result.batch, result.serial) == ("09506000134352", "ABC", "XYZ")


def test_a_needless_gs_after_a_fixed_length_element_is_tolerated() -> None:
    assert read("]C10109506000134352" + GS + "17260101").expiry == "2026-01-01"


@pytest.mark.parametrize(
    ("text", "grams"),
    [
        ("(01)09506000134352(3103)000450", 450),  # 0.450 kg
        ("(01)09506000134352(3102)000450", 4500),  # 4.50 kg
        ("(01)09506000134352(3100)000002", 2000),  # 2 kg
        ("(01)09506000134352(3105)012345", 123),  # 0.12345 kg = 123.45 g
        ("(01)09506000134352(3105)012350", 124),  # 123.50 g rounds half up
        ("(01)90012345678908(3202)001750", 7938),  # 17.50 lb = 7937.87 g (rssexpanded-1/16)
    ],
)
def test_net_weight_in_grams_with_integer_rounding(text: str, grams: int) -> None:
    assert read(text).weight_g == grams


@pytest.mark.parametrize(
    ("text", "currency_decimals", "currency", "price"),
    [
        ("(01)90012345678908(3922)795", 2, None, 795),  # 7.95 (zxing rssexpanded-1/13.txt)
        ("(01)90012345678908(3921)1234", 2, None, 12340),  # 123.4
        ("(01)90012345678908(3922)795", 0, None, 8),  # 7.95 in a 0-decimal currency, half up
        ("(01)90012345678908(3932)9781234", 2, "EUR", 1234),  # 12.34 EUR, stated as 978
        ("(01)90012345678908(3930)3921500", 0, "JPY", 1500),
    ],
)
def test_prices_in_minor_units(text: str, currency_decimals: int, currency: str | None,
                               price: int) -> None:
    assert read(text, currency_decimals=currency_decimals, currency=currency).price == price


def test_a_price_in_another_currency_is_refused() -> None:
    # zxing rssexpanded-1/14.txt: 12.34 in ISO 4217 040, the Austrian schilling.
    rejected = refused("(01)90012345678908(3932)0401234", currency="EUR")
    assert rejected.code == "wrong-currency"
    assert "040" in rejected.reason
    assert "EUR" in rejected.reason
    assert refused("(01)90012345678908(3932)9781234").code == "wrong-currency"  # currency unknown


@pytest.mark.parametrize(
    ("ai", "value", "reference_year", "iso"),
    [
        ("17", "260101", 2026, "2026-01-01"),
        ("17", "240200", 2026, "2024-02-29"),  # DD=00: last day, leap year
        ("17", "250200", 2026, "2025-02-28"),
        ("15", "261100", 2026, "2026-11-30"),
        ("17", "760101", 2026, "2076-01-01"),  # 50 years ahead: still this century
        ("17", "770101", 2026, "1977-01-01"),  # 51 years ahead: the previous century
        ("17", "991231", 2026, "1999-12-31"),
        ("17", "050101", 2090, "2105-01-01"),  # 85 years back from 90: the next century
        ("17", "991231", None, "2099-12-31"),  # no reference year: 20YY
        ("17", "000229", None, "2000-02-29"),  # 2000 is a leap year (divisible by 400)
    ],
)
def test_dates_and_the_century_rule(ai: str, value: str, reference_year: int | None,
                                    iso: str) -> None:
    assert gs1_date(ai, value, reference_year) == iso


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("(01)09506000134352(17)261301", "month 13"),
        ("(01)09506000134352(17)250229", "day 29, but 2025-02 has days 01 to 28"),
        ("(01)09506000134352(17)260431", "day 31"),
        ("(01)09506000134352(11)260400", "day 00"),  # production date: no DD=00 in GS1
        ("(01)09506000134352(17)260001", "month 00"),
    ],
)
def test_impossible_dates_are_rejected(text: str, words: str) -> None:
    rejected = refused(text, reference_year=2026)
    assert rejected.code == "bad-date"
    assert words in rejected.reason


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("(19)123456", "unknown-ai", "(19)"),
        ("]C1" + "8101054321120021123456", "unknown-ai", "'8101'"),  # zxing code128-1/5.txt
        ("]C1" + "010950600013435", "truncated-element", "AI (01) needs 14 characters"),
        ("(17)2601", "truncated-element", "AI (17) needs 6 characters, got 4"),
        ("]C1" + "0109506000134352" + "10" + GS + "21X", "truncated-element", "AI (10)"),
        ("]C1", "truncated-element", "no elements"),
        ("(10)" + "A" * 21, "bad-element", "at most 20 characters, got 21"),
        ("(01)09506000134352(10)AB CD", "bad-element", "' '"),
        ("(01)09506000134352(17)26AB01", "bad-element", "digits only"),
        ("(10)ABC(17)260101", "missing-gtin", "(10), (17)"),
        ("(11)100224(17)110224(3102)000100", "missing-gtin", "no GTIN"),  # rssexpanded-1/1.txt
        ("(01)09506000134352(10)A(10)B", "duplicate-ai", "'A' and 'B'"),
        ("(01)09506000134352(3103)000450(3102)000045", "duplicate-ai", "two net weights"),
        ("(01)09506000134352(3922)100(3932)978100", "duplicate-ai", "two prices"),
        ("(01)09506000134353", "bad-check-digit", "check digit 3 but its digits give 2"),
        ("(00)106141412345678909(01)09506000134352", "bad-check-digit", "AI (00)"),
        ("(AB)(01)09506000134352", "unrecognised", "before the first (AI)"),
    ],
)
def test_bad_element_strings_are_rejected_for_what_is_wrong(text: str, code: str,
                                                            words: str) -> None:
    rejected = refused(text)
    assert rejected.code == code
    assert words in rejected.reason


def test_the_same_ai_twice_with_the_same_value_is_harmless() -> None:
    assert read("(01)09506000134352(10)A(10)A").batch == "A"


def test_the_ai_table_is_prefix_free_so_raw_strings_split_one_way() -> None:
    clashes = [(a, b) for a in AI_TABLE for b in AI_TABLE if a != b and b.startswith(a)]
    assert clashes == []


def test_predefined_lengths_agree_with_the_ai_table() -> None:
    """A raw parser cuts predefined-length AIs by the table; their specs must say the same."""
    wrong = [ai for ai, spec in AI_TABLE.items() if ai[:2] in PREDEFINED_LENGTH
             and not spec.min_len == spec.max_len == PREDEFINED_LENGTH[ai[:2]] - len(ai)]
    assert wrong == []


def dl(text: str, **options: Any) -> ProductCode | Rejected:
    return parse_digital_link(text, **options)


def test_digital_link_standard_example() -> None:
    result = dl("https://example.com/01/09506000134352/10/ABC/21/12345?17=180426",
                reference_year=2026)
    assert result == ProductCode(gtin="09506000134352", source="digital-link", batch="ABC",
                                 serial="12345", expiry="2018-04-26")


@pytest.mark.parametrize(
    "uri",
    [
        "https://id.gs1.org/01/09506000134352",
        "http://ID.EXAMPLE.COM/01/09506000134352/",
        "https://brand.example.com/some/path/01/09506000134352?linkType=gs1:pip",
        "HTTPS://example.com/01/9506000134352",  # GTIN-13 in the URI: padded to 14
    ],
)
def test_digital_link_any_host_prefix_and_gtin_length(uri: str) -> None:
    result = dl(uri)
    assert isinstance(result, ProductCode)
    assert result.gtin == "09506000134352"


def test_digital_link_percent_decoding_and_query_ais() -> None:
    result = dl("https://example.com/01/09506000134352/10/AB%2F12?3103=000450&17=260100&x=1")
    assert isinstance(result, ProductCode)
    assert (result.batch, result.weight_g, result.expiry) == ("AB/12", 450, "2026-01-31")


@pytest.mark.parametrize(
    ("uri", "code", "words"),
    [
        ("https://example.com/01/09506000134352/10", "truncated-element", "/10/ and no value"),
        ("https://example.com/01/09506000134352/19/5", "unknown-ai", "/19/"),
        ("https://example.com/01/09506000134352?8101=1", "unknown-ai", "?8101="),
        ("https://example.com/01/09506000134352/10/%FF", "bad-element", "not UTF-8"),
        ("https://example.com/01/09506000134352/10/%C3%A9", "bad-element", "'é'"),
        ("https://example.com/01/09506000134353", "bad-check-digit", "AI (01)"),
        ("https://example.com/00/106141412345678908", "missing-gtin", "(00)"),
        ("https://example.com/01/09506000134352?17=261301", "bad-date", "month 13"),
        ("http://www.google.com/", "unrecognised", "not a GS1 Digital Link"),
        ("http://[::1/01/09506000134352", "unrecognised", "malformed"),
    ],
)
def test_bad_digital_links_are_rejected_for_what_is_wrong(uri: str, code: str,
                                                          words: str) -> None:
    rejected = dl(uri)
    assert isinstance(rejected, Rejected)
    assert rejected.code == code
    assert words in rejected.reason
