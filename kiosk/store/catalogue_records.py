"""Products loaded from a verified catalogue file, built on first use.

A cold start of a 100k-product catalogue spends about as long turning parsed JSON records into
:class:`~kiosk.core.product.Product` objects as parsing the JSON itself, while a shift sells
a few hundred distinct products. So the records read from a file whose digest verified (our
own validated output, see :mod:`kiosk.store.catalogue_file`) stay as they are, and each
becomes a Product the first time it is looked up (a few microseconds, once). Iterating, or
copying for an update, builds them all.

The records are trusted rather than re-validated: the digest proves they are the bytes the
mirror wrote from validated products. The cheap shape check at load (:func:`check_record`)
still refuses a record a different software version might have written, so a lookup never
meets a record it cannot build.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from kiosk.core.product import Product, Unit

KNOWN = frozenset({"gtin", "names", "price", "unit", "vat", "category", "min_age",
                   "low_stock", "plu", "image", "deposit"})
REQUIRED = frozenset({"gtin", "names", "price", "vat", "category"})
UNITS = {unit.value: unit for unit in Unit}
NO_EXTRA: Mapping[str, Any] = MappingProxyType({})  # one shared, immutable "no extra fields"


def check_record(record: Any) -> bool:
    """Whether a trusted record has what :func:`build_product` needs."""
    return (isinstance(record, dict) and record.keys() >= REQUIRED
            and record.get("unit", "each") in UNITS)


def build_product(record: dict[str, Any], shared: dict[str, str]) -> Product:
    """A Product from a trusted record; ``shared`` keeps one copy of each VAT code and category."""
    get = record.get
    extra = NO_EXTRA if record.keys() <= KNOWN else {
        k: v for k, v in record.items() if k not in KNOWN}
    vat, category = record["vat"], record["category"]
    return Product(record["gtin"], record["names"], record["price"], shared.setdefault(vat, vat),
                   shared.setdefault(category, category), UNITS[get("unit", "each")],
                   get("min_age", 0), get("plu"), get("low_stock", 0), get("image"),
                   get("deposit"), extra)


class ProductTable(Mapping[str, Product]):
    """Products by GTIN, each built from its record on first access (see module docstring).

    Safe to read from several threads: two threads building the same product at once each
    get an equal Product, and one of them is kept.
    """

    __slots__ = ("_items", "_shared")

    def __init__(self, items: Mapping[str, Product | dict[str, Any]]) -> None:
        self._items: dict[str, Product | dict[str, Any]] = dict(items)
        self._shared: dict[str, str] = {}

    def updated(self, delete: Iterable[str], upsert: Mapping[str, Product]) -> ProductTable:
        """A new table with ``delete`` removed and ``upsert`` set; unbuilt records stay so.

        KeyError names the first GTIN of ``delete`` that is not in the table.
        """
        table = ProductTable(self._items)
        table._shared = self._shared
        for gtin in delete:
            del table._items[gtin]
        table._items.update(upsert)
        return table

    def get(self, gtin: str, default: Any = None) -> Any:  # Mapping.get, without a try/except
        item = self._items.get(gtin)
        if item is None:
            return default
        if type(item) is dict:
            item = self._items[gtin] = build_product(item, self._shared)
        return item

    def __getitem__(self, gtin: str) -> Product:
        product = self.get(gtin)
        if product is None:
            raise KeyError(gtin)
        return product

    def __contains__(self, gtin: object) -> bool:
        return gtin in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def field_by_gtin(self, name: str) -> dict[str, Any]:
        """One field of every product that has it, without building the products."""
        found = {}
        for gtin, item in self._items.items():
            value = item.get(name) if type(item) is dict else getattr(item, name)
            if value is not None:
                found[gtin] = value
        return found


def field_by_gtin(products: Mapping[str, Product], name: str) -> dict[str, Any]:
    """GTIN -> one field, for every product that has it, building no product that is unbuilt."""
    if isinstance(products, ProductTable):
        return products.field_by_gtin(name)
    return {gtin: value for gtin, product in products.items()
            if (value := getattr(product, name)) is not None}
