"""One background thread that owns the journal, so durable writes never block the UI thread.

Every write is a job on one queue, run in order by one thread holding the only SQLite
connection; each caller gets a :class:`concurrent.futures.Future`. An effect that must be
durable before anyone is told (printing a receipt, showing "paid") waits for that future:
the UI loop polls ``future.done()`` or adds a done-callback. Callbacks run on the writer
thread, so a Kivy screen hops back with ``Clock.schedule_once``. Errors arrive on the future
as :class:`~kiosk.errors.JournalError`, never swallowed and never raised in another thread.

A commit is durable once its frame is in the commit log; the thread applies it to SQLite as
soon as the queue is empty, so the caller's future resolves before that work. When the queue
has been idle for ``idle_checkpoint_s`` the thread checkpoints, so the checkpoint's extra
fsyncs land between sales rather than inside one. SQLite's own
auto-checkpoint stays on as a backstop (``autocheckpoint_pages``) for a kiosk that is never
idle, so the WAL cannot grow without bound.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from datetime import datetime
from typing import Any, Concatenate, ParamSpec, Self, TypeVar

from kiosk.errors import JournalError
from kiosk.store.journal import Committed, Journal
from kiosk.store.outbox import OutboxItem
from kiosk.store.stock import StockMove

P = ParamSpec("P")
T = TypeVar("T")
_log = logging.getLogger(__name__)
_STOP = object()
_APPLY_AFTER_S = 0.002


class JournalWriter:
    """Runs journal operations on a thread of its own; see the module docstring."""

    def __init__(self, path: str | os.PathLike[str], *, idle_checkpoint_s: float = 1.0,
                 autocheckpoint_pages: int = 4000) -> None:
        self.path = path
        self.idle_checkpoint_s = idle_checkpoint_s
        self.autocheckpoint_pages = autocheckpoint_pages
        self.checkpoint_failures = 0
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._accepting = False
        self._opened: Future[None] = Future()
        self._thread = threading.Thread(target=self._run, name="journal-writer", daemon=True)

    def start(self, timeout: float | None = 30.0) -> None:
        """Open the journal on the writer thread; raises the JournalError that stopped it."""
        self._thread.start()
        self._opened.result(timeout)
        with self._lock:
            self._accepting = True

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def submit(self, fn: Callable[Concatenate[Journal, P], T], /,
               *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Queue ``fn(journal, *args, **kwargs)``, e.g. ``submit(Journal.record_sale, ...)``."""
        future: Future[T] = Future()
        with self._lock:
            if not self._accepting:
                future.set_exception(JournalError(
                    "cannot record anything now", "the journal writer is not running",
                    "Start it before use; after close() nothing more is accepted."))
                return future
            self._queue.put((future, fn, args, kwargs))
        return future

    def commit(self, kind: str, record_id: str, payload: Mapping[str, Any], *, at: datetime,
               stock: Iterable[StockMove | tuple[str, int, int | None]] = (),
               outbox: Iterable[OutboxItem] = (),
               closes_basket: str | None = None) -> Future[Committed]:
        """:meth:`Journal.commit` on the writer thread."""
        return self.submit(Journal.commit, kind, record_id, payload, at=at, stock=tuple(stock),
                           outbox=tuple(outbox), closes_basket=closes_basket)

    def close(self, timeout: float | None = 30.0) -> None:
        """Stop accepting, finish everything already queued, close the database."""
        with self._lock:
            was_accepting, self._accepting = self._accepting, False
        if was_accepting:
            self._queue.put(_STOP)
        if self._thread.is_alive():
            self._thread.join(timeout)
            if self._thread.is_alive():
                raise JournalError("the journal writer did not stop",
                                   f"its queue did not drain within {timeout} s",
                                   "Check the data disk; committed records are safe.")

    # -- the writer thread -------------------------------------------------------------------

    def _run(self) -> None:
        try:
            journal = Journal(self.path, autocheckpoint_pages=self.autocheckpoint_pages)
        except JournalError as exc:
            self._opened.set_exception(exc)
            return
        self._opened.set_result(None)
        try:
            self._serve(journal)
        finally:
            journal.close()
            self._fail_leftovers()

    def _serve(self, journal: Journal) -> None:
        waiting = self.idle_checkpoint_s
        while True:
            try:
                job = self._queue.get(timeout=waiting)
            except queue.Empty:
                if journal.behind:
                    self._catch_up(journal)
                    waiting = self.idle_checkpoint_s
                else:
                    self._checkpoint_when_idle(journal)
                continue
            if job is _STOP:
                return
            self._run_job(journal, *job)
            # Apply to SQLite once the caller has had a moment to take its result: doing it at
            # once would compete with the caller's wake-up for the interpreter.
            waiting = _APPLY_AFTER_S if journal.behind else self.idle_checkpoint_s

    @staticmethod
    def _run_job(journal: Journal, future: Future[Any], fn: Callable[..., Any],
                 args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            result = fn(journal, *args, **kwargs)
        except JournalError as exc:
            future.set_exception(exc)
        except Exception as exc:  # noqa: BLE001 - not swallowed: it is surfaced on the future
            error = JournalError(
                f"the journal writer failed in {getattr(fn, '__name__', fn)!s}",
                f"{type(exc).__name__}: {exc}",
                "This is a bug; the event may not be recorded, retry it with the same id.")
            error.__cause__ = exc
            future.set_exception(error)
        else:
            future.set_result(result)

    def _catch_up(self, journal: Journal) -> None:
        """Apply the last commits to SQLite now, while nobody waits (they are durable already)."""
        try:
            journal.catch_up()
        except JournalError as exc:
            # Durable in the commit log; the next operation retries and reports it to its caller.
            _log.error("%s", exc.message)

    def _checkpoint_when_idle(self, journal: Journal) -> None:
        if journal.commits_since_checkpoint == 0:
            return
        try:
            journal.checkpoint()
        except JournalError as exc:
            # No caller waits on a checkpoint and the records are already durable in the WAL;
            # it is logged and counted for the health report, and retried on the next idle.
            self.checkpoint_failures += 1
            _log.error("%s", exc.message)

    def _fail_leftovers(self) -> None:
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                return
            if job is not _STOP and job[0].set_running_or_notify_cancel():
                job[0].set_exception(JournalError(
                    "cannot record this", "the journal writer stopped before reaching it",
                    "Restart the kiosk; nothing of it was recorded."))
