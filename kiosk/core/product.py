"""Products as the catalogue describes them, and the lookup the session is given.

A product is plain data. Validation here is hand-written rather than pydantic because the
catalogue loader builds 100k of these at start and must stay under a second and a half on a Pi;
every rejection still names the field and what was expected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from kiosk.errors import CatalogueError

GTIN_LENGTH = 14


class Unit(StrEnum):
    EACH = "each"
    KG = "kg"


@dataclass(frozen=True, slots=True)
class Product:
    """One sellable item. ``price`` is VAT-inclusive minor units per unit (per item or per kg)."""

    gtin: str
    names: Mapping[str, str]
    price: int
    vat: str
    category: str
    unit: Unit = Unit.EACH
    min_age: int = 0
    plu: str | None = None
    low_stock: int = 0
    image: str | None = None
    deposit: str | None = None  # GTIN of a linked deposit item (bottle deposit)
    extra: Mapping[str, Any] = field(default_factory=dict)  # fields later issues add

    def name(self, lang: str, fallback: str = "en") -> str:
        """Name in ``lang``, else in ``fallback``, else any name: a shopper never sees a blank."""
        return self.names.get(lang) or self.names.get(fallback) or next(iter(self.names.values()))

    @property
    def weighed(self) -> bool:
        return self.unit is Unit.KG

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "gtin": self.gtin,
            "names": dict(self.names),
            "price": self.price,
            "vat": self.vat,
            "category": self.category,
            "unit": self.unit.value,
        }
        optional = {
            "min_age": self.min_age, "plu": self.plu, "low_stock": self.low_stock,
            "image": self.image, "deposit": self.deposit,
        }
        data.update({k: v for k, v in optional.items() if v})
        data.update(self.extra)
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Product:
        """Build from catalogue JSON; :class:`CatalogueError` names the field that is wrong."""
        if not isinstance(data, dict):
            raise CatalogueError("a product entry is not an object", f"got {type(data).__name__}")
        gtin = data.get("gtin")
        where = f"product {gtin!r}" if isinstance(gtin, str) else "a product"
        if not (isinstance(gtin, str) and len(gtin) == GTIN_LENGTH and gtin.isdigit()):
            raise CatalogueError(f"{where} has a bad 'gtin'", "it must be 14 digits (GTIN-14)")
        names = data.get("names")
        if not (isinstance(names, dict) and names
                and all(isinstance(k, str) and isinstance(v, str) and v for k, v in names.items())):
            raise CatalogueError(f"{where} has bad 'names'",
                                 "it must map language codes to non-empty names")
        price = data.get("price")
        if not (isinstance(price, int) and not isinstance(price, bool) and price >= 0):
            raise CatalogueError(f"{where} has a bad 'price'",
                                 "it must be a non-negative integer of minor units")
        unit_text = data.get("unit", "each")
        try:
            unit = Unit(unit_text)
        except ValueError:
            raise CatalogueError(f"{where} has a bad 'unit'",
                                 f"{unit_text!r} is not 'each' or 'kg'") from None
        text_fields = {"vat": data.get("vat"), "category": data.get("category")}
        for key, value in text_fields.items():
            if not (isinstance(value, str) and value):
                raise CatalogueError(f"{where} has a bad {key!r}", "it must be a non-empty string")
        ints = {"min_age": data.get("min_age", 0), "low_stock": data.get("low_stock", 0)}
        for key, value in ints.items():
            if not (isinstance(value, int) and not isinstance(value, bool) and value >= 0):
                raise CatalogueError(f"{where} has a bad {key!r}",
                                     "it must be a non-negative integer")
        opt = {k: data.get(k) for k in ("plu", "image", "deposit")}
        for key, value in opt.items():
            if value is not None and not (isinstance(value, str) and value):
                raise CatalogueError(f"{where} has a bad {key!r}",
                                     "it must be a non-empty string when present")
        known = {"gtin", "names", "price", "unit", "vat", "category", "min_age", "low_stock",
                 "plu", "image", "deposit"}
        return cls(
            gtin=gtin, names=dict(names), price=price, vat=text_fields["vat"],
            category=text_fields["category"], unit=unit, min_age=ints["min_age"],
            plu=opt["plu"], low_stock=ints["low_stock"], image=opt["image"],
            deposit=opt["deposit"],
            extra={k: v for k, v in data.items() if k not in known},
        )


class ProductLookup(Protocol):
    """What the pure session needs from the catalogue: an in-memory index, no disk."""

    def by_gtin(self, gtin: str) -> Product | None: ...

    def by_plu(self, plu: str) -> Product | None: ...
