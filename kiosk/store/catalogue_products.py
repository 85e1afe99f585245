"""The product entries of a catalogue update, each checked once, most of them on a fast path.

A product entry is valid when :meth:`Product.from_dict` builds it and :func:`check_product`
accepts it. Doing exactly that for each of a 10k-product snapshot costs about a quarter of a
second, spent on building Products nobody looks up and on checks written for readable
rejections rather than for speed, and a kiosk then turns each Product back into a dict to
write the file. So every entry first meets :func:`plain_record`: a straight run of the same
checks on the parsed JSON that returns the product's canonical record (what
``Product.to_dict()`` would give) when every check holds. Anything it does not vouch for (a
missing or odd field, extra fields, any doubt) goes the full way, which either builds the
product or raises the rejection that names the entry and the field. The fast path never
rejects, so every rejection still comes from the one place that words it, and never accepts
what the full path would refuse (``tests/unit/test_catalogue_products.py`` checks both on
generated entries).

The records land in a :class:`~kiosk.store.catalogue_records.ProductTable`, which builds a
Product on its first lookup, and the mirror encodes them into the catalogue file as they are.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Container
from typing import Any

from kiosk.core.gtin import gtin14, is_ascii_digits
from kiosk.core.product import GTIN_LENGTH, Product
from kiosk.errors import CatalogueError
from kiosk.store.catalogue_records import KNOWN, UNITS, ProductTable

MAX_PLU_LENGTH = 8
# Control characters garble a receipt line; lone surrogates cannot be printed or encoded at all.
BAD_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
FIX_UPDATE = "Fix the update on the fleet side and send it again; nothing of it was applied."
_COUNTS = ("min_age", "low_stock")  # optional non-negative integers, 0 when absent
_TEXTS = ("plu", "image", "deposit")  # optional non-empty strings


def _bad(what: str, why: str = "") -> CatalogueError:
    return CatalogueError(what, why, FIX_UPDATE)


def check_product(product: Product, vat_codes: Collection[str] | None) -> None:
    """What the kiosk needs beyond :meth:`Product.from_dict`: a real GTIN, usable text."""
    checked = gtin14(product.gtin)
    if not isinstance(checked, str):
        raise _bad(f"product {product.gtin} has a bad 'gtin'", checked.reason)
    for lang, name in product.names.items():
        if BAD_TEXT.search(name) or BAD_TEXT.search(lang):
            raise _bad(f"product {product.gtin} has a bad name in {lang!r:.20}",
                       "names must be text without control characters or broken Unicode")
    if product.plu is not None and not (
            is_ascii_digits(product.plu) and len(product.plu) <= MAX_PLU_LENGTH):
        raise _bad(f"product {product.gtin} has a bad 'plu'",
                   f"a PLU is 1 to {MAX_PLU_LENGTH} digits (the keypad has only digits), "
                   f"got {product.plu!r:.20}")
    if vat_codes is not None and product.vat not in vat_codes:
        raise _bad(f"product {product.gtin} has VAT code {product.vat!r:.40}",
                   f"this kiosk knows only {', '.join(sorted(vat_codes))}")
    if product.deposit == product.gtin:
        raise _bad(f"product {product.gtin} names itself as its deposit",
                   "a deposit is a separate item, e.g. the bottle")


def _plain_names(names: Any) -> bool:
    if type(names) is not dict or not names:
        return False
    for lang, name in names.items():
        if type(lang) is not str or type(name) is not str or not name:
            return False
    return BAD_TEXT.search("".join(names) + "".join(names.values())) is None


def _plain_optionals(item: dict[str, Any], record: dict[str, Any]) -> bool:
    """Copy the optional fields that ``to_dict`` keeps (the truthy ones) into ``record``."""
    for key in _COUNTS:
        count = item.get(key, 0)
        if type(count) is not int or count < 0:
            return False
        if count:
            record[key] = count
    for key in _TEXTS:
        text = item.get(key)
        if text is None:
            continue
        if type(text) is not str or not text:
            return False
        record[key] = text
    plu = record.get("plu")
    if plu is not None and not (is_ascii_digits(plu) and len(plu) <= MAX_PLU_LENGTH):
        return False
    return record.get("deposit") != record["gtin"]


def plain_record(item: Any, vat_codes: Collection[str] | None,
                 known: Container[str] = ()) -> dict[str, Any] | None:
    """The canonical record of an entry that passes every product check, else None.

    None does not mean the entry is bad, only that the full path must judge it (see the
    module docstring). ``known`` holds GTINs whose check digit was verified before (the
    current catalogue's): a GTIN is valid or not by its digits alone, so it is not verified
    again. The record is a new dict (names copied): the caller's entry may change after the
    update was applied, the catalogue must not.
    """
    if type(item) is not dict or not item.keys() <= KNOWN:
        return None
    gtin, price, unit = item.get("gtin"), item.get("price"), item.get("unit", "each")
    vat, category, names = item.get("vat"), item.get("category"), item.get("names")
    if not (type(gtin) is str and len(gtin) == GTIN_LENGTH
            and (gtin in known or gtin14(gtin) == gtin)
            and type(price) is int and price >= 0 and type(unit) is str and unit in UNITS
            and type(vat) is str and vat and (vat_codes is None or vat in vat_codes)
            and type(category) is str and category and _plain_names(names)):
        return None
    record = {"gtin": gtin, "names": dict(names), "price": price, "vat": vat,
              "category": category, "unit": unit}
    return record if _plain_optionals(item, record) else None


def _full_path(item: Any, field: str, number: int,
               vat_codes: Collection[str] | None) -> Product:
    try:
        product = Product.from_dict(item)
    except CatalogueError as exc:
        raise _bad(f"{field}[{number}]: {exc.what}", exc.why) from None
    check_product(product, vat_codes)
    return product


def parse_products(items: list[Any], field: str, vat_codes: Collection[str] | None,
                   known: Container[str] = ()) -> ProductTable:
    """Every product validated, keyed by GTIN; a GTIN listed twice is an error.

    ``known``: GTINs verified before, see :func:`plain_record`.
    """
    entries: dict[str, Product | dict[str, Any]] = {}
    for number, item in enumerate(items):
        entry = (plain_record(item, vat_codes, known)
                 or _full_path(item, field, number, vat_codes))
        gtin = entry["gtin"] if isinstance(entry, dict) else entry.gtin
        if gtin in entries:
            raise _bad(f"{field} lists GTIN {gtin} twice", "each product appears once in an update")
        entries[gtin] = entry
    return ProductTable(entries)
