"""A TinyDB storage that never writes a file in place.

TinyDB's stock ``JSONStorage`` seeks to the start of the open file and overwrites it; a power
cut in the middle leaves half of the new database followed by the tail of the old one. Ours
hands every write, whole, to :func:`kiosk.store.atomic.atomic_write_bytes` (temp file, fsync,
rename, fsync of the directory), so a reader sees the previous database or the next, never a
mix. TinyDB only ever gives a storage the whole database, so there is no per-item write to
forbid: the unit of writing is the file.

The catalogue mirror writes its own canonical encoding through :meth:`write_encoded` (same
atomic path) and serves lookups from its in-memory index; TinyDB's ``Query`` is for people and
tools (:func:`open_query_db`), read-only, so nothing but the mirror changes the file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage

from kiosk.errors import CatalogueError
from kiosk.store.atomic import atomic_write_bytes


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


class AtomicJSONStorage(Storage):
    """TinyDB storage over one JSON file, written whole and atomically (see module docstring)."""

    def __init__(self, path: str | os.PathLike[str], *, tag: str = "tinydb",
                 read_only: bool = False) -> None:
        super().__init__()
        self.path = Path(path)
        self.tag = tag  # prefix of the fault points of this file's writes
        self.read_only = read_only
        # Read-only, the file is parsed once: TinyDB reads the whole database on every query,
        # which would mean parsing 30 MB per lookup on a full catalogue.
        self._cached: dict[str, dict[str, Any]] | None = None

    def read_bytes(self) -> bytes | None:
        """The file's bytes, or None when it does not exist (yet)."""
        try:
            return self.path.read_bytes()
        except FileNotFoundError:
            return None

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._cached is not None:
            return self._cached
        raw = self.read_bytes()
        if raw is None or not raw.strip():
            return None  # TinyDB's signal for "empty database"
        try:
            data = json.loads(raw, parse_constant=_reject_constant)
        except RecursionError:
            raise CatalogueError(f"{self.path} is not valid JSON", "it is nested too deeply",
                                 "Restore the file from its last good copy.") from None
        except ValueError as exc:
            raise CatalogueError(f"{self.path} is not valid JSON", str(exc),
                                 "Restore the file from its last good copy.") from None
        if not (isinstance(data, dict) and all(isinstance(t, dict) for t in data.values())):
            raise CatalogueError(f"{self.path} is not a TinyDB database",
                                 "its top level must map table names to tables")
        if self.read_only:
            self._cached = data
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self.write_encoded(json.dumps(data, ensure_ascii=True, separators=(",", ":"),
                                      allow_nan=False).encode("ascii"))

    def write_encoded(self, raw: bytes) -> None:
        """Replace the whole file with ``raw``; OSError when the disk refuses."""
        if self.read_only:
            raise CatalogueError(f"{self.path} is open read-only",
                                 "only the catalogue mirror changes the catalogue file",
                                 "Apply changes as a catalogue update or a CSV import.")
        atomic_write_bytes(self.path, raw, tag=self.tag)


def open_query_db(path: str | os.PathLike[str]) -> TinyDB:
    """A read-only TinyDB over a catalogue file, for TinyDB's ``Query``; any write is refused.

    Example: ``open_query_db(p).table("products").search(Query().category == "dairy")``.
    The file is read when first queried and kept; a newer file needs a new handle.
    """
    return TinyDB(path, storage=AtomicJSONStorage, read_only=True)
