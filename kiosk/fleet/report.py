"""``kiosk-fleet report``: sales from the central database, as tables and CSV.

Sales by day, by hour, by product, by kiosk and by payment method; best sellers; peak hours;
low stock. Only completed sales count (a voided basket sold nothing). Times are shown in the
store's time zone (``--tz``), because "the lunchtime peak" is a local-time fact; storage is
UTC. Amounts are summed in integer minor units per currency and never mixed across currencies.
"""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path

from kiosk.core.money import Money

from . import central_db
from .tables import Table

REPORTS = ("day", "hour", "product", "kiosk", "payment", "best-sellers", "peak-hours",
           "low-stock")
Sale = tuple[str, str, str, datetime, str, int, int, str]  # store kiosk id at cur total n method


def _sales(conn: sqlite3.Connection, since: str | None, until: str | None,
           store: str | None, tz: tzinfo) -> list[Sale]:
    rows = conn.execute(
        "SELECT store, kiosk, record_id, created_at, currency, total, item_count, "
        "payment_method FROM sales WHERE status = 'completed' AND total IS NOT NULL "
        "AND (? IS NULL OR store = ?)", (store, store)).fetchall()
    found = []
    for s, k, rid, at, cur, total, items, method in rows:
        when = datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(tz)
        day = when.date().isoformat()
        if (since and day < since) or (until and day > until):
            continue
        found.append((s, k, rid, when, cur or "", total, items or 0, method or "unknown"))
    return found


def _money(minor: int, currency: str) -> str:
    try:
        return Money(minor, currency).decimal_str()
    except (KeyError, ValueError):
        return str(minor)


def _grouped(title: str, name: str, sales: list[Sale], key: Callable[[Sale], str]) -> Table:
    count: Counter[tuple[str, str]] = Counter()
    totals: defaultdict[tuple[str, str], int] = defaultdict(int)
    items: Counter[tuple[str, str]] = Counter()
    for sale in sales:
        group = (key(sale), sale[4])
        count[group] += 1
        totals[group] += sale[5]
        items[group] += sale[6]
    rows = tuple((g, cur, count[(g, cur)], items[(g, cur)], _money(totals[(g, cur)], cur),
                  _money(totals[(g, cur)] // count[(g, cur)], cur))
                 for g, cur in sorted(count))
    return Table(title, (name, "currency", "sales", "items", "revenue", "average"), rows,
                 frozenset({2, 3, 4, 5}))


def _products(conn: sqlite3.Connection, sales: list[Sale], top: int | None) -> Table:
    wanted = {(s[0], s[1], s[2]): s[4] for s in sales}
    qty: Counter[tuple[str, str, str]] = Counter()
    amount: defaultdict[tuple[str, str, str], int] = defaultdict(int)
    for store, kiosk, rid, gtin, name, quantity, line_amount in conn.execute(
            "SELECT store, kiosk, record_id, gtin, name, quantity, amount FROM sale_lines"):
        currency = wanted.get((store, kiosk, rid))
        if currency is None:
            continue
        key = (gtin or "?", name or "", currency)
        qty[key] += quantity if isinstance(quantity, int) else 0
        amount[key] += line_amount if isinstance(line_amount, int) else 0
    ordered = sorted(qty, key=lambda k: (-qty[k], k)) if top else sorted(qty)
    rows = tuple((g, n, c, qty[(g, n, c)], _money(amount[(g, n, c)], c))
                 for g, n, c in ordered[:top])
    title = f"best sellers (top {top})" if top else "sales by product"
    return Table(title, ("gtin", "name", "currency", "quantity", "revenue"), rows,
                 frozenset({3, 4}))


def _peaks(sales: list[Sale], top: int) -> Table:
    by_hour: Counter[int] = Counter(s[3].hour for s in sales)
    days = len({s[3].date() for s in sales}) or 1
    rows = tuple((f"{h:02d}:00-{h:02d}:59", n, f"{n / days:.1f}")
                 for h, n in sorted(by_hour.items(), key=lambda x: (-x[1], x[0]))[:top])
    return Table(f"peak hours (top {top}, over {days} day(s))",
                 ("hour", "sales", "per day"), rows, frozenset({1, 2}))


def _low_stock(conn: sqlite3.Connection, store: str | None) -> Table:
    rows = conn.execute(
        "SELECT store, kiosk, gtin, level, threshold, MAX(created_at) FROM low_stock "
        "WHERE ? IS NULL OR store = ? GROUP BY store, kiosk, gtin ORDER BY store, kiosk, gtin",
        (store, store)).fetchall()
    return Table("low stock (latest alert per product and kiosk)",
                 ("store", "kiosk", "gtin", "level", "threshold", "reported"),
                 tuple((s, k, g, lvl, th, (at or "")[:19].replace("T", " "))
                       for s, k, g, lvl, th, at in rows), frozenset({3, 4}))


def build(db: Path, which: tuple[str, ...], *, tz: tzinfo, since: str | None = None,
          until: str | None = None, store: str | None = None, top: int = 10) -> list[Table]:
    conn = central_db.connect(db)
    try:
        sales = _sales(conn, since, until, store, tz)
        makers: dict[str, Callable[[], Table]] = {
            "day": lambda: _grouped("sales by day", "day", sales,
                                    lambda s: s[3].date().isoformat()),
            "hour": lambda: _grouped("sales by hour", "hour", sales,
                                     lambda s: s[3].strftime("%Y-%m-%d %H:00")),
            "product": lambda: _products(conn, sales, None),
            "kiosk": lambda: _grouped("sales by kiosk", "kiosk", sales,
                                      lambda s: f"{s[0]}/{s[1]}"),
            "payment": lambda: _grouped("sales by payment method", "method", sales,
                                        lambda s: s[7]),
            "best-sellers": lambda: _products(conn, sales, top),
            "peak-hours": lambda: _peaks(sales, top),
            "low-stock": lambda: _low_stock(conn, store),
        }
        return [makers[name]() for name in which]
    finally:
        conn.close()
