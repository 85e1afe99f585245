"""Catalogue updates: what a snapshot or a delta must hold, and the state it leads to. Pure.

Everything here runs before a single byte is written, so an update is judged whole: one bad
product, one unknown field, one stale base and nothing of it is applied (the mirror keeps its
file and its index). Every rejection is a :class:`~kiosk.errors.CatalogueError` whose message
names the update's field or product and says what was expected, because it goes back to the
fleet manager in the catalogue acknowledgement and has to be acted on by a person.

Formats (schema 1)::

    snapshot: {"schema": 1, "kind": "snapshot", "version": V, "currency": C,
               "products": [product...], "promotions": [promotion...]}
    delta:    {"schema": 1, "kind": "delta", "version": V, "base": B, "currency": C,
               "upsert": [product...], "delete": [gtin...],
               "promotions_upsert": [promotion...], "promotions_delete": [id...]}

Policies, chosen for a store that must never sell from a catalogue nobody intended:

- Unknown top-level fields are rejected: a misspelt ``promotions_upsert`` must not silently
  drop a week of promotions.
- A delta applies only to the version it was computed from (``base``). Deleting a GTIN or a
  promotion that is not in that version is an error, not a no-op: it means the fleet manager's
  idea of this kiosk's catalogue differs from the kiosk's, and a full snapshot is the fix.
- A snapshot must hold at least one product; an empty catalogue is never installed.
- Across the whole resulting catalogue: a PLU belongs to one product, and every ``deposit``
  names a product that is in the catalogue (otherwise the bottle could not be sold).
- Promotions may name GTINs that are not (or no longer) in the catalogue; such a deal never
  triggers, and delisting a product must not require editing every promotion in the same push.
"""

from __future__ import annotations

from collections.abc import Collection, Container, Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.core.product import Product
from kiosk.core.promotions import Promotion
from kiosk.errors import CatalogueError
from kiosk.store.catalogue_products import FIX_UPDATE, parse_products
from kiosk.store.catalogue_records import ProductTable, field_by_gtin

SCHEMA = 1
SNAPSHOT = "snapshot"
DELTA = "delta"
MAX_VERSION_LENGTH = 128
SNAPSHOT_FIELDS = frozenset({"schema", "kind", "version", "currency", "products", "promotions"})
DELTA_FIELDS = frozenset({"schema", "kind", "version", "base", "currency", "upsert", "delete",
                          "promotions_upsert", "promotions_delete"})
SEND_SNAPSHOT = "Send a full snapshot; nothing of this delta was applied."


@dataclass(frozen=True, slots=True)
class CatalogueState:
    """What the kiosk sells: one version of products by GTIN and promotions by id."""

    version: str | None  # None only before the first catalogue ever arrived
    currency: str
    products: Mapping[str, Product]
    promotions: Mapping[str, Promotion]

    @classmethod
    def empty(cls, currency: str) -> CatalogueState:
        return cls(version=None, currency=currency, products={}, promotions={})


@dataclass(frozen=True, slots=True)
class Update:
    """A validated update. For a snapshot, ``upsert`` and ``promotions_upsert`` are everything.

    ``upsert`` holds canonical records where the fast path vouched for them
    (:mod:`kiosk.store.catalogue_products`) and builds each Product on first access.
    """

    kind: str
    version: str
    base: str | None
    upsert: ProductTable
    delete: tuple[str, ...] = ()
    promotions_upsert: Mapping[str, Promotion] | None = None
    promotions_delete: tuple[str, ...] = ()


def _bad(what: str, why: str = "", action: str = FIX_UPDATE) -> CatalogueError:
    return CatalogueError(what, why, action)


def check_version(value: Any, field: str) -> str:
    """Versions are opaque labels, but they end up in logs, acks and on screen: keep them sane."""
    if not (isinstance(value, str) and value and value.isprintable()
            and len(value) <= MAX_VERSION_LENGTH):
        raise _bad(f"the update has a bad {field!r}",
                   f"it must be a non-empty printable string of at most {MAX_VERSION_LENGTH} "
                   f"characters, got {value!r:.80}")
    return value


def _list(data: Mapping[str, Any], field: str, *, required: bool = False) -> list[Any]:
    if field not in data and not required:
        return []
    value = data.get(field)
    if not isinstance(value, list):
        raise _bad(f"the update's {field!r} is not a list",
                   "it is missing" if field not in data else f"got {type(value).__name__}")
    return value


def _header(data: Any, currency: str) -> tuple[str, str]:
    """Schema, kind, fields and currency: the checks that do not depend on the content."""
    if not isinstance(data, dict):
        raise _bad("the update is not a JSON object", f"got {type(data).__name__}")
    schema = data.get("schema")
    if schema != SCHEMA or isinstance(schema, bool):
        raise _bad(f"unknown catalogue schema {schema!r}", f"this kiosk reads schema {SCHEMA}",
                   "Send the update in schema 1, or update the kiosk software first.")
    kind = data.get("kind")
    if kind not in (SNAPSHOT, DELTA):
        raise _bad(f"unknown update kind {kind!r}", "it must be 'snapshot' or 'delta'")
    allowed = SNAPSHOT_FIELDS if kind == SNAPSHOT else DELTA_FIELDS
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise _bad(f"the {kind} has an unknown field {unknown[0]!r}",
                   f"a {kind} has only the fields {', '.join(sorted(allowed))}")
    version = check_version(data.get("version"), "version")
    found = data.get("currency")
    if found is None:
        raise _bad("the update has no 'currency'", f"this kiosk sells in {currency}")
    if found != currency:
        raise _bad(f"the update is priced in {found!r:.20}",
                   f"this kiosk sells in {currency}",
                   f"Send a catalogue priced in {currency}; nothing of this one was applied.")
    return kind, version


