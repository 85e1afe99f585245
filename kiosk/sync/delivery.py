"""The outbox pump: the journal's outbox, in order, to the broker, marked only once acknowledged.

The journal commits every sale, stock movement, alert and catalogue ack together with its
outbox message (:mod:`kiosk.store.outbox`). This pump reads what is still undelivered in id
order, publishes it with QoS 1 through the link, and marks a row delivered only when the
broker's PUBACK for it arrived with reason code Success. "No matching subscribers" counts as
refused: the broker dropped the message because no collector session and no bridge takes it,
so the kiosk keeps it until one does. Nothing else is remembered: after a crash, a power cut,
a broker restart or a lost connection, the pump starts again from the first undelivered row.
A message may therefore reach the broker twice (MQTT's at-least-once); each carries its stable
``msg_id`` and the journal ``seq`` (:func:`kiosk.sync.messages.outbox_payload`), so the
central side deduplicates.

At most ``window`` messages are in flight at once, so paho's in-memory queue never holds more
than the journal can resend. A refused publish (a PUBACK with a failure reason such as "not
authorised") stops the flow: the rows after it wait, the pump retries from the refused row with
a growing delay, and says why in :attr:`OutboxPump.blocked`. Skipping a refused row would lose
it; it is the broker's configuration that has to change.

The journal belongs to the kiosk's :class:`~kiosk.store.writer.JournalWriter` thread; the pump
only queues jobs there (``pending``, ``mark_delivered``), so it never competes for the database.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from kiosk.clock import Clock, utc_now
from kiosk.errors import JournalError
from kiosk.store.journal import Journal
from kiosk.store.outbox import OutboxMessage
from kiosk.store.writer import JournalWriter
from kiosk.sync import messages
from kiosk.sync.link import Acked, MqttLink

log = logging.getLogger(__name__)
_KICK_SETTLE_S = 0.02  # a kick comes from the loop just before it queues the commit


def mark_all(journal: Journal, outbox_ids: list[int], at: datetime) -> None:
    """Runs on the writer thread: every acknowledged row in one fsynced transaction."""
    journal.mark_delivered_many(outbox_ids, at=at)


@dataclass(slots=True)
class PumpStats:
    published: int = 0
    delivered: int = 0
    refused: int = 0
    resets: int = 0


class OutboxPump:
    """See the module docstring; ``start``/``stop`` around the link's life."""

    def __init__(self, writer: JournalWriter, link: MqttLink, *, window: int = 100,
                 idle_poll_s: float = 2.0, retry_min_s: float = 1.0, retry_max_s: float = 60.0,
                 ack_timeout_s: float = 30.0, clock: Clock = utc_now,
                 on_blocked: Callable[[str], None] | None = None) -> None:
        if window < 1:
            raise ValueError("the in-flight window must be at least 1")
        self.writer = writer
        self.link = link
        self.window = window
        self.idle_poll_s = idle_poll_s
        self.retry_min_s = retry_min_s
        self.retry_max_s = retry_max_s
        self.ack_timeout_s = ack_timeout_s
        self._on_blocked = on_blocked  # told when delivery stops or flows again (the status)
        self.clock = clock
        self.stats = PumpStats()
        self.blocked = ""  # why delivery is held up, for status and `kiosk doctor`
        self._blocked_id: int | None = None
        self._acks: queue.SimpleQueue[tuple[int, int, Acked]] = queue.SimpleQueue()
        self._wake = threading.Event()
        self._kicked = threading.Event()
        self._stopping = threading.Event()
        self._generation = 0
        self._in_flight: dict[int, int] = {}  # outbox id -> generation it was sent in
        self._cursor = 0  # highest outbox id published in this generation
        self._retry_s = 0.0
        self._last_retry_s = 0.0
        self._seen_connects = 0
        self._last_ack = time.monotonic()
        self._thread: threading.Thread | None = None
        link.add_connection_listener(self._connection_changed)

    # -- control ----------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="outbox-pump", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after marking what was already acknowledged; the rest stays pending."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def drain(self, timeout: float) -> bool:
        """On the way down: wait up to ``timeout`` for everything committed to be acknowledged,
        so a clean stop leaves nothing for the next start. False if the broker is away."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.link.connected:
            try:
                if not self.writer.submit(Journal.outbox_counts).result().pending:
                    return True
            except JournalError as exc:
                log.error("outbox: cannot count pending messages: %s", exc)
                return False
            self.kick()
            self._stopping.wait(0.05)
        return False

    def kick(self) -> None:
        """Something may have been committed: look now instead of at the next idle poll."""
        self._kicked.set()
        self._wake.set()

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    # -- callbacks from the link (network thread) -----------------------------------------------
    def _connection_changed(self, up: bool) -> None:
        self._wake.set()

    def _acked(self, outbox_id: int, generation: int, acked: Acked) -> None:
        self._acks.put((outbox_id, generation, acked))
        self._wake.set()

    # -- the pump thread --------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            connected = self.link.connected
            if connected and self.link.connects != self._seen_connects:
                self._seen_connects = self.link.connects  # a new connection: resend from the top
                self._reset("connected")
            self._settle_acks()
            if self._in_flight and time.monotonic() - self._last_ack > self.ack_timeout_s:
                self._reset(f"no PUBACK for {self.ack_timeout_s:.0f} s")
            if connected and not self._retry_s:
                self._fill()
            self._sleep()
        self._settle_acks()

    def _sleep(self) -> None:
        if self._retry_s:
            wait, self._retry_s = self._retry_s, 0.0
            self._stopping.wait(wait)
            self._reset("retrying a refused message")
        elif self._kicked.is_set():
            self._kicked.clear()
            self._stopping.wait(_KICK_SETTLE_S)
        elif not self._in_flight:
            self._wake.wait(self.idle_poll_s)
        else:
            self._wake.wait(1.0)

    def _reset(self, why: str) -> None:
        """Forget what is in flight; the journal still holds it, so it is sent again."""
        self._generation += 1
        self._in_flight.clear()
        self._cursor = 0
        self._last_ack = time.monotonic()
        self.stats.resets += 1
        log.debug("outbox: restarting from the first undelivered message (%s)", why)

    def _settle_acks(self) -> None:
        delivered: list[int] = []
        refused: list[tuple[int, Acked]] = []
        while True:
            try:
                outbox_id, generation, acked = self._acks.get_nowait()
            except queue.Empty:
                break
            if generation == self._generation:
                self._in_flight.pop(outbox_id, None)
            (delivered.append(outbox_id) if acked.ok else refused.append((outbox_id, acked)))
        if delivered:
            self._mark(delivered)
        if refused:
            self._refused(refused)

    def _mark(self, outbox_ids: list[int]) -> None:
        try:
            self.writer.submit(mark_all, outbox_ids, self.clock()).result()
        except JournalError as exc:
            # Not marked means sent again later: a duplicate the central side drops, no loss.
            log.error("outbox: could not mark %d messages delivered: %s", len(outbox_ids), exc)
            return
        self.stats.delivered += len(outbox_ids)
        self._last_ack = time.monotonic()
        self._last_retry_s = 0.0
        if self.blocked:
            log.info("outbox: delivery flows again")
            self.blocked, self._blocked_id = "", None
            self._tell_blocked()

    def _refused(self, refused: list[tuple[int, Acked]]) -> None:
        self.stats.refused += len(refused)
        first_id, acked = min(refused, key=lambda item: item[0])
        if self._blocked_id is None or first_id <= self._blocked_id:
            self._blocked_id = first_id  # name the oldest message held up, not the latest
            self.blocked = f"the broker refused outbox message {first_id}: {acked.reason}"
            self._tell_blocked()
        log.error("outbox: the broker refused outbox message %d (%s); retrying, later "
                  "messages wait behind it", first_id, acked.reason)
        self._retry_s = self._next_retry()

    def _tell_blocked(self) -> None:
        if self._on_blocked is not None:
            self._on_blocked(self.blocked)

    def _next_retry(self) -> float:
        previous = self._last_retry_s
        self._last_retry_s = min(self.retry_max_s, previous * 2 if previous else self.retry_min_s)
        return self._last_retry_s

    def _fill(self) -> None:
        """Top the window up, once at least half of it is free (one journal read per batch)."""
        if len(self._in_flight) > self.window // 2:
            return
        try:
            rows = self.writer.submit(Journal.pending, self.window + len(self._in_flight),
                                      after_id=self._cursor).result()
        except JournalError as exc:
            log.error("outbox: cannot read pending messages: %s", exc)
            return
        for row in rows:
            if len(self._in_flight) >= self.window:
                break
            if row.id <= self._cursor or row.id in self._in_flight:
                continue
            if not self._send(row):
                break

    def _send(self, row: OutboxMessage) -> bool:
        topics = self.link.topics
        try:
            topic = topics.uplink(row.topic)
        except ValueError as exc:
            self.blocked = f"outbox message {row.id} has no uplink topic: {exc}"
            log.error("outbox: %s", self.blocked)
            self._retry_s = self._next_retry()
            return False
        payload = messages.outbox_payload(row, topics.store, topics.kiosk)
        generation = self._generation
        mid = self.link.publish(topic, payload, qos=1,
                                on_ack=lambda acked: self._acked(row.id, generation, acked))
        if mid is None:
            return False  # disconnected meanwhile: the reconnect resets and resends
        self._in_flight[row.id] = generation
        self._cursor = row.id
        self.stats.published += 1
        return True
