"""Pricing a basket: line amounts, promotions in a fixed order, and the VAT breakdown.

:func:`price_basket` is pure and deterministic: the same lines (in any order), promotions,
rates and time always give the same total and the same discount lines, so the screen, the
receipt, the journal and a re-price after a crash all agree.

Line amounts, most specific price first
    A staff override (``override_price``, per item, or per kg for weighed items) wins; then a
    price embedded in a label (``label_price``: the pack's price for a weighed item, the
    item's price otherwise), because that is what the shopper saw on the pack; then the
    catalogue price, times the quantity, or ``round_half_up(weight_g * price_per_kg, 1000)``.

Promotions apply in this fixed order
    1. Price overrides. A line with a staff override or a label price takes part in no
       promotion: staff already set its price, and a label price is often itself a markdown.
    2. Member prices. Extension point for the loyalty issue: a member price replaces the
       catalogue price of an eligible line here, before any deal, so deals are computed on the
       price the member pays. Not implemented yet; ``member`` only selects member-only
       promotions today.
    3. Multi-buy and mix and match. An item takes part in at most one of them, and weighed
       items take part in none. When several could take the same items the choice is greedy:
       the promotion with the largest total saving on the items still free is applied in full,
       ties going to the smallest promotion id, then the next best on what is left, until none
       saves anything. Inside a deal the items are grouped most expensive first and the cheapest
       of each group are the free ones (see :func:`kiosk.core.promotions.deal_groups`).
    4. Category discounts, on the items no deal took (they do not stack on a deal). Where
       several apply to one line, the one saving most wins, ties to the smallest id. A
       percentage is rounded once over all the lines it applies to, so the saving does not
       depend on whether ten items were scanned as one line or ten.
    5. Coupons. Extension point for the coupon issue: a basket-level amount goes here, after
       every item-level discount, as its own discount line whose ``vat_split`` is
       :func:`kiosk.core.vat.split_proportionally` of the amount over each VAT code's gross at
       this stage, so the VAT breakdown stays right to the cent.

Every promotion that saves something is one :class:`DiscountLine` (all its uses together),
labelled with the promotion's names. A deal's saving is split across the VAT codes of the items
it took in proportion to their prices (the "fair and reasonable" apportionment tax authorities
accept for linked offers); a category saving belongs to its lines' codes exactly. VAT is then
extracted per code from the gross after discounts (:mod:`kiosk.core.vat`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from fractions import Fraction
from math import lcm

from kiosk.core.basket import DiscountLine, Line, PricedBasket, PricedLine
from kiosk.core.money import Money, minor_units, round_half_up, sum_money
from kiosk.core.promotions import DealGroup, Item, Promotion, category_saving, deal_groups
from kiosk.core.vat import split_proportionally, vat_breakdown
from kiosk.errors import KioskError

GRAMS_PER_KG = 1000


class PricingError(KioskError, ValueError):
    """The basket cannot be priced as given; the sale must not go on with a guessed figure."""


def price_basket(lines: Sequence[Line], *, promotions: Sequence[Promotion],
                 vat_rates: Mapping[str, int], currency: str, at: datetime,
                 member: bool = False) -> PricedBasket:
    """Price ``lines`` at ``at`` (UTC; picks the promotions valid then) for this shopper."""
    _check_call(lines, vat_rates, currency, at)
    _check_promotions(promotions)
    priced = tuple(_price_line(line, currency) for line in lines)
    amounts = {p.line_id: p.amount.minor for p in priced}
    eligible = sorted((line for line in lines if _takes_promotions(line)),
                      key=lambda line: line.line_id)
    active = sorted((p for p in promotions if p.active(at, member=member)),
                    key=lambda p: p.promotion_id)
    deal_lines, used = _apply_deals([p for p in active if p.is_deal], eligible, currency)
    category_lines = _apply_categories([p for p in active if not p.is_deal], eligible, used,
                                       amounts, currency)
    return _assemble(priced, deal_lines + category_lines, vat_rates, currency)


def _check_call(lines: Sequence[Line], vat_rates: Mapping[str, int], currency: str,
                at: datetime) -> None:
    if at.utcoffset() is None:
        raise PricingError("the basket cannot be priced", "the time given has no UTC offset",
                           "Pass an aware UTC datetime.")
    try:
        minor_units(currency)
    except ValueError:
        raise PricingError("the basket cannot be priced",
                           f"{currency!r} is not a known ISO 4217 currency") from None
    ids = Counter(line.line_id for line in lines)
    twice = sorted(line_id for line_id, n in ids.items() if n > 1)
    if twice:
        raise PricingError("the basket cannot be priced", f"line id {twice[0]} is used twice")
    for line in lines:
        _check_vat_code(line, vat_rates)


def _check_vat_code(line: Line, vat_rates: Mapping[str, int]) -> None:
    code = line.product.vat
    if code not in vat_rates:
        raise PricingError(
            f"VAT code {code!r} of product {line.product.gtin} is not configured",
            "the kiosk's VAT table has no rate for it",
            "Add the rate to the configuration or fix the product; it cannot be sold till then.",
        )
    if not _is_amount(vat_rates[code]):
        raise PricingError(f"VAT code {code!r} has a bad rate {vat_rates[code]!r}",
                           "a rate is a non-negative whole number of basis points")


def _check_promotions(promotions: Sequence[Promotion]) -> None:
    """Ids label discount lines and break ties; two promotions under one id would be ambiguous."""
    ids = Counter(p.promotion_id for p in promotions)
    twice = sorted(pid for pid, n in ids.items() if n > 1)
    if twice:
        raise PricingError("the basket cannot be priced",
                           f"promotion id {twice[0]!r} is used by two promotions",
                           "Fix the catalogue so every promotion has its own id.")


def _is_amount(value: object, *, positive: bool = False) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)
            and (value > 0 if positive else value >= 0))


def _check_line(line: Line) -> None:
    def bad(why: str) -> PricingError:
        return PricingError(f"line {line.line_id} ({line.product.gtin}) cannot be priced", why)

    if not _is_amount(line.quantity, positive=True):
        raise bad(f"the quantity must be a whole number of at least 1, got {line.quantity!r}")
    if line.product.weighed and line.quantity != 1:
        raise bad("a weighed item is one line of quantity 1 with its weight")
    if line.weight_g is not None and not _is_amount(line.weight_g, positive=True):
        raise bad(f"the weight must be a positive number of grams, got {line.weight_g!r}")
    for what, value in (("label price", line.label_price),
                        ("override price", line.override_price)):
        if value is not None and not _is_amount(value):
            raise bad(f"the {what} must be a non-negative amount, got {value!r}")
    if line.override_price is not None and not line.override_by:
        raise bad("a price override must name the staff member who made it, for the audit")
    needs_weight = line.override_price is not None or line.label_price is None
    if line.product.weighed and needs_weight and line.weight_g is None:
        raise bad("a weighed item priced per kg needs its weight")


def _line_amount(line: Line) -> tuple[int, int]:
    """(unit price, amount) in minor units, most specific price first (module docstring)."""
    product = line.product
    if line.override_price is not None:
        unit = line.override_price
    elif line.label_price is not None:
        if product.weighed:
            return product.price, line.label_price
        return line.label_price, line.label_price * line.quantity
    else:
        unit = product.price
    if product.weighed:
        assert line.weight_g is not None  # guaranteed by _check_line
        return unit, round_half_up(line.weight_g * unit, GRAMS_PER_KG)
    return unit, unit * line.quantity


def _price_line(line: Line, currency: str) -> PricedLine:
    _check_line(line)
    unit, amount = _line_amount(line)
    product = line.product
    return PricedLine(
        line_id=line.line_id, gtin=product.gtin, names=product.names, quantity=line.quantity,
        weight_g=line.weight_g, unit_price=Money(unit, currency), amount=Money(amount, currency),
        vat=product.vat, min_age=product.min_age,
    )


def _takes_promotions(line: Line) -> bool:
    return line.override_price is None and line.label_price is None


def _apply_deals(promos: list[Promotion], lines: list[Line],
                 currency: str) -> tuple[list[DiscountLine], Counter[int]]:
    """Stage 3: greedy best-saving choice among deals; returns discounts and items used/line."""
    pool = [Item(line.product.price, line.product.gtin, line.line_id, line.product.vat)
            for line in lines if not line.product.weighed for _ in range(line.quantity)]
    pending = list(promos)  # sorted by id, so the first of equal savings is the smallest id
    chosen: list[DiscountLine] = []
    used: Counter[int] = Counter()
    while pending:
        best: tuple[int, Promotion, tuple[DealGroup, ...]] | None = None
        for promo in pending:
            groups = deal_groups(promo, pool)
            saving = sum(group.saving for group in groups)
            if saving > 0 and (best is None or saving > best[0]):
                best = (saving, promo, groups)
        if best is None:
            break
        _, promo, groups = best
        pending.remove(promo)
        taken = Counter(item for group in groups for item in group.items)
        pool = list((Counter(pool) - taken).elements())
        used.update(item.line_id for item in taken.elements())
        chosen.append(_deal_discount(promo, groups, currency))
    chosen.sort(key=lambda d: d.promotion_id)
    return chosen, used


def _deal_discount(promo: Promotion, groups: tuple[DealGroup, ...],
                   currency: str) -> DiscountLine:
    items = [item for group in groups for item in group.items]
    gross: defaultdict[str, int] = defaultdict(int)
    for item in items:
        gross[item.vat] += item.price
    amount = Money(-sum(group.saving for group in groups), currency)
    return DiscountLine(
        promotion_id=promo.promotion_id, names=promo.names, amount=amount,
        line_ids=tuple(sorted({item.line_id for item in items})),
        vat_split=dict(sorted(split_proportionally(amount, gross).items())),
    )


def _apply_categories(promos: list[Promotion], lines: list[Line], used: Counter[int],
                      amounts: Mapping[int, int], currency: str) -> list[DiscountLine]:
    """Stage 4: the best category promotion per line, on the items no deal took."""
    savings: defaultdict[str, list[tuple[Line, Fraction]]] = defaultdict(list)
    for line in lines:
        free = line.quantity - used[line.line_id]
        if free <= 0:
            continue
        base = amounts[line.line_id] if line.product.weighed else free * line.product.price
        best: tuple[Fraction, Promotion] | None = None
        for promo in promos:
            if promo.category != line.product.category:
                continue
            saving = category_saving(promo, base, free)
            if saving > 0 and (best is None or saving > best[0]):
                best = (saving, promo)
        if best is not None:
            savings[best[1].promotion_id].append((line, best[0]))
    by_id = {p.promotion_id: p for p in promos}
    found = [_category_discount(by_id[pid], savings[pid], currency) for pid in sorted(savings)]
    return [discount for discount in found if discount.amount]


def _category_discount(promo: Promotion, parts: list[tuple[Line, Fraction]],
                       currency: str) -> DiscountLine:
    """One promotion's lines together, rounded once, split over VAT codes by exact shares."""
    exact: defaultdict[str, Fraction] = defaultdict(Fraction)
    for line, saving in parts:
        exact[line.product.vat] += saving
    whole = sum(exact.values(), Fraction(0))
    amount = Money(-round_half_up(whole.numerator, whole.denominator), currency)
    scale = lcm(*(share.denominator for share in exact.values()))
    weights = {code: int(share * scale) for code, share in exact.items()}
    return DiscountLine(
        promotion_id=promo.promotion_id, names=promo.names, amount=amount,
        line_ids=tuple(sorted(line.line_id for line, _ in parts)),
        vat_split=dict(sorted(split_proportionally(amount, weights).items())),
    )


def _assemble(priced: tuple[PricedLine, ...], discounts: list[DiscountLine],
              vat_rates: Mapping[str, int], currency: str) -> PricedBasket:
    gross: dict[str, Money] = {}
    for line in priced:
        gross[line.vat] = gross.get(line.vat, Money.zero(currency)) + line.amount
    for discount in discounts:
        for code, part in discount.vat_split.items():
            gross[code] = gross[code] + part
    total = sum_money([p.amount for p in priced] + [d.amount for d in discounts], currency)
    return PricedBasket(
        lines=priced, discounts=tuple(discounts), vat=vat_breakdown(gross, vat_rates),
        total=total, item_count=sum(line.quantity for line in priced),
        min_age=max((line.min_age for line in priced), default=0),
    )
