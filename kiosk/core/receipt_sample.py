"""A sample sale from the store's own catalogue, priced by the core, for ``kiosk receipt-preview``.

Store IT checks the receipt layout before the first shopper does: the sample therefore holds
what stresses a layout, taken from the real catalogue rather than invented: a promotion that
really triggers (its own discount line), a weighed item, an item bought three times, the
longest name in the receipt's language and a name with accents, and at least one item of every
VAT rate sold, so the VAT table is full. It is priced by :func:`kiosk.core.pricing.price_basket`
exactly as a sale is, and paid by a (sample) card.

Sale number 0 never belongs to a real sale (numbers start at 1), so a sample receipt can never
be mistaken for, or refund, a real one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

from kiosk.core.basket import Line
from kiosk.core.pricing import price_basket
from kiosk.core.product import Product
from kiosk.core.promotions import Promotion
from kiosk.core.sale import PaymentRecord, Sale, SaleStatus, stock_movements

SAMPLE_NUMBER = 0
SAMPLE_CARD = {"scheme": "VISA", "masked_pan": "************4242", "auth_code": "000000",
               "terminal_id": "SAMPLE"}
MAX_LINES = 8


def _sellable(products: Iterable[Product], vat_rates: Mapping[str, int]) -> list[Product]:
    """Products a sale could hold alone: priced, a configured VAT rate, neither carrying a
    deposit line nor being one (the session adds those, the sample does not need them)."""
    products = list(products)
    deposits = {p.deposit for p in products if p.deposit}
    return sorted((p for p in products if p.vat in vat_rates and p.price and p.deposit is None
                   and p.gtin not in deposits and p.category != "deposit"),
                  key=lambda p: p.gtin)


def _deal(promotions: Sequence[Promotion], by_gtin: Mapping[str, Product],
          at: datetime) -> list[tuple[Product, int]]:
    """The items that trigger the first active multi-buy whose products are sold here."""
    for promo in sorted(promotions, key=lambda p: p.promotion_id):
        if not (promo.is_deal and promo.active(at, member=False)):
            continue
        found = [by_gtin[g] for g in promo.gtins if g in by_gtin and not by_gtin[g].weighed]
        if found:
            return [(found[0], promo.quantity)]
    return []


def _picks(products: list[Product], promotions: Sequence[Promotion], lang: str,
           at: datetime) -> list[tuple[Product, int]]:
    by_gtin = {p.gtin: p for p in products}
    each = [p for p in products if not p.weighed]
    chosen: list[tuple[Product, int]] = _deal(promotions, by_gtin, at)
    rules: list[tuple[Callable[[], Product | None], int]] = [
        (lambda: next((p for p in products if p.weighed), None), 1),
        (lambda: max(each, key=lambda p: (len(p.name(lang)), p.gtin), default=None), 1),
        (lambda: next((p for p in each if not p.name(lang).isascii()), None), 1),
        (lambda: min(each, key=lambda p: (p.price, p.gtin), default=None), 3),
    ]
    for rule, quantity in rules:
        product = rule()
        if product is not None and all(product.gtin != c.gtin for c, _ in chosen):
            chosen.append((product, quantity))
    rates = {p.vat for p, _ in chosen}
    for product in each:
        if product.vat not in rates and len(chosen) < MAX_LINES:
            chosen.append((product, 1))
            rates.add(product.vat)
    return chosen


def sample_sale(products: Iterable[Product], promotions: Sequence[Promotion], *,
                vat_rates: Mapping[str, int], currency: str, at: datetime, store_id: str,
                kiosk_id: str, language: str) -> Sale:
    """A completed, card-paid sample sale; ValueError when the catalogue sells nothing."""
    sellable = _sellable(products, vat_rates)
    if not sellable:
        raise ValueError("the catalogue has no product that can be sold (with a price and a "
                         "configured VAT rate)")
    lines = tuple(Line(line_id=i, product=p, quantity=1 if p.weighed else n,
                       weight_g=1234 if p.weighed else None)
                  for i, (p, n) in enumerate(_picks(sellable, promotions, language, at), 1))
    basket = price_basket(lines, promotions=promotions, vat_rates=vat_rates, currency=currency,
                          at=at)
    sale_id = f"{store_id}-{kiosk_id}-{SAMPLE_NUMBER:08d}"
    payment = PaymentRecord(f"{sale_id}-P1", "card", basket.total, "approved", at,
                            auth=dict(SAMPLE_CARD))
    return Sale(sale_id=sale_id, sale_number=SAMPLE_NUMBER, store_id=store_id,
                kiosk_id=kiosk_id, status=SaleStatus.COMPLETED, started_at=at, completed_at=at,
                basket=basket, payments=(payment,), stock=stock_movements(lines),
                language=language)
