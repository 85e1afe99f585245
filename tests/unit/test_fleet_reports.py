"""The central database and the reports read from it (kiosk.fleet.central_db, .report,
.status, .tables): messages as kiosks send them in, the tables a fleet manager reads out."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.fleet import central_db, report
from kiosk.fleet.status import status_table
from kiosk.fleet.view import KioskStatus, StoreView
from kiosk.store.chain import GENESIS_HASH, canonical_json, record_hash

NOW = datetime(2026, 3, 14, 18, 0, tzinfo=UTC)


class Kiosk:
    """Builds uplink messages exactly as a kiosk's outbox sends them, hash chain included."""

    def __init__(self, store: str, kiosk: str) -> None:
        self.store, self.kiosk, self.seq, self.prev, self.outbox = store, kiosk, 0, GENESIS_HASH, 0

    def record(self, kind: str, record_id: str, payload: dict, at: str,
               stock: list | None = None) -> tuple[str, bytes]:
        self.seq += 1
        self.outbox += 1
        digest = record_hash(self.prev, self.seq, record_id=record_id, kind=kind, created_at=at,
                             payload=canonical_json(payload))
        message = {"schema": 1, "type": "record", "store": self.store, "kiosk": self.kiosk,
                   "msg_id": f"{self.store}/{self.kiosk}/{self.outbox}",
                   "outbox_id": self.outbox, "record_id": record_id, "seq": self.seq,
                   "kind": kind, "created_at": at, "prev_hash": self.prev, "hash": digest,
                   "payload": payload, "stock": stock or []}
        self.prev = digest
        topic = "sales" if kind == "sale" else "events"
        return f"kiosk/v1/{self.store}/{self.kiosk}/{topic}", json.dumps(message).encode()

    def sale(self, number: int, at: str, lines: list[tuple[str, str, int, int]],
             method: str = "card") -> tuple[str, bytes]:
        total = sum(amount for _, _, _, amount in lines)
        payload = {"sale_id": f"S{number}", "status": "completed", "currency": "EUR",
                   "total": total, "item_count": sum(q for _, _, q, _ in lines),
                   "completed_at": at,
                   "lines": [{"gtin": g, "names": {"en": n}, "quantity": q, "amount": a}
                             for g, n, q, a in lines],
                   "payments": [{"method": method, "outcome": "approved", "amount": total}]}
        return self.record("sale", f"sale:S{number}", payload, at)

    def item(self, kind: str, body: dict, at: str, topic: str) -> tuple[str, bytes]:
        self.outbox += 1
        message = {"schema": 1, "type": kind, "store": self.store, "kiosk": self.kiosk,
                   "msg_id": f"{self.store}/{self.kiosk}/{self.outbox}",
                   "outbox_id": self.outbox, "record_id": f"r{self.seq}", "seq": self.seq,
                   "created_at": at, "body": body}
        return f"kiosk/v1/{self.store}/{self.kiosk}/{topic}", json.dumps(message).encode()


PENCIL, MILK = ("04006381333931", "Pencil"), ("03017620422003", "Milk")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "central.sqlite3"
    a, b = Kiosk("s1", "k1"), Kiosk("s1", "k2")
    messages = [
        a.sale(1, "2026-03-13T11:10:00+00:00", [(*PENCIL, 2, 200), (*MILK, 1, 129)]),
        a.sale(2, "2026-03-14T11:40:00+00:00", [(*MILK, 3, 387)], "cash"),
        b.sale(1, "2026-03-14T11:55:00+00:00", [(*PENCIL, 1, 100)]),
        b.sale(2, "2026-03-14T16:05:00+00:00", [(*MILK, 1, 129)]),
        a.item("low_stock", {"gtin": MILK[0], "level": 2, "threshold": 5},
               "2026-03-14T11:40:00.000000Z", "stock"),
        b.record("event", "event:help", {"kind": "help-requested"}, "2026-03-14T12:00:00.0Z"),
        a.item("catalogue_ack", {"status": "rejected", "version": "v9", "code": "bad-digest",
                                 "reason": "part full-001 does not match"},
               "2026-03-14T12:01:00.000000Z", "catalogue/ack"),
    ]
    conn = central_db.connect(path)
    for topic, payload in [*messages, messages[1]]:  # the second sale arrives twice
        conn.execute("BEGIN")
        central_db.store_message(conn, topic, payload, "2026-03-14T17:00:00.000000Z")
        conn.execute("COMMIT")
    assert central_db.counter(conn, "duplicates_received") == 1
    conn.close()
    return path


