"""``kiosk receipt-preview``: a sample sale's receipt through the real bytes, as a PNG.

Store IT checks the layout before the first shopper: the store's own header, paper width,
model and language, a sample sale from the store's own catalogue priced by the core
(:mod:`kiosk.core.receipt_sample`), laid out and rendered to ESC/POS exactly as the printer
would receive it, then drawn by the ESC/POS renderer one pixel per printer dot. Nothing is
printed and no sale is recorded.

The catalogue is the kiosk's mirror (like ``kiosk catalogue status``, it cannot be read while
the kiosk service holds it); before the kiosk has ever started (no mirror yet) it is the
configured first-boot catalogue, read without being applied.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image

from kiosk.config import KioskConfig
from kiosk.core.product import Product
from kiosk.core.promotions import Promotion
from kiosk.core.receipt import ReceiptHeader, receipt_qr, sale_receipt
from kiosk.core.receipt_layout import layout
from kiosk.core.receipt_sample import sample_sale
from kiosk.errors import CatalogueError, KioskError
from kiosk.hw.escpos_png import render_png
from kiosk.hw.printer_escpos import EscposRenderer
from kiosk.hw.printer_profile import PaperProfile, paper_profile
from kiosk.store.atomic import atomic_write_bytes
from kiosk.store.catalogue import CatalogueMirror
from kiosk.store.catalogue_update import parse_update


@dataclass(frozen=True, slots=True)
class Preview:
    image: Image.Image
    data: bytes  # the ESC/POS bytes the printer would receive
    paper: PaperProfile
    language: str
    lines: int  # sale lines in the sample
    catalogue: str  # where the products came from
    warnings: tuple[str, ...]


def _catalogue(cfg: KioskConfig, data_dir: Path) -> tuple[list[Product], list[Promotion], str]:
    if (data_dir / "catalogue").is_dir():
        mirror = CatalogueMirror(data_dir / "catalogue", currency=cfg.locale.currency,
                                 vat_codes=cfg.vat.keys())
        try:
            if mirror.version is not None:
                products = [p for c in mirror.categories() for p in mirror.products_in(c)]
                return products, list(mirror.promotions), f"catalogue version {mirror.version}"
        finally:
            mirror.close()
    seed = cfg.paths.initial_catalogue
    if not seed:
        raise CatalogueError("there is no catalogue to take a sample sale from",
                             f"the mirror in {data_dir} is empty and no first-boot catalogue "
                             "is configured", "Import one with 'kiosk catalogue import-csv'.")
    path = cfg.resolve(seed)
    try:
        update = parse_update(json.loads(path.read_text(encoding="utf-8")),
                              currency=cfg.locale.currency, vat_codes=cfg.vat.keys())
    except (OSError, ValueError) as exc:
        raise CatalogueError(f"cannot read the first-boot catalogue {path}", str(exc)) from None
    promotions = list((update.promotions_upsert or {}).values())
    return list(update.upsert.values()), promotions, f"{path} (not applied)"


def render_preview(cfg: KioskConfig, *, at: datetime, language: str | None = None) -> Preview:
    """The sample receipt for this configuration; :class:`KioskError` says what is missing."""
    printer = cfg.devices.printer
    paper = paper_profile(printer.profile, printer.paper_mm, printer.columns)
    lang = language or cfg.locale.language
    products, promotions, source = _catalogue(cfg, cfg.resolve(cfg.paths.data_dir))
    try:
        sale = sample_sale(products, promotions, vat_rates=cfg.vat, currency=cfg.locale.currency,
                           at=at, store_id=cfg.store.store_id, kiosk_id=cfg.store.kiosk_id,
                           language=lang)
    except ValueError as exc:
        raise KioskError("no sample sale can be made", str(exc),
                         "Check the catalogue and the VAT rates in the configuration.") from None
    store = cfg.store
    document = sale_receipt(sale, ReceiptHeader(store.name, store.address, store.vat_number),
                            tz=ZoneInfo(cfg.locale.timezone),
                            qr=receipt_qr(printer.receipt_qr, sale))
    data = EscposRenderer(paper).render(layout(document, paper.columns))
    image = render_png(data, paper_dots=paper.dots)
    return Preview(image, data, paper, lang, len(sale.basket.lines), source,
                   tuple(image.info.get("warnings", ())))


def save_png(image: Image.Image, path: Path) -> None:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    atomic_write_bytes(path, buffer.getvalue(), tag="receipt.preview")
