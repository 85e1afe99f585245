"""The outbox pump: the journal's outbox, in order, to the broker, marked only once acknowledged.

The journal commits every sale, stock movement, alert and catalogue ack together with its
outbox message (:mod:`kiosk.store.outbox`). This pump reads what is still undelivered in id
order, publishes it with QoS 1 through the link, and marks a row delivered only when the
broker's PUBACK for it arrived with reason code Success. "No matching subscribers" counts as
refused: the broker dropped the message because no collector session and no bridge takes it,
so the kiosk keeps it until one does. Nothing else is remembered: after a crash, a power cut,
a broker restart or a lost connection, the pump starts again from the first undelivered row.
A message may therefore reach the broker twice (MQTT's at-least-once); each carries its stable
``msg_id`` and the journal ``seq`` (:func:`wire_payload`), so the central side deduplicates.

At most ``window`` messages are in flight at once. A refused publish (a PUBACK with a failure
reason such as "not authorised") stops the flow: the rows after it wait, the pump retries from
the refused row with a growing delay, and says why in :attr:`OutboxPump.blocked`. Skipping a
refused row would lose it; it is the broker's configuration that has to change.

Nothing waits on the journal's writer thread, which a shopper's sale waits on: the pump reads
ahead (``read_batch`` rows in two queries) and marks acknowledged rows one fsynced transaction
per batch while the next gathers. The PUBACK callback refills the window on paho's thread from
what was read ahead (:class:`SendWindow`), as paho refills its own queue: no thread switch per
message; the pump wakes once per quarter window.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, wait
from dataclasses import dataclass

from kiosk.clock import Clock, utc_now
from kiosk.errors import JournalError
from kiosk.store.journal import Journal
from kiosk.store.outbox import Envelope
from kiosk.store.writer import JournalWriter
from kiosk.sync import messages
from kiosk.sync.link import Acked, MqttLink

log = logging.getLogger(__name__)
_KICK_SETTLE_S = 0.02  # a kick comes from the loop just before it queues the commit
_ACK_WAIT_S = 1.0  # the longest nap with messages in flight (the ack timeout is checked then)
_FINISH_S = 10.0  # on stop, how long the last marks may take on the writer thread
_WAKE_PARTS = 4  # the pump wakes to mark and read once per this part of the window acked


def wire_payload(envelope: Envelope, store: str, kiosk: str) -> bytes:
    """The bytes published for one outbox row: the journal's message plus who and which id.
    The same bytes as :func:`kiosk.sync.messages.outbox_payload` of the row, built without
    decoding the sale it carries."""
    return envelope.wire({"store": store, "kiosk": kiosk, "outbox_id": envelope.id,
                          "msg_id": messages.message_id(store, kiosk, envelope.id)})


@dataclass(slots=True)
class PumpStats:
    published: int = 0
    delivered: int = 0
    refused: int = 0
    resets: int = 0


@dataclass(frozen=True, slots=True)
class Ready:
    """One outbox row read ahead, encoded and on its topic, waiting for room in the window."""

    id: int
    topic: str
    payload: bytes


class SendWindow:
    """The rows read ahead and the ones in flight, shared by the pump thread and paho's.
    Either fills the window under one lock, which paho's thread only tries (it holds paho's own
    lock then; the pump takes them the other way round). Each reset starts a generation: a
    PUBACK from an earlier one frees no room in this one."""

    def __init__(self, link: MqttLink, window: int, on_ack: Callable[[int, int, Acked], None],
                 stats: PumpStats) -> None:
        self.link = link
        self.window = window
        self.stats = stats
        self.generation = 0
        self.ready: deque[Ready] = deque()
        self.in_flight: dict[int, int] = {}  # outbox id -> generation it was sent in
        self.hold = False  # a refusal or a stop: nothing more goes out until the next reset
        self.first_sent = time.monotonic()  # when the window last went from empty to busy
        self._on_ack = on_ack
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self.generation += 1
            self.in_flight.clear()
            self.ready.clear()
            self.hold = False

    def fill(self) -> None:
        """From the pump thread: wait for a refill that paho's thread may be doing."""
        with self._lock:
            self._fill()

    def acked(self, outbox_id: int, generation: int) -> None:
        """From paho's thread, on a successful PUBACK: free its place and send the next."""
        if self._lock.acquire(blocking=False):
            try:
                self.settle(outbox_id, generation)
                self._fill()
            finally:
                self._lock.release()

    def settle(self, outbox_id: int, generation: int) -> None:
        if generation == self.generation:
            self.in_flight.pop(outbox_id, None)

    def _fill(self) -> None:
        while self.ready and len(self.in_flight) < self.window and not self.hold:
            row = self.ready[0]
            if not self.in_flight:
                self.first_sent = time.monotonic()  # the ack timeout counts from here
            mid = self.link.publish(row.topic, row.payload, qos=1, on_ack=functools.partial(
                self._on_ack, row.id, self.generation))
            if mid is None:
                return  # disconnected meanwhile: the reconnect resets and resends
            self.ready.popleft()
            self.in_flight[row.id] = self.generation
            self.stats.published += 1


