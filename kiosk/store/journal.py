"""The sales journal: every record that leaves the kiosk, durable before anyone is told.

One SQLite database (see :mod:`kiosk.store.journal_schema` for the durability pragmas) holds
the chained records, stock, the outbox and the open basket. Each business event is one
``BEGIN IMMEDIATE ... COMMIT``: the record, its stock movements, its low-stock alerts and its
outbox messages become durable together or not at all. The sequence number is assigned in
that transaction as the last one plus one, so it has no gaps (an AUTOINCREMENT would leave one
per rolled-back transaction), and a record id that is already present returns the stored
record instead of writing it twice, so every caller can simply retry with the same id.

The journal knows nothing of the session's types: it takes JSON-ready mappings and stays a
thin durable layer. It is not thread-safe; :class:`kiosk.store.writer.JournalWriter` gives
it one thread of its own so the UI never waits on a disk.
"""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ParamSpec, Self, TypeVar

from kiosk.errors import JournalError
from kiosk.faults import fault_point
from kiosk.store import chain, open_basket
from kiosk.store import outbox as outbox_store
from kiosk.store import stock as stock_store
from kiosk.store.chain import (
    GENESIS_HASH,
    RECORD_COLUMNS,
    ChainReport,
    Record,
    canonical_json,
    check_record_id,
    utc_text,
)
from kiosk.store.journal_entries import (
    Draft,
    Entry,
    basket_void_entry,
    payment_entry,
    prepare,
    sale_entry,
    staff_entry,
    stock_entry,
)
from kiosk.store.journal_schema import open_connection
from kiosk.store.open_basket import OpenBasket
from kiosk.store.outbox import OutboxCounts, OutboxItem, OutboxMessage
from kiosk.store.stock import LowStock, StockLevel, StockMove

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Committed:
    """The outcome of :meth:`Journal.commit`. ``duplicate``: the id was already recorded, and
    this is the stored record (its stock moves and alerts were applied the first time, so
    ``low_stock`` is empty)."""

    seq: int
    record_id: str
    hash: str
    low_stock: tuple[LowStock, ...] = ()
    duplicate: bool = False


