"""The outbox pump against a real Mosquitto: in order, once per id, nothing lost across crashes."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from mqtt_helpers import (
    WAIT_S,
    Central,
    KioskProcess,
    journal_ids,
    outbox_counts,
    sell,
    settings,
    start_link,
    wait_until,
)

from kiosk.store.journal import Journal
from kiosk.store.writer import JournalWriter
from kiosk.sync.broker import LocalMosquitto
from kiosk.sync.delivery import OutboxPump

SALES = "kiosk/v1/s1/k1/sales"


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[LocalMosquitto]:
    with LocalMosquitto(tmp_path / "broker", kiosks=[("s1", "k1"), ("s1", "k2")]) as running:
        yield running


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[JournalWriter]:
    (tmp_path / "kiosk").mkdir()
    with JournalWriter(tmp_path / "kiosk" / "journal.sqlite3") as opened:
        yield opened


@pytest.fixture
def central(broker: LocalMosquitto) -> Iterator[Central]:
    subscriber = Central(broker, [SALES])
    yield subscriber
    subscriber.close()


def test_sales_reach_the_central_side_once_each_in_order(
        broker: LocalMosquitto, writer: JournalWriter, central: Central) -> None:
    record_ids = sell(writer, 30)
    link = start_link(settings(broker))
    pump = OutboxPump(writer, link, window=8, idle_poll_s=0.1)
    pump.start()
    try:
        wait_until(lambda: outbox_counts(writer) == (0, 30), what="every sale delivered")
        wait_until(lambda: len(central.on(SALES)) >= 30)
    finally:
        pump.stop()
        link.stop()
    got = central.on(SALES)
    assert [m["record_id"] for m in got] == record_ids
    assert [m["seq"] for m in got] == list(range(1, 31))
    assert Counter(m["msg_id"] for m in got).most_common(1)[0][1] == 1
    first = got[0]
    assert first["msg_id"] == "s1/k1/1"
    assert (first["store"], first["kiosk"], first["kind"]) == ("s1", "k1", "sale")
    assert first["payload"]["total_minor"] == 101


def test_sales_made_while_the_broker_is_down_go_out_when_it_is_back(
        broker: LocalMosquitto, writer: JournalWriter, central: Central) -> None:
    link = start_link(settings(broker))
    pump = OutboxPump(writer, link, window=8, idle_poll_s=0.1)
    pump.start()
    try:
        sell(writer, 5)
        wait_until(lambda: outbox_counts(writer) == (0, 5))
        broker.stop()
        sell(writer, 10, first=6)
        time.sleep(0.3)  # the pump looks at the outbox while the broker is away
        assert outbox_counts(writer) == (10, 5)  # nothing is marked without a PUBACK
        broker.start()
        wait_until(lambda: outbox_counts(writer) == (0, 15), what="delivery after the outage")
        wait_until(lambda: len({m["msg_id"] for m in central.on(SALES)}) == 15)
    finally:
        pump.stop()
        link.stop()
    assert sorted({m["seq"] for m in central.on(SALES)}) == list(range(1, 16))


def test_broker_and_kiosk_killed_mid_stream_lose_nothing(broker: LocalMosquitto,
                                                         central: Central,
                                                         tmp_path: Path) -> None:
    total = 300
    data = tmp_path / "kiosk"
    # The central's persistent session must be on the broker's disk before a SIGKILL, or the
    # restarted broker forgets it and drops what arrives before the central subscribes again.
    subscribed = time.time()
    wait_until(lambda: (broker.persisted_at() or 0) > subscribed, what="a broker autosave")
    kiosk = KioskProcess(broker, data, sales=total, pace=0.003)
    wait_until(lambda: kiosk.sold() >= 60, what="sales before the broker crash")
    broker.kill()  # SIGKILL: Mosquitto saves nothing on the way down
    time.sleep(0.2)
    broker.start()
    wait_until(lambda: kiosk.sold() >= 150, what="sales after the broker came back")
    kiosk.kill()  # SIGKILL mid-stream: PUBACKs in flight, rows unmarked
    sold_before = kiosk.sold()
    again = KioskProcess(broker, data, sales=total, pace=0.0)
    again.wait_for("drained", timeout=2 * WAIT_S)
    again.stop()
    assert sold_before < total
    record_ids = journal_ids(data / "journal.sqlite3")
    assert len(record_ids) == total  # the journal numbered on without a gap or a repeat
    with Journal(data / "journal.sqlite3") as journal:
        counts = journal.outbox_counts()
    assert (counts.pending, counts.delivered) == (0, total)
    def missing() -> list[int]:
        got = {m["seq"] for m in central.on(SALES)}
        return [n for n in range(1, total + 1) if n not in got]

    wait_until(lambda: not missing(), what=lambda: f"sales with seq {missing()} at central")
    received = central.on(SALES)
    assert {m["record_id"] for m in received} == set(record_ids)
    assert {m["msg_id"] for m in received} == {f"s1/k1/{n}" for n in range(1, total + 1)}
    assert sorted({m["seq"] for m in received}) == list(range(1, total + 1))
    # Redelivery is allowed (at least once); the stable ids make it harmless.
    print(f"received {len(received)} messages for {total} sales "
          f"({len(received) - total} duplicates before deduplication)")


def test_a_refused_publish_is_never_marked_and_holds_the_rest(broker: LocalMosquitto,
                                                               writer: JournalWriter) -> None:
    """k2's login sending as k1: the broker answers PUBACK "Not authorized" (MQTT 5)."""
    username, password = broker.credentials("s1", "k2")
    sell(writer, 3)
    link = start_link(settings(broker, username=username, password=password))
    pump = OutboxPump(writer, link, window=4, idle_poll_s=0.1, retry_min_s=0.05,
                      retry_max_s=0.2)
    pump.start()
    try:
        wait_until(lambda: pump.stats.refused >= 2, what="refusals")
        assert "Not authorized" in pump.blocked
        assert "outbox message 1" in pump.blocked
        assert outbox_counts(writer) == (3, 0)
    finally:
        pump.stop()
        link.stop()


