"""Shared set-up for the receipt and printer tests: real sales priced by the core, decoding.

Imported as a sibling by the ``test_receipt_*``/``test_printer_*``/``test_hw_printer`` modules.
Sales are priced by :func:`kiosk.core.pricing.price_basket` (real promotions, real VAT), never
written out by hand, so a receipt test sees exactly the figures a shopper would.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from PIL import Image
from pyzbar.pyzbar import ZBarSymbol, decode

from kiosk.core.basket import Line
from kiosk.core.money import Money
from kiosk.core.pricing import price_basket
from kiosk.core.product import Product, Unit
from kiosk.core.promotions import Promotion
from kiosk.core.receipt import ReceiptHeader, receipt_qr, sale_receipt
from kiosk.core.receipt_doc import Document
from kiosk.core.sale import PaymentRecord, Sale, SaleStatus, stock_movements

PARIS = ZoneInfo("Europe/Paris")
AT = datetime(2025, 3, 14, 16, 5, tzinfo=UTC)  # 17:05 in Paris
VAT = {"standard": 2000, "reduced": 550}
HEADER = ReceiptHeader("Supermarché du Centre", ("12 rue de la République", "69002 Lyon"),
                       "FR40303265045")
CARD = {"scheme": "VISA", "masked_pan": "4111111111111111", "auth_code": "A1B2C3",
        "terminal_id": "T0004711", "trace": "000123"}


def product(gtin: str, en: str, price: int, vat: str = "standard", *, fr: str = "",
            zh: str = "", unit: Unit = Unit.EACH) -> Product:
    names = {"en": en, **({"fr": fr} if fr else {}), **({"zh": zh} if zh else {})}
    return Product(gtin=gtin, names=names, price=price, vat=vat, category="grocery", unit=unit)


CREME = product("03000000000017", "Fresh cream 20 cl", 235, "reduced", fr="Crème fraîche 20 cl",
                zh="鲜奶油 20厘升")
MUESLI = product("03000000000024", "Swiss muesli 500 g", 310, "reduced", fr="Müsli suisse 500 g",
                 zh="瑞士燕麦片 500克")
WINE = product("03000000000031", "Côtes du Rhône red wine 75 cl", 899, fr="Vin rouge Côtes du "
               "Rhône 75 cl", zh="罗讷河谷红葡萄酒 75厘升")
BANANAS = product("02000000000400", "Bananas", 199, "reduced", fr="Bananes", zh="香蕉",
                  unit=Unit.KG)
COLA = product("03000000000048", "Cola 1.5 L", 189, fr="Cola 1,5 L", zh="可乐 1.5升")
COLA_2_FOR_3 = Promotion.from_dict({"id": "cola-2-for-3", "kind": "multibuy",
                                    "names": {"en": "2 for €3.00: cola", "fr": "2 pour 3,00 € : cola",
                                              "zh": "可乐 两瓶3.00欧元"},
                                    "gtins": [COLA.gtin], "quantity": 2, "price": 300})


def make_sale(items: Sequence[tuple[Product, int]] = ((CREME, 1), (MUESLI, 3), (BANANAS, 1234),
                                                       (COLA, 2), (WINE, 1)), *,
              number: int = 17, language: str = "en", promotions: Sequence[Promotion] = (
                  COLA_2_FOR_3,), auth: dict[str, str] | None = None,
              member: str | None = None) -> Sale:
    """A completed card sale; for a weighed product the number is its weight in grams."""
    lines = tuple(Line(line_id=i, product=p, quantity=1 if p.unit is Unit.KG else n,
                       weight_g=n if p.unit is Unit.KG else None)
                  for i, (p, n) in enumerate(items, 1))
    basket = price_basket(lines, promotions=promotions, vat_rates=VAT, currency="EUR", at=AT)
    sale_id = f"store-0001-k01-{number:08d}"
    payment = PaymentRecord(f"{sale_id}-P1", "card", basket.total, "approved", AT,
                            auth=dict(CARD if auth is None else auth))
    return Sale(sale_id=sale_id, sale_number=number, store_id="store-0001", kiosk_id="k01",
                status=SaleStatus.COMPLETED, started_at=AT, completed_at=AT, basket=basket,
                payments=(payment,), stock=stock_movements(lines), language=language,
                member=member)


def receipt(sale: Sale, *, reprint: bool = False, lang: str | None = None) -> Document:
    return sale_receipt(sale, HEADER, tz=PARIS, qr=receipt_qr("{sale_id}", sale), lang=lang,
                        reprint=reprint)


def eur(minor: int) -> Money:
    return Money(minor, "EUR")


def qr_codes(image: Image.Image) -> list[str]:
    """Every QR code pyzbar finds on the rendered paper."""
    return [found.data.decode("utf-8")
            for found in decode(image.convert("L"), symbols=[ZBarSymbol.QRCODE])]
