"""The broker's ACLs as LocalMosquitto writes them (and config/mosquitto/ ships), on a real broker;
and a store broker bridged to a central one carrying a sale up and a command down."""

from __future__ import annotations

import json
import os
import pwd
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from mqtt_helpers import WAIT_S, Central, outbox_counts, sell, settings, start_link, wait_until

from kiosk.store.writer import JournalWriter
from kiosk.sync.broker import LocalMosquitto, free_port
from kiosk.sync.broker_tls import LocalCA
from kiosk.sync.delivery import OutboxPump
from kiosk.sync.link import Acked, MqttLink
from kiosk.sync.link_config import LinkSettings

KIOSKS = [("s1", "k1"), ("s1", "k2"), ("s2", "k1")]


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[LocalMosquitto]:
    with LocalMosquitto(tmp_path / "broker", kiosks=KIOSKS) as running:
        yield running


def publish_as(link: MqttLink, topic: str, payload: bytes = b'{"schema":1}') -> Acked:
    """One QoS 1 publish through the kiosk's own link; the broker's PUBACK answer."""
    answered: list[Acked] = []
    done = threading.Event()

    def on_ack(acked: Acked) -> None:
        answered.append(acked)
        done.set()

    assert link.publish(topic, payload, on_ack=on_ack) is not None
    assert done.wait(WAIT_S)
    return answered[0]


def test_a_kiosk_publishes_only_its_own_uplink(broker: LocalMosquitto) -> None:
    central = Central(broker, ["kiosk/v1/#"])
    link = start_link(settings(broker, "s1", "k1"))
    try:
        assert link.wait_connected(WAIT_S)
        assert publish_as(link, "kiosk/v1/s1/k1/sales").ok
        for foreign in ("kiosk/v1/s1/k2/sales", "kiosk/v1/s1/k2/status",
                        "kiosk/v1/s1/k2/events", "kiosk/v1/s2/k1/sales",
                        "kiosk/v1/s1/catalogue", "kiosk/v1/s1/k1/cmd",
                        "kiosk/v1/s1/k2/cmd", "kiosk/v1/s1/k1/catalogue", "elsewhere"):
            acked = publish_as(link, foreign)
            assert (acked.ok, acked.reason) == (False, "Not authorized"), foreign
        wait_until(lambda: central.raw("kiosk/v1/s1/k1/sales"))
        time.sleep(0.2)  # anything the broker wrongly forwarded would have arrived by now
        topics = {topic for topic, _, _ in central.messages}
        assert topics == {"kiosk/v1/s1/k1/sales", "kiosk/v1/s1/k1/status"}
    finally:
        link.stop()
        central.close()


def test_a_kiosk_reads_only_its_cmd_its_catalogue_and_its_stores_catalogue(
        broker: LocalMosquitto) -> None:
    snoop = Central(broker, ["kiosk/v1/#", "#"], client_id="k1-snoop",
                    credentials=broker.credentials("s1", "k1"))
    fleet = Central(broker, [], client_id="fleet-writer")
    k2 = start_link(settings(broker, "s1", "k2"))
    try:
        assert k2.wait_connected(WAIT_S)
        assert publish_as(k2, "kiosk/v1/s1/k2/sales").ok  # k2's uplink: k1 must not see it
        for topic in ("kiosk/v1/s1/k2/cmd", "kiosk/v1/s1/k2/catalogue", "kiosk/v1/s2/catalogue",
                      "kiosk/v1/s1/k1/cmd", "kiosk/v1/s1/k1/catalogue", "kiosk/v1/s1/catalogue",
                      "kiosk/v1/s1/catalogue/v9/full-000"):
            fleet.publish(topic, json.dumps({"for": topic}).encode())
        wait_until(lambda: len(snoop.messages) >= 4)
        time.sleep(0.2)
        seen = sorted({topic for topic, _, _ in snoop.messages})  # two filters, two copies
        assert seen == ["kiosk/v1/s1/catalogue", "kiosk/v1/s1/catalogue/v9/full-000",
                        "kiosk/v1/s1/k1/catalogue", "kiosk/v1/s1/k1/cmd"]
    finally:
        k2.stop()
        snoop.close()
        fleet.close()


def test_the_fleet_reads_every_uplink_through_a_shared_subscription(
        broker: LocalMosquitto) -> None:
    first = Central(broker, ["$share/collect/kiosk/v1/+/+/sales"], client_id="collector-1")
    second = Central(broker, ["$share/collect/kiosk/v1/+/+/sales"], client_id="collector-2")
    links = [start_link(settings(broker, store, kiosk)) for store, kiosk in KIOSKS]
    try:
        for link in links:
            assert link.wait_connected(WAIT_S)
            for n in range(4):
                assert publish_as(link, f"{link.topics.prefix}/sales", str(n).encode()).ok
        wait_until(lambda: len(first.messages) + len(second.messages) == 12)
        assert first.messages
        assert second.messages  # the load is split, each message to one of them
    finally:
        for link in links:
            link.stop()
        first.close()
        second.close()


