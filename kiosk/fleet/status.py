"""``kiosk-fleet status``: one line per kiosk, from the broker's retained messages and, when
the collector's database is given, the acks and alerts it recorded.

Columns: online, last seen, app and catalogue version, the version it should run (its own
manifest in a staged rollout, else the store's) and so whether an ack is pending, the last
ack (with the rejection reason), and the alerts of the last 24 hours.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from pathlib import Path

from kiosk.store.chain import utc_text

from . import central_db
from .tables import Table
from .view import KioskStatus, StoreView

HEADERS = ("store", "kiosk", "online", "last seen", "app", "catalogue", "should run",
           "pending", "last ack", "alerts 24h")
ALERT_WINDOW = timedelta(hours=24)
_NOT_ALERTS = ("catalogue_ack",)


def _db_facts(db: Path | None, since: str) -> tuple[dict, dict, dict]:
    """(last ack, alerts, last message time) by (store, kiosk) from the central database."""
    if db is None:
        return {}, {}, {}
    conn = central_db.connect(db)
    try:
        acks = {(s, k): (status, version, code, reason) for s, k, status, version, code, reason
                in conn.execute("SELECT store, kiosk, status, version, code, reason FROM acks "
                                "ORDER BY created_at, rowid")}
        alerts: dict[tuple[str, str], list[str]] = {}
        for s, k, kind in conn.execute("SELECT store, kiosk, kind FROM events WHERE "
                                       "created_at >= ? ORDER BY created_at", (since,)):
            if kind not in _NOT_ALERTS:
                alerts.setdefault((s, k), []).append(kind)
        for s, k, gtin in conn.execute("SELECT store, kiosk, gtin FROM low_stock "
                                       "WHERE created_at >= ?", (since,)):
            alerts.setdefault((s, k), []).append(f"low stock {gtin}")
        seen = {(s, k): at for s, k, at in conn.execute(
            "SELECT store, kiosk, MAX(received_at) FROM messages GROUP BY store, kiosk")}
        return acks, alerts, seen
    finally:
        conn.close()


def _ack_text(ack: tuple[str, str, str, str] | None) -> str:
    if ack is None:
        return ""
    status, version, code, reason = ack
    text = f"{status} {version or '?'}"
    return f"{text} ({code}: {reason[:60]})" if status == "rejected" else text


def _alert_text(kinds: list[str]) -> str:
    if not kinds:
        return ""
    return f"{len(kinds)}, last: {kinds[-1]}"


def _row(view: StoreView, kiosk: str, status: KioskStatus | None, facts: tuple[dict, dict, dict]
         ) -> tuple[str | None, ...]:
    acks, alerts, seen = facts
    who = (view.store, kiosk)
    target = view.target(kiosk)
    should = target.version if target else None
    running = status.catalogue_version if status else None
    times = [t for t in (utc_text(status.at) if status and status.at else None, seen.get(who))
             if t]
    return (view.store, kiosk, ("yes" if status.online else "no") if status else "unknown",
            max(times)[:19].replace("T", " ") if times else "", status.app_version if status
            else "", running or "", should or "", should if should and should != running
            else "", _ack_text(acks.get(who)), _alert_text(alerts.get(who, [])))


def status_table(views: Mapping[str, StoreView], now: datetime, db: Path | None = None) -> Table:
    facts = _db_facts(db, utc_text(now - ALERT_WINDOW))
    rows = []
    for store in sorted(views):
        view = views[store]
        kiosks = sorted(set(view.kiosks) | set(view.kiosk_manifests)
                        | {k for s, k in facts[0] if s == store})
        rows += [_row(view, k, view.kiosks.get(k), facts) for k in kiosks]
    online = sum(1 for r in rows if r[2] == "yes")
    pending = sum(1 for r in rows if r[7])
    title = f"{len(rows)} kiosk(s), {online} online, {pending} with a catalogue ack pending"
    return Table(title, HEADERS, tuple(rows))