def _reading(method: Callable[P, T]) -> Callable[P, T]:
    """Reads fail as JournalError too: a damaged file is named, not a bare sqlite3 error."""
    @functools.wraps(method)
    def read(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            raise JournalError(
                "could not read the sales journal", f"SQLite said: {exc}",
                "If the file is damaged, keep it for analysis and restore it from backup.",
            ) from exc
    return read


class Journal:
    """The durable store of one kiosk's records; see the module docstring."""

    def __init__(self, path: str | os.PathLike[str], *, autocheckpoint_pages: int = 1000) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = open_connection(
            self.path, autocheckpoint_pages=autocheckpoint_pages)
        self.commits_since_checkpoint = 0

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise JournalError("cannot use the sales journal", "it has been closed",
                               "Open it again (this is a bug in the caller).")
        return self._conn

    @contextmanager
    def _transaction(self, what: str) -> Iterator[sqlite3.Connection]:
        conn = self.conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            fault_point("journal.before-commit")
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise JournalError(
                f"could not record {what}", f"SQLite said: {exc}",
                "Check the data disk, then retry with the same id (a retry never records "
                "twice).",
            ) from exc
        except BaseException:
            self._rollback()
            raise
        self.commits_since_checkpoint += 1
        fault_point("journal.after-commit")

    def _rollback(self) -> None:
        if self._conn is not None and self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    # -- the one way in ---------------------------------------------------------------------

    def commit(self, kind: str, record_id: str, payload: Mapping[str, Any], *, at: datetime,
               stock: Iterable[StockMove | tuple[str, int, int | None]] = (),
               outbox: Iterable[OutboxItem] = (), closes_basket: str | None = None) -> Committed:
        """Append one record with its stock moves and outbox messages, in one transaction.

        ``closes_basket``: the sale id whose open basket this record completes or voids; it
        is cleared in the same transaction, so a crash can never leave both.
        """
        entry = Entry(kind, record_id, payload, tuple(stock), tuple(outbox), closes_basket)
        return self.commit_entries([entry], at=at)[0]

    def commit_entries(self, entries: Sequence[Entry], *, at: datetime) -> tuple[Committed, ...]:
        """Append several records in one transaction, in order (e.g. payment approved + sale)."""
        drafts = [prepare(entry) for entry in entries]
        created_at = utc_text(at)
        if not drafts:
            raise JournalError("cannot commit nothing", "no entries were given")
        with self._transaction(", ".join(f"{d.kind} {d.record_id}" for d in drafts)) as conn:
            return tuple(self._commit_one(conn, draft, created_at) for draft in drafts)

    def _commit_one(self, conn: sqlite3.Connection, draft: Draft, created_at: str) -> Committed:
        existing = self._existing(conn, draft)
        if existing is not None:
            return existing
        record = self._append(conn, draft, created_at)
        fault_point("journal.after-record")
        low = stock_store.apply_moves(conn, record.seq, created_at, draft.moves)
        fault_point("journal.after-stock")
        self._enqueue(conn, record, draft, low)
        fault_point("journal.after-outbox")
        if draft.closes_basket is not None:
            open_basket.clear(conn, draft.closes_basket)
        return Committed(record.seq, record.record_id, record.hash, tuple(low))

    def _existing(self, conn: sqlite3.Connection, draft: Draft) -> Committed | None:
        row = conn.execute(
            "SELECT seq, kind, payload, hash FROM records WHERE record_id = ?",
            (draft.record_id,),
        ).fetchone()
        if row is None:
            return None
        seq, kind, payload, digest = row
        if (kind, payload) != (draft.kind, draft.payload):
            raise JournalError(
                f"cannot record {draft.kind} {draft.record_id}",
                f"record {seq} already has that id with different content",
                "A retry must repeat the same record; a new event needs a new id.",
            )
        return Committed(seq, draft.record_id, digest, duplicate=True)

    def _append(self, conn: sqlite3.Connection, draft: Draft, created_at: str) -> Record:
        last = conn.execute("SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
        digest = chain.record_hash(prev, seq, record_id=draft.record_id, kind=draft.kind,
                                   created_at=created_at, payload=draft.payload)
        record = Record(seq, draft.record_id, draft.kind, created_at, draft.payload, prev, digest)
        conn.execute(f"INSERT INTO records ({RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
                     (record.seq, record.record_id, record.kind, record.created_at,
                      record.payload, record.prev_hash, record.hash))
        return record

    @staticmethod
    def _enqueue(conn: sqlite3.Connection, record: Record, draft: Draft,
                 low: list[LowStock]) -> None:
        outbox_store.enqueue_record(conn, draft.topic, record)
        messages = [
            ("stock", outbox_store.item_envelope(record, "low_stock", {
                "gtin": alert.gtin, "level": alert.level, "threshold": alert.threshold}))
            for alert in low
        ]
        messages += [(item.topic, outbox_store.item_envelope(record, item.type, item.body))
                     for item in draft.items]
        for topic, message in messages:
            outbox_store.enqueue(conn, topic, message, record.seq, record.created_at)

    # -- the business events the app records ------------------------------------------------

    def record_sale(self, sale_id: str, sale_number: int, payload: Mapping[str, Any], *,
                    at: datetime, stock: Iterable[StockMove | tuple[str, int, int | None]] = (),
                    outbox: Iterable[OutboxItem] = ()) -> Committed:
        """A completed sale; clears its open basket in the same transaction."""
        entry = sale_entry(sale_id, sale_number, payload, stock=stock, outbox=outbox)
        return self.commit_entries([entry], at=at)[0]

    def record_payment_attempt(self, sale_id: str, attempt_id: str, status: str, *,
                               at: datetime, amount_minor: int, currency: str,
                               detail: Mapping[str, Any] | None = None,
                               outbox: Iterable[OutboxItem] = ()) -> Committed:
        """One step of a payment attempt (see journal_entries.PAYMENT_STATUSES)."""
        entry = payment_entry(sale_id, attempt_id, status, amount_minor=amount_minor,
                              currency=currency, detail=detail, outbox=outbox)
        return self.commit_entries([entry], at=at)[0]

    def record_staff_action(self, action_id: str, staff_id: str, action: str, *, at: datetime,
                            detail: Mapping[str, Any] | None = None) -> Committed:
        return self.commit_entries([staff_entry(action_id, staff_id, action, detail=detail)],
                                   at=at)[0]

    def record_stock_movement(self, movement_id: str,
                              moves: Iterable[StockMove | tuple[str, int, int | None]], *,
                              at: datetime, reason: str) -> Committed:
        return self.commit_entries([stock_entry(movement_id, moves, reason=reason)], at=at)[0]

    # -- the open basket ---------------------------------------------------------------------

    def save_basket(self, sale_id: str, payload: Mapping[str, Any], *, at: datetime) -> None:
        check_record_id(f"sale:{sale_id}")
        text, when = canonical_json(payload), utc_text(at)
        with self._transaction(f"the basket of sale {sale_id}") as conn:
            open_basket.save(conn, sale_id, text, when)

    @_reading
    def open_basket(self) -> OpenBasket | None:
        return open_basket.load(self.conn)

    def clear_basket(self, sale_id: str) -> bool:
        with self._transaction(f"clearing the basket of sale {sale_id}") as conn:
            return open_basket.clear(conn, sale_id)

    def void_basket(self, *, at: datetime, reason: str) -> Committed | None:
        """On start, when the open basket is not resumed: a chained ``basket_void`` record."""
        basket = self.open_basket()
        if basket is None:
            return None
        return self.commit_entries([basket_void_entry(basket, reason)], at=at)[0]

    # -- queries -----------------------------------------------------------------------------

    @_reading
    def next_sale_number(self) -> int:
        """One more than any sale number used: by a sale, a void, a voided basket or the basket
        still open (a ``sale_number`` in other kinds, e.g. a refund, names an earlier sale)."""
        top = self.conn.execute(
            "SELECT MAX(json_extract(payload, '$.sale_number')) FROM records "
            "WHERE kind IN ('sale', 'void', 'basket_void')").fetchone()[0]
        basket = self.open_basket()
        held = basket.payload.get("sale_number") if basket else None
        numbers = [n for n in (top, held) if type(n) is int]
        return max(numbers, default=0) + 1

    @_reading
    def payment_attempts(self, sale_id: str) -> list[Record]:
        """Every payment step of a sale in order, for recovery after a restart."""
        rows = self.conn.execute(
            f"SELECT {RECORD_COLUMNS} FROM records WHERE kind = 'payment_attempt' "  # noqa: S608
            "AND json_extract(payload, '$.sale_id') = ? ORDER BY seq", (sale_id,))
        return [Record(*row) for row in rows]

    @_reading
    def record(self, record_id: str) -> Record | None:
        row = self.conn.execute(
            f"SELECT {RECORD_COLUMNS} FROM records WHERE record_id = ?",  # noqa: S608
            (record_id,)).fetchone()
        return Record(*row) if row else None

    @_reading
    def records(self, *, after_seq: int = 0, limit: int = 1000) -> list[Record]:
        rows = self.conn.execute(
            f"SELECT {RECORD_COLUMNS} FROM records WHERE seq > ? ORDER BY seq LIMIT ?",  # noqa: S608
            (after_seq, limit))
        return [Record(*row) for row in rows]

    @_reading
    def last_seq(self) -> int:
        return int(self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM records").fetchone()[0])

    @_reading
    def verify_chain(self) -> ChainReport:
        return chain.verify_chain(self.conn)

    @_reading
    def gaps(self) -> list[tuple[int, int]]:
        return chain.gaps(self.conn)

    # -- stock -------------------------------------------------------------------------------

    def set_levels(self, levels: Mapping[str, int], as_of: datetime) -> dict[str, int]:
        """Central levels as of a time, minus our movements since (see kiosk.store.stock)."""
        when = utc_text(as_of)
        with self._transaction("central stock levels") as conn:
            return stock_store.set_levels(conn, levels, when)

    @_reading
    def stock_level(self, gtin: str) -> StockLevel | None:
        return stock_store.level(self.conn, gtin)

    # -- outbox ------------------------------------------------------------------------------

    @_reading
    def pending(self, limit: int = 100) -> list[OutboxMessage]:
        return outbox_store.pending(self.conn, limit)

    def mark_delivered(self, outbox_id: int, *, at: datetime) -> None:
        """Call only after the broker acknowledged the message (PUBACK)."""
        when = utc_text(at)
        with self._transaction(f"delivery of outbox message {outbox_id}") as conn:
            outbox_store.mark_delivered(conn, outbox_id, when)

    @_reading
    def outbox_counts(self) -> OutboxCounts:
        return outbox_store.counts(self.conn)

    def purge_delivered(self, before: datetime) -> int:
        when = utc_text(before)
        with self._transaction("purging delivered outbox messages") as conn:
            return outbox_store.purge_delivered(conn, when)

    # -- maintenance -------------------------------------------------------------------------

    def checkpoint(self) -> int:
        """Copy the WAL into the database off the commit path; returns frames still in the WAL.

        Left to itself SQLite checkpoints inside whichever commit fills the WAL, and the next
        commit then restarts the WAL and fsyncs its new header: two sales pay extra fsyncs.
        The writer thread calls this when idle instead; once every frame is copied it also
        restarts the WAL right away with a one-row write, so that header fsync is paid here
        and the next sale's commit is again a single fsync.
        """
        try:
            busy, log, done = self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:
            raise JournalError("could not checkpoint the sales journal", str(exc),
                               "Committed records stay safe in the WAL; check the data disk.",
                               ) from exc
        if busy or done < log:
            return max(int(log) - int(done), 0)  # a reader holds old frames: try again later
        if log > 0:
            with self._transaction("restarting the WAL") as conn:
                conn.execute("INSERT INTO journal_meta (key, value) VALUES ('wal_restarts', 1) "
                             "ON CONFLICT (key) DO UPDATE SET value = value + 1")
        self.commits_since_checkpoint = 0
        return 0