def test_the_in_flight_window_is_bounded(broker: LocalMosquitto, writer: JournalWriter,
                                         central: Central) -> None:
    sell(writer, 200)
    link = start_link(settings(broker), inflight_limit=5)
    pump = OutboxPump(writer, link, window=5, idle_poll_s=0.05)
    seen: list[int] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            seen.append(pump.in_flight)
            time.sleep(0.001)

    sampler = threading.Thread(target=sample)
    sampler.start()
    pump.start()
    try:
        wait_until(lambda: outbox_counts(writer) == (0, 200))
    finally:
        done.set()
        sampler.join()
        pump.stop()
        link.stop()
    assert max(seen) <= 5
    assert max(seen) >= 1
    wait_until(lambda: len({json.loads(p)["msg_id"] for p, _ in central.raw(SALES)}) == 200)


def test_a_sale_nobody_takes_stays_in_the_outbox_until_a_collector_listens(
        broker: LocalMosquitto, writer: JournalWriter) -> None:
    """MQTT 5 "No matching subscribers": the broker would drop it, so it is not delivered."""
    sell(writer, 2)
    link = start_link(settings(broker))
    pump = OutboxPump(writer, link, window=4, idle_poll_s=0.1, retry_min_s=0.05,
                      retry_max_s=0.2)
    pump.start()
    try:
        wait_until(lambda: "No matching subscribers" in pump.blocked, what="the refusal")
        assert outbox_counts(writer) == (2, 0)
        collector = Central(broker, [SALES], client_id="late-collector")
        try:
            wait_until(lambda: outbox_counts(writer) == (0, 2), what="delivery to the collector")
            wait_until(lambda: len(collector.on(SALES)) >= 2)
            assert pump.blocked == ""
        finally:
            collector.close()
    finally:
        pump.stop()
        link.stop()
