"""Stock levels and movements, inside the journal's transactions.

Rules (DESIGN.md: the central side is authoritative, the kiosk subtracts its own sales):

* Every movement is kept in ``stock_movements`` with the sequence number of the record that
  caused it (a sale, a refund, a ``stock_movement`` record from staff). Movements are the
  truth; ``stock_levels`` is the running result.
* ``set_levels(levels, as_of)``: for each GTIN the level becomes the central level **plus the
  sum of this kiosk's own movements recorded strictly after ``as_of``** (sales are negative,
  so this is "central minus our sales since then"; refunds and staff corrections count the
  same way). Movements at or before ``as_of`` are assumed to be in the central figure. A
  snapshot older than the one already applied for a GTIN is ignored for that GTIN, so a
  delayed message cannot roll a level back.
* A GTIN the central side has never sent has no level: its movements are still recorded (they
  will be subtracted when a level arrives) but nothing is decremented and no alert is raised.
* **Low stock means at or below the threshold** (``level <= threshold``), so the catalogue's
  default threshold of 0 means "alert when sold out". An alert is raised when one commit takes
  a level from above the threshold to at or below it: exactly once per crossing, not again on
  every later sale, and again only after the level went back above it (a delivery arrived).
  Quantities are in the product's stock unit: items, or grams for weighed goods.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from kiosk.errors import JournalError

GTIN_LENGTH = 14


class StockMove(NamedTuple):
    """One change of stock; ``delta`` is negative for a sale. No threshold means no alerting."""

    gtin: str
    delta: int
    low_stock_threshold: int | None = None


@dataclass(frozen=True, slots=True)
class LowStock:
    """A level that just crossed its threshold in this commit."""

    gtin: str
    level: int
    threshold: int


@dataclass(frozen=True, slots=True)
class StockLevel:
    gtin: str
    level: int
    as_of: str


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_gtin(gtin: object) -> str:
    if not (isinstance(gtin, str) and len(gtin) == GTIN_LENGTH and gtin.isdigit()):
        raise JournalError(f"cannot move stock of {gtin!r}",
                           "stock is kept per GTIN-14 (14 digits)",
                           "Normalise the code with kiosk.core.codes first.")
    return gtin


def check_moves(moves: Iterable[StockMove | tuple[str, int, int | None]]) -> tuple[StockMove, ...]:
    """Validate before any transaction opens, so a bad move never half-applies a sale."""
    checked = []
    for raw in moves:
        move = StockMove(*raw)
        check_gtin(move.gtin)
        if not _is_int(move.delta) or move.delta == 0:
            raise JournalError(f"cannot move stock of {move.gtin} by {move.delta!r}",
                               "a movement is a non-zero whole number of stock units")
        threshold = move.low_stock_threshold
        if threshold is not None and (not _is_int(threshold) or threshold < 0):
            raise JournalError(f"cannot use low-stock threshold {threshold!r} for {move.gtin}",
                               "a threshold is a whole number, 0 or more, or None")
        checked.append(move)
    return tuple(checked)


def _net_by_gtin(moves: Iterable[StockMove]) -> dict[str, tuple[int, int | None]]:
    net: dict[str, tuple[int, int | None]] = {}
    for move in moves:
        total, threshold = net.get(move.gtin, (0, None))
        latest = move.low_stock_threshold if move.low_stock_threshold is not None else threshold
        net[move.gtin] = (total + move.delta, latest)
    return net


def crossings(conn: sqlite3.Connection, moves: tuple[StockMove, ...],
              held: dict[str, int]) -> list[LowStock]:
    """The thresholds these moves cross, before they are applied (nothing is written).

    ``held`` carries levels already moved earlier in the same commit and is updated, so two
    records in one commit see each other's movements, exactly as applying them in turn would.
    """
    crossed: list[LowStock] = []
    for gtin, (delta, threshold) in _net_by_gtin(moves).items():
        before = held.get(gtin)
        if before is None:
            row = conn.execute("SELECT level FROM stock_levels WHERE gtin = ?",
                               (gtin,)).fetchone()
            if row is None:
                continue
            before = row[0]
        after = held[gtin] = before + delta
        if threshold is not None and before > threshold >= after:
            crossed.append(LowStock(gtin=gtin, level=after, threshold=threshold))
    return crossed


def apply_moves(conn: sqlite3.Connection, record_seq: int, created_at: str,
                moves: tuple[StockMove, ...]) -> None:
    """Record the movements and update the levels this kiosk knows."""
    conn.executemany(
        "INSERT INTO stock_movements (record_seq, n, gtin, delta, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [(record_seq, n, move.gtin, move.delta, created_at) for n, move in enumerate(moves)],
    )
    conn.executemany("UPDATE stock_levels SET level = level + ? WHERE gtin = ?",
                     [(delta, gtin) for gtin, (delta, _) in _net_by_gtin(moves).items()])


def movements(conn: sqlite3.Connection, record_seq: int) -> list[dict[str, int | str]]:
    rows = conn.execute("SELECT gtin, delta FROM stock_movements WHERE record_seq = ? "
                        "ORDER BY n", (record_seq,))
    return [{"gtin": gtin, "delta": delta} for gtin, delta in rows]


def _check_levels(levels: Mapping[str, int]) -> None:
    for gtin, central in levels.items():
        check_gtin(gtin)
        if not _is_int(central):
            raise JournalError(f"cannot set the stock level of {gtin} to {central!r}",
                               "a level is a whole number of stock units")


def set_levels(conn: sqlite3.Connection, levels: Mapping[str, int], as_of: str) -> dict[str, int]:
    """Apply central levels (see module docstring); returns the levels now held per GTIN."""
    _check_levels(levels)
    since = dict(conn.execute(
        "SELECT gtin, SUM(delta) FROM stock_movements WHERE created_at > ? GROUP BY gtin",
        (as_of,)))
    applied: dict[str, int] = {}
    for gtin, central in levels.items():
        current = conn.execute("SELECT as_of FROM stock_levels WHERE gtin = ?",
                               (gtin,)).fetchone()
        if current is not None and current[0] > as_of:
            continue  # a newer snapshot already applied: a late message must not roll back
        applied[gtin] = central + since.get(gtin, 0)
    conn.executemany(
        "INSERT INTO stock_levels (gtin, level, as_of) VALUES (?, ?, ?) "
        "ON CONFLICT (gtin) DO UPDATE SET level = excluded.level, as_of = excluded.as_of",
        [(gtin, level, as_of) for gtin, level in applied.items()],
    )
    return applied


def level(conn: sqlite3.Connection, gtin: str) -> StockLevel | None:
    row = conn.execute("SELECT gtin, level, as_of FROM stock_levels WHERE gtin = ?",
                       (gtin,)).fetchone()
    return StockLevel(*row) if row else None
