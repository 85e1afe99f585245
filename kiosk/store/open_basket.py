"""The open basket: the sale in progress, saved as it changes so a crash cannot lose it.

It is working state, not history, so it is one upserted row outside the hash chain. What
leaves the kiosk about it is chained: the completed sale (which clears the row in the same
transaction) or a ``basket_void`` record when the kiosk restarts and does not resume it.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, NamedTuple

from kiosk.errors import JournalError


class OpenBasket(NamedTuple):
    sale_id: str
    payload: dict[str, Any]


def save(conn: sqlite3.Connection, sale_id: str, payload_json: str, updated_at: str) -> None:
    """Upsert the basket; refuses to overwrite *another* sale's basket, which would lose it."""
    row = conn.execute("SELECT sale_id FROM open_basket WHERE slot = 1").fetchone()
    if row is not None and row[0] != sale_id:
        raise JournalError(
            f"cannot save the basket of sale {sale_id}",
            f"the basket of sale {row[0]} is still open",
            "Complete or void that sale first.",
        )
    conn.execute(
        "INSERT INTO open_basket (slot, sale_id, payload, updated_at) VALUES (1, ?, ?, ?) "
        "ON CONFLICT (slot) DO UPDATE SET payload = excluded.payload, "
        "updated_at = excluded.updated_at",
        (sale_id, payload_json, updated_at),
    )


def load(conn: sqlite3.Connection) -> OpenBasket | None:
    row = conn.execute("SELECT sale_id, payload FROM open_basket WHERE slot = 1").fetchone()
    return OpenBasket(row[0], json.loads(row[1])) if row else None


def clear(conn: sqlite3.Connection, sale_id: str) -> bool:
    """Remove the basket of ``sale_id``; False when it was not open (a retried clear)."""
    cursor = conn.execute("DELETE FROM open_basket WHERE slot = 1 AND sale_id = ?", (sale_id,))
    return cursor.rowcount > 0
