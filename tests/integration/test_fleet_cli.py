"""``kiosk-fleet``: a fleet manager prepares, signs and pushes a catalogue, watches the kiosks,
collects their sales and reads reports, all through the command line and a real Mosquitto."""

from __future__ import annotations

import json
import re
import sqlite3
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from catsync_helpers import SyncedKiosk, catalogue, kiosk_sells, wait_until

from kiosk.fleet import catgen
from kiosk.fleet.broker_client import BrokerSettings
from kiosk.fleet.cli import main
from kiosk.fleet.collect import Collector
from kiosk.fleet.keys import SigningKey
from kiosk.sync.broker import LocalMosquitto


def test_generate_then_check_a_catalogue_and_its_delta(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    snap, delta = tmp_path / "c.json", tmp_path / "d.json"
    assert main(["generate", "--products", "300", "--out", str(snap),
                 "--delta-changes", "20", "--delta-out", str(delta)]) == 0
    assert main(["check", str(snap)]) == 0
    assert main(["check", str(delta)]) == 0
    out = capsys.readouterr().out
    assert f"{snap}: valid snapshot version gen-1, " in out
    assert "on base gen-1" in out


def test_check_names_what_is_wrong(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema": 1, "kind": "snapshot", "version": "v2",
                               "currency": "EUR", "products": [
                                   {"gtin": "04006381333932", "names": {"en": "Pencil"},
                                    "price": 99, "vat": "standard", "category": "office"}]}))
    assert main(["check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "04006381333932" in err
    assert "check digit" in err


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[LocalMosquitto]:
    with LocalMosquitto(tmp_path / "broker", kiosks=[("s1", "k1"), ("s1", "k2")]) as running:
        yield running


def broker_args(broker: LocalMosquitto, tmp_path: Path) -> list[str]:
    user, password = broker.fleet_credentials()
    (tmp_path / "fleet-password").write_text(password + "\n")
    return ["--port", str(broker.port), "--username", user,
            "--password-file", str(tmp_path / "fleet-password")]


def test_keygen_push_status_collect_and_report(broker: LocalMosquitto, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    conn = broker_args(broker, tmp_path)
    assert main(["keygen", "--out", str(tmp_path / "fleet.key")]) == 0
    assert stat.S_IMODE((tmp_path / "fleet.key").stat().st_mode) == 0o600
    assert "fleet_public_keys = [" in capsys.readouterr().out
    key = SigningKey.load(tmp_path / "fleet.key")
    v1, v2 = tmp_path / "v1.json", tmp_path / "v2.json"
    first = catalogue(40, "v1")
    v1.write_text(json.dumps(first))
    v2.write_text(json.dumps(catgen.advance(first, catgen.generate_delta(first, 5, seed=2,
                                                                         version="v2"))))
    db = tmp_path / "central.sqlite3"
    collector = Collector(BrokerSettings("127.0.0.1", broker.port, *broker.fleet_credentials()),
                          db).start()
    kiosks = [SyncedKiosk(broker, tmp_path / k, [key], kiosk=k) for k in ("k1", "k2")]
    try:
        assert main(["push", str(v1), "--store", "s1", "--key", str(tmp_path / "fleet.key"),
                     "--wait", "30", *conn]) == 0
        assert main(["push", str(v2), "--delta-from", str(v1), "--store", "s1", "--key",
                     str(tmp_path / "fleet.key"), "--wait", "30", *conn]) == 0
        out = capsys.readouterr().out
        assert "full v1: 1 parts" in out
        assert "  s1/k1: applied v2" in out
        assert "  s1/k2: applied v2" in out
        assert [k.mirror.version for k in kiosks] == ["v2", "v2"]
        wait_until(lambda: main(["status", "--db", str(db), *conn]) == 0 and " yes " in
                   capsys.readouterr().out, what="the status table")
        assert main(["status", "--db", str(db), "--csv", str(tmp_path / "s.csv"), *conn]) == 0
        lines = (tmp_path / "s.csv").read_text().splitlines()
        assert lines[0].startswith("store,kiosk,online,last seen,app,catalogue,should run")
        assert lines[1].split(",")[:3] == ["s1", "k1", "yes"]
        assert lines[1].split(",")[5:9] == ["v2", "v2", "", "applied v2"]
    finally:
        for kiosk in kiosks:
            kiosk.stop()
        collector.stop()
    assert main(["push", str(v1), "--key", str(tmp_path / "fleet.key"), *conn]) == 1
    assert "a push goes to --store S (repeatable) or --all-stores" in capsys.readouterr().err


def test_collect_then_report_by_the_command_line(broker: LocalMosquitto, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    db, out = tmp_path / "central.sqlite3", tmp_path / "reports"
    collecting = threading.Thread(target=main, args=(
        ["collect", "--db", str(db), "--seconds", "4", *broker_args(broker, tmp_path)],))
    collecting.start()
    wait_until(lambda: "collecting into" in capsys.readouterr().out, what="the collector")
    kiosk_sells(broker, tmp_path / "k1", 3)
    collecting.join(30)
    printed = capsys.readouterr().out
    assert "stored 3, duplicates dropped 0, rejected 0" in printed
    assert "s1/k1: 3 records up to seq 3; no gaps" in printed
    assert main(["report", "--db", str(db), "--by", "kiosk", "--by", "best-sellers",
                 "--csv-dir", str(out)]) == 0
    shown = capsys.readouterr().out.splitlines()
    assert shown[0] == "sales by kiosk"
    assert shown[3].split() == ["s1/k1", "EUR", "3", "3", "15.00", "5.00"]
    assert (out / "best-sellers.csv").read_text().splitlines() == [
        "gtin,name,currency,quantity,revenue", "04006381333931,Pencil,EUR,3,15.00"]


def test_report_without_a_database_says_what_to_run(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--db", str(tmp_path / "none.sqlite3")]) == 1
    assert "Run 'kiosk-fleet collect --db ...' first." in capsys.readouterr().err


def test_simulated_kiosks_take_a_push_and_sell_into_the_collector(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``kiosk-fleet simulate`` with a broker of its own; the fleet manager pushes to it and
    collects from it while it runs."""
    assert main(["keygen", "--out", str(tmp_path / "fleet.key")]) == 0
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps(catalogue(60, "seed")))
    simulating = threading.Thread(target=main, args=([
        "simulate", "--kiosks", "3", "--stores", "1", "--processes", "2", "--data",
        str(tmp_path / "sim"), "--local-broker", str(tmp_path / "broker"),
        "--fleet-public-key", str(tmp_path / "fleet.pub"), "--catalogue", str(seed),
        "--sell-every", "0.5", "--seconds", "20"],))
    simulating.start()
    printed: list[str] = []

    def said(words: str) -> bool:
        printed.append(capsys.readouterr().out)
        return words in "".join(printed)

    wait_until(lambda: said("3 of 3 kiosks connected"), what="the simulated kiosks")
    port = re.search(r"--port (\d+)", "".join(printed))
    assert port is not None
    conn = ["--port", port.group(1), "--username", "fleet",
            "--password-file", str(tmp_path / "broker" / "fleet-password")]
    db = tmp_path / "central.sqlite3"
    # The collector stays up as long as the kiosks sell: a kiosk that sold before it subscribed
    # was told "no matching subscribers" and retries after 1, 2, 4, 8 s (kiosk.sync.delivery).
    collecting = threading.Thread(target=main, args=(["collect", "--db", str(db), "--seconds",
                                                      "22", *conn],))
    collecting.start()
    v1 = tmp_path / "v1.json"
    v1.write_text(json.dumps(catalogue(50, "v1", seed=5)))
    assert main(["push", str(v1), "--store", "s001", "--key", str(tmp_path / "fleet.key"),
                 "--wait", "30", *conn]) == 0
    collecting.join(60)
    simulating.join(60)
    out = "".join(printed) + capsys.readouterr().out
    assert all(f"  s001/k00{n}: applied v1" in out for n in (1, 2, 3))
    assert re.search(r"stopped: [1-9]\d* sales sold by 3 kiosks", out)
    with sqlite3.connect(db) as central:
        assert central.execute("SELECT COUNT(DISTINCT kiosk) FROM sales").fetchone()[0] == 3
