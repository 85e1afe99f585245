"""Sales through the durable outbox to a local Mosquitto, beside raw paho (issue 7).

A kiosk's journal holds ``--messages`` sales (10k; real sale records made by the checkout
session, committed before the clock starts). Timed, in the same run and against the same
broker:

* ``raw paho``: a bare paho client publishes the very bytes the outbox would send, QoS 1,
  with the same in-flight window, and waits for every PUBACK: the ceiling;
* ``outbox``: the kiosk's OutboxPump and MqttLink deliver the journal's outbox, marking each
  row delivered only after its PUBACK (kiosk.sync.delivery), while ``kiosk-fleet collect``
  stores them centrally (shared subscription, deduplicating).

Afterwards the journal is compared with the central database: ``lost`` counts sales in the
journal and not central; ``duplicates_received`` counts deliveries the collector dropped as
repeats; ``duplicates_central`` counts repeated rows after deduplication. Target: outbox
msg/s >= 50 % of raw paho.

Usage: python bench/outbox.py [--messages 10000] [--window 100] [--dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from kiosk.clock import utc_now
from kiosk.fleet import catgen
from kiosk.fleet.sim_kiosk import Seller
from kiosk.store.catalogue import CatalogueMirror
from kiosk.store.journal import Journal
from kiosk.store.journal_entries import sale_entry
from kiosk.store.writer import JournalWriter
from kiosk.sync import messages
from kiosk.sync.broker import LocalMosquitto
from kiosk.sync.delivery import OutboxPump
from kiosk.sync.link import MqttLink
from kiosk.sync.link_config import LinkSettings

SALES = "kiosk/v1/s1/k1/sales"


def real_sale(work: Path) -> dict[str, Any]:
    """One sale as the checkout session records it (lines, VAT, payment), as a template."""
    mirror = CatalogueMirror(work / "template" / "catalogue", currency="EUR")
    mirror.apply(catgen.generate_snapshot(200, seed=2, version="t1"))
    with JournalWriter(work / "template" / "journal.sqlite3") as writer:
        Seller(mirror, writer, "s1", "k1", rng=random.Random(1), clock=utc_now).sell_one()
        record = next(r for r in writer.submit(Journal.records).result() if r.kind == "sale")
    mirror.close()
    return record.data()


def fill_journal(path: Path, count: int, template: dict[str, Any]) -> None:
    with Journal(path) as journal:
        for first in range(1, count + 1, 500):
            entries = [sale_entry(f"B{n:06d}", n, {**template, "sale_id": f"B{n:06d}",
                                                   "sale_number": n})
                       for n in range(first, min(count, first + 499) + 1)]
            journal.commit_entries(entries, at=utc_now())


def raw_paho(broker: LocalMosquitto, payloads: list[bytes], window: int) -> float:
    """msg/s of a bare paho client publishing QoS 1 and waiting for every PUBACK."""
    done = threading.Event()
    acked = [0]

    def on_publish(*_: Any) -> None:
        acked[0] += 1
        if acked[0] == len(payloads):
            done.set()

    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="raw-paho", protocol=mqtt.MQTTv5)
    client.username_pw_set(*broker.credentials("s1", "k1"))
    client.max_inflight_messages_set(window)
    client.max_queued_messages_set(0)
    client.on_publish = on_publish
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    started = time.monotonic()
    for payload in payloads:
        client.publish(SALES, payload, qos=1)
    done.wait(600)
    took = time.monotonic() - started
    client.disconnect()
    client.loop_stop()
    return len(payloads) / took


def outbox_run(broker: LocalMosquitto, writer: JournalWriter, count: int, window: int) -> float:
    user, password = broker.credentials("s1", "k1")
    link = MqttLink(LinkSettings(store="s1", kiosk="k1", host="127.0.0.1", port=broker.port,
                                 username=user, password=password),
                    status=lambda: messages.Status(True, "bench", None, {}),
                    inflight_limit=window)
    pump = OutboxPump(writer, link, window=window, idle_poll_s=0.1)
    link.start()
    link.wait_connected(30)
    started = time.monotonic()
    pump.start()
    while pump.stats.delivered < count and time.monotonic() - started < 600:
        time.sleep(0.01)
    took = time.monotonic() - started
    pump.stop()
    link.stop()
    return count / took


def start_collector(broker: LocalMosquitto, work: Path) -> subprocess.Popen[bytes]:
    """``kiosk-fleet collect`` in its own process, as the central side runs it."""
    user, password = broker.fleet_credentials()
    (work / "fleet-password").write_text(password + "\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk.fleet.cli", "collect", "--db",
         str(work / "central.sqlite3"), "--port", str(broker.port), "--username", user,
         "--password-file", str(work / "fleet-password")],
        stdout=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.readline()  # "collecting into ...": subscribed
    return process


def stored(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0])


def wait_collected(db: Path, expected: int, quiet_s: float = 20.0) -> None:
    """Until the central database holds ``expected`` messages, or stopped growing for
    ``quiet_s``: on a loaded machine the collector may trail the kiosk by seconds, and what it
    has not stored yet is still queued for its session on the broker, not lost."""
    quiet_since, seen = time.monotonic(), -1
    while time.monotonic() - quiet_since < quiet_s:
        now = stored(db)
        if now >= expected:
            return
        quiet_since = time.monotonic() if now != seen else quiet_since
        seen = now
        time.sleep(0.3)
    print(f"the collector stopped at {seen} of {expected} messages")


def run(args: argparse.Namespace, work: Path) -> dict[str, object]:
    template = real_sale(work)
    (work / "kiosk").mkdir()
    journal_path = work / "kiosk" / "journal.sqlite3"
    fill_journal(journal_path, args.messages, template)
    with LocalMosquitto(work / "broker", kiosks=[("s1", "k1")]) as broker:
        writer = JournalWriter(journal_path)
        writer.start()
        rows = writer.submit(Journal.pending, args.messages + 1).result()
        payloads = [messages.outbox_payload(r, "s1", "k1") for r in rows]
        print(f"{len(payloads)} messages of about {len(payloads[0])} bytes each")
        raw = raw_paho(broker, payloads, args.window)  # before the collector: nobody stores it
        print(f"raw paho QoS 1: {raw:.0f} msg/s")
        collector = start_collector(broker, work)
        try:
            outbox = outbox_run(broker, writer, args.messages, args.window)
            print(f"outbox (journal -> PUBACK -> marked delivered): {outbox:.0f} msg/s "
                  f"({outbox / raw:.0%} of raw paho)")
            print("load average (1, 5, 15 min): {:.2f} {:.2f} {:.2f} on {} cores (a shared "
                  "machine makes both figures noisy)".format(*os.getloadavg(), os.cpu_count()))
            wait_collected(work / "central.sqlite3", args.messages)
        finally:
            collector.send_signal(signal.SIGINT)
            collector.wait(60)
            writer.close()
    with Journal(journal_path) as journal:
        truth = {r.record_id for r in journal.records(limit=10_000_000) if r.kind == "sale"}
    conn = sqlite3.connect(work / "central.sqlite3")
    central = {r[0] for r in conn.execute("SELECT record_id FROM sales")}
    rows_central = conn.execute("SELECT COUNT(*) FROM sales").fetchone()[0]
    received_twice = conn.execute("SELECT COALESCE(MAX(value), 0) FROM counters WHERE name = "
                                  "'duplicates_received'").fetchone()[0]
    print(f"central database: {len(central)} of {len(truth)} sales")
    return {"bench": "outbox", "messages": args.messages, "outbox_msg_s": round(outbox, 1),
            "raw_paho_msg_s": round(raw, 1), "ratio": round(outbox / raw, 3),
            "lost": len(truth - central), "duplicates_received": int(received_twice),
            "duplicates_central": rows_central - len(central)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--window", type=int, default=100)
    parser.add_argument("--dir", type=Path, help="keep the run here (default: a temp dir)")
    args = parser.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        result = run(args, work)
    finally:
        if args.dir is None:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
