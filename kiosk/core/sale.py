"""The completed (or voided) sale: the record the journal commits and the central store receives.

A :class:`Sale` is built once, by the session, at the instant the sale ends, from the priced
basket of that instant; nothing recomputes it later. That is why it carries every figure the
receipt prints (lines, discounts, VAT per rate, payments) rather than the inputs to them: a
promotion that changes tomorrow must not change yesterday's receipt.

Stock movements: an item sold "each" moves stock by its quantity, in items. A weighed product
(sold per kg) moves stock by its weight in grams, unit ``"g"``: counting a 1.2 kg bag of apples
as "one item" would make the stock figure meaningless, so kg products are stocked in grams (and
their low-stock threshold is in grams too). A weighed product sold from a label that carries
only a price has no known weight: it moves by one ``"pack"``, said as such rather than guessed
in grams. A pre-packed item with a weight label is sold each and moves by its quantity. A
voided sale moves no stock.

:meth:`Sale.to_dict` is JSON-ready: times as ISO 8601 UTC, money as integer minor units with the
sale's one ``currency`` beside them. The open basket's journal form (:func:`line_to_dict`,
:func:`line_from_dict`) lives here too, so restore after a power cut reads what was written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from kiosk.core.basket import Line, PricedBasket
from kiosk.core.money import Money
from kiosk.core.product import Product

SCHEMA_VERSION = 1


class SaleStatus(StrEnum):
    COMPLETED = "completed"
    VOIDED = "voided"  # cancelled by staff, or abandoned; nothing was paid
    SUSPENDED = "suspended"  # set aside by staff, nothing paid; may be recalled into a new sale


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    """One payment attempt and what became of it. Cash carries ``tendered`` and ``change``."""

    attempt_id: str
    method: str  # "card" or "cash"
    amount: Money
    outcome: str  # a PaymentOutcome value
    at: datetime
    auth: Mapping[str, str] = field(default_factory=dict)  # auth_code, masked_pan, terminal_id...
    resolved_by: str | None = None  # staff who resolved an unknown outcome
    tendered: Money | None = None
    change: Money | None = None


@dataclass(frozen=True, slots=True)
class StaffAction:
    """One audited thing a staff member did to this sale (approve, void, override, ...)."""

    staff_id: str
    action: str
    at: datetime
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StockMovement:
    """``delta`` is negative for a sale; ``unit`` is ``"each"``, ``"g"`` or ``"pack"``."""

    gtin: str
    delta: int
    unit: str


def stock_movements(lines: Iterable[Line]) -> tuple[StockMovement, ...]:
    """What a completed sale takes out of stock, one movement per GTIN and unit."""
    totals: dict[tuple[str, str], int] = {}
    for line in lines:
        if line.product.weighed and line.weight_g is not None:
            key, amount = (line.product.gtin, "g"), line.weight_g
        elif line.product.weighed:  # a price-only label: the pack's weight is not known
            key, amount = (line.product.gtin, "pack"), line.quantity
        else:
            key, amount = (line.product.gtin, "each"), line.quantity
        totals[key] = totals.get(key, 0) - amount
    return tuple(StockMovement(gtin, delta, unit)
                 for (gtin, unit), delta in sorted(totals.items()) if delta)


@dataclass(frozen=True, slots=True)
class Sale:
    sale_id: str
    sale_number: int
    store_id: str
    kiosk_id: str
    status: SaleStatus
    started_at: datetime
    completed_at: datetime
    basket: PricedBasket
    payments: tuple[PaymentRecord, ...] = ()
    staff_actions: tuple[StaffAction, ...] = ()
    stock: tuple[StockMovement, ...] = ()
    language: str = "en"
    member: str | None = None  # loyalty card number when one was scanned
    reason: str = ""  # why a sale was voided

    @property
    def currency(self) -> str:
        return self.basket.total.currency

    @property
    def total(self) -> Money:
        return self.basket.total

    def to_dict(self) -> dict[str, Any]:
        cur = self.currency
        return {
            "schema": SCHEMA_VERSION, "sale_id": self.sale_id, "sale_number": self.sale_number,
            "store_id": self.store_id, "kiosk_id": self.kiosk_id, "status": self.status.value,
            "started_at": _iso(self.started_at), "completed_at": _iso(self.completed_at),
            "language": self.language, "member": self.member, "reason": self.reason,
            "currency": cur, "total": _minor(self.total, cur),
            "item_count": self.basket.item_count, **_basket_dict(self.basket, cur),
            "payments": [_payment_dict(p, cur) for p in self.payments],
            "staff_actions": [{"staff_id": a.staff_id, "action": a.action, "at": _iso(a.at),
                               "detail": dict(a.detail)} for a in self.staff_actions],
            "stock": [{"gtin": m.gtin, "delta": m.delta, "unit": m.unit} for m in self.stock],
        }


def _iso(at: datetime) -> str:
    return at.isoformat()


def _minor(amount: Money, currency: str) -> int:
    """Amounts are written as bare minor units, so each must be in the sale's currency."""
    if amount.currency != currency:
        raise ValueError(f"a {amount.currency} amount in a {currency} sale")
    return amount.minor


