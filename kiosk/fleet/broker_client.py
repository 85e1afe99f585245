"""The fleet tools' MQTT connection: blocking helpers over one paho client (MQTT 5).

The fleet manager's commands are short-lived and sequential (publish these retained parts,
read what is retained, watch acks for a while), so unlike the kiosk's link this client is
simple: connect or fail with a reason a person can act on, publish with QoS 1 and wait for
every PUBACK (a refused publish, e.g. by an ACL, is an error, not a silent loss), and read
retained messages until the broker has nothing more to say.

Connection settings come from the command line (:func:`add_broker_arguments`); the password
is read from a file, never from an argument that would sit in the shell history.
"""

from __future__ import annotations

import argparse
import secrets
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.reasoncodes import ReasonCode

from kiosk.errors import DeviceError

_WINDOW = 200  # QoS 1 messages in flight at once


@dataclass(frozen=True, slots=True)
class BrokerSettings:
    host: str = "localhost"
    port: int = 1883
    username: str = "fleet"
    password: str | None = None
    tls_ca: Path | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> BrokerSettings:
        password = None
        if args.password_file is not None:
            try:
                lines = args.password_file.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise DeviceError(f"cannot read the password file {args.password_file}",
                                  exc.strerror or str(exc)) from None
            password = lines[0].strip() if lines else ""
        return cls(args.host, args.port, args.username, password, args.tls_ca, args.tls_cert,
                   args.tls_key)


def add_broker_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("broker")
    group.add_argument("--host", default="localhost")
    group.add_argument("--port", type=int, default=1883)
    group.add_argument("--username", default="fleet")
    group.add_argument("--password-file", type=Path, help="first line is the password")
    group.add_argument("--tls-ca", type=Path, help="CA certificate; enables TLS")
    group.add_argument("--tls-cert", type=Path)
    group.add_argument("--tls-key", type=Path)


Handler = Callable[[mqtt.MQTTMessage], None]


class FleetClient:
    """One connection; use as a context manager. ``handler`` gets live (subscribed) messages."""

    def __init__(self, settings: BrokerSettings, *, name: str = "fleet",
                 handler: Handler | None = None) -> None:
        self.settings = settings
        self._handler = handler
        self._lock = threading.Lock()
        self._connected = threading.Event()
        self._refused = ""
        self._acks: dict[int, ReasonCode] = {}
        self._acked = threading.Condition(self._lock)
        self._retained: dict[str, bytes] | None = None
        self._last_message = time.monotonic()
        client_id = f"{name}-{secrets.token_hex(4)}"
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id,
                                  protocol=mqtt.MQTTv5)
        if settings.password is not None or settings.username:
            self.client.username_pw_set(settings.username, settings.password)
        if settings.tls_ca is not None:
            self.client.tls_set(ca_certs=str(settings.tls_ca),
                                certfile=str(settings.tls_cert) if settings.tls_cert else None,
                                keyfile=str(settings.tls_key) if settings.tls_key else None,
                                cert_reqs=ssl.CERT_REQUIRED, tls_version=ssl.PROTOCOL_TLS_CLIENT)
        self.client.max_inflight_messages_set(_WINDOW)
        self.client.on_connect = self._on_connect
        self.client.on_publish = self._on_publish
        self.client.on_message = self._on_message

    # -- connection -------------------------------------------------------------------------------
    def connect(self, timeout: float = 10.0) -> FleetClient:
        where = f"{self.settings.host}:{self.settings.port}"
        try:
            self.client.connect(self.settings.host, self.settings.port, keepalive=30)
        except (OSError, ValueError) as exc:
            raise DeviceError(f"cannot connect to the broker at {where}", str(exc),
                              "Check --host/--port and that the broker runs.") from None
        self.client.loop_start()
        if not self._connected.wait(timeout) or self._refused:
            self.close()
            raise DeviceError(f"the broker at {where} did not accept the fleet connection",
                              self._refused or f"no answer within {timeout:.0f} s",
                              "Check --username, --password-file and the TLS options.")
        return self

    def close(self) -> None:
        if self._connected.is_set():
            self.client.disconnect()
        self.client.loop_stop()
        self._connected.clear()

    def __enter__(self) -> FleetClient:
        return self.connect()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- publishing -------------------------------------------------------------------------------
    def publish_many(self, messages: Iterable[tuple[str, bytes, bool]],
                     timeout: float = 60.0) -> int:
        """Publish (topic, payload, retain) with QoS 1; returns once every PUBACK is in."""
        mids: list[tuple[int, str]] = []
        for topic, payload, retain in messages:
            with self._lock:
                while len(mids) - self._settled(mids) >= _WINDOW:
                    self._acked.wait(1.0)
            info = self.client.publish(topic, payload, qos=1, retain=retain)
            if info.rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
                raise DeviceError(f"cannot publish on {topic}", mqtt.error_string(info.rc))
            mids.append((info.mid, topic))
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._settled(mids) < len(mids):
                if time.monotonic() > deadline:
                    raise DeviceError("the broker did not acknowledge every message",
                                      f"{len(mids) - self._settled(mids)} of {len(mids)} "
                                      f"unacknowledged after {timeout:.0f} s")
                self._acked.wait(0.5)
            refused = [(topic, self._acks[mid]) for mid, topic in mids
                       if self._acks[mid].is_failure]
            for mid, _topic in mids:
                self._acks.pop(mid, None)
        if refused:
            topic, reason = refused[0]
            raise DeviceError(f"the broker refused {len(refused)} messages, e.g. on {topic}",
                              str(reason), "Check the fleet user's ACL on the broker.")
        return len(mids)

    def _settled(self, mids: Sequence[tuple[int, str]]) -> int:
        return sum(1 for mid, _ in mids if mid in self._acks)

    # -- reading ----------------------------------------------------------------------------------
    def subscribe(self, filters: Sequence[str]) -> None:
        result, _ = self.client.subscribe([(f, 1) for f in filters])
        if result != MQTTErrorCode.MQTT_ERR_SUCCESS:
            raise DeviceError(f"cannot subscribe to {', '.join(filters)}",
                              mqtt.error_string(result))

    def retained(self, filters: Sequence[str], *, quiet_s: float = 0.5,
                 timeout: float = 30.0) -> dict[str, bytes]:
        """Every retained message on ``filters`` (topic -> payload), read until quiet."""
        with self._lock:
            self._retained = {}
            self._last_message = time.monotonic()
        self.subscribe(filters)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            time.sleep(min(0.05, quiet_s))
            with self._lock:
                if time.monotonic() - self._last_message >= quiet_s:
                    break
        self.client.unsubscribe(list(filters))
        with self._lock:
            found, self._retained = self._retained or {}, None
        return found

    # -- paho callbacks ---------------------------------------------------------------------------
    def _on_connect(self, _client: mqtt.Client, _userdata: Any, _flags: Any,
                    reason: ReasonCode, _props: Any) -> None:
        if reason.is_failure:
            self._refused = str(reason)
        self._connected.set()

    def _on_publish(self, _client: mqtt.Client, _userdata: Any, mid: int, reason: ReasonCode,
                    _props: Any) -> None:
        with self._lock:
            self._acks[mid] = reason
            self._acked.notify_all()

    def _on_message(self, _client: mqtt.Client, _userdata: Any,
                    message: mqtt.MQTTMessage) -> None:
        with self._lock:
            self._last_message = time.monotonic()
            if self._retained is not None and message.retain:
                if message.payload:
                    self._retained[message.topic] = bytes(message.payload)
                return
        if self._handler is not None:
            self._handler(message)
