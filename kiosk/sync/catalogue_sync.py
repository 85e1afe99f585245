"""Signed catalogue updates on the kiosk: the shell around :mod:`kiosk.sync.catalogue_state`.

The MQTT network thread must stay quick, and a 10k-product update takes a moment to check and
write, so the link's handlers only enqueue: one thread of this module's own feeds the events
(and a tick from the kiosk's clock) to the pure machine and runs its actions: the catalogue
mirror applies an update all or nothing, acks become journal records that the outbox sends on
``.../{kiosk}/catalogue/ack`` (and, as alerts, on ``events``), and the high-water mark of the
newest manifest applied is written atomically so a replayed older manifest is refused even
after a restart.

Wiring (the composition root does it once)::

    sync = CatalogueSync(link=link, mirror=mirror, writer=writer, settings=SyncSettings(...),
                         trusted=keyring.trusted, state_file=data_dir / "catalogue-sync.json",
                         kick=pump.kick, on_change=link.publish_status)
    sync.start()      # before or after link.start(); handlers are registered in __init__
    ...
    sync.stop()
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.clock import Clock, utc_now
from kiosk.store.atomic import atomic_write_bytes
from kiosk.store.catalogue import ApplyResult
from kiosk.store.chain import utc_text
from kiosk.store.outbox import OutboxItem
from kiosk.store.writer import JournalWriter
from kiosk.sync import catalogue_events as ce
from kiosk.sync import catalogue_state as cs
from kiosk.sync.link import Incoming, MqttLink
from kiosk.sync.messages import MessageRejected, parse_time

log = logging.getLogger(__name__)
ACK_TOPIC = "catalogue/ack"  # the outbox's name for .../{kiosk}/catalogue/ack
ACK_RECORD_KIND = "event"  # the journal kind the ack travels as (its record goes on "events")
STATE_SCHEMA = 1
_STOP = object()


def load_high_water(path: Path) -> tuple[str | None, datetime | None]:
    """The newest manifest applied before a restart; nothing if there is no file yet."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, None
    except (OSError, ValueError) as exc:
        log.error("catalogue sync: cannot read %s (%s); older manifests than the current "
                  "retained ones can be told apart again after the next update", path, exc)
        return None, None
    try:
        return str(data["version"]), parse_time(data["issued_at"], "issued_at", str(path))
    except (KeyError, TypeError, MessageRejected) as exc:
        log.error("catalogue sync: %s is not a sync state file (%s)", path, exc)
        return None, None


def save_high_water(path: Path, version: str, issued_at: datetime) -> None:
    data = {"schema": STATE_SCHEMA, "version": version, "issued_at": utc_text(issued_at)}
    atomic_write_bytes(path, json.dumps(data, sort_keys=True).encode("utf-8"), tag="sync")


class CatalogueTarget(Protocol):
    """What the sync needs of the catalogue mirror (:class:`CatalogueMirror` is one)."""

    @property
    def version(self) -> str | None: ...

    def apply(self, update: Any, *, at: datetime | None = None) -> ApplyResult: ...


