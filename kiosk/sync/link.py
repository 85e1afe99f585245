"""The kiosk's one MQTT connection (paho-mqtt 2.x), kept up for as long as the kiosk runs.

A supervisor thread connects (MQTT 5; 3.1.1 when the broker refuses 5), hands the socket to
paho's own network thread, and after any loss waits an exponentially growing, jittered delay
before connecting again, so two hundred kiosks do not hammer a broker that just restarted. On
every connect the link subscribes to the kiosk's downlink and, once that stands, publishes the
retained ``status``; a last will set at connect marks the kiosk offline if it vanishes, and a
clean stop publishes the offline status itself (a clean disconnect suppresses the will).

Other threads publish through :meth:`MqttLink.publish`, which refuses while disconnected
rather than letting paho queue in memory: the durable copy of everything that matters is the
journal's outbox (:mod:`kiosk.sync.delivery`), and paho's queues are capped so they can never
become the only copy. Each publish may carry a callback told of its PUBACK and reason code.

Handlers for incoming messages run on the network thread and must be quick; they get the
raw bytes and judge them themselves (:mod:`kiosk.sync.messages`).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import random
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.reasoncodes import ReasonCode

from kiosk.clock import Clock, utc_now
from kiosk.sync import messages
from kiosk.sync.link_config import LinkSettings, backoff_delay
from kiosk.sync.messages import Status

log = logging.getLogger(__name__)

UNSUPPORTED_PROTOCOL = 132  # MQTT 5 CONNACK reason; paho maps a 3.1.1 broker's "1" to it too
_STOP_FLUSH_S = 2.0


@dataclass(frozen=True, slots=True)
class Incoming:
    topic: str
    payload: bytes
    retain: bool


@dataclass(frozen=True, slots=True)
class Acked:
    """The broker's answer to one QoS 1 publish. ``ok`` only for reason code 0 (Success): an
    MQTT 5 broker that says "No matching subscribers" (16) accepted the message and dropped it,
    because nobody (no collector session, no bridge) takes it; that is not a delivery.
    MQTT 3.1.1 PUBACKs carry no reason, so they are all ``ok``."""

    mid: int
    ok: bool
    reason: str


_SUCCESS = functools.partial(Acked, ok=True, reason="Success")  # the common case, no lookup
Handler = Callable[[Incoming], None]
AckCallback = Callable[[Acked], None]


def _unwanted(_acked: Acked) -> None:
    """Claims the PUBACK of a message nobody waits on (a status); see MqttLink.publish."""


class _Client(mqtt.Client):
    """paho 2.2 leaves the TLS socket open when the handshake fails (a wrong CA, a broker with
    an expired certificate): one leaked descriptor per reconnect attempt, for as long as the
    fault lasts. This closes it. Our TLS context always checks the host name itself."""

    def _ssl_wrap_socket(self, tcp_sock: socket.socket) -> ssl.SSLSocket:
        context = self._ssl_context
        if context is None:
            tcp_sock.close()
            raise ValueError("TLS was asked for without a TLS context")
        try:
            ssl_sock = context.wrap_socket(tcp_sock, server_hostname=self._host,
                                           do_handshake_on_connect=False)
        except BaseException:
            tcp_sock.close()
            raise
        try:
            ssl_sock.settimeout(self._connect_timeout)
            ssl_sock.do_handshake()
        except BaseException:
            ssl_sock.close()
            raise
        return ssl_sock


class MqttLink:
    """See the module docstring. ``status`` is asked for the kiosk's state at each publish."""

    def __init__(self, settings: LinkSettings, *, status: Callable[[], Status],
                 inflight_limit: int = 100, clock: Clock = utc_now,
                 rng: random.Random | None = None) -> None:
        self.settings = settings
        self.topics = settings.topics
        self._status = status
        self._clock = clock
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not secrecy
        self._inflight_limit = inflight_limit
        self._handlers: list[tuple[str, Handler]] = []
        self._listeners: list[Callable[[bool], None]] = []
        self._lock = threading.Lock()
        self._client: mqtt.Client | None = None
        self._acks: dict[int, AckCallback] = {}
        self._early: dict[int, Acked] = {}
        self._connected = threading.Event()
        self._stopping = threading.Event()
        self._down = threading.Event()  # the current connection is gone
        self._ready = False  # the current connection got as far as subscribed
        self._thread: threading.Thread | None = None
        self._use_v5 = settings.protocol != "3.1.1"
        self._switch_protocol = False
        self._subscribe_mid: int | None = None
        self.last_error = ""
        self.connects = 0

    # -- wiring (before start) ------------------------------------------------------------------
    def add_handler(self, topic_filter: str, handler: Handler) -> None:
        """``handler`` gets every message whose topic matches ``topic_filter``."""
        self._handlers.append((topic_filter, handler))

    def add_connection_listener(self, listener: Callable[[bool], None]) -> None:
        """``listener(True)`` after each connect, ``listener(False)`` after each loss."""
        self._listeners.append(listener)

    # -- state ----------------------------------------------------------------------------------
    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    @property
    def protocol(self) -> str:
        return "5" if self._use_v5 else "3.1.1"

    def wait_connected(self, timeout: float | None = None) -> bool:
        return self._connected.wait(timeout)

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="mqtt-link", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Publish offline, disconnect cleanly, and end the network thread."""
        self._stopping.set()
        self._down.set()  # wakes the watch at once
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                log.error("the MQTT network thread did not stop within %.0f s", timeout)
            self._thread = None

    # -- publishing -----------------------------------------------------------------------------
    def publish(self, topic: str, payload: bytes, *, qos: int = 1, retain: bool = False,
                on_ack: AckCallback | None = None) -> int | None:
        """Hand one message to the broker; None when it was not sent (not connected, paho's
        cap reached). ``on_ack`` runs on the network thread once the PUBACK arrives (here, if
        it came first). Every publish claims its PUBACK: paho reuses ids after 65535, and an
        unclaimed one would later pass for the PUBACK of a sale that got the same id."""
        with self._lock:
            client = self._client
        if client is None or not self._connected.is_set():
            return None
        info = client.publish(topic, payload, qos=qos, retain=retain)
        if info.rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
            return None
        with self._lock:
            early = self._early.pop(info.mid, None)
            if early is None:
                self._acks[info.mid] = on_ack or _unwanted
        if early is not None and on_ack is not None:
            on_ack(early)
        return info.mid

    def resubscribe(self, filters: tuple[str, ...]) -> bool:
        """Subscribe again, which makes the broker resend what is retained on ``filters``
        (a catalogue reload re-reads the retained manifests this way)."""
        with self._lock:
            client = self._client
        if client is None or not self._connected.is_set():
            return False
        result, _mid = client.subscribe([(topic, 1) for topic in filters])
        return result == MQTTErrorCode.MQTT_ERR_SUCCESS

    def publish_status(self) -> int | None:
        """The retained status, now (on request, after a health change, periodically)."""
        payload = messages.status_payload(self._status(), self.topics.store, self.topics.kiosk,
                                          self._clock())
        return self.publish(self.topics.status, payload, qos=1, retain=True)

    # -- the network thread ---------------------------------------------------------------------
    def _run(self) -> None:
        attempt = 0
        while not self._stopping.is_set():
            was_connected = self._session()
            if self._stopping.is_set():
                break
            if self._switch_protocol:  # only ever from 5 down to 3.1.1, and only once
                self._switch_protocol = False
                self._use_v5 = False
                log.warning("MQTT: the broker does not speak MQTT 5; retrying with MQTT 3.1.1")
                continue
            attempt = 0 if was_connected else attempt + 1
            delay = backoff_delay(attempt, self.settings.reconnect_min_s,
                                  self.settings.reconnect_max_s, self._rng)
            log.info("MQTT: reconnecting in %.1f s (%s)", delay, self.last_error or "lost")
            self._stopping.wait(delay)

    def _session(self) -> bool:
        """One connection from CONNECT to its loss; returns whether it was ever up.

        paho's own thread (``loop_start``) does the socket work, so publishes from other
        threads only queue and wake it: an SSL socket must never be read and written from two
        threads at once. paho's reconnect is off; losing the connection ends the session.
        """
        client = self._new_client()
        with self._lock:
            self._client = client
            self._acks.clear()
            self._early.clear()
        self._down.clear()
        self._ready = False
        try:
            self._connect(client)
        except (OSError, ValueError) as exc:  # refused, unreachable, TLS failure, bad host
            self.last_error = f"cannot connect to {self.settings.host}:{self.settings.port}: {exc}"
            log.warning("MQTT: %s", self.last_error)
            return False
        client.loop_start()
        was_up = self._watch(time.monotonic() + self.settings.connect_timeout_s)
        if self._stopping.is_set() and self.connected:
            self._say_goodbye(client)
        self._lost(client)
        return was_up

    def _watch(self, deadline: float) -> bool:
        """Wait for the loss of the connection (or a stop); refresh the status meanwhile.
        Returns whether this connection was ever ready."""
        next_status = time.monotonic() + self.settings.status_interval_s
        while not self._stopping.is_set():
            # Sleep until something is due (a thousand simulated kiosks polling every 0.1 s
            # left no CPU for the broker); a loss, a stop or a protocol switch wakes it early.
            due = next_status if self._ready else min(next_status, deadline)
            if self._down.wait(max(0.0, due - time.monotonic())) or self._switch_protocol:
                break
            if not self._ready and time.monotonic() > deadline:
                self.last_error = self._no_connack()
                break
            if self.connected and time.monotonic() > next_status:
                next_status = time.monotonic() + self.settings.status_interval_s
                self.publish_status()
        return self._ready

    def _no_connack(self) -> str:
        """An unanswered CONNECT says nothing about the protocol (a busy or restarting broker,
        a stalled network): only a refusal of the version (:meth:`_on_connect`) downgrades."""
        why = f"the broker did not answer CONNECT within {self.settings.connect_timeout_s:g} s"
        if self.settings.protocol == "auto" and self._use_v5:
            why += ' (if it only speaks MQTT 3.1.1 and ignores MQTT 5, set mqtt.protocol = "3.1.1")'
        return why

    def _fall_back_to_311(self) -> None:
        """Fall back to 3.1.1 (``protocol = "auto"`` only): the broker refused MQTT 5 by name,
        a CONNACK "unsupported protocol version" (MQTT 5) or "unacceptable protocol version"
        (a 3.1.1 broker's return code 1, which paho reports as the same reason)."""
        if self.settings.protocol == "auto" and self._use_v5:
            self._switch_protocol = True
            self._down.set()

    def _new_client(self) -> mqtt.Client:
        s = self.settings
        protocol = mqtt.MQTTv5 if self._use_v5 else mqtt.MQTTv311
        client = _Client(CallbackAPIVersion.VERSION2, client_id=s.client_id,
                         protocol=protocol, clean_session=None if self._use_v5 else False,
                         reconnect_on_failure=False)
        client.username_pw_set(s.username, s.password)
        if s.tls_ca is not None:
            client.tls_set(ca_certs=str(s.tls_ca),
                           certfile=str(s.tls_cert) if s.tls_cert else None,
                           keyfile=str(s.tls_key) if s.tls_key else None,
                           cert_reqs=ssl.CERT_REQUIRED, tls_version=ssl.PROTOCOL_TLS_CLIENT)
        client.will_set(self.topics.status, messages.offline_payload(
            self.topics.store, self.topics.kiosk, s.app_version), qos=1, retain=True)
        # No paho queue: what it takes goes out at once, up to one cap (the outbox keeps its
        # window below it), so paho need not re-scan its in-flight list at every PUBACK.
        client.max_inflight_messages_set(0)
        client.max_queued_messages_set(self._inflight_limit + 4)
        client.connect_timeout = s.connect_timeout_s
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_publish = self._on_publish
        client.on_message = self._on_message
        client.on_subscribe = self._on_subscribe
        return client

    def _connect(self, client: mqtt.Client) -> None:
        s = self.settings
        if self._use_v5:
            props = Properties(PacketTypes.CONNECT)
            props.SessionExpiryInterval = s.session_expiry_s
            client.connect(s.host, s.port, s.keepalive_s, clean_start=False, properties=props)
        else:
            client.connect(s.host, s.port, s.keepalive_s)

    def _say_goodbye(self, client: mqtt.Client) -> None:
        """A clean stop: offline status (retained) acknowledged, then DISCONNECT."""
        offline = replace(self._status(), online=False)
        payload = messages.status_payload(offline, self.topics.store, self.topics.kiosk,
                                          self._clock())
        info = client.publish(self.topics.status, payload, qos=1, retain=True)
        try:
            info.wait_for_publish(_STOP_FLUSH_S)
        except RuntimeError as exc:  # the connection went meanwhile: the will says offline
            log.info("MQTT: offline status not sent (%s)", exc)
        client.disconnect()
        self._down.wait(_STOP_FLUSH_S)

    def _lost(self, client: mqtt.Client) -> None:
        was = self._connected.is_set()
        self._connected.clear()
        with self._lock:
            self._client = None
        client.disconnect()  # no-op unless still connected (a fallback or a CONNECT timeout)
        with contextlib.suppress(AttributeError):  # paho's thread had already ended and
            client.loop_stop()  # cleared itself (a race inside paho 2.x); else this joins it
        if was:
            self._notify(False)

    # -- paho callbacks (network thread) ---------------------------------------------------------
    def _on_connect(self, client: mqtt.Client, _userdata: Any, _flags: Any,
                    reason: ReasonCode, _props: Properties | None) -> None:
        if reason.is_failure:
            self.last_error = f"the broker refused the connection: {reason}"
            log.error("MQTT: %s", self.last_error)
            if reason.value == UNSUPPORTED_PROTOCOL:
                self._fall_back_to_311()
            return
        self.last_error = ""
        _result, self._subscribe_mid = client.subscribe(
            [(topic, 1) for topic in self.topics.downlink_filters()])

    def _on_subscribe(self, _client: mqtt.Client, _userdata: Any, mid: int,
                      reasons: list[ReasonCode], _props: Properties | None) -> None:
        """Ready only once the downlink subscription stands, so no command sent right after
        "connected" can slip past a kiosk that was not yet listening."""
        if mid != self._subscribe_mid:
            return
        for topic, reason in zip(self.topics.downlink_filters(), reasons, strict=False):
            if reason.is_failure:
                log.error("MQTT: the broker refused the subscription to %s: %s", topic, reason)
        self.connects += 1
        self._ready = True
        log.info("MQTT: connected to %s:%s with MQTT %s", self.settings.host,
                 self.settings.port, self.protocol)
        self._connected.set()
        self.publish_status()
        self._notify(True)

    def _on_disconnect(self, _client: mqtt.Client, _userdata: Any, _flags: Any,
                       reason: ReasonCode, _props: Properties | None) -> None:
        if self._connected.is_set() and not self._stopping.is_set():
            self.last_error = f"connection lost: {reason}"
            log.warning("MQTT: %s", self.last_error)
        self._connected.clear()
        self._down.set()

    def _on_publish(self, _client: mqtt.Client, _userdata: Any, mid: int, reason: ReasonCode,
                    _props: Properties) -> None:
        acked = _SUCCESS(mid) if reason.value == 0 else Acked(mid, False, str(reason))
        with self._lock:
            callback = self._acks.pop(mid, None)
            if callback is None:
                self._early[mid] = acked  # its publish() is about to claim it
        if callback is not None:
            self._guard("a PUBACK callback", callback, acked)

    def _on_message(self, _client: mqtt.Client, _userdata: Any,
                    message: mqtt.MQTTMessage) -> None:
        incoming = Incoming(message.topic, bytes(message.payload), bool(message.retain))
        for topic_filter, handler in self._handlers:
            if mqtt.topic_matches_sub(topic_filter, incoming.topic):
                self._guard(f"the handler of {topic_filter}", handler, incoming)

    def _notify(self, up: bool) -> None:
        for listener in self._listeners:
            self._guard("a connection listener", listener, up)

    @staticmethod
    def _guard(what: str, fn: Callable[[Any], None], arg: Any) -> None:
        """The network thread must survive a bug in one handler: it is logged with its
        traceback, and the link keeps serving every other message."""
        try:
            fn(arg)
        except Exception:  # a thread boundary, not parsing: logged in full
            log.exception("MQTT: %s failed", what)