def parse_promotions(items: list[Any], field: str) -> dict[str, Promotion]:
    promotions: dict[str, Promotion] = {}
    for number, item in enumerate(items):
        try:
            promotion = Promotion.from_dict(item)
        except CatalogueError as exc:
            raise _bad(f"{field}[{number}]: {exc.what}", exc.why) from None
        if promotion.promotion_id in promotions:
            raise _bad(f"{field} lists promotion {promotion.promotion_id!r} twice",
                       "each promotion appears once in an update")
        promotions[promotion.promotion_id] = promotion
    return promotions


def _ids(items: list[Any], field: str, *, gtins: bool) -> tuple[str, ...]:
    for item in items:
        if not (isinstance(item, str) and item):
            raise _bad(f"the update's {field!r} holds {item!r:.40}",
                       "it must list GTIN-14 strings" if gtins else "it must list promotion ids")
    if len(set(items)) != len(items):
        raise _bad(f"the update's {field!r} lists an entry twice", "each entry appears once")
    return tuple(items)


def parse_update(data: Any, *, currency: str, vat_codes: Collection[str] | None = None,
                 known: Container[str] = ()) -> Update:
    """Validate a whole update; :class:`CatalogueError` says what is wrong with it.

    ``known``: GTINs already verified (the current catalogue's), whose check digit is not
    computed again (see :func:`kiosk.store.catalogue_products.plain_record`).
    """
    kind, version = _header(data, currency)
    if kind == SNAPSHOT:
        products = parse_products(_list(data, "products", required=True), "products",
                                  vat_codes, known)
        return Update(SNAPSHOT, version, None, products, (),
                      parse_promotions(_list(data, "promotions"), "promotions"))
    base = check_version(data.get("base"), "base")
    upsert = parse_products(_list(data, "upsert"), "upsert", vat_codes, known)
    delete = _ids(_list(data, "delete"), "delete", gtins=True)
    both = sorted(set(upsert) & set(delete))
    if both:
        raise _bad(f"the delta both upserts and deletes GTIN {both[0]}",
                   "it must do one or the other")
    promotions = parse_promotions(_list(data, "promotions_upsert"), "promotions_upsert")
    dropped = _ids(_list(data, "promotions_delete"), "promotions_delete", gtins=False)
    both = sorted(set(promotions) & set(dropped))
    if both:
        raise _bad(f"the delta both upserts and deletes promotion {both[0]!r}",
                   "it must do one or the other")
    return Update(DELTA, version, base, upsert, delete, promotions, dropped)


def _check_whole(products: Mapping[str, Product]) -> None:
    """Rules over the whole catalogue, whichever update produced it."""
    if not products:
        raise _bad("the update leaves the catalogue empty",
                   "a kiosk must never run with no products")
    owners: dict[str, str] = {}
    for gtin, plu in field_by_gtin(products, "plu").items():
        other = owners.setdefault(plu, gtin)
        if other != gtin:
            raise _bad(f"PLU {plu} is used by both {other} and {gtin}",
                       "a PLU keyed in at the kiosk must name one product")
    for gtin, deposit in field_by_gtin(products, "deposit").items():
        if deposit not in products:
            raise _bad(f"product {gtin} has deposit {deposit}, which is not in the catalogue",
                       "the deposit item must be sold too (include it or drop the link)")


def _apply_delta(state: CatalogueState, update: Update) -> CatalogueState:
    current = state.version
    if update.base != current:
        shown = repr(current) if current is not None else "none (no catalogue yet)"
        raise _bad(f"delta base {update.base!r} does not match current version {shown}",
                   action=SEND_SNAPSHOT if current is None
                   else f"Send a full snapshot, or a delta from {current!r}.")
    if update.version == current:
        raise _bad(f"the delta's version {update.version!r} equals its base",
                   "a delta must lead to a new version")
    missing = [gtin for gtin in update.delete if gtin not in state.products]
    if missing:
        raise _bad(f"the delta deletes GTIN {missing[0]}, which is not in version {current!r}",
                   "the fleet's view of this kiosk's catalogue differs from the kiosk's",
                   SEND_SNAPSHOT)
    base = state.products
    table = base if isinstance(base, ProductTable) else ProductTable(base)
    products = table.updated(update.delete, update.upsert)
    promotions = dict(state.promotions)
    for pid in update.promotions_delete:
        if promotions.pop(pid, None) is None:
            raise _bad(f"the delta deletes promotion {pid!r}, which is not in version {current!r}",
                       "the fleet's view of this kiosk's catalogue differs from the kiosk's",
                       SEND_SNAPSHOT)
    promotions.update(update.promotions_upsert or {})
    return CatalogueState(update.version, state.currency, products, promotions)


def next_state(state: CatalogueState, update: Update) -> CatalogueState:
    """The catalogue after ``update``, fully checked; ``state`` itself is never modified."""
    if update.kind == SNAPSHOT:
        new = CatalogueState(update.version, state.currency, ProductTable(update.upsert),
                             dict(update.promotions_upsert or {}))
    else:
        new = _apply_delta(state, update)
    _check_whole(new.products)
    return new
