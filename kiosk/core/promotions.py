"""Promotions as data: what the fleet manager publishes, validated before a kiosk ever applies it.

A promotion is a record in the catalogue, never code, so a store can run "3 for 2" on Monday
and drop it on Tuesday without a release (python-escpos keeps printer capabilities as data for
the same reason). The kinds:

``multibuy``
    N of the *same* product, either "N for the price of M" (``pay_for``) or "N for a fixed
    price" (``price``). With several GTINs listed, the deal applies to each product on its own:
    two of product A and one of product B do not make "3 for 2".
``mixmatch``
    Any N items from a group of GTINs, with the same two pricing forms.
``category``
    A percentage (``percent_bp``, 10 % = 1000) or a fixed amount per item (``amount_off``) off
    every item of a category.

Every promotion may carry a validity window (``valid_from`` inclusive, ``valid_to`` exclusive,
ISO 8601 with an explicit UTC offset) and ``member_only``. Bad data is rejected with a
:class:`~kiosk.errors.CatalogueError` that names the promotion and the field, and unknown fields
are rejected too: a misspelt ``member_only`` must not quietly give a member price to everyone.
This module also holds what one promotion yields on given items (:func:`deal_groups`,
:func:`category_saving`); how promotions combine and in which order is
:mod:`kiosk.core.pricing`'s business.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from fractions import Fraction
from typing import Any

from kiosk.errors import CatalogueError

GTIN_RE = re.compile(r"\d{14}")
MAX_PERCENT_BP = 10_000


class PromotionKind(StrEnum):
    MULTIBUY = "multibuy"
    MIXMATCH = "mixmatch"
    CATEGORY = "category"


FIELDS = {
    PromotionKind.MULTIBUY: {"gtins", "quantity", "pay_for", "price"},
    PromotionKind.MIXMATCH: {"gtins", "quantity", "pay_for", "price"},
    PromotionKind.CATEGORY: {"category", "percent_bp", "amount_off"},
}
COMMON_FIELDS = {"id", "kind", "names", "valid_from", "valid_to", "member_only"}


def _bad(promotion_id: str, key: str, expected: str) -> CatalogueError:
    return CatalogueError(f"promotion {promotion_id!r} has a bad {key!r}", expected,
                          "Fix the promotion in the catalogue; it is not applied until then.")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class Promotion:
    """One promotion. Which fields are set depends on ``kind`` (see the module docstring)."""

    promotion_id: str
    kind: PromotionKind
    names: Mapping[str, str]  # what the discount line says, per language
    gtins: tuple[str, ...] = ()
    quantity: int = 0
    pay_for: int | None = None
    price: int | None = None  # minor units for ``quantity`` items together
    category: str | None = None
    percent_bp: int | None = None
    amount_off: int | None = None  # minor units per item
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    member_only: bool = False

    def __post_init__(self) -> None:
        _check(self)

    @property
    def is_deal(self) -> bool:
        """A multi-buy or mix and match: takes items exclusively (one deal per item)."""
        return self.kind is not PromotionKind.CATEGORY

    def active(self, at: datetime, *, member: bool) -> bool:
        """Whether it applies at ``at`` (UTC) for this shopper."""
        if self.member_only and not member:
            return False
        if self.valid_from is not None and at < self.valid_from:
            return False
        return self.valid_to is None or at < self.valid_to

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.promotion_id, "kind": self.kind.value,
                                "names": dict(self.names)}
        if self.is_deal:
            data["gtins"] = list(self.gtins)
            data["quantity"] = self.quantity
        values = {"pay_for": self.pay_for, "price": self.price, "category": self.category,
                  "percent_bp": self.percent_bp, "amount_off": self.amount_off}
        data.update({k: v for k, v in values.items() if v is not None})
        for key, when in (("valid_from", self.valid_from), ("valid_to", self.valid_to)):
            if when is not None:
                data[key] = when.isoformat().replace("+00:00", "Z")
        if self.member_only:
            data["member_only"] = True
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Promotion:
        """Build from catalogue JSON; :class:`CatalogueError` names the promotion and field."""
        if not isinstance(data, dict):
            raise CatalogueError("a promotion entry is not an object",
                                 f"got {type(data).__name__}")
        pid = data.get("id")
        if not (isinstance(pid, str) and pid):
            raise CatalogueError("a promotion has a bad 'id'", "it must be a non-empty string")
        try:
            kind = PromotionKind(data.get("kind"))
        except ValueError:
            raise _bad(pid, "kind", "it must be 'multibuy', 'mixmatch' or 'category'") from None
        unknown = sorted(set(data) - COMMON_FIELDS - FIELDS[kind])
        if unknown:
            raise _bad(pid, unknown[0], f"a {kind.value} promotion has no such field")
        gtins = data.get("gtins", [])
        if not isinstance(gtins, list):
            raise _bad(pid, "gtins", "it must be a list of 14-digit GTINs")
        member_only = data.get("member_only", False)
        if not isinstance(member_only, bool):
            raise _bad(pid, "member_only", "it must be true or false")
        return cls(
            promotion_id=pid, kind=kind, names=_names(pid, data.get("names")),
            gtins=tuple(gtins), quantity=data.get("quantity", 0), pay_for=data.get("pay_for"),
            price=data.get("price"), category=data.get("category"),
            percent_bp=data.get("percent_bp"), amount_off=data.get("amount_off"),
            valid_from=_when(pid, "valid_from", data.get("valid_from")),
            valid_to=_when(pid, "valid_to", data.get("valid_to")), member_only=member_only,
        )


def _names(pid: str, names: Any) -> dict[str, str]:
    if not (isinstance(names, dict) and names
            and all(isinstance(k, str) and isinstance(v, str) and v for k, v in names.items())):
        raise _bad(pid, "names", "it must map language codes to non-empty labels")
    return dict(names)


def _when(pid: str, key: str, text: Any) -> datetime | None:
    """ISO 8601 with an explicit offset, held in UTC; a naive time is ambiguous, so rejected."""
    if text is None:
        return None
    expected = "it must be an ISO 8601 time with a UTC offset, e.g. '2024-05-01T00:00:00Z'"
    if not isinstance(text, str):
        raise _bad(pid, key, expected)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise _bad(pid, key, expected) from None
    if when.tzinfo is None:
        raise _bad(pid, key, expected)
    return when.astimezone(UTC)


def _check(promo: Promotion) -> None:
    """The invariants every promotion holds, however it was built."""
    pid = promo.promotion_id
    if not (isinstance(promo.names, Mapping) and promo.names):
        raise _bad(pid, "names", "it must map language codes to non-empty labels")
    if promo.is_deal:
        _check_deal(promo)
    else:
        _check_category(promo)
    if (promo.valid_from is not None and promo.valid_to is not None
            and promo.valid_to <= promo.valid_from):
        raise _bad(pid, "valid_to", "it must be after 'valid_from'")
    for key, when in (("valid_from", promo.valid_from), ("valid_to", promo.valid_to)):
        if when is not None and when.utcoffset() is None:
            raise _bad(pid, key, "it must carry a UTC offset")


def _check_deal(promo: Promotion) -> None:
    pid = promo.promotion_id
    if not promo.gtins or not all(isinstance(g, str) and GTIN_RE.fullmatch(g)
                                  for g in promo.gtins):
        raise _bad(pid, "gtins", "it must be a non-empty list of 14-digit GTINs")
    if len(set(promo.gtins)) != len(promo.gtins):
        raise _bad(pid, "gtins", "a GTIN is listed twice")
    if not (_is_int(promo.quantity) and promo.quantity >= 2):
        raise _bad(pid, "quantity", "it must be a whole number of items, at least 2")
    if (promo.pay_for is None) == (promo.price is None):
        raise _bad(pid, "pay_for", "a deal needs exactly one of 'pay_for' and 'price'")
    if promo.pay_for is not None and not (
            _is_int(promo.pay_for) and 1 <= promo.pay_for < promo.quantity):
        raise _bad(pid, "pay_for", f"it must be a whole number from 1 to {promo.quantity - 1}")
    if promo.price is not None and not (_is_int(promo.price) and promo.price >= 0):
        raise _bad(pid, "price", "it must be a non-negative integer of minor units")
    if any(v is not None for v in (promo.category, promo.percent_bp, promo.amount_off)):
        raise _bad(pid, "category", f"a {promo.kind.value} promotion takes no category fields")


def _check_category(promo: Promotion) -> None:
    pid = promo.promotion_id
    if not (isinstance(promo.category, str) and promo.category):
        raise _bad(pid, "category", "it must be a non-empty category name")
    if (promo.percent_bp is None) == (promo.amount_off is None):
        raise _bad(pid, "percent_bp", "it needs exactly one of 'percent_bp' and 'amount_off'")
    if promo.percent_bp is not None and not (
            _is_int(promo.percent_bp) and 1 <= promo.percent_bp <= MAX_PERCENT_BP):
        raise _bad(pid, "percent_bp", "it must be basis points from 1 to 10000 (10 % = 1000)")
    if promo.amount_off is not None and not (_is_int(promo.amount_off) and promo.amount_off > 0):
        raise _bad(pid, "amount_off", "it must be a positive integer of minor units per item")
    if promo.gtins or promo.quantity or promo.pay_for is not None or promo.price is not None:
        raise _bad(pid, "gtins", "a category promotion takes no deal fields")


@dataclass(frozen=True, slots=True)
class Item:
    """One single item that may take part in a deal (a line of 3 is three items)."""

    price: int  # minor units
    gtin: str
    line_id: int
    vat: str


@dataclass(frozen=True, slots=True)
class DealGroup:
    """One use of a deal: the items it takes and what the shopper saves on them."""

    items: tuple[Item, ...]
    saving: int  # minor units, positive


def _saving(promo: Promotion, prices: list[int]) -> int:
    """What one full group saves: the cheapest items free, or the amount above the deal price."""
    if promo.pay_for is not None:
        return sum(sorted(prices)[: promo.quantity - promo.pay_for])
    assert promo.price is not None  # guaranteed by _check_deal
    return sum(prices) - promo.price


def deal_groups(promo: Promotion, items: list[Item]) -> tuple[DealGroup, ...]:
    """Every group this multi-buy or mix and match would make from ``items``.

    Items are taken most expensive first and cut into groups of ``quantity``; in each group of
    an "N for M" deal the cheapest items are the free ones (the usual retail rule, and what the
    shopper expects). Most-expensive-first grouping gives the shopper the largest saving a
    deal can give, and sorting by (price, GTIN, line id) makes the choice of items independent
    of the order they were scanned in. Items left over (fewer than ``quantity``) stay out, and
    a group that would cost more than its items' own prices is never made: a promotion never
    raises a price.
    """
    if promo.kind is PromotionKind.MULTIBUY:
        pools = [[item for item in items if item.gtin == gtin] for gtin in promo.gtins]
    elif promo.kind is PromotionKind.MIXMATCH:
        wanted = set(promo.gtins)
        pools = [[item for item in items if item.gtin in wanted]]
    else:
        raise ValueError(f"promotion {promo.promotion_id!r} is not a multi-buy or mix and match")
    groups = []
    size = promo.quantity
    for pool in pools:
        pool.sort(key=lambda i: (-i.price, i.gtin, i.line_id, i.vat))
        for start in range(0, len(pool) - size + 1, size):
            chunk = pool[start : start + size]
            saving = _saving(promo, [item.price for item in chunk])
            if saving > 0:
                groups.append(DealGroup(tuple(chunk), saving))
    return tuple(groups)


def category_saving(promo: Promotion, amount: int, items: int) -> Fraction:
    """What a category promotion takes off ``items`` items costing ``amount`` together, exactly.

    Exact, not rounded: pricing rounds a promotion's saving once over all its lines, so ten
    croissants scanned one by one save the same as ten scanned as one line of 10. A fixed
    amount per item never takes a line below zero.
    """
    if promo.kind is not PromotionKind.CATEGORY:
        raise ValueError(f"promotion {promo.promotion_id!r} is not a category promotion")
    if promo.percent_bp is not None:
        return Fraction(amount * promo.percent_bp, MAX_PERCENT_BP)
    assert promo.amount_off is not None  # guaranteed by _check_category
    return Fraction(min(amount, promo.amount_off * items))
