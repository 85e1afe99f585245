"""The basket as plain data: what the shopper and staff put in, and what pricing makes of it.

Two sides on purpose. :class:`Line` is the input: it records only facts (which product, how
many, a weight or a price read off a label, a staff override), so the session can keep it,
journal it and restore it after a power cut without any computed figure going stale.
:class:`PricedBasket` is the output of :func:`kiosk.core.pricing.price_basket`: every figure
the screen, the receipt, the journal and the MQTT sale message show, computed in one pure place
so they can never disagree with each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kiosk.core.money import Money
from kiosk.core.product import Product


@dataclass(frozen=True, slots=True)
class Line:
    """One basket line as the shopper or staff made it.

    ``quantity`` counts items; a weighed product is always one line of quantity 1 with its
    ``weight_g``. ``label_price`` is the price printed into an in-store label (restricted
    circulation barcode or GS1 AI 392x) and wins over any computation, because that is what the
    shopper was shown on the pack. ``override_price`` is a staff override of the unit price (per
    kg for weighed items); ``override_by`` names the staff member for the audit and the receipt.
    """

    line_id: int
    product: Product
    quantity: int = 1
    weight_g: int | None = None
    label_price: int | None = None
    override_price: int | None = None
    override_by: str | None = None


@dataclass(frozen=True, slots=True)
class PricedLine:
    """A line as shown: ``unit_price`` per item or per kg (the override if any)."""

    line_id: int
    gtin: str
    names: Mapping[str, str]
    quantity: int
    weight_g: int | None
    unit_price: Money
    amount: Money  # before discounts
    vat: str  # VAT code
    min_age: int


@dataclass(frozen=True, slots=True)
class DiscountLine:
    """One promotion's effect, shown as its own line on screen and receipt.

    ``amount`` is negative. ``vat_split`` says how it reduces each VAT code's gross, so the VAT
    breakdown is computed on what the shopper actually pays; its parts sum to ``amount``.
    """

    promotion_id: str
    names: Mapping[str, str]  # label per language
    amount: Money
    line_ids: tuple[int, ...]
    vat_split: Mapping[str, Money]


@dataclass(frozen=True, slots=True)
class VatLine:
    """One VAT rate's share of the sale; ``gross == net + vat``, rate in basis points."""

    code: str
    rate_bp: int  # 20 % = 2000, 5.5 % = 550
    gross: Money
    net: Money
    vat: Money


@dataclass(frozen=True, slots=True)
class PricedBasket:
    """Everything a sale shows and records.

    ``total == sum(line amounts) + sum(discount amounts) == sum(vat gross)``, to the cent.
    ``item_count`` counts items (a weighed line counts 1); ``min_age`` is the highest minimum
    age in the basket (0 if none), which the session uses to ask staff for approval.
    """

    lines: tuple[PricedLine, ...]
    discounts: tuple[DiscountLine, ...]
    vat: tuple[VatLine, ...]  # sorted by code
    total: Money
    item_count: int
    min_age: int
