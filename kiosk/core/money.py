"""Money as integer minor units of an ISO 4217 currency.

Floats never hold money: 0.1 + 0.2 is not 0.3, and a till that is a cent out fails its audit.
All arithmetic is on ``int``; where a division is unavoidable (VAT, weights, percentages) it goes
through :func:`round_half_up` so every computation in the kiosk rounds the same documented way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Self

# ISO 4217 minor-unit exponents for the currencies a store might configure. Anything missing is
# rejected at config load rather than guessed.
MINOR_UNITS: dict[str, int] = {
    "EUR": 2, "GBP": 2, "USD": 2, "CHF": 2, "CNY": 2, "SEK": 2, "NOK": 2, "DKK": 2, "PLN": 2,
    "CZK": 2, "HUF": 2, "CAD": 2, "AUD": 2, "NZD": 2, "HKD": 2, "SGD": 2, "JPY": 0, "KRW": 0,
    "ISK": 0, "KWD": 3, "BHD": 3, "TND": 3,
}

_AMOUNT = re.compile(r"(?P<sign>[+-]?)(?P<whole>[0-9]*)(?:\.(?P<frac>[0-9]*))?")

CURRENCY_SYMBOLS: dict[str, str] = {
    "EUR": "€", "GBP": "£", "USD": "$", "CNY": "¥", "JPY": "¥", "CHF": "CHF",
}


def round_half_up(numerator: int, denominator: int) -> int:
    """Divide and round halves away from zero, the way tills and tax authorities round.

    Python's ``round`` rounds halves to even (banker's rounding), which differs from what a
    shopper checks on a calculator; integer floor division truncates toward minus infinity.
    """
    if denominator == 0:
        raise ZeroDivisionError("round_half_up by zero")
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder * 2 >= denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


def minor_units(currency: str) -> int:
    """Number of decimal places of ``currency``; ValueError for a code we do not know."""
    try:
        return MINOR_UNITS[currency]
    except KeyError:
        raise ValueError(f"unknown ISO 4217 currency code {currency!r}") from None


@dataclass(frozen=True, slots=True, order=True)
class Money:
    """An amount in minor units (cents) of one currency."""

    minor: int
    currency: str = "EUR"

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise TypeError(f"Money needs integer minor units, got {type(self.minor).__name__}")
        minor_units(self.currency)

    @classmethod
    def zero(cls, currency: str) -> Self:
        return cls(0, currency)

    @classmethod
    def parse(cls, text: str, currency: str) -> Self:
        """Read a decimal string such as ``"12.34"`` or ``"-0.5"`` exactly, without floats.

        One optional sign and ASCII digits only: ``"--5"`` or Arabic-Indic digits are not
        amounts a till would print, so they are rejected rather than read generously.
        """
        digits = minor_units(currency)
        match = _AMOUNT.fullmatch(text.strip())
        if match is None or not (match["whole"] or match["frac"]):
            raise ValueError(f"not an amount: {text!r}")
        whole, frac = match["whole"], match["frac"] or ""
        if len(frac) > digits:
            raise ValueError(f"{text!r} has more than {digits} decimals for {currency}")
        minor = int(whole or "0") * 10**digits + int(frac.ljust(digits, "0") or "0")
        return cls(-minor if match["sign"] == "-" else minor, currency)

    def _same(self, other: Money) -> None:
        if self.currency != other.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __mul__(self, factor: int) -> Money:
        if not isinstance(factor, int) or isinstance(factor, bool):
            raise TypeError("Money can only be multiplied by an int; use round_half_up for ratios")
        return Money(self.minor * factor, self.currency)

    __rmul__ = __mul__

    def __bool__(self) -> bool:
        return self.minor != 0

    def decimal_str(self) -> str:
        """``"12.34"``: the plain decimal form used in messages and receipts."""
        digits = minor_units(self.currency)
        sign = "-" if self.minor < 0 else ""
        whole, frac = divmod(abs(self.minor), 10**digits)
        return f"{sign}{whole}.{frac:0{digits}d}" if digits else f"{sign}{whole}"

    def format(self, decimal_sep: str = ".", symbol_first: bool = False) -> str:
        """Human form, e.g. ``"12,34 €"`` (fr) or ``"€12.34"`` (en)."""
        text = self.decimal_str().replace(".", decimal_sep)
        symbol = CURRENCY_SYMBOLS.get(self.currency, self.currency)
        return f"{symbol}{text}" if symbol_first else f"{text} {symbol}"

    def __str__(self) -> str:
        return f"{self.decimal_str()} {self.currency}"


def sum_money(amounts: list[Money] | tuple[Money, ...], currency: str) -> Money:
    """Sum a possibly empty sequence; the currency is needed for the empty case."""
    total = Money.zero(currency)
    for amount in amounts:
        total = total + amount
    return total
