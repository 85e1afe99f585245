"""In-store price and weight labels: GS1 verifier digits, template notation, lookup keys.

Verifier examples are the GS1 General Specifications' own (7.9.3: 2875 -> 9; 7.9.4:
14685 -> 6) and ones worked by hand in the comments from the weighting tables.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.codes import ProductCode, Rejected
from kiosk.core.gtin import with_check_digit
from kiosk.core.labels import (
    LabelTemplate,
    find_template,
    price_check_digit,
    price_check_digit_4,
    price_check_digit_5,
    read_label,
    rescale,
)

# France: scales print 2 + six item digits + the weight in grams (no verifier).
FR_WEIGHT = LabelTemplate.from_config("2IIIIIIVVVVVK", "weight", 3, "FR scales")
# Germany: 28 + five item digits + verifier + price in cents, 4 digits.
DE_PRICE = LabelTemplate.from_config("28IIIIICVVVVK", "price", 2, "DE price label")
# UK chains: 22 + four item digits + verifier + price in pence, 5 digits.
UK_PRICE = LabelTemplate.from_config("22IIIICVVVVVK", "price", 2, "UK price label")
# US random weight, a UPC-A with number system 2 as 13 digits: item, verifier, 4-digit price.
US_PRICE = LabelTemplate.from_config("02IIIIICVVVVK", "price", 2, "US random weight")
TEMPLATES = (FR_WEIGHT, DE_PRICE, UK_PRICE, US_PRICE)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2875", 9),  # GS1 GenSpecs 7.9.3 example
        # 0149: 2- gives 0, 2; 3 gives 4x3=12 -> 2; 5- gives 9x5=45 -> 5-4=1; (0+2+2+1)x3=15 -> 5
        ("0149", 5),
        # 0299: 0, 2x2=4, 9x3=27 -> 7, 9x5=45 -> 1; sum 12, x3 = 36 -> 6
        ("0299", 6),
    ],
)
def test_four_digit_verifier(value: str, expected: int) -> None:
    assert price_check_digit_4(value) == expected
    assert price_check_digit(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("14685", 6),  # GS1 GenSpecs 7.9.4 example
        # 01234: 5+ 0 -> 0; 2- 1 -> 2; 5- 2 -> 10 -> 0-1 = 9; 5+ 3 -> 15 -> 6; 2- 4 -> 8.
        # Sum 25, up to 30 leaves 5; the digit whose 5- product is 5 is 1.
        ("01234", 1),
        ("00000", 0),
    ],
)
def test_five_digit_verifier(value: str, expected: int) -> None:
    assert price_check_digit_5(value) == expected
    assert price_check_digit(value) == expected


@pytest.mark.parametrize(
    ("verifier", "value"),
    [(price_check_digit_4, "123"), (price_check_digit_4, "12a4"), (price_check_digit_5, "1234"),
     (price_check_digit_5, "١٢٣٤٥")],
)
def test_verifier_needs_four_or_five_ascii_digits(verifier: Callable[[str], int],
                                                  value: str) -> None:
    with pytest.raises(ValueError, match=r"needs [45] digits"):
        verifier(value)


def test_french_weight_label_gives_grams_and_the_lookup_key() -> None:
    # 2 123456 01234 7: item 123456, 1.234 kg; check digit 7 over 212345601234.
    result = read_label("2123456012347", TEMPLATES, 2)
    assert result == ProductCode(gtin="02123456000009", source="label", weight_g=1234)


def test_german_price_label_with_its_verifier() -> None:
    # 28 12345 5 0149 8: price 1.49 EUR, verifier 5 (worked above), EAN check digit 8.
    result = read_label("2812345501498", TEMPLATES, 2)
    assert result == ProductCode(gtin="02812345000007", source="label", price=149)
    assert result.gtin == "0" + with_check_digit("281234500000")


def test_uk_price_label_with_five_digit_verifier() -> None:
    # 22 1234 1 01234 7: price 12.34 GBP, 5-digit verifier 1 (worked above).
    result = read_label("2212341012347", TEMPLATES, 2)
    assert isinstance(result, ProductCode)
    assert result.price == 1234
    assert result.gtin == "0" + with_check_digit("221234000000")


def test_us_random_weight_upca_in_thirteen_digits() -> None:
    # UPC-A 2 12345 6 0299 7 reported as 0212345602997: item 12345, 2.99 USD.
    result = read_label("0212345602997", TEMPLATES, 2)
    assert isinstance(result, ProductCode)
    assert result.price == 299


def test_a_wrong_verifier_is_rejected_even_when_the_ean_check_digit_fits() -> None:
    # The price misread as 0148 with the EAN check digit recomputed: only the verifier sees it.
    label = with_check_digit("281234550148")
    result = read_label(label, TEMPLATES, 2)
    assert isinstance(result, Rejected)
    assert result.code == "bad-price-check-digit"
    assert "verifier digit 5 but should have 0" in result.reason
    assert "0148" in result.reason


def test_the_same_item_at_two_prices_has_one_lookup_key() -> None:
    cheap = read_label(with_check_digit("28123455" + "0149"), TEMPLATES, 2)  # verifier 5
    dear = read_label(with_check_digit("28123456" + "0299"), TEMPLATES, 2)  # verifier 6
    assert isinstance(cheap, ProductCode)
    assert isinstance(dear, ProductCode)
    assert (cheap.price, dear.price) == (149, 299)
    assert cheap.gtin == dear.gtin


def test_codes_outside_the_templates_are_left_to_plain_ean13() -> None:
    assert read_label("4006381333931", TEMPLATES, 2) is None  # not in 20-29
    assert read_label("2123456012347", (DE_PRICE,), 2) is None  # 21 matches no template here


def test_the_longest_prefix_wins_whatever_the_config_order() -> None:
    catch_all = LabelTemplate.from_config("2IIIIIIVVVVVK", "weight", 3)
    specific = LabelTemplate.from_config("28IIIIICVVVVK", "price", 2)
    assert find_template((catch_all, specific), "2812345501498") is specific
    assert find_template((catch_all, specific), "2712345501498") is catch_all
    twin = LabelTemplate.from_config("28IIIIIIVVVVK", "price", 2)
    assert find_template((specific, twin), "2812345501498") is specific  # ties: config order


@pytest.mark.parametrize(
    ("kind", "decimals", "currency_decimals", "label_body", "expected"),
    [
        ("weight", 2, 2, "212345600123", (None, 1230)),  # 1.23 kg in 10 g steps
        ("weight", 3, 2, "212345600123", (None, 123)),
        ("price", 3, 2, "212345612345", (1235, None)),  # 12.345 rounds half up to 12.35
        ("price", 2, 3, "212345612345", (123450, None)),  # into a 3-decimal currency (KWD)
        ("price", 0, 0, "212345612345", (12345, None)),  # yen
    ],
)
def test_values_are_converted_with_integer_arithmetic(
    kind: str, decimals: int, currency_decimals: int, label_body: str,
    expected: tuple[int | None, int | None],
) -> None:
    template = LabelTemplate.from_config("2IIIIIIVVVVVK", kind, decimals)
    result = read_label(with_check_digit(label_body), (template,), currency_decimals)
    assert isinstance(result, ProductCode)
    assert (result.price, result.weight_g) == expected


def test_rescale_rounds_half_up_both_ways() -> None:
    assert rescale(12345, 5, 3) == 123  # 0.12345 kg -> 123.45 g
    assert rescale(12350, 5, 3) == 124  # 123.50 g -> 124
    assert rescale(7, 0, 2) == 700


@pytest.mark.parametrize(
    ("pattern", "kind", "decimals", "words"),
    [
        ("2IIIIIIVVVVK", "weight", 3, "12 characters, a label has 13"),
        ("2IIIIIIVVVVVKK", "weight", 3, "14 characters"),
        ("2IIIIIPVVVVVK", "price", 2, "'P' is not a pattern letter"),
        ("2IIIIIIVVVVVV", "weight", 3, "check digit K must be the last"),
        ("2IIIIKIVVVVVK", "weight", 3, "check digit K must be the last"),
        ("2III5IIVVVVVK", "weight", 3, "literal digits must all come first"),
        ("1IIIIIIVVVVVK", "weight", 3, "must start with 2"),
        ("2IIIIIIIIIIIK", "weight", 3, "no value digits V"),
        ("2IIVVIIVVVIIK", "weight", 3, "one unbroken run"),
        ("2CVVVVVVVVVVK", "weight", 3, "no item reference digits I"),
        ("2IIIICCVVVVVK", "price", 2, "more than one verifier digit C"),
        ("2IIIIIIICVVVK", "price", 2, "covers 4 or 5 value digits, this pattern has 3"),
        ("2IIIIIIVVVVVK", "volume", 3, "kind must be 'price' or 'weight'"),
        ("2IIIIIIVVVVVK", "weight", -1, "decimals must be a whole number"),
        ("2IIIIIIVVVVVK", "weight", True, "decimals must be a whole number"),
    ],
)
def test_malformed_templates_are_refused_with_the_reason(pattern: str, kind: str,
                                                         decimals: int, words: str) -> None:
    with pytest.raises(ValueError, match="label template") as caught:
        LabelTemplate.from_config(pattern, kind, decimals, name="scale 3")
    assert words in str(caught.value)


def test_the_default_config_templates_are_valid() -> None:
    """config/kiosk.toml ships these two patterns; they must stay readable."""
    LabelTemplate.from_config("2IIIIIIVVVVVK", "weight", 3, "weight label (FR scales)")
    LabelTemplate.from_config("22IIIICVVVVVK", "price", 2, "price label with verifier digit")


value4 = st.text(alphabet="0123456789", min_size=4, max_size=4)
item5 = st.text(alphabet="0123456789", min_size=5, max_size=5)


@settings(max_examples=300)
@given(item=item5, value=value4)
def test_any_german_label_reads_back_its_price_and_item_key(item: str, value: str) -> None:
    label = with_check_digit("28" + item + str(price_check_digit(value)) + value)
    result = read_label(label, TEMPLATES, 2)
    assert isinstance(result, ProductCode)
    assert result.price == int(value)
    assert result.gtin == "0" + with_check_digit("28" + item + "00000")


@settings(max_examples=300)
@given(item=st.text(alphabet="0123456789", min_size=4, max_size=4),
       value=st.text(alphabet="0123456789", min_size=5, max_size=5),
       position=st.integers(0, 4), shift=st.integers(1, 9))
def test_any_single_misread_price_digit_is_caught_by_the_verifier(
    item: str, value: str, position: int, shift: int
) -> None:
    """A damaged label whose EAN check digit still fits: the verifier catches the price."""
    verifier = str(price_check_digit(value))
    misread = value[:position] + str((int(value[position]) + shift) % 10) + value[position + 1:]
    label = with_check_digit("22" + item + verifier + misread)
    result = read_label(label, TEMPLATES, 2)
    assert isinstance(result, Rejected)
    assert result.code == "bad-price-check-digit"
