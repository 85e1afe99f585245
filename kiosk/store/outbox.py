"""The outbox: messages for the central store, written in the same transaction as their record.

Because a message is committed together with the record it announces, there is no instant at
which a sale exists but will never be sent, or is sent but does not exist. The MQTT link reads
:func:`pending` in id order (the order things happened), publishes, and calls
:func:`mark_delivered` only after the broker's PUBACK; a crash in between sends the message
again with the same ``record_id``, which the central side deduplicates.

Payloads are canonical JSON (sorted keys, compact) carrying ``schema`` (this module's
:data:`OUTBOX_SCHEMA`), ``type``, and the ``record_id``/``seq`` they belong to. A record's own
message (type ``record``) also carries ``prev_hash`` and ``hash`` so the central side can
check the chain, and ``stock``, the movements committed with it; its ``payload`` is the
record's payload object, whose canonical JSON is exactly what was hashed. That message is
stored as a reference to its record and rendered when read, so a sale is not written twice.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.errors import JournalError
from kiosk.store.chain import RECORD_COLUMNS, Record, canonical_json, encode
from kiosk.store.stock import movements

OUTBOX_SCHEMA = 1
TOPICS = frozenset({"sales", "stock", "events", "catalogue/ack"})

# Which upward topic each record kind travels on. A new kind is added here, deliberately: a
# record that had no topic would never leave the kiosk and the central side would see a gap.
TOPIC_FOR_KIND: Mapping[str, str] = {
    "sale": "sales",
    "void": "sales",
    "refund": "sales",
    "basket_void": "sales",
    "payment_attempt": "sales",
    "stock_movement": "stock",
    "staff_action": "events",
    "report": "events",
    "event": "events",  # alerts: help requested, paper out, payment unknown, lockout, ...
}


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """An extra message a commit sends with its record, e.g. an alert on ``events``."""

    topic: str
    type: str
    body: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A message waiting for (or past) delivery; ``payload`` is the exact text to publish."""

    id: int
    record_seq: int | None
    topic: str
    payload: str
    created_at: str

    def data(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.payload)
        return loaded


@dataclass(frozen=True, slots=True)
class OutboxCounts:
    pending: int
    delivered: int


def check_item(item: OutboxItem) -> OutboxItem:
    if not isinstance(item, OutboxItem):
        raise JournalError(f"cannot queue {item!r}", "outbox messages are OutboxItem values")
    if item.topic not in TOPICS:
        raise JournalError(f"cannot queue a message for topic {item.topic!r}",
                           f"the kiosk publishes only on {', '.join(sorted(TOPICS))}")
    canonical_json(item.body)
    return item


def topic_for(kind: str) -> str:
    try:
        return TOPIC_FOR_KIND[kind]
    except KeyError:
        raise JournalError(
            f"cannot record a record of kind {kind!r}",
            "the journal knows no topic to send it on",
            f"Use one of {', '.join(sorted(TOPIC_FOR_KIND))} or add the kind to TOPIC_FOR_KIND.",
        ) from None


def record_envelope(record: Record, stock: list[dict[str, int | str]]) -> dict[str, Any]:
    return {
        "schema": OUTBOX_SCHEMA, "type": "record", "record_id": record.record_id,
        "seq": record.seq, "kind": record.kind, "created_at": record.created_at,
        "prev_hash": record.prev_hash, "hash": record.hash, "payload": record.data(),
        "stock": stock,
    }


def item_envelope(record: Record, type_: str, body: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "schema": OUTBOX_SCHEMA, "type": type_, "record_id": record.record_id,
        "seq": record.seq, "created_at": record.created_at, "body": dict(body),
    }


def enqueue_record(conn: sqlite3.Connection, topic: str, record: Record) -> None:
    """The record's own message: a reference, rendered by :func:`pending` (no second copy)."""
    conn.execute("INSERT INTO outbox (record_seq, topic, created_at) VALUES (?, ?, ?)",
                 (record.seq, topic, record.created_at))


def enqueue(conn: sqlite3.Connection, topic: str, message: Mapping[str, Any],
            record_seq: int | None, created_at: str) -> None:
    conn.execute(
        "INSERT INTO outbox (record_seq, topic, payload, created_at) VALUES (?, ?, ?, ?)",
        (record_seq, topic, canonical_json(message), created_at),
    )


def _render(conn: sqlite3.Connection, seq: int) -> str:
    row = conn.execute(f"SELECT {RECORD_COLUMNS} FROM records WHERE seq = ?",  # noqa: S608
                       (seq,)).fetchone()
    if row is None:
        raise JournalError(f"cannot send record {seq}", "it is missing from the journal",
                           "The journal was tampered with; run verify_chain and call support.")
    return encode(record_envelope(Record(*row), movements(conn, seq)))


def pending(conn: sqlite3.Connection, limit: int, after_id: int = 0) -> list[OutboxMessage]:
    rows = conn.execute(
        "SELECT id, record_seq, topic, payload, created_at FROM outbox "
        "WHERE delivered_at IS NULL AND id > ? ORDER BY id LIMIT ?", (int(after_id), int(limit)),
    ).fetchall()
    return [OutboxMessage(id_, seq, topic, payload if payload is not None else _render(conn, seq),
                          created_at)
            for id_, seq, topic, payload, created_at in rows]


def mark_delivered(conn: sqlite3.Connection, outbox_id: int, at: str) -> None:
    """Idempotent: a second PUBACK for the same message changes nothing."""
    row = conn.execute("SELECT delivered_at FROM outbox WHERE id = ?", (outbox_id,)).fetchone()
    if row is None:
        raise JournalError(f"cannot mark outbox message {outbox_id} delivered",
                           "there is no such message (already purged, or a wrong id)")
    if row[0] is None:
        conn.execute("UPDATE outbox SET delivered_at = ? WHERE id = ?", (at, outbox_id))


def counts(conn: sqlite3.Connection) -> OutboxCounts:
    waiting, done = conn.execute(
        "SELECT COUNT(*) - COUNT(delivered_at), COUNT(delivered_at) FROM outbox"
    ).fetchone()
    return OutboxCounts(pending=int(waiting), delivered=int(done))


def purge_delivered(conn: sqlite3.Connection, before: str) -> int:
    """Drop delivered messages older than ``before``; records themselves are never purged.

    The newest message is always kept, so SQLite never hands out its id again (a late,
    repeated PUBACK for a purged id can then never mark a newer message delivered).
    """
    cursor = conn.execute(
        "DELETE FROM outbox WHERE delivered_at IS NOT NULL AND delivered_at < ? "
        "AND id < (SELECT MAX(id) FROM outbox)", (before,),
    )
    return cursor.rowcount
