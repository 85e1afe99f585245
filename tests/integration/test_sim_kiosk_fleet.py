"""The fleet simulator's workers: kiosks that sell only once told to, every sale in their own
journal, and a worker that refuses (saying why) kiosks whose descriptors paho-mqtt's select()
could not watch, instead of letting them connect and never read their CONNACK."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from catsync_helpers import wait_until

from kiosk.fleet import catgen
from kiosk.fleet.broker_client import BrokerSettings
from kiosk.fleet.collect import Collector
from kiosk.fleet.simulate import FDS_PER_KIOSK, SELECT_LIMIT, FleetSim, processes_for
from kiosk.store.journal import Journal
from kiosk.sync.broker import LocalMosquitto
from kiosk.sync.signing import generate_key, public_key_hex

KIOSKS = [("s001", "k001"), ("s001", "k002"), ("s001", "k003")]


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[LocalMosquitto]:
    with LocalMosquitto(tmp_path / "broker", kiosks=KIOSKS) as running:
        yield running


def spec(broker: LocalMosquitto, tmp_path: Path, **changes: object) -> dict[str, object]:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(catgen.generate_snapshot(40, seed=2, version="seed")))
    return {"host": "127.0.0.1", "port": broker.port, "tls_ca": None,
            "trusted": [public_key_hex(generate_key())], "sell_every_s": 0.3,
            "sell_on_command": True, "basket_max": 3, "tick_s": 1.0, "parts_timeout_s": 60.0,
            "initial": str(seed), "ramp_per_s": 50, **changes}


def sales_in_journals(tmp_path: Path) -> int:
    total = 0
    for store, kiosk in KIOSKS:
        with Journal(tmp_path / "kiosks" / store / kiosk / "journal.sqlite3") as journal:
            total += sum(r.kind == "sale" for r in journal.records(limit=100_000))
    return total


def test_a_thousand_kiosks_run_in_workers_of_a_hundred_at_most() -> None:
    assert processes_for(1000, 4) == 10
    assert processes_for(200, 4) == 4
    assert processes_for(3, 8) == 3


def test_kiosks_sell_from_the_start_command_on_and_every_sale_reaches_the_centre(
        broker: LocalMosquitto, tmp_path: Path) -> None:
    kiosks = [(s, k, broker.credentials(s, k)[1], str(tmp_path / "kiosks" / s / k), n)
              for n, (s, k) in enumerate(KIOSKS)]
    user, password = broker.fleet_credentials()
    collector = Collector(BrokerSettings("127.0.0.1", broker.port, user, password),
                          tmp_path / "central.sqlite3").start()
    sim = FleetSim(spec(broker, tmp_path), kiosks, processes=2)
    try:
        sim.start(say=lambda line: None)
        assert sim.connected() == 3
        wait_until(lambda: sim.opened() == 3, what="a stats line from every worker")
        assert sim.sold() == 0  # connected, told nothing yet: no shopper came
        sim.start_selling()
        wait_until(lambda: sim.sold() >= 6, what="sales once told to sell")
        sim.stop_selling()
        assert sim.drain(60), "the outboxes did not drain"
        sold = sales_in_journals(tmp_path)
        wait_until(lambda: collector.stats.stored >= sold, what="every sale at the centre")
    finally:
        sim.stop()
        collector.stop()
    assert sim.failures() == []
    assert sold >= 6
    with sqlite3.connect(tmp_path / "central.sqlite3") as central:
        assert central.execute("SELECT COUNT(*) FROM sales").fetchone()[0] == sold


def test_a_worker_refuses_kiosks_its_select_could_not_watch(broker: LocalMosquitto,
                                                            tmp_path: Path) -> None:
    """A worker whose descriptors already reach the limit starts no kiosk and says why."""
    kiosks = [[s, k, broker.credentials(s, k)[1], str(tmp_path / "kiosks" / s / k), n]
              for n, (s, k) in enumerate(KIOSKS)]
    devnull = os.open(os.devnull, os.O_RDONLY)
    high = os.dup2(devnull, SELECT_LIMIT - FDS_PER_KIOSK)
    try:
        worker = subprocess.Popen([sys.executable, "-m", "kiosk.fleet.simulate", "--worker"],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  pass_fds=[high])
    finally:
        os.close(high)
        os.close(devnull)
    assert worker.stdin is not None
    assert worker.stdout is not None
    worker.stdin.write(json.dumps({**spec(broker, tmp_path), "kiosks": kiosks}) + "\n")
    worker.stdin.flush()
    said = [worker.stdout.readline(), worker.stdout.readline()]
    worker.stdin.close()  # the worker stops once its stdin ends
    said += worker.stdout.readlines()
    worker.stdout.close()
    assert worker.wait(60) == 0
    assert said[0] == ("failed 3 kiosks from s001/k001 on: their descriptors would pass 1023, "
                       "which paho-mqtt's select() cannot watch; run more worker processes\n")
    assert said[1].startswith("started 0 ")
    assert not (tmp_path / "kiosks").exists()
