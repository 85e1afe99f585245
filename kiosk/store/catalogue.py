"""The catalogue mirror: the kiosk's copy of what it sells, on disk and in memory.

One directory holds it: ``catalogue.json`` (a TinyDB database, see
:mod:`kiosk.store.catalogue_file`), ``catalogue.last-good.json`` beside it, and a lock file.
Start-up follows :mod:`kiosk.store.catalogue_open`: the file, else the last good copy with a
clear message, else a refusal; empty only on a first boot, and said so.

An update (:meth:`CatalogueMirror.apply`) is judged whole before anything is written
(:mod:`kiosk.store.catalogue_update`), then the new version is written as one atomic file
write, then its last good copy, then the in-memory index is swapped. A rejected update leaves
the file and the index exactly as they were, and comes back as an :class:`ApplyResult` with
the reason, which the kiosk sends to the fleet manager in its acknowledgement. MQTT delivers
at least once, so the version already applied arriving again is accepted as a no-op (a
snapshot is compared first: the same version with other content is refused).

The directory belongs to one process at a time (an exclusive ``flock``): a CSV import run
while the kiosk service is up would otherwise be overwritten by the kiosk's next delta.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from kiosk.clock import utc_now
from kiosk.core.product import Product
from kiosk.core.promotions import Promotion
from kiosk.errors import CatalogueError
from kiosk.faults import fault_point
from kiosk.store.atomic import remove_stale_temps
from kiosk.store.catalogue_file import encode_file, encode_record, paused_gc
from kiosk.store.catalogue_index import CatalogueIndex
from kiosk.store.catalogue_open import (
    CatalogueHealth,
    CatalogueStatus,
    open_catalogue,
)
from kiosk.store.catalogue_records import ProductTable, same_record
from kiosk.store.catalogue_update import (
    DELTA,
    SNAPSHOT,
    CatalogueState,
    Update,
    next_state,
    parse_update,
)
from kiosk.store.tinystorage import AtomicJSONStorage

__all__ = ["ApplyResult", "CatalogueHealth", "CatalogueMirror", "CatalogueStatus"]

log = logging.getLogger(__name__)
FILE_NAME = "catalogue.json"
LAST_GOOD_NAME = "catalogue.last-good.json"
LOCK_NAME = "catalogue.lock"


@dataclass(frozen=True, slots=True)
class ApplyResult:
    """What became of an update: applied (``version`` is now current) or rejected with why."""

    accepted: bool
    version: str | None  # the version current after the call
    previous: str | None
    reason: str = ""  # why it was rejected; for an accepted no-op, why nothing changed
    kind: str = ""

    @property
    def changed(self) -> bool:
        return self.accepted and self.version != self.previous


def _kind_of(update: Any) -> str:
    kind = update.get("kind") if isinstance(update, dict) else None
    return kind if kind in (SNAPSHOT, DELTA) else ""


def _lock(directory: Path) -> int:
    fd = os.open(directory / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise CatalogueError(
            f"the catalogue in {directory} is in use by another process",
            "only one process may hold the catalogue mirror",
            "Stop the kiosk service first (systemctl stop kiosk), or send the catalogue "
            "through the fleet manager.") from None
    return fd


class CatalogueMirror:
    """The kiosk's catalogue; satisfies :class:`~kiosk.core.product.ProductLookup`.

    ``currency`` is the kiosk's (from config): a file or update priced in another is refused.
    ``vat_codes``, when given, are the configured VAT codes an update's products must use.
    """

    def __init__(self, directory: str | os.PathLike[str], *, currency: str,
                 vat_codes: Collection[str] | None = None,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.directory = Path(directory)
        self.currency = currency
        self._vat_codes = frozenset(vat_codes) if vat_codes is not None else None
        self._clock = clock
        self._applying = threading.Lock()  # lookups need no lock: the index is swapped whole
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CatalogueError(f"cannot create the catalogue directory {self.directory}",
                                 exc.strerror or str(exc),
                                 "Check paths.data_dir in the configuration.") from None
        self._lock_fd: int | None = _lock(self.directory)
        self._main = AtomicJSONStorage(self.directory / FILE_NAME, tag="catalogue")
        self._copy = AtomicJSONStorage(self.directory / LAST_GOOD_NAME, tag="catalogue-last-good")
        try:
            for storage in (self._main, self._copy):
                remove_stale_temps(storage.path)
            opened = open_catalogue(self._main, self._copy, currency)
        except BaseException:
            self.close()
            raise
        self.status: CatalogueStatus = opened.status
        self._loaded = opened.loaded  # its product lines are split off on the first update
        self._fragments: dict[str, bytes] | None = None if opened.loaded else {}
        self._digest = opened.loaded.meta.digest if opened.loaded else None
        self._applied_at = opened.loaded.meta.applied_at if opened.loaded else None
        self._index = CatalogueIndex(opened.state(currency))

    # -- lookups (the session's ProductLookup) ------------------------------------------
    def by_gtin(self, gtin: str) -> Product | None:
        return self._index.by_gtin(gtin)

    def by_plu(self, plu: str) -> Product | None:
        return self._index.by_plu(plu)

    def products_in(self, category: str) -> tuple[Product, ...]:
        return self._index.products_in(category)

    def categories(self) -> tuple[str, ...]:
        return self._index.categories()

    def __len__(self) -> int:
        return len(self._index)

    @property
    def version(self) -> str | None:
        return self._index.state.version

    @property
    def promotions(self) -> tuple[Promotion, ...]:
        return self._index.promotions

    @property
    def vat_codes(self) -> frozenset[str] | None:
        return self._vat_codes

    @property
    def digest(self) -> str | None:
        """The content digest of the current version (None before the first catalogue)."""
        return self._digest

    @property
    def applied_at(self) -> str | None:
        return self._applied_at

    @property
    def path(self) -> Path:
        return self._main.path

    @property
    def last_good_path(self) -> Path:
        return self._copy.path

    # -- updates --------------------------------------------------------------------------
    def apply(self, update: Any, *, at: datetime | None = None) -> ApplyResult:
        """Apply a snapshot or delta all or nothing; never raises for a bad update.

        ``at`` (timezone-aware) is recorded as when it was applied; default: the mirror's clock.
        """
        if at is not None and at.utcoffset() is None:
            raise ValueError("apply() needs a timezone-aware time, e.g. datetime.now(UTC)")
        with self._applying:
            if self._lock_fd is None:
                raise CatalogueError("the catalogue mirror is closed",
                                     "it no longer holds the catalogue directory",
                                     "Open a new CatalogueMirror to apply updates.")
            with paused_gc():  # records and lines only: nothing cyclic to collect meanwhile
                return self._apply(update, at)

    def _apply(self, update: Any, at: datetime | None) -> ApplyResult:
        state = self._index.state
        try:
            parsed = parse_update(update, currency=self.currency, vat_codes=self._vat_codes,
                                  known=state.products)
            if parsed.version == state.version:
                return self._redelivered(parsed, state)
            new_state = next_state(state, parsed)
            fragments = self._fragments_for(parsed)
        except CatalogueError as exc:
            log.warning("catalogue update rejected: %s", exc)
            return ApplyResult(False, state.version, state.version, str(exc), _kind_of(update))
        return self._commit(new_state, fragments, parsed.kind, at or self._clock())

    def _redelivered(self, parsed: Update, state: CatalogueState) -> ApplyResult:
        """MQTT delivers at least once: the same version again is a no-op, not an error."""
        if parsed.kind == SNAPSHOT:
            candidate = next_state(state, parsed)
            fragments = self._fragments_for(parsed)
            content_same = fragments == self._lines() and dict(state.promotions) == dict(
                candidate.promotions)
            if not content_same:
                raise CatalogueError(f"version {parsed.version!r} is already applied with "
                                     "different content",
                                     "a version names one content only",
                                     "Publish the changed catalogue under a new version.")
        return ApplyResult(True, state.version, state.version,
                           f"version {parsed.version!r} is already applied", parsed.kind)

    def _lines(self) -> dict[str, bytes]:
        """The current file's product lines, split from the loaded bytes on first need."""
        if self._fragments is None:
            self._fragments = self._loaded.fragments() if self._loaded else {}
            self._loaded = None  # the lines replace the raw bytes; do not hold both
        return self._fragments

    def _fragments_for(self, parsed: Update) -> dict[str, bytes]:
        """Canonical bytes of every product after ``parsed``, encoding only what changed.

        Works on records (no Product is built): a snapshot keeps the line of each product
        whose record did not change, a delta encodes only its upserts.
        """
        old = self._lines()
        if parsed.kind == SNAPSHOT:
            current = self._index.state.products
            held = current if isinstance(current, ProductTable) else ProductTable(current)
            return {gtin: old[gtin] if same_record(record, held.record(gtin))
                    else encode_record(record) for gtin, record in parsed.upsert.records()}
        fragments = dict(old)
        for gtin in parsed.delete:
            del fragments[gtin]
        for gtin, record in parsed.upsert.records():
            fragments[gtin] = encode_record(record)
        return fragments

    def _commit(self, new: CatalogueState, fragments: dict[str, bytes], kind: str,
                at: datetime) -> ApplyResult:
        previous = self._index.state.version
        raw, meta = encode_file(new, fragments, at)
        fault_point("catalogue.encoded")
        try:
            self._main.write_encoded(raw)
        except OSError as exc:
            reason = f"the catalogue file {self.path} could not be written ({exc.strerror or exc})"
            log.error("catalogue update %s not applied: %s", new.version, reason)
            return ApplyResult(False, previous, previous, reason, kind)
        fault_point("catalogue.written")
        try:
            self._copy.write_encoded(raw)
        except OSError as exc:  # the update is applied; only the spare copy lags behind
            log.error("cannot write the last good catalogue copy %s: %s", self._copy.path, exc)
        index = CatalogueIndex(new)
        fault_point("catalogue.before-swap")
        self._index, self._fragments, self._loaded = index, fragments, None
        self._digest, self._applied_at = meta.digest, meta.applied_at
        self.status = CatalogueStatus(CatalogueHealth.OK,
                                      f"catalogue version {new.version} ({len(new.products)} "
                                      f"products) applied {meta.applied_at}",
                                      new.version, len(new.products))
        log.info("catalogue %s applied: version %s (was %s)", kind, new.version, previous)
        return ApplyResult(True, new.version, previous, "", kind)

    # -- lifetime ---------------------------------------------------------------------------
    def close(self) -> None:
        """Release the directory lock; lookups keep working on the in-memory index."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
