"""What the serial terminal drivers share: one worker thread that owns the port, a job queue,
health and reconnection, and the attempt book that keeps a payment from being sent twice.

The loop thread only queues work; the worker does one thing at a time, as a terminal does, and
posts what happens. Between jobs it keeps the line answered (:meth:`TerminalWorker._idle`),
because a terminal may still speak after the kiosk stopped waiting. While the terminal is down
(port missing or busy, no answer) health says so and the worker tries again every
``reconnect_s``. Each protocol fills in :meth:`_connect`, :meth:`_idle` and :meth:`_pay`, and
the staff actions it supports (its :class:`~kiosk.hw.terminal.Capabilities`).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.core.events import PaymentOutcome
from kiosk.core.money import Money
from kiosk.errors import DeviceError
from kiosk.hw.health import TERMINAL, DeviceHealth, HealthReporter, Post
from kiosk.hw.terminal import (
    AttemptBook,
    Capabilities,
    TerminalOutcome,
    TerminalReport,
    TerminalSettings,
)

log = logging.getLogger(__name__)
IDLE_POLL_S = 0.1
START_WAIT_S = 15.0  # how long the kiosk's start waits for the terminal's first health
UNAVAILABLE = "Card payment is unavailable right now. Nothing was charged."


@dataclass
class PayRequest:
    attempt_id: str
    amount: Money
    cancel: threading.Event = field(default_factory=threading.Event)


Job = Callable[[], None]


class TerminalWorker:
    """Base of the ZVT and Concert drivers; see the module docstring."""

    capabilities = Capabilities()
    protocol_name = ""

    def __init__(self, settings: TerminalSettings, post: Post, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self._post = post
        self._clock = clock
        self._health = HealthReporter(TERMINAL, post, simulated=False)
        self._book = AttemptBook()
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._payments: dict[str, PayRequest] = {}
        self._next_connect = 0.0
        self._deferred: list[tuple[float, Job]] = []  # recoveries waiting to be asked again
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"{self.protocol_name}-terminal",
                                        daemon=True)
        self._thread.start()
        self._started.wait(START_WAIT_S)

    # -- the interface (loop thread) --------------------------------------------------------

    def authorise(self, attempt_id: str, sale_id: str, amount: Money) -> None:
        admitted = self._book.admit(attempt_id, sale_id, amount)
        if isinstance(admitted, TerminalOutcome):
            self._post(admitted)  # asked again: the same answer, nothing charged twice
        elif admitted == AttemptBook.NEW:
            request = self._payments[attempt_id] = PayRequest(attempt_id, amount)
            self._jobs.put(lambda: self._pay(request))

    def cancel(self, attempt_id: str) -> None:
        request = self._payments.get(attempt_id)
        if request is not None:
            request.cancel.set()

    def recover(self, attempt_id: str, sale_id: str, amount: Money) -> None:
        self._jobs.put(lambda: self._recover(attempt_id, amount))

    def enquire(self) -> None:
        self._jobs.put(self._enquire)

    def reverse(self, attempt_id: str, receipt_no: str, amount: Money) -> None:
        self._jobs.put(lambda: self._reverse(attempt_id, receipt_no, amount))

    def refund(self, refund_id: str, amount: Money) -> None:
        self._jobs.put(lambda: self._refund(refund_id, amount))

    def status(self) -> DeviceHealth:
        return self._health.current

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(timeout=self.settings.timeout_s + 10)

    # -- the worker -------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._guarded(self._connect)
            self._started.set()
            while (job := self._next_job()) is not None:
                self._guarded(job)
        finally:
            self._started.set()
            self._disconnect()

    def _guarded(self, job: Callable[[], object]) -> None:
        """A bug in a driver must not silence the terminal: whatever it raised is logged,
        health fails, and a payment it was running ends UNKNOWN (never lost, never guessed)."""
        try:
            job()
        except Exception as exc:  # the worker thread's last line of defence
            log.exception("the %s terminal driver failed", self.protocol_name)
            self._disconnect()
            self._failed(DeviceError(f"The {self.protocol_name} terminal driver failed",
                                     f"{type(exc).__name__}: {exc}",
                                     "Restart the kiosk; card payment is unavailable."))
            for request in list(self._payments.values()):
                self._finish(request, TerminalOutcome(
                    request.attempt_id, PaymentOutcome.UNKNOWN, request.amount,
                    detail="The card terminal driver failed during the payment."))

    def _next_job(self) -> Job | None:
        """Wait for work; meanwhile keep the line answered, reconnect when down, and run
        deferred recoveries once they are due and the terminal is up."""
        while True:
            try:
                return self._jobs.get_nowait()
            except queue.Empty:
                pass
            if not self._health.current.ok and self._clock() >= self._next_connect:
                self._connect()
            if self._health.current.ok and self._due():
                continue
            if self.connected:
                self._idle(IDLE_POLL_S)
                continue
            try:
                return self._jobs.get(timeout=IDLE_POLL_S)
            except queue.Empty:
                continue

    def _due(self) -> bool:
        now = self._clock()
        due = [job for at, job in self._deferred if at <= now]
        self._deferred = [(at, job) for at, job in self._deferred if at > now]
        for job in due:
            self._jobs.put(job)
        return bool(due)

    def _failed(self, error: DeviceError) -> None:
        """The terminal is down: say so now, try again in ``reconnect_s``."""
        self._health.failed(error)
        self._next_connect = self._clock() + self.settings.reconnect_s

    def _defer(self, job: Job) -> None:
        """Run ``job`` again in ``reconnect_s``, once the terminal is up (a recovery must not
        be lost because the terminal was busy or away when it was asked)."""
        self._deferred.append((self._clock() + self.settings.reconnect_s, job))

    def _finish(self, request: PayRequest, outcome: TerminalOutcome) -> None:
        self._payments.pop(request.attempt_id, None)
        self._book.answer(outcome)
        self._post(outcome)

    def _ready(self) -> bool:
        """Connected and healthy, connecting first when needed (a payment is waiting)."""
        if not self.connected or not self._health.current.ok:
            self._connect()
        return self.connected and self._health.current.ok

    # -- per protocol -----------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        raise NotImplementedError

    def _connect(self) -> bool:
        raise NotImplementedError

    def _disconnect(self) -> None:
        raise NotImplementedError

    def _idle(self, wait_s: float) -> None:
        raise NotImplementedError

    def _pay(self, request: PayRequest) -> None:
        raise NotImplementedError

    def _cannot(self, action: str, ref: str = "") -> None:
        self._post(TerminalReport(action, False, f"{self.protocol_name} cannot do this: check "
                                  "the terminal's own journal and receipts.", ref))

    def _recover(self, attempt_id: str, amount: Money) -> None:
        self._cannot("recovery", attempt_id)

    def _enquire(self) -> None:
        self._post(TerminalReport("status", self._health.current.ok,
                                  self._health.current.detail))

    def _reverse(self, attempt_id: str, receipt_no: str, amount: Money) -> None:
        self._cannot("reversal", attempt_id)

    def _refund(self, refund_id: str, amount: Money) -> None:
        self._cannot("refund", refund_id)
