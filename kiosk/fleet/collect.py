"""``kiosk-fleet collect``: the central consumer of every kiosk's sales, stock, events and acks.

It subscribes with an MQTT 5 shared subscription (``$share/{group}/kiosk/v1/+/+/sales``, ...),
so several collectors split the load and any one of them can stop; the broker keeps the
group's messages for a persistent session while none is connected.

Nothing is lost between the broker and the database: paho is told not to acknowledge a
message on its own (``manual_ack``); the collector writes a batch of messages in one SQLite
transaction, commits it, and only then sends their PUBACKs. A crash before the commit means
the broker delivers them again, and :mod:`kiosk.fleet.central_db` drops what it already has.
"""

from __future__ import annotations

import logging
import queue
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from kiosk.clock import Clock, utc_now
from kiosk.errors import DeviceError
from kiosk.store.chain import utc_text
from kiosk.sync import topics

from . import central_db
from .broker_client import BrokerSettings

log = logging.getLogger(__name__)
COLLECTED = (topics.SALES, topics.STOCK, topics.EVENTS, topics.CATALOGUE_ACK)
_BATCH = 500
_BATCH_WAIT_S = 0.05
SUMMARY_EVERY_S = 60.0


@dataclass(slots=True)
class CollectStats:
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    last_reasons: list[str] = field(default_factory=list)


def shared_filters(group: str, store: str = "+") -> list[str]:
    return [topics.shared(group, topics.uplink_filter(s, store)) for s in COLLECTED]


class Collector:
    """One member of the shared-subscription group ``group``; ``start`` / ``stop``."""

    def __init__(self, settings: BrokerSettings, db_path: Path, *, group: str = "central",
                 client_id: str = "collector-1", store: str = "+", clock: Clock = utc_now,
                 session_expiry_s: int = 7 * 86400) -> None:
        self.settings = settings
        self.db_path = db_path
        self.filters = shared_filters(group, store)
        self.clock = clock
        self.stats = CollectStats()
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._subscribed = threading.Event()
        self._thread: threading.Thread | None = None
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                                  protocol=mqtt.MQTTv5, manual_ack=True)
        self.client.username_pw_set(settings.username, settings.password)
        if settings.tls_ca is not None:
            self.client.tls_set(ca_certs=str(settings.tls_ca))
        self.client.max_inflight_messages_set(1000)
        self.client.reconnect_delay_set(0.1, 5)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = lambda *_: self._subscribed.set()
        self.client.on_message = lambda _c, _u, msg: self._queue.put(msg)
        self._expiry = session_expiry_s

    def start(self, timeout: float = 10.0) -> Collector:
        self.db = central_db.connect(self.db_path)
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = self._expiry
        try:
            self.client.connect(self.settings.host, self.settings.port, keepalive=30,
                                clean_start=False, properties=props)
        except OSError as exc:
            raise DeviceError(f"cannot connect to {self.settings.host}:{self.settings.port}",
                              str(exc)) from None
        self.client.loop_start()
        self._thread = threading.Thread(target=self._run, name="collector", daemon=True)
        self._thread.start()
        if not self._subscribed.wait(timeout):
            self.stop()
            raise DeviceError("the collector could not subscribe",
                              "the broker refused the connection or did not answer",
                              "Check the credentials and that the broker supports MQTT 5.")
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None
        self.client.disconnect()
        self.client.loop_stop()
        self.db.close()

    def _on_connect(self, client: mqtt.Client, _u: Any, _f: Any, reason: Any, _p: Any) -> None:
        if reason.is_failure:
            log.error("collector: the broker refused the connection: %s", reason)
            return
        result, _ = client.subscribe([(f, 1) for f in self.filters])
        if result != MQTTErrorCode.MQTT_ERR_SUCCESS:
            log.error("collector: cannot subscribe: %s", mqtt.error_string(result))

    def _run(self) -> None:
        while not self._stopping.is_set() or not self._queue.empty():
            batch = self._take()
            if batch:
                self._store(batch)

    def _take(self) -> list[mqtt.MQTTMessage]:
        try:
            batch = [self._queue.get(timeout=0.2)]
        except queue.Empty:
            return []
        deadline = time.monotonic() + _BATCH_WAIT_S
        while len(batch) < _BATCH and time.monotonic() < deadline:
            try:
                batch.append(self._queue.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                break
        return batch

    def _store(self, batch: list[mqtt.MQTTMessage]) -> None:
        """One transaction for the batch, then the PUBACKs: acked means stored."""
        received = utc_text(self.clock())
        results = []
        self.db.execute("BEGIN IMMEDIATE")
        try:
            for message in batch:
                results.append(central_db.store_message(self.db, message.topic,
                                                        bytes(message.payload), received))
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        for message in batch:
            self.client.ack(message.mid, message.qos)
        for result in results:
            self._count(result)

    def _count(self, result: central_db.Stored) -> None:
        stats = self.stats
        if result.new:
            stats.stored += 1
        elif result.duplicate:
            stats.duplicates += 1
        else:
            stats.rejected += 1
            stats.last_reasons = [*stats.last_reasons[-9:], result.reason]


def integrity_lines(db_path: Path) -> list[str]:
    """Per kiosk: records received, sequence gaps, hash-chain breaks (for people)."""
    conn = central_db.connect(db_path)
    try:
        lines = []
        counts = conn.execute("SELECT store, kiosk, COUNT(*), MAX(seq) FROM records "
                              "GROUP BY store, kiosk ORDER BY store, kiosk").fetchall()
        holes = central_db.gaps(conn)
        breaks = central_db.chain_breaks(conn)
        for store, kiosk, count, top in counts:
            gap = holes.get((store, kiosk), [])
            shown = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in gap[:10])
            lines.append(f"{store}/{kiosk}: {count} records up to seq {top}"
                         + (f"; missing {shown}" if gap else "; no gaps"))
        lines += [f"{s}/{k}: chain broken at record {seq}: {why}" for s, k, seq, why in breaks]
        dup = central_db.counter(conn, "duplicates_received")
        lines.append(f"duplicates received and dropped: {dup}")
        return lines
    finally:
        conn.close()


