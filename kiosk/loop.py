"""The one event loop that owns the session (DESIGN.md).

Device threads, the MQTT client and the screen never touch session state: they call
:meth:`EventLoop.post`, which only enqueues. The loop feeds each event to the pure ``step``
function and runs the effects it returns, in order, through handlers the composition root
registered per effect type.

Durability without blocking: a handler may return a :class:`~concurrent.futures.Future` (the
journal writer's commit). The effects after it are then held back until the future completes,
and resumed as a loop event, so "print the receipt" or "show paid" can never run before the sale
is on disk, yet the loop (and in UI mode Kivy's thread) never waits on an fsync. If the commit
fails, the held effects are dropped and the failure is reported as an event of its own.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Protocol

log = logging.getLogger(__name__)


class Outcome(Protocol):
    session: Any
    effects: Sequence[Any]
    rejected: Any


Step = Callable[[Any, Any], Outcome]
Handler = Callable[[Any], "Future[Any] | None"]
Listener = Callable[[Any, Any, Outcome], None]


@dataclass(frozen=True, slots=True)
class Resume:
    """Loop-internal: effects held behind a durable write that has now completed."""

    effects: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class DurableWriteFailed:
    """A durable effect's write failed; the effects that depended on it were not run."""

    effect: Any
    error: BaseException
    dropped: tuple[Any, ...]


class EventLoop:
    """Serialises every change to the session through one queue and one thread of control."""

    def __init__(self, session: Any, step: Step, handlers: Mapping[type, Handler],
                 on_failure: Callable[[DurableWriteFailed], None] | None = None) -> None:
        self.session = session
        self._step = step
        self._handlers = dict(handlers)
        self._queue: queue.Queue[Any] = queue.Queue()
        self._listeners: list[Listener] = []
        self._on_failure = on_failure
        self._pending_durable = 0
        self._lock = threading.Lock()

    def post(self, event: Any) -> None:
        """Thread-safe: the only way anything outside the loop changes the session."""
        self._queue.put(event)

    def subscribe(self, listener: Listener) -> None:
        """``listener(event, session, outcome)`` after every step (screens, logs, tests)."""
        self._listeners.append(listener)

    @property
    def idle(self) -> bool:
        """Nothing queued and no durable write outstanding."""
        with self._lock:
            return self._queue.empty() and self._pending_durable == 0

    def run_once(self, timeout: float | None = 0.0) -> bool:
        """Handle at most one event; returns whether one was handled. Never blocks on I/O."""
        try:
            event = self._queue.get(block=timeout is None or timeout > 0, timeout=timeout)
        except queue.Empty:
            return False
        if isinstance(event, Resume):
            self._run_effects(event.effects)
        elif isinstance(event, DurableWriteFailed):
            if self._on_failure is not None:
                self._on_failure(event)
        else:
            outcome = self._step(self.session, event)
            self.session = outcome.session
            for listener in self._listeners:
                listener(event, self.session, outcome)
            self._run_effects(tuple(outcome.effects))
        return True

    def drain(self) -> int:
        """Handle everything queued now (tests, headless scripts); returns how many."""
        handled = 0
        while self.run_once(0):
            handled += 1
        return handled

    def _run_effects(self, effects: tuple[Any, ...]) -> None:
        for index, effect in enumerate(effects):
            handler = self._handler_for(effect)
            if handler is None:
                log.debug("no handler for %s", type(effect).__name__)
                continue
            future = handler(effect)
            if future is not None:
                self._hold(effect, future, effects[index + 1:])
                return

    def _handler_for(self, effect: Any) -> Handler | None:
        for kind in type(effect).__mro__:
            if kind in self._handlers:
                return self._handlers[kind]
        return None

    def _hold(self, effect: Any, future: Future[Any], rest: tuple[Any, ...]) -> None:
        with self._lock:
            self._pending_durable += 1

        def done(finished: Future[Any]) -> None:
            error = finished.exception()
            self.post(Resume(rest) if error is None else DurableWriteFailed(effect, error, rest))
            with self._lock:
                self._pending_durable -= 1

        future.add_done_callback(done)
