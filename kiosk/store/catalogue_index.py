"""The in-memory index the kiosk serves lookups from: by GTIN, by PLU, by category.

One index per catalogue version, never modified after it is built (a freshly loaded catalogue
builds each Product on its first lookup, see :mod:`kiosk.store.catalogue_records`); applying
an update builds the next one and swaps a single reference, so a lookup on another thread sees
the old version or the new, whole. A scan is a dictionary lookup (well under the 20 us
budget), never a file read or a TinyDB query (a TinyDB ``Query`` walks every document:
about a tenth of a second at 100k products).
"""

from __future__ import annotations

from kiosk.core.product import Product
from kiosk.core.promotions import Promotion
from kiosk.store.catalogue_records import field_by_gtin
from kiosk.store.catalogue_update import CatalogueState


class CatalogueIndex:
    """Lookups over one :class:`CatalogueState`; a :class:`~kiosk.core.product.ProductLookup`."""

    __slots__ = ("_by_category", "_by_gtin", "_by_plu", "promotions", "state")

    def __init__(self, state: CatalogueState) -> None:
        self.state = state
        self._by_gtin = state.products
        self._by_plu = {plu: gtin for gtin, plu in field_by_gtin(state.products, "plu").items()}
        self._by_category: dict[str, tuple[str, ...]] | None = None
        self.promotions: tuple[Promotion, ...] = tuple(
            state.promotions[pid] for pid in sorted(state.promotions))

    def by_gtin(self, gtin: str) -> Product | None:
        return self._by_gtin.get(gtin)

    def by_plu(self, plu: str) -> Product | None:
        gtin = self._by_plu.get(plu)
        return None if gtin is None else self._by_gtin.get(gtin)

    def _categories(self) -> dict[str, tuple[str, ...]]:
        """Built on first use: only the lookup screen needs it, and not during a cold start."""
        if self._by_category is None:
            groups: dict[str, list[str]] = {}
            for gtin, category in sorted(field_by_gtin(self._by_gtin, "category").items()):
                groups.setdefault(category, []).append(gtin)
            self._by_category = {name: tuple(gtins) for name, gtins in groups.items()}
        return self._by_category

    def products_in(self, category: str) -> tuple[Product, ...]:
        """The products of a category in GTIN order (screens sort by name in their language)."""
        return tuple(self._by_gtin[gtin] for gtin in self._categories().get(category, ()))

    def categories(self) -> tuple[str, ...]:
        return tuple(sorted(self._categories()))

    def __len__(self) -> int:
        return len(self._by_gtin)
