"""What a push sends: a full catalogue read from JSON or a store CSV, and the delta between two
versions, computed here so nobody writes a delta by hand.

Both are judged exactly as a kiosk will judge them (:mod:`kiosk.store.catalogue_update`)
before anything is published: a push that kiosks would reject is refused on the fleet
manager's screen instead, with the same reason. A computed delta is checked by applying it to
the old version and comparing with the new one product by product.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from kiosk.errors import CatalogueError
from kiosk.store.catalogue_csv import import_csv
from kiosk.store.catalogue_update import (
    DELTA,
    SNAPSHOT,
    CatalogueState,
    next_state,
    parse_update,
)


def load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogueError(f"cannot read {path}", exc.strerror or str(exc)) from None
    except ValueError as exc:
        raise CatalogueError(f"{path} is not JSON", str(exc)) from None


def load_catalogue(path: Path, *, version: str | None = None, currency: str = "EUR",
                   vat_codes: Collection[str] | None = None,
                   promotions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A full snapshot from ``path``: a schema-1 JSON snapshot, or a store CSV.

    A CSV names no version and holds no promotions: ``version`` is then required, and
    ``promotions`` (e.g. the previous version's) are carried into the snapshot.
    """
    if path.suffix.lower() == ".csv":
        if not version:
            raise CatalogueError(f"{path} names no version", "a CSV holds only products",
                                 "Pass --version for a CSV catalogue.")
        snapshot = import_csv(path, version=version, currency=currency, vat_codes=vat_codes,
                              promotions=promotions or [])
    else:
        snapshot = load_json(path)
        if isinstance(snapshot, dict) and version and snapshot.get("version") != version:
            raise CatalogueError(f"{path} is version {snapshot.get('version')!r}",
                                 f"--version says {version!r}",
                                 "Leave out --version for a JSON snapshot, or fix the file.")
    found = snapshot.get("currency", currency) if isinstance(snapshot, dict) else currency
    update = parse_update(snapshot, currency=found, vat_codes=vat_codes)
    if update.kind != SNAPSHOT:
        raise CatalogueError(f"{path} is a {update.kind}", "a push starts from full catalogues",
                             "Give the full catalogue; the delta is computed with --delta-from.")
    next_state(CatalogueState.empty(found), update)  # the whole-catalogue rules too
    return dict(snapshot)


def _by_key(items: list[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


def compute_delta(old: Mapping[str, Any], new: Mapping[str, Any], *,
                  vat_codes: Collection[str] | None = None) -> dict[str, Any]:
    """The delta that takes snapshot ``old`` to snapshot ``new``, verified by applying it."""
    if old.get("currency") != new.get("currency"):
        raise CatalogueError("cannot compute a delta between currencies",
                             f"{old.get('currency')} -> {new.get('currency')}")
    if old.get("version") == new.get("version"):
        raise CatalogueError(f"both catalogues are version {new.get('version')!r}",
                             "a delta must lead to a new version")
    currency = str(new["currency"])
    before = parse_update(old, currency=currency, vat_codes=vat_codes)
    after = parse_update(new, currency=currency, vat_codes=vat_codes)
    upsert = [p.to_dict() for gtin, p in after.upsert.items() if before.upsert.get(gtin) != p]
    delete = sorted(set(before.upsert) - set(after.upsert))
    old_promos = dict(before.promotions_upsert or {})
    new_promos = dict(after.promotions_upsert or {})
    delta = {
        "schema": 1, "kind": DELTA, "version": new["version"], "base": old["version"],
        "currency": currency, "upsert": upsert, "delete": delete,
        "promotions_upsert": [p.to_dict() for pid, p in new_promos.items()
                              if old_promos.get(pid) != p],
        "promotions_delete": sorted(set(old_promos) - set(new_promos)),
    }
    base_state = next_state(CatalogueState.empty(currency), before)
    result = next_state(base_state, parse_update(delta, currency=currency, vat_codes=vat_codes))
    expected = next_state(CatalogueState.empty(currency), after)
    if dict(result.products) != dict(expected.products) or \
            dict(result.promotions) != dict(expected.promotions):
        raise CatalogueError("the computed delta does not reproduce the new catalogue",
                             "a product or promotion does not survive a round trip",
                             "Push the full catalogue instead.")
    return delta
