"""The kiosk's list of suspended sales: an index beside the journal, which stays the truth.

Suspending a sale commits a ``sale`` record with status ``suspended`` that carries the held
lines (``payload["held"]``); recalling it commits a staff action whose record id is derived
from the suspended sale's id alone (:func:`recall_record_id`), so a sale is recalled once. The
session needs the list of sales still waiting at start, and finding them in a year of
journal would mean reading all of it; so this module keeps them in one small JSON file,
replaced atomically (:mod:`kiosk.store.atomic`) on every change, and checks each entry against
the journal on load with two look-ups by record id:

* suspend writes the entry *before* the record: a crash in between leaves an entry whose
  record does not exist, which the next start drops (the open basket was never closed and
  is restored as the sale it still is);
* recall records *before* it removes the entry: a crash in between leaves an entry whose
  recall record exists, which the next start drops too.

So the list can never offer a sale that was not suspended, nor one already recalled. Every
method runs on the journal writer's thread (``JournalWriter.submit``), in order with the
journal's own work.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.core.suspended import SuspendedSale
from kiosk.errors import CatalogueError, JournalError
from kiosk.store.atomic import atomic_write_bytes
from kiosk.store.journal import Journal
from kiosk.store.writer import JournalWriter

log = logging.getLogger(__name__)
FILE = "suspended-sales.json"
SCHEMA = 1


def sale_record_id(sale_id: str) -> str:
    return f"sale:{sale_id}"  # kiosk.store.journal_entries.sale_entry's id


def recall_action_id(sale_id: str) -> str:
    """The staff action id of a recall (``Journal.record_staff_action``): one per sale."""
    return f"recall:{sale_id}"


def recall_record_id(sale_id: str) -> str:
    return f"staff:{recall_action_id(sale_id)}"  # kiosk.store.journal_entries.staff_entry's id


class SuspendedSales:
    """See the module docstring. ``entries`` is the list as last written, oldest first."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: list[SuspendedSale] = []

    def load(self, journal: Journal) -> list[SuspendedSale]:
        """The sales still suspended, checked against ``journal``; rewrites the file when an
        entry was dropped. Raises JournalError when the file cannot be read (the caller sets
        it aside and says so: the suspended sales are still in the journal's records)."""
        kept, dropped = [], []
        for held in self._read():
            record = journal.record(sale_record_id(held.sale_id))
            suspended = record is not None and record.data().get("status") == "suspended"
            if suspended and journal.record(recall_record_id(held.sale_id)) is None:
                kept.append(held)
            else:
                dropped.append(held.sale_id)
        if dropped:
            log.info("suspended sales: %s no longer waiting (never committed, or recalled "
                     "before a restart)", ", ".join(dropped))
            self._write(kept)
        self.entries = kept
        return list(kept)

    def waiting(self, writer: JournalWriter, say: Callable[[str], None]) -> list[SuspendedSale]:
        """At start: :meth:`load` on the writer's thread, said in the banner. A damaged list is
        set aside and said (the sales are still in the journal; staff scan them again)."""
        try:
            held = writer.submit(self.load).result()
        except JournalError as exc:
            moved = self.set_aside()
            say(f"suspended sales: {exc.message} Moved to {moved}; none can be recalled.")
            return []
        if held:
            say(f"suspended sales waiting for recall: {', '.join(h.sale_id for h in held)}")
        return held

    def add(self, held: SuspendedSale) -> None:
        self._write([*(e for e in self.entries if e.sale_id != held.sale_id), held])

    def remove(self, sale_id: str) -> None:
        self._write([e for e in self.entries if e.sale_id != sale_id])

    def set_aside(self) -> Path:
        """Move a damaged file out of the way (kept for store IT, never overwritten)."""
        target = self.path.with_name(self.path.name + ".damaged")
        self.path.replace(target)
        return target

    def _read(self) -> list[SuspendedSale]:
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            raise self._damaged(str(exc)) from None
        if not isinstance(data, dict) or data.get("schema") != SCHEMA \
                or not isinstance(data.get("sales"), list):
            raise self._damaged(f"it is not a schema {SCHEMA} list of suspended sales")
        try:
            return [SuspendedSale.from_dict(entry) for entry in data["sales"]]
        except (CatalogueError, ValueError, TypeError) as exc:
            raise self._damaged(str(exc)) from None

    def _damaged(self, why: str) -> JournalError:
        return JournalError(f"cannot read the list of suspended sales {self.path}", why,
                            "The suspended sales are in the journal (sale records with status "
                            "'suspended'); staff can scan their items again.")

    def _write(self, entries: list[SuspendedSale]) -> None:
        """The file, then the memory: a failed write changes neither."""
        data = {"schema": SCHEMA, "sales": [held.to_dict() for held in entries]}
        text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)
        try:
            atomic_write_bytes(self.path, text.encode("utf-8"), tag="suspended")
        except OSError as exc:
            raise JournalError(f"cannot write the list of suspended sales {self.path}",
                               exc.strerror or str(exc),
                               "Free space on the kiosk's data disk.") from None
        self.entries = entries
