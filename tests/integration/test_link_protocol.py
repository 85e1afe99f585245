"""Which MQTT version the link ends up speaking, against a real Mosquitto.

A broker that refuses MQTT 5 by name (CONNACK "unacceptable protocol version") gets MQTT 3.1.1;
a broker that merely does not answer in time (frozen with SIGSTOP: the kernel still accepts the
TCP connection, nobody reads the CONNECT) or is not there at all keeps MQTT 5, and the link
connects with MQTT 5 once it is back. Mosquitto logs each client's protocol: ``p5`` is MQTT 5,
``p2`` is MQTT 3.1.1.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from mqtt_helpers import WAIT_S, settings, start_link, wait_until
from mqtt_v311_proxy import V311OnlyProxy

from kiosk.sync.broker import LocalMosquitto
from kiosk.sync.link import MqttLink

V5_LOGIN = "as kiosk-s1-k1 (p5,"
V311_LOGIN = "as kiosk-s1-k1 (p2,"


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[LocalMosquitto]:
    with LocalMosquitto(tmp_path / "broker", kiosks=[("s1", "k1")]) as running:
        yield running


def failed_attempts(link: MqttLink, seen: list[str], text: str) -> int:
    """Count the link's failed attempts whose reason contains ``text`` (polled)."""
    if text in link.last_error and (not seen or seen[-1] != link.last_error):
        seen.append(link.last_error)
    return len(seen)


def accept_backlog(port: int) -> int:
    """Connections the kernel accepted for a frozen broker, waiting in its listen queue: one
    per CONNECT attempt (for a LISTEN socket, /proc/net/tcp's rx_queue is that count)."""
    local = f"0100007F:{port:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == local and fields[3] == "0A":
            return int(fields[4].split(":")[1], 16)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")


def test_a_connect_timeout_keeps_mqtt5(broker: LocalMosquitto) -> None:
    pid = broker.pid
    assert pid is not None
    os.kill(pid, signal.SIGSTOP)  # the port still accepts; the CONNECT is never answered
    link = start_link(settings(broker, connect_timeout_s=0.3, reconnect_min_s=0.05,
                               reconnect_max_s=0.1))
    try:
        # The third attempt is under way, so the first two timed out and the link chose its
        # version twice since (a fallback would have switched before the second).
        wait_until(lambda: accept_backlog(broker.port) >= 3, what="three CONNECT attempts")
        assert link.protocol == "5"
        assert not link.connected
        assert "did not answer CONNECT within 0.3 s" in link.last_error
        assert 'set mqtt.protocol = "3.1.1"' in link.last_error  # a silent 3.1.1 broker's hint
    finally:
        os.kill(pid, signal.SIGCONT)
    try:
        assert link.wait_connected(WAIT_S), link.last_error
        assert link.protocol == "5"
    finally:
        link.stop()
    log = broker.log_path.read_text()
    assert V5_LOGIN in log
    assert V311_LOGIN not in log


def test_a_broker_that_is_down_keeps_mqtt5(broker: LocalMosquitto) -> None:
    broker.stop()
    link = start_link(settings(broker, reconnect_min_s=0.05, reconnect_max_s=0.1))
    try:
        refused: list[str] = []
        wait_until(lambda: failed_attempts(link, refused, "cannot connect") >= 1,
                   what="a refused TCP connection")
        assert link.protocol == "5"
        broker.start()
        assert link.wait_connected(WAIT_S), link.last_error
        assert link.protocol == "5"
    finally:
        link.stop()
    assert V311_LOGIN not in broker.log_path.read_text()


def test_a_refused_protocol_version_falls_back_to_311(broker: LocalMosquitto) -> None:
    proxy = V311OnlyProxy(broker.port)  # answers MQTT 5 as a 3.1.1-only broker does
    link = start_link(settings(broker, port=proxy.port))
    try:
        assert link.wait_connected(WAIT_S), link.last_error
        assert link.protocol == "3.1.1"
        assert proxy.refused_v5 == 1
    finally:
        link.stop()
        proxy.close()
    assert V311_LOGIN in broker.log_path.read_text()


def test_a_refusal_with_the_version_pinned_to_5_never_falls_back(
        broker: LocalMosquitto) -> None:
    proxy = V311OnlyProxy(broker.port)
    link = start_link(settings(broker, port=proxy.port, protocol="5", reconnect_min_s=0.05,
                               reconnect_max_s=0.1))
    try:
        wait_until(lambda: proxy.refused_v5 >= 2, what="two refused MQTT 5 attempts")
        assert "Unsupported protocol version" in link.last_error
        assert link.protocol == "5"
        assert not link.connected
    finally:
        link.stop()
        proxy.close()
    assert V311_LOGIN not in broker.log_path.read_text()
