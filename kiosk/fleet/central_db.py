"""The central store's database: what ``kiosk-fleet collect`` writes and ``report`` reads.

One SQLite file. Every uplink message is judged on arrival and stored once:

- ``messages`` is the deduplication log: a message whose ``msg_id`` is already there is a
  redelivery (MQTT delivers at least once) and only counted. A journal record (``seq``) is
  also unique per kiosk, so even a record sent under a second msg_id is stored once.
- ``records`` keeps each kiosk's hash chain as received; every record's hash is recomputed
  from what was sent (:func:`kiosk.store.chain.record_hash`), and linked to its neighbours as
  they arrive, in whatever order. A mismatch is a ``chain_breaks`` row with the reason.
- sequence gaps are the holes in a kiosk's ``records`` (:func:`gaps`); a hole that is filled
  later (a shared subscription delivers out of order) simply disappears.
- the business tables (``sales``, ``sale_lines``, ``stock``, ``low_stock``, ``events``,
  ``acks``) are what reports read.

Nothing here talks to the broker; :mod:`kiosk.fleet.collect` feeds it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.errors import JournalError
from kiosk.store.chain import GENESIS_HASH, canonical_json, record_hash
from kiosk.sync.messages import MessageRejected, parse_uplink
from kiosk.sync.topics import parse_kiosk_topic

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (msg_id TEXT PRIMARY KEY, store TEXT, kiosk TEXT,
    topic TEXT, type TEXT, record_id TEXT, seq INTEGER, received_at TEXT);
CREATE TABLE IF NOT EXISTS records (store TEXT, kiosk TEXT, seq INTEGER, record_id TEXT,
    kind TEXT, created_at TEXT, prev_hash TEXT, hash TEXT, payload TEXT,
    PRIMARY KEY (store, kiosk, seq));
CREATE TABLE IF NOT EXISTS sales (store TEXT, kiosk TEXT, record_id TEXT, sale_id TEXT,
    status TEXT, created_at TEXT, currency TEXT, total INTEGER, item_count INTEGER,
    payment_method TEXT, PRIMARY KEY (store, kiosk, record_id));
CREATE TABLE IF NOT EXISTS sale_lines (store TEXT, kiosk TEXT, record_id TEXT,
    line_no INTEGER, gtin TEXT, name TEXT, quantity INTEGER, amount INTEGER,
    PRIMARY KEY (store, kiosk, record_id, line_no));
CREATE TABLE IF NOT EXISTS stock (store TEXT, kiosk TEXT, seq INTEGER, gtin TEXT,
    delta INTEGER, created_at TEXT, PRIMARY KEY (store, kiosk, seq, gtin));
CREATE TABLE IF NOT EXISTS low_stock (msg_id TEXT PRIMARY KEY, store TEXT, kiosk TEXT,
    gtin TEXT, level INTEGER, threshold INTEGER, created_at TEXT);
CREATE TABLE IF NOT EXISTS events (msg_id TEXT PRIMARY KEY, store TEXT, kiosk TEXT,
    record_id TEXT, kind TEXT, created_at TEXT, body TEXT);
CREATE TABLE IF NOT EXISTS acks (msg_id TEXT PRIMARY KEY, store TEXT, kiosk TEXT,
    status TEXT, version TEXT, code TEXT, reason TEXT, created_at TEXT);
CREATE TABLE IF NOT EXISTS chain_breaks (store TEXT, kiosk TEXT, seq INTEGER, reason TEXT,
    PRIMARY KEY (store, kiosk, seq, reason));
CREATE TABLE IF NOT EXISTS rejected (id INTEGER PRIMARY KEY, topic TEXT, reason TEXT);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sales_time ON sales (created_at);
"""

SALE_KINDS = frozenset({"sale", "void", "basket_void", "refund"})


@dataclass(frozen=True, slots=True)
class Stored:
    """What became of one message: ``new`` (stored), a duplicate, or rejected with why."""

    new: bool
    duplicate: bool = False
    reason: str = ""


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")  # a message is acked to the broker after commit
    conn.executescript(SCHEMA)
    return conn


