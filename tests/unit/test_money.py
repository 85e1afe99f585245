"""Money: exact minor units, one rounding rule, and parsing that accepts only what a till prints."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.money import MINOR_UNITS, Money, minor_units, round_half_up, sum_money

CURRENCIES = sorted(MINOR_UNITS)


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (5, 2, 3),  # a half goes up, not to even
        (15, 10, 2),
        (25, 10, 3),  # banker's rounding would give 2
        (-5, 2, -3),  # and away from zero for refunds
        (-25, 10, -3),
        (7, 3, 2),
        (8, 3, 3),
        (0, 7, 0),
        (5, -2, -3),
        (-5, -2, 3),
        (368966, 1000, 369),  # 1234 g at 2.99/kg is 3.69
        (50500, 1000, 51),  # 500 g at 1.01/kg: exactly half a cent, rounds up to 0.51
    ],
)
def test_round_half_up(numerator: int, denominator: int, expected: int) -> None:
    assert round_half_up(numerator, denominator) == expected


def test_round_half_up_by_zero_is_refused() -> None:
    with pytest.raises(ZeroDivisionError, match="by zero"):
        round_half_up(1, 0)


@settings(max_examples=300)
@given(st.integers(-10**12, 10**12), st.integers(-10**6, 10**6).filter(bool))
def test_round_half_up_matches_exact_arithmetic(numerator: int, denominator: int) -> None:
    exact = Fraction(numerator, denominator)
    result = round_half_up(numerator, denominator)
    assert abs(result - exact) <= Fraction(1, 2)
    if abs(result - exact) == Fraction(1, 2):  # a tie: away from zero
        assert abs(result) > abs(exact)
    assert round_half_up(-numerator, denominator) == -result


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("12.34", "EUR", 1234),
        ("-0.5", "EUR", -50),
        ("+1", "EUR", 100),
        (" 7.05 \n", "EUR", 705),
        ("1.", "EUR", 100),
        (".5", "EUR", 50),
        ("0", "EUR", 0),
        ("-0", "EUR", 0),
        ("000012.30", "GBP", 1230),
        ("1200", "JPY", 1200),
        ("12.", "JPY", 12),
        ("1.234", "KWD", 1234),
    ],
)
def test_parse_reads_amounts_exactly(text: str, currency: str, minor: int) -> None:
    assert Money.parse(text, currency) == Money(minor, currency)


@pytest.mark.parametrize(
    ("text", "currency", "message"),
    [
        ("", "EUR", "not an amount: ''"),
        ("   ", "EUR", "not an amount"),
        ("-", "EUR", "not an amount: '-'"),
        (".", "EUR", "not an amount: '.'"),
        ("--5", "EUR", "not an amount: '--5'"),
        ("+-5", "EUR", "not an amount"),
        ("-+5", "EUR", "not an amount"),
        ("1.2.3", "EUR", "not an amount"),
        ("1,50", "EUR", "not an amount: '1,50'"),
        ("1 000", "EUR", "not an amount"),
        ("1_000", "EUR", "not an amount"),
        ("1e3", "EUR", "not an amount"),
        ("0x10", "EUR", "not an amount"),
        ("١٢", "EUR", "not an amount"),  # Arabic-Indic digits: int() would take them
        ("²", "EUR", "not an amount"),
        ("€5", "EUR", "not an amount"),
        ("nan", "EUR", "not an amount"),
        ("12.345", "EUR", "'12.345' has more than 2 decimals for EUR"),
        ("12.5", "JPY", "more than 0 decimals for JPY"),
        ("1.00", "XYZ", "unknown ISO 4217 currency code 'XYZ'"),
    ],
)
def test_parse_rejects_with_a_reason(text: str, currency: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Money.parse(text, currency)


@settings(max_examples=200)
@given(st.integers(-10**15, 10**15), st.sampled_from(CURRENCIES))
def test_decimal_string_parses_back_to_the_same_amount(minor: int, currency: str) -> None:
    money = Money(minor, currency)
    assert Money.parse(money.decimal_str(), currency) == money


# What a till prints: one optional sign, ASCII digits, at most the currency's decimals.
TILL_AMOUNT = re.compile(r"[+-]?([0-9]+\.?[0-9]{0,2}|\.[0-9]{1,2})")


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=10), st.text(alphabet="0123456789.+- ,e١", max_size=8)))
def test_parse_accepts_exactly_what_a_till_prints(text: str) -> None:
    if TILL_AMOUNT.fullmatch(text.strip()):
        expected = int(Decimal(text.strip()) * 100)
        assert Money.parse(text, "EUR") == Money(expected, "EUR")
    else:
        with pytest.raises(ValueError, match=r"not an amount|more than 2 decimals"):
            Money.parse(text, "EUR")


@settings(max_examples=200)
@given(st.lists(st.integers(-10**9, 10**9), max_size=20))
def test_sum_is_exact_in_any_order(minors: list[int]) -> None:
    amounts = [Money(m, "EUR") for m in minors]
    assert sum_money(amounts, "EUR") == Money(sum(minors), "EUR")
    assert sum_money(list(reversed(amounts)), "EUR") == sum_money(amounts, "EUR")


def test_formatting_as_shoppers_read_it() -> None:
    assert Money(1234, "EUR").format(decimal_sep=",") == "12,34 €"
    assert Money(1234, "GBP").format(symbol_first=True) == "£12.34"
    assert Money(-5, "EUR").decimal_str() == "-0.05"
    assert Money(1200, "JPY").decimal_str() == "1200"
    assert Money(1234, "KWD").decimal_str() == "1.234"
    assert str(Money(199, "EUR")) == "1.99 EUR"


def test_arithmetic_and_its_refusals() -> None:
    assert Money(199, "EUR") * 3 == Money(597, "EUR")
    assert 3 * Money(199, "EUR") == Money(597, "EUR")
    assert Money(500, "EUR") - Money(199, "EUR") == Money(301, "EUR")
    assert -Money(5, "EUR") == Money(-5, "EUR")
    assert not Money.zero("EUR")
    assert sum_money([], "GBP") == Money(0, "GBP")
    with pytest.raises(ValueError, match="cannot mix EUR and GBP"):
        Money(1, "EUR") + Money(1, "GBP")
    with pytest.raises(TypeError, match="only be multiplied by an int"):
        Money(100, "EUR") * 1.1  # type: ignore[operator]
    with pytest.raises(TypeError, match="integer minor units, got float"):
        Money(1.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="got bool"):
        Money(True, "EUR")
    with pytest.raises(ValueError, match="unknown ISO 4217 currency code 'EURO'"):
        Money(1, "EURO")
    assert minor_units("JPY") == 0
