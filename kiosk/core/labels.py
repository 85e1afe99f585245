"""In-store labels: EAN-13s with prefix 20-29 that carry a price or a weight.

A scale or a label printer in the store prints an EAN-13 whose digits hold an item number and
the price or weight of this one pack. GS1 leaves the layout to each country (or each chain), so
the layout is data, one template per layout, from the ``[[barcode.templates]]`` of the config.

Template notation: a pattern of exactly 13 characters, one per EAN-13 digit, left to right:

- ``0``-``9``: literal digits. They come first and form the prefix that selects the template;
  it starts with ``2`` (GS1 prefixes 20-29, restricted circulation in a country) or ``02``
  (a UPC-A with number system 2, the US random-weight label, as decoders report it in 13 digits).
- ``I``: item reference digits: which product this is.
- ``V``: value digits, one contiguous run: the price or the weight, with ``decimals`` implied
  decimal places (price: the currency's minor unit, e.g. 2; weight in kg: 3 for grams).
- ``C``: optional price/weight verifier digit over the value (GS1 General Specifications 7.9.3
  and 7.9.4), only for a 4- or 5-digit value. It catches a misread price that the EAN check
  digit alone might let through on a damaged label.
- ``K``: the EAN-13 check digit, always and only the last character.

Examples: ``2IIIIIIVVVVVK`` (French scales: 2, six item digits, the weight in grams),
``28IIIIICVVVVK`` (German price label: 28, five item digits, verifier, price in cents),
``02IIIIICVVVVK`` (US random-weight UPC-A: item, verifier, price in cents).

The catalogue key of such an item is its *lookup GTIN*: the scanned label with every ``V`` and
``C`` digit set to 0 and the check digit recomputed, as GTIN-14. So ``2123456012347`` under
``2IIIIIIVVVVVK`` is looked up as ``02123456000009``. Templates are tried from the longest
literal prefix to the shortest (the config order breaks ties), so a specific layout such as
``28...`` is not shadowed by a catch-all ``2...``. A 20-29 code that no template matches is
still a valid store-internal EAN-13 and is looked up by its own GTIN.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from kiosk.core.codes import ProductCode, Rejected
from kiosk.core.gtin import GTIN14_LENGTH, is_ascii_digits, with_check_digit
from kiosk.core.money import round_half_up

PATTERN_LENGTH = 13
KINDS = ("price", "weight")
MAX_DECIMALS = 6
GRAM_DECIMALS = 3  # a weight in kg with 3 decimals is a whole number of grams
_LETTERS = frozenset("IVCK")

# Weighted products of GS1 General Specifications 7.9.2: digit -> its product for the factor.
_W2_MINUS = (0, 2, 4, 6, 8, 9, 1, 3, 5, 7)  # x2, units minus tens
_W3 = (0, 3, 6, 9, 2, 5, 8, 1, 4, 7)  # x3, units
_W5_PLUS = (0, 5, 1, 6, 2, 7, 3, 8, 4, 9)  # x5, units plus tens
_W5_MINUS = (0, 5, 9, 4, 8, 3, 7, 2, 6, 1)  # x5, units minus tens


def price_check_digit_4(value: str) -> int:
    """Verifier for a 4-digit price or weight (GS1 7.9.3): factors 2-, 2-, 3, 5-; sum x3, units."""
    if not (len(value) == 4 and is_ascii_digits(value)):
        raise ValueError(f"a 4-digit price verifier needs 4 digits, got {value!r}")
    d = [int(c) for c in value]
    total = _W2_MINUS[d[0]] + _W2_MINUS[d[1]] + _W3[d[2]] + _W5_MINUS[d[3]]
    return total * 3 % 10


def price_check_digit_5(value: str) -> int:
    """Verifier for a 5-digit price or weight (GS1 7.9.4): factors 5+, 2-, 5-, 5+, 2-.

    The sum is taken up to the next multiple of ten; the verifier is the digit whose 5-
    product equals that difference.
    """
    if not (len(value) == 5 and is_ascii_digits(value)):
        raise ValueError(f"a 5-digit price verifier needs 5 digits, got {value!r}")
    d = [int(c) for c in value]
    total = (_W5_PLUS[d[0]] + _W2_MINUS[d[1]] + _W5_MINUS[d[2]] + _W5_PLUS[d[3]]
             + _W2_MINUS[d[4]])
    return _W5_MINUS.index(-total % 10)


def price_check_digit(value: str) -> int:
    """The verifier for a 4- or 5-digit value, by its length."""
    return price_check_digit_4(value) if len(value) == 4 else price_check_digit_5(value)


def rescale(value: int, decimals: int, to_decimals: int) -> int:
    """An integer with ``decimals`` implied places as one with ``to_decimals``, exactly.

    Gaining places multiplies; losing them rounds half up through
    :func:`kiosk.core.money.round_half_up`, the kiosk's one rounding rule. Shared with the GS1
    parser so a weight means the same grams whichever symbol carried it.
    """
    if to_decimals >= decimals:
        return value * 10 ** (to_decimals - decimals)
    return round_half_up(value, 10 ** (decimals - to_decimals))


def _pattern_problems(pattern: str) -> Iterator[str]:
    """What is wrong with a pattern, in words for the config file's author, first problem first.

    A generator so that each check may rely on the ones before it having passed.
    """
    if len(pattern) != PATTERN_LENGTH:
        yield f"it has {len(pattern)} characters, a label has {PATTERN_LENGTH} (one per digit)"
    unknown = [c for c in pattern if not (c in _LETTERS or "0" <= c <= "9")]
    if unknown:
        yield f"{unknown[0]!r} is not a pattern letter (use digits, I, V, C and K)"
    if pattern[-1] != "K" or pattern.count("K") != 1:
        yield "the EAN check digit K must be the last character, and appear only there"
    prefix = _literal_prefix(pattern)
    if any("0" <= c <= "9" for c in pattern[len(prefix):]):
        yield "literal digits must all come first, as the prefix"
    if not prefix.startswith(("2", "02")):
        yield "the prefix must start with 2 (EAN-13 prefixes 20-29) or 02 (UPC-A number system 2)"
    values = pattern.count("V")
    if values == 0:
        yield "it has no value digits V"
    if "V" * values not in pattern:
        yield "the value digits V must be one unbroken run"
    if "I" not in pattern:
        yield "it has no item reference digits I to tell items apart"
    if pattern.count("C") > 1:
        yield "it has more than one verifier digit C"
    if "C" in pattern and values not in (4, 5):
        yield f"a verifier digit C covers 4 or 5 value digits, this pattern has {values}"


def _literal_prefix(pattern: str) -> str:
    return pattern[: len(pattern) - len(pattern.lstrip("0123456789"))]


@dataclass(frozen=True, slots=True)
class LabelTemplate:
    """One label layout from the config; construct with :meth:`from_config`."""

    pattern: str
    kind: str  # "price" or "weight"
    decimals: int
    name: str = ""

    def __post_init__(self) -> None:
        where = f"label template {self.name or self.pattern!r}"
        if not isinstance(self.pattern, str):
            kind = type(self.pattern).__name__
            raise ValueError(f"{where}: the pattern must be text, got {kind}")
        problem = next(_pattern_problems(self.pattern), None)
        if problem:
            raise ValueError(f"{where}: bad pattern {self.pattern!r}: {problem}")
        if self.kind not in KINDS:
            raise ValueError(f"{where}: kind must be 'price' or 'weight', got {self.kind!r}")
        decimals_ok = isinstance(self.decimals, int) and not isinstance(self.decimals, bool)
        if not (decimals_ok and 0 <= self.decimals <= MAX_DECIMALS):
            raise ValueError(
                f"{where}: decimals must be a whole number from 0 to {MAX_DECIMALS}, "
                f"got {self.decimals!r}"
            )

    @classmethod
    def from_config(cls, pattern: str, kind: str, decimals: int, name: str = "") -> LabelTemplate:
        """Build and check a template; ValueError names what is wrong with the pattern."""
        return cls(pattern=pattern, kind=kind, decimals=decimals, name=name)

    @property
    def prefix(self) -> str:
        """The literal digits that select this template."""
        return _literal_prefix(self.pattern)

    def matches(self, code13: str) -> bool:
        return code13.startswith(self.prefix)

    def lookup_gtin(self, code13: str) -> str:
        """The catalogue key: value and verifier digits zeroed, check digit recomputed."""
        body = "".join("0" if p in "VC" else c for p, c in zip(self.pattern, code13, strict=True))
        return with_check_digit(body[:-1]).zfill(GTIN14_LENGTH)

    def read(self, code13: str, currency_decimals: int) -> ProductCode | Rejected:
        """The item and its embedded price or weight from a label this template matches.

        ``code13`` must already have passed its EAN-13 check digit; this checks the verifier.
        """
        start = self.pattern.index("V")
        value = code13[start : start + self.pattern.count("V")]
        if "C" in self.pattern:
            found = int(code13[self.pattern.index("C")])
            expected = price_check_digit(value)
            if found != expected:
                return Rejected(
                    "bad-price-check-digit",
                    f"the {self.kind} digits {value} of label {code13} have verifier digit "
                    f"{found} but should have {expected}: the {self.kind} was misread",
                )
        gtin = self.lookup_gtin(code13)
        if self.kind == "weight":
            grams = rescale(int(value), self.decimals, GRAM_DECIMALS)
            return ProductCode(gtin=gtin, source="label", weight_g=grams)
        price = rescale(int(value), self.decimals, currency_decimals)
        return ProductCode(gtin=gtin, source="label", price=price)


def find_template(templates: Sequence[LabelTemplate], code13: str) -> LabelTemplate | None:
    """The template for a label: the longest matching prefix, the first in config order on ties."""
    matching = [t for t in templates if t.matches(code13)]
    if not matching:
        return None
    return max(matching, key=lambda t: len(t.prefix))  # max keeps the first of equals


def is_restricted(code13: str) -> bool:
    """Whether a 13-digit code is in the ranges templates may describe (20-29, or 02)."""
    return code13.startswith("2") or code13.startswith("02")


def read_label(
    code13: str, templates: Sequence[LabelTemplate], currency_decimals: int
) -> ProductCode | Rejected | None:
    """A checked 13-digit code read through its template; None when no template applies."""
    if not is_restricted(code13):
        return None
    template = find_template(templates, code13)
    if template is None:
        return None
    return template.read(code13, currency_decimals)