class CatalogueSync:
    """See the module docstring. ``trusted`` is asked on each manifest (keys rotate)."""

    def __init__(self, *, link: MqttLink, mirror: CatalogueTarget, writer: JournalWriter,
                 settings: ce.SyncSettings,
                 trusted: Callable[[], Mapping[str, Ed25519PublicKey]], state_file: Path,
                 clock: Clock = utc_now, tick_s: float = 1.0,
                 kick: Callable[[], None] | None = None,
                 on_change: Callable[[], Any] | None = None,
                 work_lock: AbstractContextManager[Any] | None = None) -> None:
        self.mirror = mirror
        self.writer = writer
        self.settings = settings
        self.state_file = state_file
        self._trusted = trusted
        self._clock = clock
        self._tick_s = tick_s
        self._kick = kick
        self._on_change = on_change
        # Simulators run hundreds of kiosks in one process: a shared lock makes their
        # catalogue work take turns instead of starving every network thread of the GIL.
        self._work_lock = work_lock or nullcontext()
        _, accepted = load_high_water(state_file)
        self.state = cs.SyncState(current=mirror.version, accepted_at=accepted)
        self.acks: deque[dict[str, Any]] = deque(maxlen=200)  # the latest ack bodies sent
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self.link = link
        topics = link.topics
        self._parts_prefix = f"{topics.store_catalogue}/"
        link.add_handler(topics.kiosk_catalogue, self._manifest_handler(ce.KIOSK))
        link.add_handler(topics.store_catalogue, self._manifest_handler(ce.STORE))
        link.add_handler(topics.store_catalogue_parts, self._on_part)
        link.add_connection_listener(self._on_connection)

    # -- network thread: enqueue only ---------------------------------------------------------
    def _manifest_handler(self, source: str) -> Callable[[Incoming], None]:
        def handle(message: Incoming) -> None:
            self.post(ce.ManifestArrived(self._clock(), source, message.payload))
        return handle

    def _on_part(self, message: Incoming) -> None:
        version, _, name = message.topic[len(self._parts_prefix):].partition("/")
        self.post(ce.PartArrived(self._clock(), version, name, message.payload))

    def _on_connection(self, up: bool) -> None:
        if up:
            self.post(ce.Connected(self._clock()))

    def post(self, event: object) -> None:
        self._queue.put(event)

    # -- lifecycle ----------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="catalogue-sync", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread is not None:
            self._queue.put(_STOP)
            self._thread.join(timeout)
            self._thread = None

    # -- the sync thread ------------------------------------------------------------------------
    def _run(self) -> None:
        next_tick = time.monotonic() + self._tick_s
        while True:
            try:
                event = self._queue.get(timeout=max(0.0, next_tick - time.monotonic()))
            except queue.Empty:
                event = None
            if event is _STOP:
                return
            if event is not None:
                self._guarded(event)
            if time.monotonic() >= next_tick:
                next_tick = time.monotonic() + self._tick_s
                self._guarded(ce.Tick(self._clock()))

    def _guarded(self, event: object) -> None:
        """The sync thread must outlive a bug in one event's handling: it is logged with its
        traceback and the next manifest is judged afresh (bad input is a MessageRejected and
        never gets here)."""
        try:
            with self._work_lock:
                self._handle(event)
        except Exception:  # a thread boundary, not parsing: logged in full
            log.exception("catalogue sync: handling %s failed", type(event).__name__)

    def _handle(self, event: object) -> None:
        self.state, actions = cs.step(self.state, event, self.settings, self._trusted())
        for action in actions:
            if isinstance(action, ce.ApplyUpdate):
                self._apply(action)
            elif isinstance(action, ce.SendAck):
                self._send_ack(action)
            elif isinstance(action, ce.Refetch):
                self._refetch(action)
            else:
                self._remember(action)

    def _apply(self, action: ce.ApplyUpdate) -> None:
        at = self._clock()
        result = self.mirror.apply(action.update, at=at)
        log.info("catalogue %s version %s: %s", "snapshot" if action.full else action.manifest.kind,
                 action.manifest.version, "applied" if result.accepted else result.reason)
        self._handle(ce.Applied(at, result.accepted, result.version, result.reason))
        if result.changed and self._on_change is not None:
            self._on_change()

    def _send_ack(self, action: ce.SendAck) -> None:
        body = action.body
        (log.warning if action.status == ce.REJECTED else log.info)(
            "catalogue update %s %s: %s", body["version"] or "(unreadable)", action.status,
            body["reason"] or "ok")
        self.acks.append(body)
        future = self.writer.commit(
            ACK_RECORD_KIND, action.record_id, {"kind": "catalogue_ack", **body},
            at=self._clock(), outbox=[OutboxItem(ACK_TOPIC, "catalogue_ack", body)])
        future.add_done_callback(self._committed)

    def _committed(self, future: Future[Any]) -> None:
        error = future.exception()
        if error is not None:
            log.error("catalogue sync: the ack could not be recorded: %s", error)
        elif self._kick is not None:
            self._kick()

    def _refetch(self, action: ce.Refetch) -> None:
        topics = self.link.topics
        log.info("catalogue %s: asking the broker to resend parts %s", action.version,
                 ", ".join(action.names))
        self.link.resubscribe(tuple(topics.catalogue_part(action.version, name)
                                    for name in action.names))

    def _remember(self, action: ce.Remember) -> None:
        try:
            save_high_water(self.state_file, action.version, action.issued_at)
        except OSError as exc:
            log.error("catalogue sync: cannot write %s (%s); a restart forgets which "
                      "manifest was newest", self.state_file, exc)
