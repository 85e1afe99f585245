"""VAT on VAT-inclusive prices, and splitting an amount across rates so the cents add up.

Shelf prices include VAT, so VAT is extracted, never added. It is extracted once per rate from
that rate's total gross (after discounts), not per line: rounding per line and summing drifts by
a cent or two on a long receipt, and the tax authority checks the per-rate figures. The net is
rounded half up and the VAT is whatever is left, so ``gross == net + vat`` holds exactly and
the breakdown sums to the receipt total by construction.

:func:`split_proportionally` is the other half of keeping the breakdown right: a discount that
covers items of several rates (a mix and match, later a basket coupon) must reduce each rate's
gross by its share, and the shares must add up to the discount to the cent.
"""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.core.basket import VatLine
from kiosk.core.money import Money, round_half_up

BASIS_POINTS = 10_000  # 100 % in basis points: 20 % = 2000, 5.5 % = 550


def net_of(gross: Money, rate_bp: int) -> Money:
    """The net part of a VAT-inclusive ``gross`` at ``rate_bp``, rounded half up."""
    if not isinstance(rate_bp, int) or isinstance(rate_bp, bool) or rate_bp < 0:
        raise ValueError(f"a VAT rate must be a non-negative whole number of basis points, "
                         f"got {rate_bp!r}")
    minor = round_half_up(gross.minor * BASIS_POINTS, BASIS_POINTS + rate_bp)
    return Money(minor, gross.currency)


def vat_line(code: str, rate_bp: int, gross: Money) -> VatLine:
    """One rate's line of the breakdown; the VAT is the remainder so nothing is lost."""
    net = net_of(gross, rate_bp)
    return VatLine(code=code, rate_bp=rate_bp, gross=gross, net=net, vat=gross - net)


def vat_breakdown(gross_by_code: Mapping[str, Money],
                  rates: Mapping[str, int]) -> tuple[VatLine, ...]:
    """The receipt's VAT table, sorted by code so the same sale always prints the same way.

    Every code must be in ``rates``; a missing one is a configuration or catalogue mistake
    that must stop the sale (KeyError names it), never be guessed as zero.
    """
    lines = []
    for code in sorted(gross_by_code):
        if code not in rates:
            raise KeyError(code)
        lines.append(vat_line(code, rates[code], gross_by_code[code]))
    return tuple(lines)


def split_proportionally(amount: Money, weights: Mapping[str, int]) -> dict[str, Money]:
    """Split ``amount`` over the keys in proportion to their ``weights``, exactly.

    Largest-remainder method (Hamilton): every key first gets its exact share rounded toward
    zero, then the minor units left over go one each to the keys with the largest fractional
    remainders, ties going to the key that sorts first. The parts therefore sum to ``amount``
    exactly, each is within one minor unit of its exact share, and the result does not depend
    on the order of ``weights``. Keys with weight 0 get 0; weights must not be negative and
    must not all be 0 unless ``amount`` is 0.
    """
    for key, weight in weights.items():
        if not isinstance(weight, int) or isinstance(weight, bool) or weight < 0:
            raise ValueError(f"weight of {key!r} must be a non-negative integer, got {weight!r}")
    total = sum(weights.values())
    zero = Money.zero(amount.currency)
    if total == 0:
        if amount.minor:
            raise ValueError(f"cannot split {amount} over weights that are all zero")
        return dict.fromkeys(weights, zero)
    sign = -1 if amount.minor < 0 else 1
    magnitude = abs(amount.minor)
    floors: dict[str, int] = {}
    remainders: dict[str, int] = {}
    for key, weight in weights.items():
        floors[key], remainders[key] = divmod(magnitude * weight, total)
    left = magnitude - sum(floors.values())
    for key in sorted(weights, key=lambda k: (-remainders[k], k))[:left]:
        floors[key] += 1
    return {key: Money(sign * part, amount.currency) for key, part in floors.items()}
