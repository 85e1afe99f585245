"""The outbox pump's read-ahead, window and batched marks against a real Mosquitto.

The pump reads the journal in batches, publishes from what it read ahead (the PUBACK callback
refills the window on paho's thread) and marks acknowledged rows a batch at a time; what a
person sees must not change: every sale at the central side once, in order, every row marked,
the window never exceeded, and nothing resent without cause.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from mqtt_helpers import Central, outbox_counts, sell, settings, start_link, wait_until

from kiosk.store.writer import JournalWriter
from kiosk.sync.broker import LocalMosquitto
from kiosk.sync.delivery import OutboxPump
from kiosk.sync.link import Acked

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


def test_a_long_stream_arrives_once_in_order_within_the_window(
        broker: LocalMosquitto, writer: JournalWriter, central: Central) -> None:
    """Many read-ahead batches (32 rows) through a small window (8): nothing skipped, nothing
    repeated, never more than 8 unacknowledged."""
    total = 600
    record_ids = sell(writer, total)
    link = start_link(settings(broker), inflight_limit=8)
    pump = OutboxPump(writer, link, window=8, read_batch=32, idle_poll_s=0.1)
    seen: list[int] = []
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            seen.append(pump.in_flight)
            time.sleep(0.0005)

    sampler = threading.Thread(target=sample)
    sampler.start()
    pump.start()
    try:
        wait_until(lambda: outbox_counts(writer) == (0, total), what="every sale marked")
        wait_until(lambda: len(central.on(SALES)) >= total, what="every sale at central")
    finally:
        done.set()
        sampler.join()
        pump.stop()
        link.stop()
    got = central.on(SALES)
    assert [m["record_id"] for m in got] == record_ids
    assert [m["seq"] for m in got] == list(range(1, total + 1))
    assert Counter(m["msg_id"] for m in got).most_common(1)[0][1] == 1
    assert max(seen) <= 8
    assert (pump.stats.published, pump.stats.delivered, pump.stats.resets) == (total, total, 1)


def test_an_idle_spell_longer_than_the_ack_timeout_resends_nothing(
        broker: LocalMosquitto, writer: JournalWriter, central: Central) -> None:
    """The ack timeout counts from the send, not from the last PUBACK of long ago."""
    link = start_link(settings(broker))
    pump = OutboxPump(writer, link, window=8, idle_poll_s=0.05, ack_timeout_s=0.3)
    pump.start()
    try:
        sell(writer, 1)
        wait_until(lambda: outbox_counts(writer) == (0, 1))
        time.sleep(0.6)  # idle, connected, for twice the ack timeout
        sell(writer, 1, first=2)
        pump.kick()
        wait_until(lambda: outbox_counts(writer) == (0, 2))
        wait_until(lambda: len(central.on(SALES)) >= 2)
    finally:
        pump.stop()
        link.stop()
    assert pump.stats.resets == 1  # the connect; no "no PUBACK" restart
    assert [m["seq"] for m in central.on(SALES)] == [1, 2]


def test_a_kick_delivers_without_waiting_for_the_idle_poll(
        broker: LocalMosquitto, writer: JournalWriter, central: Central) -> None:
    link = start_link(settings(broker))
    pump = OutboxPump(writer, link, window=8, idle_poll_s=3600)
    pump.start()
    try:
        assert link.wait_connected(30)
        wait_until(lambda: pump.stats.resets == 1, what="the pump seeing the connection")
        for number in range(1, 4):
            sell(writer, 1, first=number)
            pump.kick()
            wait_until(lambda n=number: outbox_counts(writer) == (0, n),
                       what=f"sale {number} delivered after its kick")
    finally:
        pump.stop()
        link.stop()
    assert [m["seq"] for m in central.on(SALES)] == [1, 2, 3]


def test_stop_marks_what_was_acknowledged(broker: LocalMosquitto, writer: JournalWriter,
                                          central: Central) -> None:
    """Batches wait to fill a window before they are marked; a stop marks the part batch."""
    link = start_link(settings(broker))
    pump = OutboxPump(writer, link, window=100, idle_poll_s=0.05)
    sell(writer, 5)
    pump.start()
    try:
        wait_until(lambda: len(central.on(SALES)) >= 5, what="five sales at central")
        wait_until(lambda: pump.in_flight == 0, what="every PUBACK")
    finally:
        pump.stop()
        link.stop()
    assert outbox_counts(writer) == (0, 5)


def test_a_reused_message_id_never_borrows_an_old_acknowledgement(
        broker: LocalMosquitto) -> None:
    """paho numbers messages 1..65535 and starts again; a status's PUBACK, which nobody waits
    for, must not be taken later for the PUBACK of another message that got the same id.
    The message here goes to another kiosk's topic, so the broker's own answer is a refusal."""
    link = start_link(settings(broker))
    answers: list[Acked] = []
    try:
        assert link.wait_connected(30)
        status_mid = link.publish_status()
        assert status_mid is not None
        marker = threading.Event()
        # PUBACKs come back in order on one connection: once this one is in, so is the status's.
        link.publish(SALES, b"{}", on_ack=lambda _acked: marker.set())
        assert marker.wait(30)
        client = link._client  # private: reaching id 65535 would take 65k publishes
        assert isinstance(client, mqtt.Client)
        client._last_mid = status_mid - 1  # private: the next publish reuses the id
        reused = link.publish("kiosk/v1/s1/k2/sales", b"{}", on_ack=answers.append)
        assert reused == status_mid
        wait_until(lambda: bool(answers), what="the broker's answer")
    finally:
        link.stop()
    assert [(a.ok, a.reason) for a in answers] == [(False, "Not authorized")]
