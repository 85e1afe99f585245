"""VAT extracted per rate from VAT-inclusive totals, and exact proportional splits."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.money import Money
from kiosk.core.vat import net_of, split_proportionally, vat_breakdown, vat_line


def eur(minor: int) -> Money:
    return Money(minor, "EUR")


@pytest.mark.parametrize(
    ("gross", "rate_bp", "net", "vat"),
    [
        (1200, 2000, 1000, 200),  # 20 % on 12.00: net 10.00, VAT 2.00
        (100, 550, 95, 5),  # 5.5 % on 1.00: 0.9479 rounds to 0.95, VAT 0.05
        (1000, 1000, 909, 91),  # 10 % on 10.00
        (199, 2000, 166, 33),  # 1.6583 -> 1.66
        (398, 2000, 332, 66),
        (1, 2000, 1, 0),  # a cent has no VAT you could collect
        (777, 0, 777, 0),  # zero rate
        (210, 2000, 175, 35),  # exactly 1.75, no rounding
        (-1200, 2000, -1000, -200),  # a refund mirrors a sale
        (0, 2000, 0, 0),
    ],
)
def test_vat_line_figures(gross: int, rate_bp: int, net: int, vat: int) -> None:
    line = vat_line("x", rate_bp, eur(gross))
    assert (line.gross, line.net, line.vat) == (eur(gross), eur(net), eur(vat))


def test_a_net_exactly_half_a_cent_rounds_up() -> None:
    # 0.03 at a 100 % rate is a net of exactly 0.015: half up gives 0.02 (to even would be 0.02
    # too, so also check 0.01 at 100 %: 0.005 -> 0.01, where banker's rounding gives 0.00).
    assert (vat_line("x", 10_000, eur(3)).net, vat_line("x", 10_000, eur(3)).vat) == (
        eur(2), eur(1))
    assert vat_line("x", 10_000, eur(1)).net == eur(1)
    assert vat_line("x", 10_000, eur(-1)).net == eur(-1)


def test_breakdown_is_sorted_by_code_and_names_a_missing_rate() -> None:
    lines = vat_breakdown({"standard": eur(1200), "reduced": eur(100)},
                          {"standard": 2000, "reduced": 550})
    assert [(v.code, v.net.minor, v.vat.minor) for v in lines] == [
        ("reduced", 95, 5), ("standard", 1000, 200)]
    with pytest.raises(KeyError, match="special"):
        vat_breakdown({"special": eur(100)}, {"standard": 2000})


@pytest.mark.parametrize("rate", [-1, 5.5, True, "20"])
def test_bad_rate_is_refused(rate: object) -> None:
    with pytest.raises(ValueError, match="non-negative whole number of basis points"):
        net_of(eur(100), rate)  # type: ignore[arg-type]


RATES = st.integers(0, 10_000)


@settings(max_examples=300)
@given(st.dictionaries(st.text("abcdef", min_size=1, max_size=3),
                       st.tuples(st.integers(-10**9, 10**9), RATES), max_size=6))
def test_breakdown_always_adds_up(table: dict[str, tuple[int, int]]) -> None:
    gross = {code: eur(g) for code, (g, _) in table.items()}
    rates = {code: r for code, (_, r) in table.items()}
    lines = vat_breakdown(gross, rates)
    assert sum(v.gross.minor for v in lines) == sum(g for g, _ in table.values())
    for v in lines:
        assert v.gross == v.net + v.vat
        assert v.vat.minor * v.gross.minor >= 0  # VAT has the sign of the gross
        assert abs(v.vat.minor) <= abs(v.gross.minor)
        if v.rate_bp == 0:
            assert v.vat == eur(0)
        exact_net = Fraction(v.gross.minor * 10_000, 10_000 + v.rate_bp)
        assert abs(v.net.minor - exact_net) <= Fraction(1, 2)


def test_split_of_a_coupon_across_rates_sums_exactly() -> None:
    # 1.00 off a basket of 12.00 at 20 % and 3.00 at 5.5 %: 0.80 and 0.20.
    assert split_proportionally(eur(-100), {"standard": 1200, "reduced": 300}) == {
        "standard": eur(-80), "reduced": eur(-20)}
    # Thirds: the left-over cent goes to the largest remainder, ties to the first code.
    assert split_proportionally(eur(-100), {"c": 1, "a": 1, "b": 1}) == {
        "a": eur(-34), "b": eur(-33), "c": eur(-33)}
    assert split_proportionally(eur(200), {"a": 2, "b": 1}) == {"a": eur(133), "b": eur(67)}
    assert split_proportionally(eur(50), {"a": 0, "b": 5}) == {"a": eur(0), "b": eur(50)}
    assert split_proportionally(eur(0), {"a": 0}) == {"a": eur(0)}
    assert split_proportionally(eur(0), {}) == {}


def test_split_refuses_what_cannot_be_split() -> None:
    with pytest.raises(ValueError, match="weights that are all zero"):
        split_proportionally(eur(-100), {"a": 0, "b": 0})
    with pytest.raises(ValueError, match="weight of 'a' must be a non-negative integer"):
        split_proportionally(eur(-100), {"a": -1, "b": 2})


WEIGHTS = st.dictionaries(st.text("abcdefgh", min_size=1, max_size=2),
                          st.integers(0, 10**7), min_size=1, max_size=8).filter(
    lambda w: sum(w.values()) > 0)


@settings(max_examples=300)
@given(st.integers(-10**8, 10**8), WEIGHTS, st.randoms(use_true_random=False))
def test_split_sums_exactly_and_each_part_is_within_a_cent(
        amount: int, weights: dict[str, int], rnd: object) -> None:
    parts = split_proportionally(eur(amount), weights)
    assert set(parts) == set(weights)
    assert sum(p.minor for p in parts.values()) == amount
    total = sum(weights.values())
    for key, part in parts.items():
        assert abs(part.minor - Fraction(amount * weights[key], total)) < 1
        assert part.minor * amount >= 0  # never a part of the opposite sign
    shuffled = list(weights.items())
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert split_proportionally(eur(amount), dict(shuffled)) == parts