def bump(conn: sqlite3.Connection, name: str, by: int = 1) -> None:
    conn.execute("INSERT INTO counters VALUES (?, ?) ON CONFLICT(name) DO UPDATE "
                 "SET value = value + excluded.value", (name, by))


def counter(conn: sqlite3.Connection, name: str) -> int:
    row = conn.execute("SELECT value FROM counters WHERE name = ?", (name,)).fetchone()
    return int(row[0]) if row else 0


def store_message(conn: sqlite3.Connection, topic: str, payload: bytes, received_at: str) -> Stored:
    """One uplink message, inside the caller's transaction."""
    where = parse_kiosk_topic(topic)
    try:
        data = parse_uplink(payload)
        if where is None or (data["store"], data["kiosk"]) != where[:2]:
            raise MessageRejected("wrong-sender", f"it claims {data['store']}/{data['kiosk']} "
                                  f"but came on {topic}")
        if conn.execute("SELECT 1 FROM messages WHERE msg_id = ?", (data["msg_id"],)).fetchone():
            bump(conn, "duplicates_received")
            return Stored(False, duplicate=True)
        conn.execute("INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (data["msg_id"], data["store"], data["kiosk"], where[2], data["type"],
                      data["record_id"], data["seq"], received_at))
        if data["type"] == "record":
            return _record(conn, data)
        _item(conn, data)
    except (MessageRejected, JournalError, KeyError, TypeError, ValueError) as exc:
        reason = exc.reason if isinstance(exc, MessageRejected) else f"bad content: {exc}"
        conn.execute("INSERT INTO rejected (topic, reason) VALUES (?, ?)", (topic, reason))
        bump(conn, "rejected")
        return Stored(False, reason=reason)
    return Stored(True)


def _record(conn: sqlite3.Connection, data: Mapping[str, Any]) -> Stored:
    store, kiosk, seq = data["store"], data["kiosk"], int(data["seq"])
    payload = data["payload"]
    if not isinstance(payload, dict):
        raise MessageRejected("bad-field", "a record's payload must be an object")
    if conn.execute("SELECT 1 FROM records WHERE store = ? AND kiosk = ? AND seq = ?",
                    (store, kiosk, seq)).fetchone():
        bump(conn, "duplicates_received")  # the same record under another msg_id
        return Stored(False, duplicate=True)
    text = canonical_json(payload)
    conn.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (store, kiosk, seq, data["record_id"], data["kind"], data["created_at"],
                  data["prev_hash"], data["hash"], text))
    _check_chain(conn, data, text)
    for move in data.get("stock") or ():
        conn.execute("INSERT OR IGNORE INTO stock VALUES (?, ?, ?, ?, ?, ?)",
                     (store, kiosk, seq, move["gtin"], int(move["delta"]), data["created_at"]))
    if data["kind"] in SALE_KINDS:
        _sale(conn, data, payload)
    elif data["kind"] == "event":
        conn.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (data["msg_id"], store, kiosk, data["record_id"],
                      str(payload.get("kind", "event")), data["created_at"], text))
    return Stored(True)


def _break(conn: sqlite3.Connection, store: str, kiosk: str, seq: int, reason: str) -> None:
    conn.execute("INSERT OR IGNORE INTO chain_breaks VALUES (?, ?, ?, ?)",
                 (store, kiosk, seq, reason))