class OutboxPump:
    """See the module docstring; ``start``/``stop`` around the link's life."""

    def __init__(self, writer: JournalWriter, link: MqttLink, *, window: int = 100,
                 read_batch: int | None = None, idle_poll_s: float = 2.0,
                 retry_min_s: float = 1.0, retry_max_s: float = 60.0,
                 ack_timeout_s: float = 30.0, clock: Clock = utc_now,
                 on_blocked: Callable[[str], None] | None = None) -> None:
        if window < 1:
            raise ValueError("the in-flight window must be at least 1")
        self.writer = writer
        self.link = link
        self.window = window
        self.read_batch = read_batch or 2 * window
        self.idle_poll_s = idle_poll_s
        self.retry_min_s = retry_min_s
        self.retry_max_s = retry_max_s
        self.ack_timeout_s = ack_timeout_s
        self._on_blocked = on_blocked  # told when delivery stops or flows again (the status)
        self.clock = clock
        self.stats = PumpStats()
        self.blocked = ""  # why delivery is held up, for status and `kiosk doctor`
        self._blocked_id: int | None = None
        self._sending = SendWindow(link, window, self._acked, self.stats)
        self._acks: deque[tuple[int, int, Acked]] = deque()  # filled on paho's thread
        self._wake_at = 1  # how many waiting PUBACKs are worth waking the pump for
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._read_cursor = 0  # highest outbox id read in this generation
        self._reading: tuple[Future[list[Envelope]], int] | None = None  # and its generation
        self._caught_up = False  # the last read found fewer rows than it asked for
        self._read_at = 0.0  # monotonic time the last read was queued
        self._kicked_at = float("-inf")  # written by kick() on any thread, only read here
        self._marking: tuple[Future[None], list[int]] | None = None
        self._to_mark: list[int] = []
        self._retry_at: float | None = None
        self._last_retry_s = 0.0
        self._seen_connects = 0
        self._last_ack = time.monotonic()
        self._uplinks: dict[str, str] = {}
        self._thread: threading.Thread | None = None
        link.add_connection_listener(lambda _up: self._wake.set())

    # -- control ----------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="outbox-pump", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop after marking what was already acknowledged; the rest stays pending."""
        self._stopping.set()
        self._sending.hold = True
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
        self._kicked_at = time.monotonic()
        self._wake.set()

    @property
    def in_flight(self) -> int:
        return len(self._sending.in_flight)

    # -- callbacks from the link (network thread) -----------------------------------------------
    def _acked(self, outbox_id: int, generation: int, acked: Acked) -> None:
        self._acks.append((outbox_id, generation, acked))
        if acked.ok:
            self._sending.acked(outbox_id, generation)
        else:
            self._sending.hold = True  # the rows behind it wait for the retry
        if (len(self._acks) >= self._wake_at or not acked.ok) and not self._wake.is_set():
            self._wake.set()

    # -- the pump thread --------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()  # before looking, so nothing that arrives from now is missed
            now = time.monotonic()
            connected = self.link.connected
            if connected and self.link.connects != self._seen_connects:
                self._seen_connects = self.link.connects  # a new connection: resend from the top
                self._reset("connected")
            self._settle_acks()
            self._settle_marks()
            self._check_timers(now)
            if connected and self._retry_at is None:
                self._settle_read()
                self._sending.fill()
                self._read_ahead(now)
            self._sleep(now)
        self._finish()

    def _check_timers(self, now: float) -> None:
        waited = now - max(self._last_ack, self._sending.first_sent)
        if self._sending.in_flight and waited > self.ack_timeout_s:
            self._reset(f"no PUBACK for {self.ack_timeout_s:.0f} s")
        if self._retry_at is not None and now >= self._retry_at:
            self._retry_at = None
            self._reset("retrying a refused message")

    def _sleep(self, now: float) -> None:
        """Until enough PUBACKs to mark or to need a read, a kick, a finished read or mark,
        or the next timer."""
        in_flight = len(self._sending.in_flight)
        wake_at = max(1, min(in_flight, self.window // _WAKE_PARTS))
        if self._reading is None and not self._caught_up:  # each PUBACK sends one read ahead
            wake_at = min(wake_at, max(1, len(self._sending.ready) - self.read_batch + 1))
        self._wake_at = wake_at
        if len(self._acks) >= wake_at:
            return
        timers = [now + (_ACK_WAIT_S if in_flight else self.idle_poll_s)]
        if self._retry_at is not None:
            timers.append(self._retry_at)
        elif self.link.connected and self._could_read():
            if self._caught_up:
                timers.append(self._read_at + self.idle_poll_s)
            if self._kicked_at + _KICK_SETTLE_S > self._read_at:
                timers.append(self._kicked_at + _KICK_SETTLE_S)
        self._wake.wait(max(0.0, min(timers) - time.monotonic()))

    def _finish(self) -> None:
        """On stop: mark what was acknowledged; what is still unmarked goes again next time."""
        self._settle_acks()
        deadline = time.monotonic() + _FINISH_S
        self._settle_marks(final=True)
        while self._marking is not None and time.monotonic() < deadline:
            wait([self._marking[0]], timeout=max(0.0, deadline - time.monotonic()))
            self._settle_marks(final=True)

    def _reset(self, why: str) -> None:
        """Forget what is in flight and read ahead; the journal still holds it, so it is sent
        again. A read still on the writer's queue belongs to the old generation: dropped."""
        self._sending.reset()
        self._read_cursor = 0
        self._caught_up = False
        self._last_ack = time.monotonic()
        self.stats.resets += 1
        log.debug("outbox: restarting from the first undelivered message (%s)", why)

    # -- acknowledgements and marking -------------------------------------------------------------
    def _settle_acks(self) -> None:
        refused: list[tuple[int, Acked]] = []
        settled = False
        while self._acks:
            outbox_id, generation, acked = self._acks.popleft()
            settled = True
            self._sending.settle(outbox_id, generation)
            if acked.ok:
                self._to_mark.append(outbox_id)
            else:
                refused.append((outbox_id, acked))
        if settled:
            self._last_ack = time.monotonic()
        if refused:
            self._refused(refused)

    def _settle_marks(self, *, final: bool = False) -> None:
        """Take the result of the mark on the writer thread, if it is done, and queue the next
        batch: one transaction at a time, the acks meanwhile gathering into the next one. A
        batch waits to be a window's worth (a transaction costs as much as a hundred rows)
        unless nothing more is in flight: a crash before the mark only sends them again."""
        if self._marking is not None:
            future, ids = self._marking
            if not future.done():
                return
            self._marking = None
            error = future.exception()
            if error is not None:
                # Not marked means sent again later: a duplicate the central side drops.
                log.error("outbox: could not mark %d messages delivered: %s", len(ids), error)
            else:
                self._marked(len(ids))
        full = len(self._to_mark) >= self.window or not self._sending.in_flight
        if self._to_mark and (full or final or not self.link.connected):
            ids, self._to_mark = self._to_mark, []
            future = self.writer.submit(Journal.mark_delivered_many, ids, at=self.clock())
            self._marking = (future, ids)
            future.add_done_callback(lambda _done: self._wake.set())

    def _marked(self, count: int) -> None:
        self.stats.delivered += count
        self._last_retry_s = 0.0
        if self.blocked:
            log.info("outbox: delivery flows again")
            self.blocked, self._blocked_id = "", None
            self._tell_blocked()

    def _refused(self, refused: list[tuple[int, Acked]]) -> None:
        self.stats.refused += len(refused)
        first_id, acked = min(refused, key=lambda item: item[0])
        self._block(first_id, f"the broker refused outbox message {first_id}: {acked.reason}")
        log.error("outbox: the broker refused outbox message %d (%s); retrying, later "
                  "messages wait behind it", first_id, acked.reason)

    def _block(self, outbox_id: int, why: str) -> None:
        """Hold delivery and retry from the first undelivered row after a growing delay."""
        self._sending.hold = True
        if self._blocked_id is None or outbox_id <= self._blocked_id:
            self._blocked_id = outbox_id  # name the oldest message held up, not the latest
            self.blocked = why
            self._tell_blocked()
        previous = self._last_retry_s
        self._last_retry_s = min(self.retry_max_s, previous * 2 if previous else self.retry_min_s)
        self._retry_at = time.monotonic() + self._last_retry_s

    def _tell_blocked(self) -> None:
        if self._on_blocked is not None:
            self._on_blocked(self.blocked)

    # -- reading ahead ----------------------------------------------------------------------------
    def _could_read(self) -> bool:
        return self._reading is None and len(self._sending.ready) < self.read_batch

    def _read_ahead(self, now: float) -> None:
        """Queue the next batch read once what is read ahead runs below a batch, or, when
        the outbox was empty, after a kick or the idle poll."""
        if not self._could_read():
            return
        kicked = self._kicked_at + _KICK_SETTLE_S
        if self._caught_up and now < self._read_at + self.idle_poll_s and not (
                self._read_at < kicked <= now):
            return
        future = self.writer.submit(Journal.pending_envelopes, self.read_batch,
                                    after_id=self._read_cursor)
        self._reading = (future, self._sending.generation)
        self._read_at = now
        future.add_done_callback(lambda _done: self._wake.set())

    def _settle_read(self) -> None:
        if self._reading is None or not self._reading[0].done():
            return
        (future, generation), self._reading = self._reading, None
        try:
            rows = future.result()
        except JournalError as exc:
            log.error("outbox: cannot read pending messages: %s", exc)
            self._caught_up = True  # try again at the next idle poll
            return
        if generation != self._sending.generation:
            return  # read before a reset: the new generation reads from the top
        self._caught_up = len(rows) < self.read_batch
        store, kiosk = self.link.topics.store, self.link.topics.kiosk
        for row in rows:
            if row.id <= self._read_cursor:
                continue
            topic = self._uplink(row)
            if topic is None:
                return  # held: the retry reads again from the first undelivered row
            self._sending.ready.append(Ready(row.id, topic, wire_payload(row, store, kiosk)))
            self._read_cursor = row.id

    def _uplink(self, row: Envelope) -> str | None:
        topic = self._uplinks.get(row.topic)
        if topic is None:
            try:
                topic = self._uplinks[row.topic] = self.link.topics.uplink(row.topic)
            except ValueError as exc:
                self._block(row.id, f"outbox message {row.id} has no uplink topic: {exc}")
                log.error("outbox: %s", self.blocked)
                return None
        return topic
