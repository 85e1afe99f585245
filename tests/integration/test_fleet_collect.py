"""``kiosk-fleet collect`` against a real Mosquitto: each sale stored once, redeliveries
dropped, a lost message reported as a sequence gap, a tampered record as a chain break."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from catsync_helpers import kiosk_sells, sale, wait_until

from kiosk.fleet.broker_client import BrokerSettings, FleetClient
from kiosk.fleet.collect import Collector, integrity_lines
from kiosk.store.journal import Journal
from kiosk.sync.broker import LocalMosquitto

SALES = "kiosk/v1/s1/k1/sales"


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[LocalMosquitto]:
    with LocalMosquitto(tmp_path / "broker", kiosks=[("s1", "k1")]) as running:
        yield running


def broker_settings(broker: LocalMosquitto, who: tuple[str, str]) -> BrokerSettings:
    return BrokerSettings("127.0.0.1", broker.port, *who)


def test_each_sale_is_stored_once_and_redeliveries_are_dropped(
        broker: LocalMosquitto, tmp_path: Path) -> None:
    db = tmp_path / "central.sqlite3"
    collector = Collector(broker_settings(broker, broker.fleet_credentials()), db).start()
    seen: list[bytes] = []
    spy = FleetClient(broker_settings(broker, broker.fleet_credentials()), name="spy",
                      handler=lambda message: seen.append(bytes(message.payload)))
    spy.connect().subscribe([SALES])
    try:
        kiosk_sells(broker, tmp_path / "k1", 5)
        wait_until(lambda: collector.stats.stored >= 5, what="five sales stored")
        wait_until(lambda: len(seen) >= 5, what="the spy saw the sales")
        # the broker delivers a sale again (at least once): same msg_id, same bytes
        redeliver = FleetClient(broker_settings(broker, broker.credentials("s1", "k1")),
                                name="kiosk-again").connect()
        redeliver.publish_many([(SALES, seen[2], False), (SALES, seen[4], False)])
        redeliver.close()
        wait_until(lambda: collector.stats.duplicates >= 2, what="two duplicates dropped")
    finally:
        collector.stop()
        spy.close()
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT sale_id, total, payment_method FROM sales ORDER BY sale_id")
    assert rows.fetchall() == [(f"S{n}", 250 * n, "card") for n in range(1, 6)]
    assert conn.execute("SELECT value FROM counters WHERE name = 'duplicates_received'"
                        ).fetchone() == (2,)
    lines = integrity_lines(db)
    assert "s1/k1: 5 records up to seq 5; no gaps" in lines
    assert "duplicates received and dropped: 2" in lines


def test_a_lost_message_is_a_sequence_gap_and_a_tampered_record_a_chain_break(
        broker: LocalMosquitto, tmp_path: Path) -> None:
    db = tmp_path / "central.sqlite3"
    collector = Collector(broker_settings(broker, broker.fleet_credentials()), db).start()
    try:
        kiosk_sells(broker, tmp_path / "k1", 6, lost=(3, 4))
        wait_until(lambda: collector.stats.stored >= 4, what="four sales stored")
        # a record whose content was changed after it was hashed
        with Journal(tmp_path / "k1" / "journal.sqlite3") as journal:
            record = journal.records(after_seq=5, limit=1)[0]
        forged = {"schema": 1, "type": "record", "store": "s1", "kiosk": "k1",
                  "msg_id": "s1/k1/forged", "outbox_id": 99, "record_id": "sale:S7",
                  "seq": 7, "kind": "sale", "created_at": record.created_at,
                  "prev_hash": record.hash, "hash": record.hash, "payload": sale(7),
                  "stock": []}
        kiosk = FleetClient(broker_settings(broker, broker.credentials("s1", "k1")),
                            name="forger").connect()
        kiosk.publish_many([(SALES, json.dumps(forged).encode(), False)])
        kiosk.close()
        wait_until(lambda: collector.stats.stored >= 5, what="the forged record stored")
    finally:
        collector.stop()
    lines = integrity_lines(db)
    assert "s1/k1: 5 records up to seq 7; missing 3-4" in lines
    assert "s1/k1: chain broken at record 7: its hash does not match its content (altered)" \
        in lines
