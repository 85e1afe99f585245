"""The sales journal: every record that leaves the kiosk, durable before anyone is told.

One SQLite database (see :mod:`kiosk.store.journal_schema`) holds the chained records, stock,
the outbox and the open basket, and answers every read. A commit of records (a sale, a payment
step, a staff action) becomes durable as one frame in the commit log
(:mod:`kiosk.store.commit_log`): one write and one fdatasync, after which the records, their
stock movements, low-stock alerts and outbox messages exist together or not at all. The same
frame is then applied to SQLite in one transaction, off the commit's path: before the next
operation on this journal (so every read sees every commit) or when the writer thread is idle.
On open, frames SQLite does not have yet are applied first. Every SQLite transaction is
fsynced (``synchronous=FULL``), applied frames and the writes that are not records alike (the
open basket, stock levels from the central side, outbox deliveries): the log only spares the
shopper the wait for SQLite's dozen page writes.

The sequence number is the last one plus one, so it has no gaps, and a record id that is
already present returns the stored record instead of writing it twice, so every caller can
simply retry with the same id.

The journal knows nothing of the session's types: it takes JSON-ready mappings and stays a
thin durable layer. It is not thread-safe; :class:`kiosk.store.writer.JournalWriter` gives
it one thread of its own so the UI never waits on a disk. Only one process may write a
journal; another that opens it (e.g. ``kiosk journal status`` beside the running kiosk) reads.
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
from typing import Any, ParamSpec, Self, TypeVar, cast

from kiosk.errors import JournalError
from kiosk.faults import fault_point
from kiosk.store import chain, open_basket
from kiosk.store import commit_log as log_format
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
from kiosk.store.commit_log import CommitLog
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
        journal = cast("Journal", args[0])  # only decorates Journal's own methods
        journal.catch_up()
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
        self._unapplied: list[list[dict[str, Any]]] = []
        try:
            self._log = CommitLog(Path(f"{self.path}-log"))
            if self._log.owner:
                self._replay()
            self._tip = self._stored_tip()
        except BaseException:
            self._unapplied.clear()
            self.close()
            raise

    def close(self) -> None:
        """Apply what is still only in the log, then close; safe to call twice."""
        log: CommitLog | None = getattr(self, "_log", None)
        if self._conn is None:
            return
        try:
            if log is not None and log.owner:
                self.catch_up()
        finally:
            self._conn.close()
            self._conn = None
            if log is not None:
                log.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        """The SQLite connection, with every commit applied (for tests and maintenance)."""
        self.catch_up()
        return self._db

    @property
    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise JournalError("cannot use the sales journal", "it has been closed",
                               "Open it again (this is a bug in the caller).")
        return self._conn

    @contextmanager
    def _transaction(self, what: str, *, after_log: bool = True,
                     ) -> Iterator[sqlite3.Connection]:
        """One SQLite transaction, fsynced (``synchronous=FULL``) when it commits.

        ``after_log``: a write of its own (the basket, levels, deliveries) first applies every
        logged commit, so SQLite sees everything in the order it happened.
        """
        if after_log:
            self._log.check_owner(what)
            self.catch_up()
        conn = self._db
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
        fault_point("journal.after-commit")

    def _rollback(self) -> None:
        if self._conn is not None and self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    # -- the one way in ---------------------------------------------------------------------

    def commit(self, kind: str, record_id: str, payload: Mapping[str, Any], *, at: datetime,
               stock: Iterable[StockMove | tuple[str, int, int | None]] = (),
               outbox: Iterable[OutboxItem] = (), closes_basket: str | None = None) -> Committed:
        """Append one record with its stock moves and outbox messages, in one commit.

        ``closes_basket``: the sale id whose open basket this record completes or voids; it
        is cleared in the same commit, so a crash can never leave both.
        """
        entry = Entry(kind, record_id, payload, tuple(stock), tuple(outbox), closes_basket)
        return self.commit_entries([entry], at=at)[0]

    def commit_entries(self, entries: Sequence[Entry], *, at: datetime) -> tuple[Committed, ...]:
        """Append several records in one commit, in order (e.g. payment approved + sale).

        Durable when it returns: the records are in the commit log, fdatasynced.
        """
        drafts = [prepare(entry) for entry in entries]
        created_at = utc_text(at)
        if not drafts:
            raise JournalError("cannot commit nothing", "no entries were given")
        what = ", ".join(f"{d.kind} {d.record_id}" for d in drafts)
        self._log.check_owner(what)
        self.catch_up()
        try:
            rows, results = self._draft_rows(drafts, created_at)
        except sqlite3.Error as exc:
            raise JournalError(f"could not record {what}", f"SQLite said: {exc}",
                               "Check the data disk, then retry with the same id.") from exc
        if rows:
            self._append(rows, what)
        return results

    def _draft_rows(self, drafts: list[Draft], created_at: str,
                    ) -> tuple[list[dict[str, Any]], tuple[Committed, ...]]:
        """The frame's rows (seq, hash, low-stock alerts fixed now) and what each caller gets."""
        seq, prev = self._tip
        rows: list[dict[str, Any]] = []
        results: list[Committed] = []
        held: dict[str, int] = {}
        in_frame: dict[str, Committed] = {}
        stored = self._stored_rows(drafts)
        for draft in drafts:
            earlier = _existing(draft, stored) or self._repeated(draft, in_frame, rows)
            if earlier is not None:
                results.append(earlier)
                continue
            seq += 1
            digest = chain.record_hash(prev, seq, record_id=draft.record_id, kind=draft.kind,
                                       created_at=created_at, payload=draft.payload)
            low = stock_store.crossings(self._db, draft.moves, held)
            rows.append(_row(draft, seq, created_at=created_at, prev=prev, digest=digest, low=low))
            committed = Committed(seq, draft.record_id, digest, tuple(low))
            in_frame[draft.record_id] = committed
            results.append(committed)
            prev = digest
        return rows, tuple(results)

    def _append(self, rows: list[dict[str, Any]], what: str) -> None:
        try:
            self._log.append(log_format.encode(rows[0]["seq"], rows))
        except OSError as exc:
            raise JournalError(f"could not record {what}",
                               f"writing the commit log failed: {exc}",
                               "Check the data disk; retry with the same id.") from exc
        self._tip = (rows[-1]["seq"], rows[-1]["hash"])
        self._unapplied.append(rows)
        self.commits_since_checkpoint += 1

    def _stored_rows(self, drafts: list[Draft]) -> dict[str, tuple[int, str, str, str]]:
        """The records already stored under these drafts' ids (a retry), in one query."""
        ids = list({draft.record_id for draft in drafts})
        marks = ", ".join("?" * len(ids))
        return {row[0]: row[1:] for row in self._db.execute(
            f"SELECT record_id, seq, kind, payload, hash FROM records "  # noqa: S608
            f"WHERE record_id IN ({marks})", ids)}

    @staticmethod
    def _repeated(draft: Draft, in_frame: dict[str, Committed],
                  rows: list[dict[str, Any]]) -> Committed | None:
        """The same id twice in one commit: the second is the first, as after a retry."""
        first = in_frame.get(draft.record_id)
        if first is None:
            return None
        row = next(r for r in rows if r["record_id"] == draft.record_id)
        _same_content(draft, first.seq, row["kind"], row["payload"])
        return Committed(first.seq, first.record_id, first.hash, duplicate=True)

    # -- bringing SQLite up to date ----------------------------------------------------------

    @property
    def behind(self) -> bool:
        """Whether commits wait to be applied to SQLite (they are durable in the log already)."""
        return bool(self._unapplied)

    def catch_up(self) -> None:
        """Apply the committed frames SQLite does not have yet (each in one transaction)."""
        if not self._unapplied:
            return
        while self._unapplied:
            rows = self._unapplied[0]
            with self._transaction(f"records {rows[0]['seq']} to {rows[-1]['seq']}",
                                   after_log=False) as conn:
                applied = self._stored_tip_in(conn)[0]
                for row in rows:
                    if row["seq"] > applied:
                        _apply_row(conn, row)
            self._unapplied.pop(0)
        # SQLite now holds every frame, fsynced: the next commit's frame goes back to the
        # log's first block, so every sale rewrites the same block, as the disk's floor does.
        self._log.restart()

    def _replay(self) -> None:
        """On open: apply what the log holds beyond SQLite (the commits a crash left there)."""
        frames = list(log_format.frames_after(self._log.read_all(), self._stored_tip()[0]))
        self._unapplied.extend(list(frame.records) for frame in frames)
        self.catch_up()

    def _stored_tip(self) -> tuple[int, str]:
        return self._stored_tip_in(self._db)

    @staticmethod
    def _stored_tip_in(conn: sqlite3.Connection) -> tuple[int, str]:
        last = conn.execute("SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1").fetchone()
        return (int(last[0]), str(last[1])) if last else (0, GENESIS_HASH)

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
    def pending(self, limit: int = 100, *, after_id: int = 0) -> list[OutboxMessage]:
        """Undelivered messages in order; ``after_id`` skips those already in flight."""
        return outbox_store.pending(self.conn, limit, after_id)

    @_reading
    def pending_envelopes(self, limit: int = 100, *,
                          after_id: int = 0) -> list[outbox_store.Envelope]:
        """:meth:`pending` in parts, for a sender that adds its own fields (the MQTT link)."""
        return outbox_store.pending_envelopes(self.conn, limit, after_id)

    def mark_delivered(self, outbox_id: int, *, at: datetime) -> None:
        """Call only after the broker acknowledged the message (PUBACK)."""
        self.mark_delivered_many([outbox_id], at=at)

    def mark_delivered_many(self, outbox_ids: Sequence[int], *, at: datetime) -> None:
        """Several acknowledged messages in one fsynced transaction (all of them, or none)."""
        when = utc_text(at)
        what = f"delivery of outbox messages {', '.join(map(str, outbox_ids[:5]))}" + (
            ", ..." if len(outbox_ids) > 5 else "")
        with self._transaction(what) as conn:
            outbox_store.mark_delivered(conn, outbox_ids, when)

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