def _summary(collector: Collector) -> str:
    """One line a person watching the collector reads: counts, and kiosks needing a look."""
    stats = collector.stats
    conn = central_db.connect(collector.db_path)
    try:
        holes, breaks = central_db.gaps(conn), central_db.chain_breaks(conn)
    finally:
        conn.close()
    return (f"stored {stats.stored}, duplicates dropped {stats.duplicates}, rejected "
            f"{stats.rejected}; {len(holes)} kiosk(s) with sequence gaps, {len(breaks)} "
            "hash-chain break(s)")


def _stop_on_signals(stop: threading.Event) -> None:
    """SIGTERM (a service manager) and SIGINT (Ctrl-C) end collection cleanly.

    Set explicitly: a shell without job control starts background commands with SIGINT
    ignored, and Python then never turns it into KeyboardInterrupt, so the collector of a
    script run in the background could not be stopped with Ctrl-C's signal.
    """
    if threading.current_thread() is not threading.main_thread():
        return  # only the main thread may set handlers; an embedding caller passes ``stop``
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_: stop.set())


def run(settings: BrokerSettings, db_path: Path, *, group: str, client_id: str,
        seconds: float | None, say: Callable[[str], None] = print,
        stop: threading.Event | None = None) -> int:
    """The command: collect until ``seconds`` passed (or forever / until ``stop``)."""
    collector = Collector(settings, db_path, group=group, client_id=client_id).start()
    say(f"collecting into {db_path} (shared group {group!r}); Ctrl-C stops")
    stop = stop or threading.Event()
    _stop_on_signals(stop)
    deadline = time.monotonic() + seconds if seconds is not None else None
    next_summary = time.monotonic() + SUMMARY_EVERY_S
    try:
        while not stop.wait(1.0):
            if deadline is not None and time.monotonic() >= deadline:
                break
            if time.monotonic() >= next_summary:
                next_summary = time.monotonic() + SUMMARY_EVERY_S
                say(_summary(collector))
    except KeyboardInterrupt:
        pass
    finally:
        collector.stop()
    stats = collector.stats
    say(f"stored {stats.stored}, duplicates dropped {stats.duplicates}, rejected "
        f"{stats.rejected}")
    for reason in stats.last_reasons:
        say(f"  rejected: {reason}")
    for line in integrity_lines(db_path):
        say(line)
    return 0
