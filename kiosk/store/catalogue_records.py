"""Products held as their canonical records, each built into a Product on first use.

A cold start of a 100k-product catalogue spends about as long turning parsed JSON records into
:class:`~kiosk.core.product.Product` objects as parsing the JSON itself, while a shift sells
a few hundred distinct products. So records stay as they are, and each becomes a Product the
first time it is looked up (a few microseconds, once). Iterating the table as a mapping builds
them all; :meth:`ProductTable.records` and :meth:`ProductTable.updated` do not.

Two kinds of record are held, both exactly what ``Product.to_dict()`` gives for the product:

- records read from a file whose digest verified (our own validated output, see
  :mod:`kiosk.store.catalogue_file`); the cheap shape check at load (:func:`check_record`)
  still refuses a record a different software version might have written, so a lookup never
  meets a record it cannot build;
- records of an update that passed the full checks on the fast path
  (:mod:`kiosk.store.catalogue_products`), which the mirror also encodes straight into the
  file without building a Product.
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


def record_of(item: Product | dict[str, Any]) -> dict[str, Any]:
    """The canonical record of a table entry: what the catalogue file holds for it."""
    return item if isinstance(item, dict) else item.to_dict()


def same_record(new: dict[str, Any], old: dict[str, Any] | None) -> bool:
    """Whether ``old`` is ``new``, so its encoded line can be kept as it is.

    Only for records of the known fields: their types are checked strictly wherever a record
    comes from (an int is never a bool there), so equal records encode to equal bytes. In extra
    fields ``1 == True == 1.0`` while their JSON differs; such records are encoded afresh.
    """
    return new == old and new.keys() <= KNOWN


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

    __slots__ = ("_fields", "_items", "_shared")

    def __init__(self, items: Mapping[str, Product | dict[str, Any]]) -> None:
        """``items`` maps GTINs to Products or canonical records (not copied from a table:
        a ProductTable given here shares nothing but its entries and stays unbuilt)."""
        raw = items._items if isinstance(items, ProductTable) else items
        self._items: dict[str, Product | dict[str, Any]] = dict(raw)
        self._shared: dict[str, str] = {}
        self._fields: dict[str, dict[str, Any]] = {}  # see field_by_gtin

    def updated(self, delete: Iterable[str], upsert: Mapping[str, Product]) -> ProductTable:
        """A new table with ``delete`` removed and ``upsert`` set; unbuilt records stay so,
        and the field maps already made are carried over, changed only where the update is.

        KeyError names the first GTIN of ``delete`` that is not in the table.
        """
        table = ProductTable(self._items)
        table._shared = self._shared
        gone = list(delete)
        for gtin in gone:
            del table._items[gtin]
        new = upsert._items if isinstance(upsert, ProductTable) else upsert
        table._items.update(new)
        for name, values in list(self._fields.items()):  # a lookup may add one meanwhile
            changed = dict(values)
            for gtin in (*gone, *new):
                changed.pop(gtin, None)
            changed.update(_field_of(new, name))
            table._fields[name] = changed
        return table

    def record(self, gtin: str) -> dict[str, Any] | None:
        """The canonical record of ``gtin`` (None when absent), without building a Product."""
        item = self._items.get(gtin)
        return None if item is None else record_of(item)

    def records(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """(GTIN, canonical record) for every product, building none."""
        for gtin, item in self._items.items():
            yield gtin, record_of(item)

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

    def field_by_gtin(self, name: str) -> Mapping[str, Any]:
        """One known field of every product that has it, without building the products.

        Made once per table and kept (read-only: do not change it), so the checks and the
        index of a delta's result cost what the delta changed, not the whole catalogue.
        """
        found = self._fields.get(name)
        if found is None:
            found = self._fields[name] = _field_of(self._items, name)
        return found


def _field_of(items: Mapping[str, Product | dict[str, Any]], name: str) -> dict[str, Any]:
    found = {}
    for gtin, item in items.items():
        value = item.get(name) if type(item) is dict else getattr(item, name)
        if value is not None:
            found[gtin] = value
    return found


def field_by_gtin(products: Mapping[str, Product], name: str) -> Mapping[str, Any]:
    """GTIN -> one field, for every product that has it, building no product that is unbuilt."""
    if isinstance(products, ProductTable):
        return products.field_by_gtin(name)
    return {gtin: value for gtin, product in products.items()
            if (value := getattr(product, name)) is not None}