def _existing(draft: Draft, stored: Mapping[str, tuple[int, str, str, str]]) -> Committed | None:
    row = stored.get(draft.record_id)
    if row is None:
        return None
    seq, kind, payload, digest = row
    _same_content(draft, seq, kind, payload)
    return Committed(seq, draft.record_id, digest, duplicate=True)


def _same_content(draft: Draft, seq: int, kind: str, payload: str) -> None:
    if (kind, payload) != (draft.kind, draft.payload):
        raise JournalError(
            f"cannot record {draft.kind} {draft.record_id}",
            f"record {seq} already has that id with different content",
            "A retry must repeat the same record; a new event needs a new id.",
        )


def _row(draft: Draft, seq: int, *, created_at: str, prev: str, digest: str,
         low: list[LowStock]) -> dict[str, Any]:
    """A record as the commit log carries it: everything needed to apply it, decided now."""
    return {
        "seq": seq, "record_id": draft.record_id, "kind": draft.kind,
        "created_at": created_at, "payload": draft.payload, "prev_hash": prev, "hash": digest,
        "topic": draft.topic, "moves": [list(move) for move in draft.moves],
        "items": [[item.topic, item.type, dict(item.body)] for item in draft.items],
        "low": [[alert.gtin, alert.level, alert.threshold] for alert in low],
        "closes_basket": draft.closes_basket,
    }