def test_a_bridged_store_broker_carries_a_sale_up_and_a_command_down(tmp_path: Path) -> None:
    central_broker = LocalMosquitto(tmp_path / "central", bridge_stores=["s1"]).start()
    store_broker = LocalMosquitto(tmp_path / "store", kiosks=[("s1", "k1")],
                                  bridge_to=central_broker.bridge_target("s1")).start()
    central = Central(central_broker, ["kiosk/v1/+/+/sales", "kiosk/v1/+/+/status"])
    (tmp_path / "kiosk").mkdir()
    writer = JournalWriter(tmp_path / "kiosk" / "journal.sqlite3")
    writer.start()
    link = start_link(settings(store_broker, "s1", "k1"))
    commands: list[bytes] = []
    link.add_handler(link.topics.cmd, lambda incoming: commands.append(incoming.payload))
    pump = OutboxPump(writer, link, window=4, idle_poll_s=0.1)
    pump.start()
    try:
        wait_until(lambda: "bridge-s1" in central_broker.log_path.read_text(),
                   what="the store broker's bridge to connect")
        record_ids = sell(writer, 3)
        wait_until(lambda: outbox_counts(writer) == (0, 3))
        wait_until(lambda: len(central.on("kiosk/v1/s1/k1/sales")) == 3,
                   what="the sales at the central broker")
        assert [m["record_id"] for m in central.on("kiosk/v1/s1/k1/sales")] == record_ids
        assert central.on("kiosk/v1/s1/k1/status")[-1]["online"] is True
        central.publish("kiosk/v1/s1/k1/cmd", b'{"via":"central"}')
        wait_until(lambda: commands == [b'{"via":"central"}'], what="the command at the kiosk")
    finally:
        pump.stop()
        link.stop()
        writer.close()
        central.close()
        store_broker.stop()
        central_broker.stop()


def test_311_denial_is_silent_so_nothing_reaches_other_kiosks(broker: LocalMosquitto) -> None:
    """MQTT 3.1.1 has no PUBACK reason codes: the broker acks and drops a denied publish."""
    central = Central(broker, ["kiosk/v1/s1/k2/#"])
    link = start_link(settings(broker, "s1", "k1", protocol="3.1.1"))
    try:
        assert link.wait_connected(WAIT_S)
        assert publish_as(link, "kiosk/v1/s1/k2/sales").ok
        time.sleep(0.2)
        assert central.messages == []
    finally:
        link.stop()
        central.close()



SHIPPED = Path(__file__).parents[2] / "config" / "mosquitto"


def shipped_store_conf(tmp_path: Path, central: LocalMosquitto) -> tuple[Path, Path, int]:
    """config/mosquitto/mosquitto.conf with its paths, ports and bridge moved to this test."""
    ca = LocalCA(tmp_path / "certs")
    server = ca.issue("server", "localhost", server=True)
    passwords = tmp_path / "kiosk-passwords"
    passwords.write_text("store-0001/k01:pw1\nstore-0001/k02:pw2\n")
    subprocess.run(["/usr/bin/mosquitto_passwd", "-U", str(passwords)], check=True)
    port, cert_port = free_port(), free_port()
    bridge = central.bridge_target("store-0001")
    conf = (SHIPPED / "mosquitto.conf").read_text()
    for old, new in [("/etc/mosquitto/certs/ca.crt", str(ca.files.cert)),
                     ("/etc/mosquitto/certs/central-ca.crt", str(central.ca_path)),
                     ("/etc/mosquitto/certs/server.crt", str(server.cert)),
                     ("/etc/mosquitto/certs/server.key", str(server.key)),
                     ("/etc/mosquitto/kiosk-passwords", str(passwords)),
                     ("/etc/mosquitto/conf.d/acl", str(SHIPPED / "acl")),
                     ("/var/lib/mosquitto/", f"{tmp_path}/"),
                     ("log_dest syslog", f"log_dest file {tmp_path / 'log'}\n"
                                         f"user {pwd.getpwuid(os.getuid()).pw_name}"),
                     ("listener 8883 0.0.0.0", f"listener {port} 127.0.0.1"),
                     ("listener 8884 0.0.0.0", f"listener {cert_port} 127.0.0.1"),
                     ("central-mqtt.example.invalid:8883", f"127.0.0.1:{bridge.port}"),
                     ("CHANGE-ME-bridge-password", bridge.password)]:
        assert old in conf
        conf = conf.replace(old, new)
    (tmp_path / "store.conf").write_text(conf)
    return tmp_path / "store.conf", ca.files.cert, port


def test_the_shipped_store_config_enforces_its_acl_and_bridges(tmp_path: Path) -> None:
    """config/mosquitto as a store deploys it, bridged to a central broker over TLS."""
    with LocalMosquitto(tmp_path / "central", tls=True, bridge_stores=["store-0001"]) as central:
        conf, ca, port = shipped_store_conf(tmp_path, central)
        collector = Central(central, ["kiosk/v1/+/+/sales"])
        store = subprocess.Popen(["/usr/sbin/mosquitto", "-c", str(conf)])
        link = None
        try:
            wait_until(lambda: "bridge-store-0001" in central.log_path.read_text(),
                       what="the shipped bridge to log in at the central broker")
            link = start_link(LinkSettings(
                store="store-0001", kiosk="k01", host="127.0.0.1", port=port,
                username="store-0001/k01", password="pw1", tls_ca=ca, reconnect_min_s=0.05))
            assert link.wait_connected(WAIT_S), link.last_error
            assert publish_as(link, "kiosk/v1/store-0001/k01/sales", b'{"sale": 1}').ok
            assert not publish_as(link, "kiosk/v1/store-0001/k02/sales").ok
            assert not publish_as(link, "kiosk/v1/store-0001/catalogue").ok
            wait_until(lambda: collector.raw("kiosk/v1/store-0001/k01/sales"))
            assert collector.raw("kiosk/v1/store-0001/k01/sales")[0][0] == b'{"sale": 1}'
        finally:
            if link is not None:
                link.stop()
            collector.close()
            store.terminate()
            store.wait(10)
