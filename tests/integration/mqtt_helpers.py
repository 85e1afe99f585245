"""Shared by the test_mqtt_* files: a central subscriber, link settings, sales, waiting.

Everything here talks to a real Mosquitto (kiosk.sync.broker.LocalMosquitto); nothing is mocked.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from kiosk.store.journal import Journal
from kiosk.store.writer import JournalWriter
from kiosk.sync.broker import LocalMosquitto
from kiosk.sync.link import MqttLink
from kiosk.sync.link_config import LinkSettings
from kiosk.sync.messages import Status

T0 = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
WAIT_S = 60.0  # generous: 8 helpers share 2 cores (load 200+ seen); never a speed assertion


def wait_until(condition: Callable[[], bool], timeout: float = WAIT_S,
               what: str | Callable[[], str] = "") -> None:
    """Poll ``condition``; ``what`` (or what it returns, at the timeout) names the failure."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            said = what() if callable(what) else what
            raise AssertionError(f"timed out waiting for {said or condition}")
        time.sleep(0.02)


def settings(broker: LocalMosquitto, store: str = "s1", kiosk: str = "k1", *,
             tls: bool = False, **overrides: Any) -> LinkSettings:
    username, password = broker.credentials(store, kiosk)
    base: dict[str, Any] = dict(
        store=store, kiosk=kiosk, host="127.0.0.1", port=broker.port, username=username,
        password=password, reconnect_min_s=0.05, reconnect_max_s=0.5, connect_timeout_s=5.0,
        keepalive_s=5)
    if tls:
        base.update(port=broker.tls_port, tls_ca=broker.ca_path)
    base.update(overrides)
    return LinkSettings(**base)


def status(catalogue: str | None = "v7", locked: bool = False) -> Callable[[], Status]:
    return lambda: Status(True, "9.9.9", catalogue,
                          {"printer": {"ok": False, "detail": "paper out", "simulated": True}},
                          locked=locked)


def start_link(link_settings: LinkSettings, **kwargs: Any) -> MqttLink:
    link = MqttLink(link_settings, status=kwargs.pop("status", status()), **kwargs)
    link.start()
    return link


class Central:
    """A fleet-side subscriber (MQTT 5, persistent session unless told otherwise) recording
    every message."""

    def __init__(self, broker: LocalMosquitto, filters: Iterable[str] = ("kiosk/v1/#",), *,
                 client_id: str = "central-test", port: int | None = None,
                 credentials: tuple[str, str] | None = None, persistent: bool = True) -> None:
        self.messages: list[tuple[str, bytes, bool]] = []
        self.filters = tuple(filters)
        self._lock = threading.Lock()
        self._subscribed = threading.Event()
        client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                             protocol=mqtt.MQTTv5, reconnect_on_failure=True)
        client.username_pw_set(*(credentials or broker.fleet_credentials()))
        client.reconnect_delay_set(0.05, 0.5)
        client.on_connect = self._on_connect
        client.on_message = self._on_message
        client.on_subscribe = lambda *_: self._subscribed.set()
        props = Properties(PacketTypes.CONNECT)
        props.SessionExpiryInterval = 3600 if persistent else 0
        client.connect("127.0.0.1", port or broker.port, 5, clean_start=not persistent,
                       properties=props)
        client.loop_start()
        self.client = client
        if not self._subscribed.wait(WAIT_S):
            raise AssertionError("the central subscriber could not subscribe")

    def _on_connect(self, client: mqtt.Client, *_: Any) -> None:
        if self.filters:
            client.subscribe([(f, 1) for f in self.filters])
        else:
            self._subscribed.set()  # a publisher only

    def _on_message(self, _client: mqtt.Client, _userdata: Any, msg: mqtt.MQTTMessage) -> None:
        with self._lock:
            self.messages.append((msg.topic, bytes(msg.payload), bool(msg.retain)))

    def on(self, topic: str) -> list[dict[str, Any]]:
        with self._lock:
            return [json.loads(p) for t, p, _ in self.messages if t == topic]

    def raw(self, topic: str) -> list[tuple[bytes, bool]]:
        with self._lock:
            return [(p, r) for t, p, r in self.messages if t == topic]

    def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> None:
        self.client.publish(topic, payload, qos=1, retain=retain).wait_for_publish(WAIT_S)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def sell(writer: JournalWriter, count: int, *, first: int = 1) -> list[str]:
    """Commit ``count`` sales through the writer (as the kiosk does); their record ids."""
    ids = []
    for number in range(first, first + count):
        sale_id = f"S{number:06d}"
        writer.submit(Journal.record_sale, sale_id, number,
                      {"total_minor": 100 + number, "currency": "EUR",
                       "lines": [{"gtin": "04006381333931", "qty": 1}]},
                      at=T0).result()
        ids.append(f"sale:{sale_id}")
    return ids


def outbox_counts(writer: JournalWriter) -> tuple[int, int]:
    counts = writer.submit(Journal.outbox_counts).result()
    return counts.pending, counts.delivered


def journal_ids(path: Path) -> list[str]:
    with Journal(path) as journal:
        return [r.record_id for r in journal.records(limit=1_000_000)]


class KioskProcess:
    """``mqtt_kiosk.py`` in a child process, its stdout lines collected as they come."""

    SCRIPT = Path(__file__).with_name("mqtt_kiosk.py")

    def __init__(self, broker: LocalMosquitto, data: Path, *, sales: int = 0,
                 pace: float = 0.0, store: str = "s1", kiosk: str = "k1") -> None:
        import subprocess
        import sys

        data.mkdir(parents=True, exist_ok=True)
        password_file = data / "mqtt-password"
        password_file.write_text(broker.credentials(store, kiosk)[1])
        self.lines: list[str] = []
        self.stderr_path = data / "stderr.txt"
        with open(self.stderr_path, "a") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, str(self.SCRIPT), "--data", str(data), "--port",
                 str(broker.port), "--store", store, "--kiosk", kiosk, "--password-file",
                 str(password_file), "--sales", str(sales), "--pace", str(pace)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.strip())

    def saw(self, prefix: str) -> bool:
        return any(line.startswith(prefix) for line in self.lines)

    def sold(self) -> int:
        return sum(1 for line in self.lines if line.startswith("sold "))

    def wait_for(self, prefix: str, timeout: float = WAIT_S) -> None:
        def seen() -> bool:
            if self.process.poll() is not None and not self.saw(prefix):
                err = self.stderr_path.read_text()
                raise AssertionError(f"the kiosk process exited before {prefix!r}: {err}")
            return self.saw(prefix)
        wait_until(seen, timeout, f"kiosk process line {prefix!r}")

    def kill(self) -> None:
        self.process.kill()
        self._close()

    def _close(self) -> None:
        self.process.wait(WAIT_S)
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None and not stream.closed:
                stream.close()

    def stop(self) -> None:
        """Close stdin: the process stops cleanly (offline status, clean disconnect)."""
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
        self._close()