def _check_chain(conn: sqlite3.Connection, data: Mapping[str, Any], text: str) -> None:
    """Recompute the hash, and link it to its neighbours that are already here."""
    store, kiosk, seq = data["store"], data["kiosk"], int(data["seq"])
    recomputed = record_hash(data["prev_hash"], seq, record_id=data["record_id"],
                             kind=data["kind"], created_at=data["created_at"], payload=text)
    if recomputed != data["hash"]:
        _break(conn, store, kiosk, seq, "its hash does not match its content (altered)")
    if seq == 1 and data["prev_hash"] != GENESIS_HASH:
        _break(conn, store, kiosk, seq, "the first record does not start the chain")
    before = conn.execute("SELECT hash FROM records WHERE store = ? AND kiosk = ? AND seq = ?",
                          (store, kiosk, seq - 1)).fetchone()
    if before is not None and before[0] != data["prev_hash"]:
        _break(conn, store, kiosk, seq, f"it does not link to record {seq - 1}")
    after = conn.execute("SELECT prev_hash FROM records WHERE store = ? AND kiosk = ? AND "
                         "seq = ?", (store, kiosk, seq + 1)).fetchone()
    if after is not None and after[0] != data["hash"]:
        _break(conn, store, kiosk, seq + 1, f"it does not link to record {seq}")


def _sale(conn: sqlite3.Connection, data: Mapping[str, Any], payload: dict[str, Any]) -> None:
    approved = [p for p in payload.get("payments") or () if isinstance(p, dict)
                and p.get("outcome") == "approved"]
    method = "+".join(sorted({str(p.get("method")) for p in approved})) or None
    total = payload.get("total", payload.get("total_minor"))
    status = payload.get("status") or ("voided" if data["kind"] != "sale" else "completed")
    conn.execute("INSERT INTO sales VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (data["store"], data["kiosk"], data["record_id"], payload.get("sale_id"),
                  str(status), payload.get("completed_at") or data["created_at"],
                  payload.get("currency"), total if isinstance(total, int) else None,
                  payload.get("item_count"), method))
    for number, line in enumerate(payload.get("lines") or ()):
        if not isinstance(line, dict):
            continue
        names = line.get("names") if isinstance(line.get("names"), dict) else {}
        conn.execute("INSERT INTO sale_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (data["store"], data["kiosk"], data["record_id"], number, line.get("gtin"),
                      names.get("en") or next(iter(names.values()), None),
                      line.get("quantity", line.get("qty")), line.get("amount")))


def _item(conn: sqlite3.Connection, data: Mapping[str, Any]) -> None:
    body = data.get("body")
    if not isinstance(body, dict):
        raise MessageRejected("bad-field", "an item message needs a body object")
    msg_id, store, kiosk, at = data["msg_id"], data["store"], data["kiosk"], data["created_at"]
    if data["type"] == "low_stock":
        conn.execute("INSERT INTO low_stock VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (msg_id, store, kiosk, body.get("gtin"), body.get("level"),
                      body.get("threshold"), at))
    elif data["type"] == "catalogue_ack":
        conn.execute("INSERT INTO acks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (msg_id, store, kiosk, body.get("status"), body.get("version"),
                      body.get("code"), body.get("reason"), at))
    else:
        conn.execute("INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                     (msg_id, store, kiosk, data["record_id"], str(data["type"]), at,
                      json.dumps(body, sort_keys=True)))


def gaps(conn: sqlite3.Connection) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """Missing record sequence numbers per kiosk, as inclusive ranges (received up to max)."""
    found: dict[tuple[str, str], list[tuple[int, int]]] = {}
    rows = conn.execute(
        "SELECT store, kiosk, seq, LEAD(seq) OVER (PARTITION BY store, kiosk ORDER BY seq) "
        "FROM records ORDER BY store, kiosk, seq").fetchall()
    firsts = conn.execute("SELECT store, kiosk, MIN(seq) FROM records GROUP BY store, kiosk")
    for store, kiosk, first in firsts:
        if first > 1:
            found.setdefault((store, kiosk), []).append((1, first - 1))
    for store, kiosk, seq, following in rows:
        if following is not None and following > seq + 1:
            found.setdefault((store, kiosk), []).append((seq + 1, following - 1))
    return found


def chain_breaks(conn: sqlite3.Connection) -> list[tuple[str, str, int, str]]:
    return [tuple(r) for r in conn.execute(
        "SELECT store, kiosk, seq, reason FROM chain_breaks ORDER BY store, kiosk, seq")]
