"""The journal's records of one local day, read for the end-of-day (Z) report.

The journal stores instants in UTC; a store's day runs midnight to midnight in its own time
zone (a sale at 00:30 in Paris is in the new day even though it is 23:30 UTC). This module
turns a local day into the UTC range, reads the records in it and hands them, as plain
mappings, to the pure builder :func:`kiosk.core.report_z.build_z_report`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from kiosk.core.report_z import ZReport, build_z_report
from kiosk.errors import JournalError
from kiosk.store.chain import RECORD_COLUMNS, Record, utc_text
from kiosk.store.journal import Journal


@dataclass(frozen=True, slots=True)
class DayRecords:
    """The payloads of one day: sales (completed and voided), staff actions, alerts."""

    sales: tuple[dict[str, Any], ...]
    staff_actions: tuple[dict[str, Any], ...]
    alerts: tuple[dict[str, Any], ...]


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The UTC instants where the local ``day`` starts and the next one starts."""
    start = datetime.combine(day, time(0), tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def _between(journal: Journal, start: datetime, end: datetime) -> list[Record]:
    journal.catch_up()  # every commit so far is in SQLite before it is read
    try:
        rows = journal.conn.execute(
            f"SELECT {RECORD_COLUMNS} FROM records WHERE created_at >= ? "  # noqa: S608
            "AND created_at < ? AND kind IN ('sale', 'staff_action', 'event') ORDER BY seq",
            (utc_text(start), utc_text(end))).fetchall()
    except sqlite3.Error as exc:
        raise JournalError("could not read the day's records for the Z report",
                           f"SQLite said: {exc}") from exc
    return [Record(*row) for row in rows]


def day_records(journal: Journal, day: date, tz: tzinfo) -> DayRecords:
    start, end = day_bounds(day, tz)
    grouped: dict[str, list[dict[str, Any]]] = {"sale": [], "staff_action": [], "event": []}
    for record in _between(journal, start, end):
        grouped[record.kind].append(record.data())
    return DayRecords(tuple(grouped["sale"]), tuple(grouped["staff_action"]),
                      tuple(grouped["event"]))


def day_report(journal: Journal, day: date, tz: tzinfo, *, store_id: str, kiosk_id: str,
               currency: str) -> ZReport:
    """The Z report of ``day`` (local to ``tz``) from this journal."""
    records = day_records(journal, day, tz)
    return build_z_report(records.sales, records.staff_actions, records.alerts,
                          store_id=store_id, kiosk_id=kiosk_id, day=day, currency=currency)
