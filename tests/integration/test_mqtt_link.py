"""The kiosk's MQTT connection against a real Mosquitto: status, last will, TLS, MQTT 3.1.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from mqtt_helpers import WAIT_S, Central, KioskProcess, settings, start_link, wait_until
from mqtt_v311_proxy import V311OnlyProxy

from kiosk.sync.broker import LocalMosquitto

STATUS = "kiosk/v1/s1/k1/status"


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[LocalMosquitto]:
    with LocalMosquitto(tmp_path / "broker", tls=True,
                        kiosks=[("s1", "k1"), ("s1", "k2")]) as running:
        yield running


def retained_status(broker: LocalMosquitto, tmp_path: Path, name: str) -> dict | None:
    """What a fleet tool that connects now is told about k1: the retained message alone (a
    live publish that races the subscription arrives without the retain flag: ignored)."""
    late = Central(broker, [STATUS], client_id=f"late-{name}", persistent=False)
    try:
        try:
            wait_until(lambda: any(retained for _, retained in late.raw(STATUS)), timeout=2)
        except AssertionError:
            return None  # nothing retained (yet)
        return json.loads(next(p for p, retained in late.raw(STATUS) if retained))
    finally:
        late.close()


def eventually_retained(broker: LocalMosquitto, tmp_path: Path, online: bool) -> dict:
    """The retained status once it says ``online`` (a new subscriber each time)."""
    seen: list[dict | None] = []

    def says() -> bool:
        seen.append(retained_status(broker, tmp_path, f"probe{len(seen)}"))
        return seen[-1] is not None and seen[-1]["online"] is online

    wait_until(says, what=lambda: f"a retained status with online={online}: {seen[-1:]}")
    assert seen[-1] is not None
    return seen[-1]


def test_status_is_retained_with_versions_and_health(broker: LocalMosquitto,
                                                     tmp_path: Path) -> None:
    link = start_link(settings(broker))
    try:
        assert link.wait_connected(WAIT_S)
        assert link.protocol == "5"
        seen = eventually_retained(broker, tmp_path, online=True)
        assert seen["app_version"] == "9.9.9"
        assert seen["catalogue_version"] == "v7"
        assert seen["health"] == {"printer": {"ok": False, "detail": "paper out",
                                              "simulated": True}}
        assert (seen["schema"], seen["store"], seen["kiosk"]) == (1, "s1", "k1")
    finally:
        link.stop()
    # A clean stop says offline itself (a clean DISCONNECT suppresses the will).
    assert eventually_retained(broker, tmp_path, online=False)["app_version"] == "9.9.9"


def test_last_will_marks_a_killed_kiosk_offline(broker: LocalMosquitto, tmp_path: Path) -> None:
    kiosk = KioskProcess(broker, tmp_path / "kiosk")
    kiosk.wait_for("drained")
    eventually_retained(broker, tmp_path, online=True)
    kiosk.kill()
    will = eventually_retained(broker, tmp_path, online=False)
    assert will == {"schema": 1, "type": "status", "store": "s1", "kiosk": "k1",
                    "online": False, "app_version": "test-kiosk", "reason": "connection lost"}


def test_tls_with_the_test_ca(broker: LocalMosquitto, tmp_path: Path) -> None:
    link = start_link(settings(broker, tls=True))
    try:
        assert link.wait_connected(WAIT_S), link.last_error
        eventually_retained(broker, tmp_path, online=True)
    finally:
        link.stop()


def test_tls_refuses_a_broker_the_ca_did_not_sign(broker: LocalMosquitto,
                                                  tmp_path: Path) -> None:
    other = LocalMosquitto(tmp_path / "other-ca", tls=True)  # only its CA is used
    link = start_link(settings(broker, tls=True, tls_ca=other.ca_path))
    try:
        wait_until(lambda: "certificate verify failed" in link.last_error, what=link.last_error)
        assert not link.connected
    finally:
        link.stop()


def test_client_certificate_is_the_kiosk_identity(broker: LocalMosquitto,
                                                  tmp_path: Path) -> None:
    cert = broker.client_cert("s1", "k2")
    link = start_link(settings(broker, kiosk="k2", port=broker.cert_port, tls_ca=broker.ca_path,
                               tls_cert=cert.cert, tls_key=cert.key, username="", password=None))
    central = Central(broker, ["kiosk/v1/s1/k2/status"], client_id="cert-central")
    try:
        assert link.wait_connected(WAIT_S), link.last_error
        # The ACL let k2 (named only by its certificate) publish its own status.
        wait_until(lambda: central.on("kiosk/v1/s1/k2/status"))
        assert central.on("kiosk/v1/s1/k2/status")[-1]["online"] is True
    finally:
        link.stop()
        central.close()


def test_falls_back_to_mqtt_311_when_the_broker_has_no_mqtt5(broker: LocalMosquitto,
                                                             tmp_path: Path) -> None:
    proxy = V311OnlyProxy(broker.port)
    link = start_link(settings(broker, port=proxy.port))
    try:
        assert link.wait_connected(WAIT_S), link.last_error
        assert link.protocol == "3.1.1"
        assert proxy.refused_v5 == 1
        assert proxy.passed >= 1
        eventually_retained(broker, tmp_path, online=True)
    finally:
        link.stop()
        proxy.close()
    # Mosquitto logs each client's protocol: p2 is MQTT 3.1.1, p5 is MQTT 5.
    assert "as kiosk-s1-k1 (p2," in broker.log_path.read_text()


def test_protocol_can_be_pinned_to_311_in_config(broker: LocalMosquitto) -> None:
    link = start_link(settings(broker, protocol="3.1.1"))
    try:
        assert link.wait_connected(WAIT_S)
        assert link.protocol == "3.1.1"
    finally:
        link.stop()
    assert "as kiosk-s1-k1 (p2," in broker.log_path.read_text()
    assert "as kiosk-s1-k1 (p5," not in broker.log_path.read_text()


def test_reconnects_after_the_broker_restarts(broker: LocalMosquitto, tmp_path: Path) -> None:
    link = start_link(settings(broker))
    try:
        assert link.wait_connected(WAIT_S)
        broker.kill()
        wait_until(lambda: not link.connected, what="the link to notice the broker is gone")
        broker.start()
        wait_until(lambda: link.connects >= 2, what="a reconnect")
        eventually_retained(broker, tmp_path, online=True)
    finally:
        link.stop()


def test_wrong_password_is_reported_not_retried_in_a_tight_loop(broker: LocalMosquitto) -> None:
    link = start_link(settings(broker, password="wrong"))
    try:
        wait_until(lambda: "refused the connection" in link.last_error, what=link.last_error)
        assert "Bad user name or password" in link.last_error or \
            "Not authorized" in link.last_error
        assert not link.connected
    finally:
        link.stop()

