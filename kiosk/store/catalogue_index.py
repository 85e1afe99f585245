"""The in-memory index the kiosk serves lookups from: by GTIN, by PLU, by category.

One index per catalogue version, never modified after it is built; applying an update builds
the next one and swaps a single reference, so a lookup on another thread sees the old version
or the new, whole. A scan is a dictionary lookup (well under the 20 us budget), never a file
read or a TinyDB query (a TinyDB ``Query`` walks every document: milliseconds at 100k).
"""

from __future__ import annotations

from kiosk.core.product import Product
from kiosk.core.promotions import Promotion
from kiosk.store.catalogue_update import CatalogueState


class CatalogueIndex:
    """Lookups over one :class:`CatalogueState`; a :class:`~kiosk.core.product.ProductLookup`."""

    __slots__ = ("_by_category", "_by_gtin", "_by_plu", "promotions", "state")

    def __init__(self, state: CatalogueState) -> None:
        self.state = state
        self._by_gtin = state.products
        self._by_plu = {p.plu: p for p in state.products.values() if p.plu is not None}
        self._by_category: dict[str, tuple[Product, ...]] | None = None
        self.promotions: tuple[Promotion, ...] = tuple(
            state.promotions[pid] for pid in sorted(state.promotions))

    def by_gtin(self, gtin: str) -> Product | None:
        return self._by_gtin.get(gtin)

    def by_plu(self, plu: str) -> Product | None:
        return self._by_plu.get(plu)

    def _categories(self) -> dict[str, tuple[Product, ...]]:
        """Built on first use: only the lookup screen needs it, and not during a cold start."""
        if self._by_category is None:
            groups: dict[str, list[Product]] = {}
            for gtin in sorted(self._by_gtin):
                product = self._by_gtin[gtin]
                groups.setdefault(product.category, []).append(product)
            self._by_category = {name: tuple(items) for name, items in groups.items()}
        return self._by_category

    def products_in(self, category: str) -> tuple[Product, ...]:
        """The products of a category in GTIN order (screens sort by name in their language)."""
        return self._categories().get(category, ())

    def categories(self) -> tuple[str, ...]:
        return tuple(sorted(self._categories()))

    def __len__(self) -> int:
        return len(self._by_gtin)