def rows(db: Path, which: str, **options: object) -> list[tuple]:
    table = report.build(db, (which,), tz=options.pop("tz", UTC), **options)[0]  # type: ignore[arg-type]
    return [tuple(r) for r in table.rows]


def test_sales_by_day_and_kiosk_count_each_sale_once(db: Path) -> None:
    assert rows(db, "day") == [("2026-03-13", "EUR", 1, 3, "3.29", "3.29"),
                               ("2026-03-14", "EUR", 3, 5, "6.16", "2.05")]
    assert rows(db, "kiosk") == [("s1/k1", "EUR", 2, 6, "7.16", "3.58"),
                                 ("s1/k2", "EUR", 2, 2, "2.29", "1.14")]
    assert rows(db, "payment") == [("card", "EUR", 3, 5, "5.58", "1.86"),
                                   ("cash", "EUR", 1, 3, "3.87", "3.87")]


def test_hours_and_peaks_are_in_the_stores_time_zone(db: Path) -> None:
    paris = ZoneInfo("Europe/Paris")
    assert rows(db, "peak-hours", tz=paris, top=2) == [("12:00-12:59", 3, "1.5"),
                                                        ("17:00-17:59", 1, "0.5")]
    assert rows(db, "hour", tz=paris, since="2026-03-14")[0][:3] == ("2026-03-14 12:00",
                                                                      "EUR", 2)


def test_best_sellers_and_low_stock(db: Path) -> None:
    assert rows(db, "best-sellers", top=1) == [(MILK[0], "Milk", "EUR", 5, "6.45")]
    assert rows(db, "product") == [(MILK[0], "Milk", "EUR", 5, "6.45"),
                                   (PENCIL[0], "Pencil", "EUR", 3, "3.00")]
    assert rows(db, "low-stock") == [("s1", "k1", MILK[0], 2, 5, "2026-03-14 11:40:00")]


def test_tables_render_for_the_terminal_and_as_csv(db: Path, tmp_path: Path) -> None:
    table = report.build(db, ("kiosk",), tz=UTC)[0]
    text = table.render().splitlines()
    assert text[0] == "sales by kiosk"
    assert text[1].split() == ["kiosk", "currency", "sales", "items", "revenue", "average"]
    assert text[3].split() == ["s1/k1", "EUR", "2", "6", "7.16", "3.58"]
    table.write_csv(tmp_path / "kiosk.csv")
    assert (tmp_path / "kiosk.csv").read_text().splitlines()[1] == "s1/k1,EUR,2,6,7.16,3.58"


def test_the_status_table_joins_retained_status_with_acks_and_alerts(db: Path) -> None:
    view = StoreView("s1", kiosks={
        "k1": KioskStatus("s1", "k1", True, "1.2", "v8", NOW),
        "k2": KioskStatus("s1", "k2", False, "1.2", "v8", None, reason="connection lost")})
    table = status_table({"s1": view}, NOW, db)
    assert table.title == "2 kiosk(s), 1 online, 0 with a catalogue ack pending"
    k1, k2 = table.rows
    assert k1[:6] == ("s1", "k1", "yes", "2026-03-14 18:00:00", "1.2", "v8")
    assert k1[8] == "rejected v9 (bad-digest: part full-001 does not match)"
    assert k1[9] == "1, last: low stock 03017620422003"
    assert k2[2] == "no"
    assert k2[9] == "1, last: help-requested"


def test_a_message_from_the_wrong_kiosk_or_with_a_broken_chain_is_caught(tmp_path: Path) -> None:
    conn = central_db.connect(tmp_path / "c.sqlite3")
    k1 = Kiosk("s1", "k1")
    topic, first = k1.sale(1, "2026-03-14T11:10:00+00:00", [(*PENCIL, 1, 100)])
    stored = central_db.store_message(conn, "kiosk/v1/s1/k9/sales", first, "now")
    assert stored.reason == "it claims s1/k1 but came on kiosk/v1/s1/k9/sales"
    assert central_db.store_message(conn, topic, first, "now").new
    k1.prev = "f" * 64  # record 2 does not link to record 1
    assert central_db.store_message(conn, *k1.sale(2, "2026-03-14T11:20:00+00:00", []),
                                    "now").new
    assert central_db.chain_breaks(conn) == [("s1", "k1", 2, "it does not link to record 1")]
    assert central_db.store_message(conn, topic, b"not json", "now").reason \
        .startswith("it is not JSON")
