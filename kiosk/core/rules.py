"""Sale rules a store sets in its configuration, checked before an item enters the basket.

Pure: the session passes the basket, the product, the quantity and the store's local
wall-clock time (the shell converts UTC to the configured time zone; the core has no clock).
A refusal is a :class:`RuleViolation` with a stable ``code`` for screens, logs and
translations, ``params`` to fill a translated message, and an English ``reason`` a shopper can
read as it is.

Deposit items (bottle deposit), for the session's author
    :func:`deposit_lines` says which deposit item to add, and how many, when a product with a
    ``deposit`` is added. The session adds it as its own line straight after the parent and
    keeps the link (parent line id -> deposit line id): changing the parent's quantity sets the
    deposit line's to match, voiding or removing the parent voids its deposit line with it, and
    a deposit line is never changed or voided on its own. Call :func:`check_add` for the parent
    only; deposit lines follow their parent and do not count toward the limits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time

from kiosk.core.basket import Line
from kiosk.core.product import Product, ProductLookup
from kiosk.errors import CatalogueError, ConfigError

GTIN_RE = re.compile(r"\d{14}")

HOURS = "category-hours"
QUANTITY = "bad-quantity"
LINE_LIMIT = "quantity-limit"
SALE_LIMIT = "sale-item-limit"


@dataclass(frozen=True, slots=True)
class RuleViolation:
    """Why an item cannot be added, e.g. ``Alcohol cannot be sold between 22:00 and 06:00``."""

    code: str  # one of HOURS, QUANTITY, LINE_LIMIT, SALE_LIMIT
    reason: str
    params: Mapping[str, str] = field(default_factory=dict)


def _positive(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


@dataclass(frozen=True, slots=True)
class SaleRules:
    """The ``[sale]`` rules, from configuration values.

    ``category_hours`` maps a category to the local time window in which it may be sold, start
    inclusive, end exclusive; a window may cross midnight (``22:00-02:00``) and a window whose
    start equals its end allows the whole day. Categories without a window sell at any hour.
    ``max_quantity_per_line`` caps how many of one product a sale may hold, across all lines of
    that product, so scanning it again on a new line cannot get round it.
    ``quick_picks`` are the GTINs the basket screen offers as one-tap buttons (carrier bags).
    """

    category_hours: Mapping[str, tuple[time, time]] = field(default_factory=dict)
    max_quantity_per_line: int = 99
    max_items_per_sale: int = 200
    quick_picks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for key in ("max_quantity_per_line", "max_items_per_sale"):
            if not _positive(getattr(self, key)):
                raise ConfigError(f"sale.{key} is {getattr(self, key)!r}",
                                  "it must be a whole number of at least 1")
        for category, window in self.category_hours.items():
            if not (isinstance(window, tuple) and len(window) == 2
                    and all(isinstance(t, time) and t.tzinfo is None for t in window)):
                raise ConfigError(f"sale.category_hours.{category} is {window!r}",
                                  "it must be a local time window such as '06:00-22:00'")
        for gtin in self.quick_picks:
            if not (isinstance(gtin, str) and GTIN_RE.fullmatch(gtin)):
                raise ConfigError(f"sale.quick_picks has {gtin!r}",
                                  "each quick pick must be a 14-digit GTIN")


def _clock(when: time) -> str:
    return f"{when.hour:02d}:{when.minute:02d}"


def _within(window: tuple[time, time], now: time) -> bool:
    start, end = window
    if start == end:
        return True
    if start < end:
        return start <= now < end
    return now >= start or now < end


def _wall_clock(local_time: time | datetime) -> time:
    """The local wall-clock time of day, whichever form the caller has at hand."""
    if isinstance(local_time, datetime):
        return time(local_time.hour, local_time.minute, local_time.second,
                    local_time.microsecond)
    if isinstance(local_time, time):
        return local_time.replace(tzinfo=None)
    raise TypeError(f"local_time must be a time or datetime, got {type(local_time).__name__}")


def _hours_violation(rules: SaleRules, product: Product, now: time) -> RuleViolation | None:
    window = rules.category_hours.get(product.category)
    if window is None or _within(window, now):
        return None
    # The closed period runs from the window's end to its start.
    closed_from, closed_to = _clock(window[1]), _clock(window[0])
    label = product.category.replace("_", " ").replace("-", " ").capitalize()
    return RuleViolation(
        HOURS, f"{label} cannot be sold between {closed_from} and {closed_to}",
        {"category": product.category, "from": closed_from, "to": closed_to},
    )


def _deposit_gtins(lines: Sequence[Line]) -> set[str]:
    return {line.product.deposit for line in lines if line.product.deposit}


def check_add(rules: SaleRules, basket_lines: Sequence[Line], product: Product, quantity: int,
              local_time: time | datetime) -> RuleViolation | None:
    """Whether ``quantity`` of ``product`` may join the basket now; ``None`` when it may.

    ``local_time`` is the store's wall-clock time, as a ``time`` or a local ``datetime``
    (e.g. ``at.astimezone(zone)``; its date is ignored). For a quantity change, pass the basket
    without the line being changed and the new quantity. A weighed item counts as one item.
    """
    if not _positive(quantity):
        return RuleViolation(QUANTITY, f"The quantity must be a whole number of at least 1, "
                             f"not {quantity!r}", {"quantity": str(quantity)})
    violation = _hours_violation(rules, product, _wall_clock(local_time))
    if violation is not None:
        return violation
    same = sum(line.quantity for line in basket_lines if line.product.gtin == product.gtin)
    if same + quantity > rules.max_quantity_per_line:
        limit = str(rules.max_quantity_per_line)
        return RuleViolation(LINE_LIMIT,
                             f"No more than {limit} of this item can be bought in one sale",
                             {"limit": limit, "in_basket": str(same)})
    deposits = _deposit_gtins(basket_lines)
    items = sum(line.quantity for line in basket_lines if line.product.gtin not in deposits)
    if items + quantity > rules.max_items_per_sale:
        limit = str(rules.max_items_per_sale)
        return RuleViolation(SALE_LIMIT,
                             f"A sale can hold at most {limit} items; please pay for these "
                             f"and start a new sale", {"limit": limit, "in_basket": str(items)})
    return None


@dataclass(frozen=True, slots=True)
class DepositAdd:
    """A deposit item the session must add, linked to its parent line."""

    product: Product
    quantity: int


def deposit_lines(product: Product, quantity: int,
                  lookup: ProductLookup) -> tuple[DepositAdd, ...]:
    """The deposit lines that go with adding ``quantity`` of ``product`` (none, or one).

    A deposit the catalogue cannot supply is a :class:`CatalogueError`, never skipped: selling
    the bottle without its deposit would put the till out and break the deposit law.
    """
    if product.deposit is None:
        return ()
    deposit = lookup.by_gtin(product.deposit)
    where = f"product {product.gtin} names deposit item {product.deposit}"
    action = "The item cannot be sold until the catalogue is fixed."
    if deposit is None:
        raise CatalogueError(where, "that item is not in the catalogue", action)
    if deposit.deposit is not None or deposit.weighed:
        raise CatalogueError(where, "a deposit item must be sold by the item and have no "
                             "deposit of its own", action)
    return (DepositAdd(deposit, quantity),)


def quick_pick_products(rules: SaleRules, lookup: ProductLookup) -> tuple[Product, ...]:
    """The quick-pick buttons' products, in the configured order.

    A quick pick missing from the catalogue is a :class:`CatalogueError` naming it, so the
    store hears about a carrier bag that cannot be sold rather than finding the button gone.
    """
    products = []
    for gtin in rules.quick_picks:
        product = lookup.by_gtin(gtin)
        if product is None:
            raise CatalogueError(f"quick pick {gtin} is not in the catalogue",
                                 "sale.quick_picks names it",
                                 "Add the product or remove it from sale.quick_picks.")
        products.append(product)
    return tuple(products)
