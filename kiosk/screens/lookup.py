"""Look-up of items without a barcode (produce): the catalogue mirror's index, searched by name.

Pure and small: the look-up panel offers only products with a PLU, because a product that has
a barcode is scanned, as at a staffed till; a PLU is what the session takes for those.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Protocol

from kiosk.core.product import Product


class Index(Protocol):
    def categories(self) -> tuple[str, ...]: ...

    def products_in(self, category: str) -> tuple[Product, ...]: ...


def _fold(text: str) -> str:
    """Case- and accent-insensitive form: "pêche" is found by "peche"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def lookup_products(index: Index, category: str | None = None) -> tuple[Product, ...]:
    categories: Iterable[str] = (category,) if category else index.categories()
    found = [p for c in categories for p in index.products_in(c) if p.plu]
    return tuple(sorted(found, key=lambda p: p.plu or ""))


def lookup_categories(index: Index) -> tuple[str, ...]:
    return tuple(c for c in index.categories() if any(p.plu for p in index.products_in(c)))


def search(index: Index, text: str, lang: str, limit: int = 24) -> tuple[Product, ...]:
    """Products whose name (in ``lang`` or English) or PLU contains ``text``."""
    wanted = _fold(text.strip())
    if not wanted:
        return ()
    hits = [p for p in lookup_products(index)
            if wanted in _fold(p.name(lang)) or wanted in _fold(p.name("en"))
            or wanted == p.plu]
    return tuple(hits[:limit])