def _basket_dict(basket: PricedBasket, cur: str) -> dict[str, Any]:
    return {
        "lines": [{
            "line_id": ln.line_id, "gtin": ln.gtin, "names": dict(ln.names),
            "quantity": ln.quantity, "weight_g": ln.weight_g,
            "unit_price": _minor(ln.unit_price, cur), "amount": _minor(ln.amount, cur),
            "vat": ln.vat, "min_age": ln.min_age,
        } for ln in basket.lines],
        "discounts": [{
            "promotion_id": d.promotion_id, "names": dict(d.names),
            "amount": _minor(d.amount, cur), "line_ids": list(d.line_ids),
            "vat_split": {code: _minor(m, cur) for code, m in sorted(d.vat_split.items())},
        } for d in basket.discounts],
        "vat": [{"code": v.code, "rate_bp": v.rate_bp, "gross": _minor(v.gross, cur),
                 "net": _minor(v.net, cur), "vat": _minor(v.vat, cur)} for v in basket.vat],
    }


def _payment_dict(payment: PaymentRecord, cur: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "attempt_id": payment.attempt_id, "method": payment.method,
        "amount": _minor(payment.amount, cur), "outcome": payment.outcome,
        "at": _iso(payment.at), "auth": dict(payment.auth), "resolved_by": payment.resolved_by,
    }
    if payment.tendered is not None:
        data["tendered"] = _minor(payment.tendered, cur)
    if payment.change is not None:
        data["change"] = _minor(payment.change, cur)
    return data


# --- the open basket in the journal ------------------------------------------------------------

def line_to_dict(line: Line) -> dict[str, Any]:
    """A basket line with its whole product, so a restored basket keeps the scanned price."""
    return {
        "line_id": line.line_id, "product": line.product.to_dict(), "quantity": line.quantity,
        "weight_g": line.weight_g, "label_price": line.label_price,
        "override_price": line.override_price, "override_by": line.override_by,
    }


def line_from_dict(data: Any) -> Line:
    """Read :func:`line_to_dict`'s form back; ValueError (or CatalogueError) names what is bad."""
    if not isinstance(data, dict):
        raise ValueError("a journaled basket line is not an object")
    ints = {key: data.get(key) for key in ("line_id", "quantity")}
    for key, value in ints.items():
        if not (isinstance(value, int) and not isinstance(value, bool) and value > 0):
            raise ValueError(f"a journaled basket line has a bad {key!r}: {value!r}")
    optional = {key: data.get(key) for key in ("weight_g", "label_price", "override_price")}
    for key, value in optional.items():
        if value is not None and not (isinstance(value, int) and not isinstance(value, bool)
                                      and value >= 0):
            raise ValueError(f"a journaled basket line has a bad {key!r}: {value!r}")
    override_by = data.get("override_by")
    if override_by is not None and not isinstance(override_by, str):
        raise ValueError(f"a journaled basket line has a bad 'override_by': {override_by!r}")
    return Line(line_id=ints["line_id"], product=Product.from_dict(data.get("product")),
                quantity=ints["quantity"], weight_g=optional["weight_g"],
                label_price=optional["label_price"], override_price=optional["override_price"],
                override_by=override_by)