def _apply_row(conn: sqlite3.Connection, row: Mapping[str, Any]) -> None:
    """One logged record into SQLite: the record, its stock, its outbox messages, its basket."""
    record = Record(row["seq"], row["record_id"], row["kind"], row["created_at"],
                    row["payload"], row["prev_hash"], row["hash"])
    conn.execute(f"INSERT INTO records ({RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
                 (record.seq, record.record_id, record.kind, record.created_at,
                  record.payload, record.prev_hash, record.hash))
    fault_point("journal.after-record")
    stock_store.apply_moves(conn, record.seq, record.created_at,
                            tuple(StockMove(*move) for move in row["moves"]))
    fault_point("journal.after-stock")
    outbox_store.enqueue_record(conn, row["topic"], record)
    messages = [("stock", outbox_store.item_envelope(record, "low_stock", {
        "gtin": gtin, "level": level, "threshold": threshold}))
        for gtin, level, threshold in row["low"]]
    messages += [(topic, outbox_store.item_envelope(record, type_, body))
                 for topic, type_, body in row["items"]]
    for topic, message in messages:
        outbox_store.enqueue(conn, topic, message, record.seq, record.created_at)
    fault_point("journal.after-outbox")
    if row["closes_basket"] is not None:
        open_basket.clear(conn, row["closes_basket"])
