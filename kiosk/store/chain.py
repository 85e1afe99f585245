"""The journal's hash chain: canonical encodings, the record hash, and its verification.

The central store must be able to recompute every hash from what the kiosk sent, in any
language, so everything that goes into a hash has exactly one spelling:

* time: UTC, ``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (fixed width, so text order is time order);
* payload: JSON with sorted keys, ``","``/``":"`` separators, UTF-8 (no ``\\u`` escapes for
  non-ASCII), and no floats at all (their decimal spelling differs between languages; money is
  integer minor units and weights integer grams anyway);
* hash: ``sha256("\\n".join([prev_hash, str(seq), record_id, kind, created_at, payload]))`` as
  lowercase hex, the first record's ``prev_hash`` being 64 zeros. The fields are joined by a
  newline, which none of them can contain (ids and kinds are checked, JSON escapes newlines),
  so two different records can never hash the same text.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kiosk.errors import JournalError

GENESIS_HASH = "0" * 64
RECORD_ID_RE = re.compile(r"[\x21-\x7e]{1,128}")  # printable ASCII, no space, bounded
KIND_RE = re.compile(r"[a-z][a-z_]{0,39}")


def utc_text(at: datetime) -> str:
    """The one spelling of an instant in the journal; naive datetimes are refused, not guessed."""
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise JournalError(
            f"cannot record the time {at!r}",
            "the journal needs a timezone-aware datetime (UTC) so every kiosk agrees on it",
            "Pass datetime.now(UTC) or another aware datetime.",
        )
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _is_plain(value: Any) -> bool:
    """Fast path: already exactly the JSON types (dict, list, str, int, bool, None).

    A loop over a stack rather than recursion: it runs for every record on the commit path.
    """
    stack = [value]
    pop, push = stack.pop, stack.append
    while stack:
        item = pop()
        kind = type(item)
        if kind is str or kind is int or kind is bool or item is None:
            continue
        if kind is dict:
            for key, inner in item.items():
                if type(key) is not str:
                    return False
                push(inner)
        elif kind is list or kind is tuple:
            stack.extend(item)
        else:
            return False
    return True


def _plain(value: Any, where: str) -> Any:
    """Slow path: a plain copy (mappings, tuples, str/int subclasses) or a reason it has none."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, float):
        why = "it is not a finite number" if not math.isfinite(value) else "it is a float"
        raise JournalError(f"cannot record the value at {where}", why,
                           "Store money as integer minor units and weights as integer grams.")
    if isinstance(value, Mapping):
        bad = [key for key in value if not isinstance(key, str)]
        if bad:
            raise JournalError(f"cannot record the key {bad[0]!r} at {where}",
                               "JSON object keys are text")
        return {str(key): _plain(item, f"{where}.{key}") for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item, f"{where}[{index}]") for index, item in enumerate(value)]
    raise JournalError(f"cannot record the value at {where}",
                       f"a {type(value).__name__} has no JSON form",
                       "Convert it to text, an integer, a list or a mapping first.")


def encode(value: Any) -> str:
    """Canonical JSON of a value already known to be plain (the journal's own envelopes)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(payload: Mapping[str, Any]) -> str:
    """The exact text that is stored, hashed and sent; see the module docstring."""
    if not isinstance(payload, Mapping):
        raise JournalError(
            "cannot record the payload", f"it is a {type(payload).__name__}, not a mapping",
        )
    return encode(payload if _is_plain(payload) else _plain(payload, "payload"))


def check_record_id(record_id: str) -> str:
    if not isinstance(record_id, str) or not RECORD_ID_RE.fullmatch(record_id):
        raise JournalError(
            f"cannot record under the id {record_id!r}",
            "a record id is 1 to 128 printable ASCII characters without spaces",
        )
    return record_id


def check_kind(kind: str) -> str:
    if not isinstance(kind, str) or not KIND_RE.fullmatch(kind):
        raise JournalError(
            f"cannot record a record of kind {kind!r}",
            "a kind is lowercase letters and underscores, e.g. 'sale' or 'payment_attempt'",
        )
    return kind


def record_hash(prev_hash: str, seq: int, *, record_id: str, kind: str, created_at: str,
                payload: str) -> str:
    text = "\n".join([prev_hash, str(seq), record_id, kind, created_at, payload])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Record:
    """A committed record as stored; ``payload`` is the canonical JSON text that was hashed."""

    seq: int
    record_id: str
    kind: str
    created_at: str
    payload: str
    prev_hash: str
    hash: str

    def data(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.payload)
        return loaded


RECORD_COLUMNS = "seq, record_id, kind, created_at, payload, prev_hash, hash"


@dataclass(frozen=True, slots=True)
class ChainReport:
    """What :func:`verify_chain` found; ``reason`` is for a person (empty when ``ok``)."""

    ok: bool
    records: int
    first_bad_seq: int | None
    reason: str


def _broken(records: int, seq: int, reason: str) -> ChainReport:
    return ChainReport(ok=False, records=records, first_bad_seq=seq, reason=reason)


def verify_chain(conn: sqlite3.Connection) -> ChainReport:
    """Recompute every hash in order and check each link and that the sequence has no hole.

    A deleted record shows as a hole (its sequence number is reported); an altered one as a
    hash that no longer matches its content. Removing the *last* records cannot be seen from
    the kiosk alone: the central side, which has received later sequence numbers, sees it.
    """
    expected_seq, prev, count = 1, GENESIS_HASH, 0
    rows = conn.execute(f"SELECT {RECORD_COLUMNS} FROM records ORDER BY seq")  # noqa: S608
    for row in rows:
        record = Record(*row)
        if record.seq != expected_seq:
            return _broken(count, expected_seq,
                           f"record {expected_seq} is missing (next present is {record.seq})")
        if record.prev_hash != prev:
            return _broken(count, record.seq, f"record {record.seq} does not link to the hash "
                           f"of record {prev_seq(record.seq)}")
        recomputed = record_hash(record.prev_hash, record.seq, record_id=record.record_id,
                                 kind=record.kind, created_at=record.created_at,
                                 payload=record.payload)
        if recomputed != record.hash:
            return _broken(count, record.seq,
                           f"record {record.seq} ({record.record_id}) was altered: its hash "
                           "does not match its content")
        expected_seq, prev, count = expected_seq + 1, record.hash, count + 1
    return ChainReport(ok=True, records=count, first_bad_seq=None, reason="")


def prev_seq(seq: int) -> str:
    return str(seq - 1) if seq > 1 else "0 (the start of the chain)"


def gaps(conn: sqlite3.Connection) -> list[tuple[int, int]]:
    """Missing sequence numbers as inclusive ``(first, last)`` ranges, oldest first."""
    found: list[tuple[int, int]] = []
    first = conn.execute("SELECT MIN(seq) FROM records").fetchone()[0]
    if first is not None and first > 1:
        found.append((1, first - 1))
    rows = conn.execute(
        "SELECT r.seq + 1, (SELECT MIN(n.seq) FROM records n WHERE n.seq > r.seq) - 1 "
        "FROM records r WHERE r.seq < (SELECT MAX(seq) FROM records) "
        "AND NOT EXISTS (SELECT 1 FROM records x WHERE x.seq = r.seq + 1) ORDER BY r.seq"
    )
    found.extend((int(start), int(end)) for start, end in rows)
    return found
