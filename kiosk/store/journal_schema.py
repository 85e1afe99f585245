"""Opening the journal database: where it may live, its pragmas, and its schema.

The pragmas are the durability contract, so they are set and then *checked* on every open:
WAL (a commit is one append and one fsync of the WAL; a crash never leaves a half-written
page in the database file), ``synchronous=FULL`` (the WAL is fsynced at every commit, so a
commit that returned survives a power cut), foreign keys on. Records reach SQLite through the
commit log (:mod:`kiosk.store.commit_log`), which makes them durable first with a single
write, so the shopper does not wait for these page writes. A filesystem that cannot do WAL
is refused rather than silently run in a weaker mode.

Every table is laid out so that a sale touches as few pages as possible (each page is a
4 KiB WAL frame written and fsynced): rows and index entries that grow with time are keyed by
time or sequence, so they append to the same last page; a record's own outbox message does
not copy its payload but is rendered from the record when read.

Records are append-only, and the database says so itself: triggers refuse any UPDATE or
DELETE on ``records``, so no code path (ours or a future one) can rewrite history; the hash
chain then catches anyone who goes around SQLite.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from kiosk.errors import JournalError
from kiosk.store.atomic import fsync_directory

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE records (
    seq INTEGER PRIMARY KEY,
    record_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX records_sale_number ON records (json_extract(payload, '$.sale_number'))
    WHERE kind IN ('sale', 'void', 'basket_void');
CREATE INDEX records_payment_sale ON records (json_extract(payload, '$.sale_id'))
    WHERE kind = 'payment_attempt';
CREATE TRIGGER records_no_update BEFORE UPDATE ON records
    BEGIN SELECT RAISE(ABORT, 'journal records are append-only'); END;
CREATE TRIGGER records_no_delete BEFORE DELETE ON records
    BEGIN SELECT RAISE(ABORT, 'journal records are append-only'); END;

CREATE TABLE stock_movements (
    record_seq INTEGER NOT NULL REFERENCES records (seq),
    n INTEGER NOT NULL,
    gtin TEXT NOT NULL,
    delta INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (record_seq, n)
) WITHOUT ROWID;
CREATE INDEX stock_movements_time ON stock_movements (created_at);

CREATE TABLE stock_levels (
    gtin TEXT PRIMARY KEY,
    level INTEGER NOT NULL,
    as_of TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    record_seq INTEGER REFERENCES records (seq),
    topic TEXT NOT NULL,
    payload TEXT,
    created_at TEXT NOT NULL,
    delivered_at TEXT,
    CHECK (payload IS NOT NULL OR record_seq IS NOT NULL)
);
CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL;

CREATE TABLE journal_meta (
    key TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE open_basket (
    slot INTEGER PRIMARY KEY CHECK (slot = 1),
    sale_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""


def _refuse(path: Path, why: str, action: str) -> JournalError:
    return JournalError(f"cannot open the sales journal at {path}", why, action)


def _check_location(path: Path) -> None:
    """Fail with a sentence a technician can act on, before SQLite's 'unable to open'."""
    folder = path.parent
    if not folder.exists():
        raise _refuse(path, f"the directory {folder} does not exist",
                      "Create it (the kiosk's data_dir) or fix paths.data_dir in the config.")
    if not folder.is_dir():
        raise _refuse(path, f"{folder} is not a directory", "Fix paths.data_dir in the config.")
    if path.is_dir():
        raise _refuse(path, "a directory of that name is in the way",
                      "Move it away or point paths.data_dir elsewhere.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _refuse(path, f"the directory {folder} is not writable by this user",
                      "Give the kiosk user write access to its data_dir (the journal and its "
                      "WAL file are created there).")


def _apply_pragmas(conn: sqlite3.Connection, path: Path, autocheckpoint_pages: int) -> None:
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise _refuse(path, f"the filesystem refused WAL mode (SQLite stayed in {mode!r})",
                      "Put data_dir on a local filesystem such as ext4.")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA wal_autocheckpoint = {int(autocheckpoint_pages)}")
    conn.execute("PRAGMA journal_size_limit = 16777216")  # WAL file kept at most 16 MiB


def _statements(script: str) -> list[str]:
    """Split a script into whole statements (a trigger body holds semicolons of its own)."""
    statements, pending = [], ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return statements


def _ensure_schema(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    if version != 0:
        raise _refuse(path, f"it has schema version {version}, this kiosk knows {SCHEMA_VERSION}",
                      "Run the kiosk version that wrote it, or restore a matching backup.")
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
            for statement in _statements(_SCHEMA):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def open_connection(path: str | os.PathLike[str], *,
                    autocheckpoint_pages: int = 1000) -> sqlite3.Connection:
    """Open (creating if needed) the journal database; :class:`JournalError` says why not."""
    where = Path(path).absolute()
    _check_location(where)
    try:
        conn = sqlite3.connect(where, isolation_level=None, timeout=5.0)
    except sqlite3.Error as exc:
        raise _refuse(where, str(exc), "Check the data disk and the path.") from exc
    try:
        _apply_pragmas(conn, where, autocheckpoint_pages)
        _ensure_schema(conn, where)
        problem = conn.execute("PRAGMA quick_check").fetchone()[0]
        if problem != "ok":
            raise _refuse(where, f"SQLite reports it damaged ({problem})",
                          "Keep the file for analysis and restore the journal from backup.")
        fsync_directory(where.parent)  # the db and -wal entries survive a power cut
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _refuse(where, f"SQLite could not read it ({exc})",
                      "Check the disk; if the file is damaged keep it for analysis.") from exc
    except BaseException:
        conn.close()
        raise
    return conn
