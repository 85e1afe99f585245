"""Opening the catalogue on start: the file, or its last good copy, or a clear refusal.

The rules, in the order a store needs them:

- The file loads and verifies: use it, and make sure the last good copy beside it holds the
  same bytes (a kill between the two writes of an update leaves it one version behind).
- Neither the file nor its last good copy exists: this kiosk never had a catalogue. Start
  empty and say so (:attr:`CatalogueHealth.FIRST_BOOT`); it sells nothing until one arrives.
- The file is missing or corrupt (bad JSON, wrong schema, a product that fails validation,
  no meta record, content that does not match its digest) but the last good copy loads: use
  it, say so in words (:attr:`CatalogueHealth.RECOVERED`), keep the damaged file as
  ``<file>.corrupt`` for whoever investigates, and restore the file from the copy.
- Both are unusable: raise :class:`~kiosk.errors.CatalogueError` saying what, why and what to
  do. Never start with an empty catalogue silently.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from kiosk.errors import CatalogueError
from kiosk.store.catalogue_file import CatalogueFile, decode_file
from kiosk.store.catalogue_update import CatalogueState
from kiosk.store.tinystorage import AtomicJSONStorage

log = logging.getLogger(__name__)
CORRUPT_SUFFIX = ".corrupt"


class CatalogueHealth(StrEnum):
    OK = "ok"
    FIRST_BOOT = "first-boot"  # never had a catalogue: empty, and says so
    RECOVERED = "recovered"  # the file was missing or corrupt; serving the last good copy


@dataclass(frozen=True, slots=True)
class CatalogueStatus:
    """How the catalogue came up, in words for the screen, the log and the fleet."""

    health: CatalogueHealth
    message: str
    version: str | None
    products: int


@dataclass(frozen=True, slots=True)
class Opened:
    """What start-up found: the state to serve, its products' bytes, and how it went."""

    loaded: CatalogueFile | None  # None on first boot
    status: CatalogueStatus

    def state(self, currency: str) -> CatalogueState:
        return self.loaded.state if self.loaded else CatalogueState.empty(currency)


def _problem(exc: CatalogueError) -> str:
    return f"{exc.what}: {exc.why}" if exc.why else exc.what


def _try(storage: AtomicJSONStorage, currency: str) -> tuple[CatalogueFile | None, bytes | None,
                                                               str]:
    """(decoded, raw bytes, problem): problem is "" when it loaded, "missing" when absent."""
    try:
        raw = storage.read_bytes()
    except OSError as exc:
        return None, None, f"unreadable ({exc.strerror or exc})"
    if raw is None:
        return None, None, "missing"
    try:
        return decode_file(raw, currency), raw, ""
    except CatalogueError as exc:
        return None, raw, f"corrupt ({_problem(exc)})"


def _same_bytes(path: Path, raw: bytes) -> bool:
    """Compare a file with ``raw`` in 1 MiB chunks: no second 30 MB buffer during start-up."""
    chunk_size = 1 << 20
    try:
        with path.open("rb") as file:
            pos = 0
            while chunk := file.read(chunk_size):
                if raw[pos:pos + len(chunk)] != chunk:
                    return False
                pos += len(chunk)
    except FileNotFoundError:
        return False
    return pos == len(raw)


def _refresh_copy(copy: AtomicJSONStorage, raw: bytes) -> None:
    """Bring the last good copy up to the verified file; a failure only loses redundancy."""
    try:
        if not _same_bytes(copy.path, raw):
            copy.write_encoded(raw)
    except OSError as exc:
        log.error("cannot refresh the last good catalogue copy %s: %s", copy.path, exc)


def _restore(main: AtomicJSONStorage, raw_main: bytes | None, good_raw: bytes) -> str:
    """Keep the damaged file aside and put the last good copy back in its place."""
    kept = ""
    try:
        if raw_main is not None:
            aside = main.path.with_name(main.path.name + CORRUPT_SUFFIX)
            os.replace(main.path, aside)
            kept = f"; the damaged file was kept as {aside}"
        main.write_encoded(good_raw)
    except OSError as exc:
        log.error("cannot restore %s from its last good copy: %s", main.path, exc)
        return kept + f"; restoring the file failed ({exc.strerror or exc})"
    return kept


def _ok(loaded: CatalogueFile, path: Path) -> CatalogueStatus:
    meta = loaded.meta
    return CatalogueStatus(CatalogueHealth.OK,
                           f"catalogue version {meta.version} ({meta.products} products, applied "
                           f"{meta.applied_at}) loaded from {path}",
                           meta.version, meta.products)


def open_catalogue(main: AtomicJSONStorage, copy: AtomicJSONStorage, currency: str) -> Opened:
    """Apply the start-up rules of the module docstring."""
    loaded, raw, problem = _try(main, currency)
    if loaded is not None and raw is not None:
        _refresh_copy(copy, raw)
        return Opened(loaded, _ok(loaded, main.path))
    good, good_raw, good_problem = _try(copy, currency)
    if problem == "missing" and good_problem == "missing":
        status = CatalogueStatus(
            CatalogueHealth.FIRST_BOOT,
            f"no catalogue yet: {main.path} has never been written (first start); "
            "the kiosk sells nothing until a catalogue arrives", None, 0)
        return Opened(None, status)
    if good is None or good_raw is None:
        raise CatalogueError(
            f"the catalogue in {main.path.parent} cannot be loaded",
            f"{main.path.name} is {problem} and its last good copy {copy.path.name} is "
            f"{good_problem}",
            f"Restore {copy.path} from a backup, or move {main.path} away and restart so the "
            "kiosk can receive a full snapshot from the fleet manager; it does not start with "
            "an empty catalogue on its own.")
    kept = _restore(main, raw, good_raw)
    meta = good.meta
    message = (f"catalogue file {main.path} is {problem}; using last good version "
               f"{meta.version} ({meta.products} products, applied {meta.applied_at}) from "
               f"{copy.path}{kept}")
    log.error("%s", message)
    return Opened(good, CatalogueStatus(CatalogueHealth.RECOVERED, message, meta.version,
                                        meta.products))
