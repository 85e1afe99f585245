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

import functools
import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kiosk.errors import JournalError
from kiosk.store.chain import Record, canonical_json, encode

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


_MARK = "\x00"  # a placeholder value: it encodes as "\u0000", which no id or hash can be


def splice(fields: Mapping[str, Any], key: str, raw: bytes) -> bytes:
    """Canonical JSON (UTF-8) of ``fields`` plus ``key`` whose value is ``raw``, canonical JSON
    already: the bytes of ``encode({**fields, key: json.loads(raw)})`` without decoding and
    re-encoding ``raw`` (a sale's lines, at every send). The fields are encoded once with a
    placeholder in ``raw``'s sorted place, which is then replaced; should another field hold
    the placeholder's very value, the fields before and after ``key`` are encoded apart."""
    if key in fields:
        raise ValueError(f"{key!r} is both a field and the spliced key")
    name, marker = _spliced_key(key)
    head, found, tail = encode({**fields, key: _MARK}).encode().partition(marker)
    if found and marker not in tail:
        return b"".join((head, name, raw, tail))
    before = encode({k: value for k, value in fields.items() if k < key})[1:-1].encode()
    after = encode({k: value for k, value in fields.items() if k > key})[1:-1].encode()
    return b"{" + b",".join(part for part in (before, name + raw, after) if part) + b"}"


@functools.cache
def _spliced_key(key: str) -> tuple[bytes, bytes]:
    """``"key":`` and ``"key":"\u0000"`` as encoded, once per key."""
    name = f"{encode(key)}:".encode()
    return name, name + encode(_MARK).encode()


@dataclass(frozen=True, slots=True)
class Envelope:
    """An undelivered message in parts, for a sender that adds fields of its own (the MQTT
    link adds the kiosk's identity and the message id). ``raw_payload``: a record's payload,
    the canonical JSON that was hashed, as UTF-8 bytes straight from SQLite; None for a
    message stored whole, whose every field is in ``fields``."""

    id: int
    record_seq: int | None
    topic: str
    created_at: str
    fields: dict[str, Any]
    raw_payload: bytes | None

    def wire(self, extra: Mapping[str, Any] | None = None) -> bytes:
        """The message's canonical JSON as UTF-8, with ``extra`` fields added."""
        fields = {**self.fields, **extra} if extra else self.fields
        if self.raw_payload is None:
            return encode(fields).encode("utf-8")
        return splice(fields, "payload", self.raw_payload)

    def text(self) -> str:
        return self.wire().decode("utf-8")


_PENDING = (
    "SELECT o.id, o.record_seq, o.topic, o.payload, o.created_at, r.seq, r.record_id, r.kind, "
    "r.created_at, r.prev_hash, r.hash, CAST(r.payload AS BLOB) "
    "FROM outbox AS o LEFT JOIN records AS r ON o.payload IS NULL AND r.seq = o.record_seq "
    "WHERE o.delivered_at IS NULL AND o.id > ? ORDER BY o.id LIMIT ?")


def pending_envelopes(conn: sqlite3.Connection, limit: int,
                      after_id: int = 0) -> list[Envelope]:
    """Undelivered messages in id order, the records with their stock moves, in two queries
    for the whole batch (not two per message)."""
    rows = conn.execute(_PENDING, (int(after_id), int(limit))).fetchall()
    moves = _movements_of(conn, [row[1] for row in rows if row[3] is None])
    envelopes = []
    for id_, seq, topic, payload, created_at, *record, raw in rows:
        if payload is not None:
            envelopes.append(Envelope(id_, seq, topic, created_at, json.loads(payload), None))
        elif record[0] is None:
            raise JournalError(f"cannot send record {seq}", "it is missing from the journal",
                               "The journal was tampered with; run verify_chain and call "
                               "support.")
        else:
            fields = _record_fields(record, moves.get(seq, []))
            envelopes.append(Envelope(id_, seq, topic, created_at, fields, raw))
    return envelopes


def _record_fields(record: list[Any], stock: list[dict[str, int | str]]) -> dict[str, Any]:
    """A record's own message but its ``payload`` (see :class:`Envelope`), from the columns
    seq, record_id, kind, created_at, prev_hash, hash."""
    seq, record_id, kind, created_at, prev_hash, digest = record
    return {"schema": OUTBOX_SCHEMA, "type": "record", "record_id": record_id, "seq": seq,
            "kind": kind, "created_at": created_at, "prev_hash": prev_hash, "hash": digest,
            "stock": stock}


def _movements_of(conn: sqlite3.Connection,
                  seqs: Sequence[int]) -> dict[int, list[dict[str, int | str]]]:
    """The stock moves of several records at once, each record's in the order committed."""
    moves: dict[int, list[dict[str, int | str]]] = {}
    if not seqs:
        return moves
    rows = conn.execute("SELECT record_seq, gtin, delta FROM stock_movements WHERE record_seq "
                        "IN (SELECT value FROM json_each(?)) ORDER BY record_seq, n",
                        (json.dumps(list(seqs)),))
    for seq, gtin, delta in rows:
        moves.setdefault(seq, []).append({"gtin": gtin, "delta": delta})
    return moves


def pending(conn: sqlite3.Connection, limit: int, after_id: int = 0) -> list[OutboxMessage]:
    return [OutboxMessage(e.id, e.record_seq, e.topic, e.text(), e.created_at)
            for e in pending_envelopes(conn, limit, after_id)]


def mark_delivered(conn: sqlite3.Connection, outbox_ids: Sequence[int], at: str) -> None:
    """Idempotent: a second PUBACK for the same message changes nothing. PUBACKs come in
    order, so a batch is mostly one run of consecutive ids, marked by one range update; only
    when fewer rows changed than ids were given are they looked up, to tell an already
    delivered message (fine) from one that does not exist (refused)."""
    wanted = sorted({int(outbox_id) for outbox_id in outbox_ids})
    changed = 0
    for first, last in _runs(wanted):
        changed += conn.execute("UPDATE outbox SET delivered_at = ? WHERE id BETWEEN ? AND ? "
                                "AND delivered_at IS NULL", (at, first, last)).rowcount
    if changed == len(wanted):
        return
    known = {row[0] for row in conn.execute(
        "SELECT id FROM outbox WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(wanted),))}
    missing = [outbox_id for outbox_id in wanted if outbox_id not in known]
    if missing:
        raise JournalError(f"cannot mark outbox message {missing[0]} delivered",
                           "there is no such message (already purged, or a wrong id)")


def _runs(ids: list[int]) -> list[tuple[int, int]]:
    """Sorted distinct ids as (first, last) runs of consecutive ids."""
    runs: list[tuple[int, int]] = []
    for outbox_id in ids:
        if runs and runs[-1][1] == outbox_id - 1:
            runs[-1] = (runs[-1][0], outbox_id)
        else:
            runs.append((outbox_id, outbox_id))
    return runs


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
