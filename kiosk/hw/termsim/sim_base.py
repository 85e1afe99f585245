"""What both terminal simulators share: the serving thread, timing, faults, card and journal.

A simulator owns one pty (behind a stable path) and serves whoever opens it, one cash register
after another, until it is stopped. The protocol subclasses write the dialogue; this base turns
the three ways a dialogue can end badly into what a real terminal would do:

- ``no-answer``: the terminal ignores everything for ``silence_s``, then is idle again;
- ``disconnect``: the pty is closed (the kiosk's port fails) and reopened after ``disconnect_s``;
- the register stopped answering: the terminal gives the transaction up and waits for the next.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo

from kiosk.clock import Clock, utc_now
from kiosk.hw.termsim.faults import APPROVE, Fault, FaultScript
from kiosk.hw.termsim.journal import TerminalJournal
from kiosk.hw.termsim.port import SimPort

SLICE_S = 0.05  # how often a waiting simulator looks at the line and at stop()


@dataclass(frozen=True, slots=True)
class SimTiming:
    """Every delay of the simulated terminal; tests shorten them, production keeps the defaults.

    ``link_ack_s`` and ``link_attempts`` are the protocols' own (ACK within 1 s, three tries).
    ``after_timeout_s`` must exceed the kiosk's payment timeout, ``late_answer_s`` stay below it.
    """

    link_ack_s: float = 1.0
    link_attempts: int = 3
    reply_s: float = 5.0
    card_step_s: float = 1.0
    late_answer_s: float = 3.0
    after_timeout_s: float = 180.0
    silence_s: float = 30.0
    disconnect_s: float = 2.0
    busy_s: float = 2.0
    inter_byte_s: float = 0.5


@dataclass(frozen=True, slots=True)
class SimCard:
    """The card the simulated shopper always presents."""

    masked_pan: str = "497010******0119"
    card_type_id: int = 0x0A  # ZVT card type 10: VISA
    card_name: str = "VISA"
    expiry_yymm: str = "2512"
    sequence_no: int = 1
    payment_type: int = 0x60  # online authorisation


class StoppedError(Exception):
    """stop() was called: unwind the dialogue at once."""


class GoSilentError(Exception):
    """The no-answer fault struck: the terminal ignores the line for a while."""


class HangUpError(Exception):
    """The disconnect fault struck: the serial device vanishes and comes back."""


class AbandonError(Exception):
    """The cash register stopped answering: the transaction is given up."""


def _approval_codes(seed: int) -> Iterator[str]:
    rng = random.Random(seed)  # noqa: S311 - simulated approval codes, nothing secret
    while True:
        yield f"{rng.randrange(1_000_000):06d}"


class TerminalSimulator:
    """The serving thread and the shared machinery; subclasses implement :meth:`serve_once`."""

    protocol = ""

    def __init__(self, *, faults: Iterable[str | Fault] = (), timing: SimTiming | None = None,
                 link_path: str | None = None, terminal_id: str = "12345678",
                 currency: int = 978, card: SimCard | None = None, clock: Clock = utc_now,
                 tz: tzinfo | None = None, approval_codes: Iterable[str] | None = None,
                 seed: int = 0) -> None:
        self.timing = timing or SimTiming()
        self.faults = FaultScript(self.protocol, faults)
        self.journal = TerminalJournal(self.protocol, clock)
        self.terminal_id = terminal_id
        self.currency = currency
        self.card = card or SimCard()
        self._clock = clock
        self._tz = tz
        self._approvals = iter(approval_codes) if approval_codes is not None else (
            _approval_codes(seed))
        self._rng = random.Random(seed)  # noqa: S311 - line noise for the garbage fault
        self._port = SimPort(link_path)
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._thread: threading.Thread | None = None
        self.fault: Fault = APPROVE  # the fault of the transaction in progress

    # --- life cycle ---------------------------------------------------------------------------
    @property
    def path(self) -> str:
        """The port to configure on the kiosk (stable across the disconnect fault)."""
        return self._port.path

    @property
    def pty_path(self) -> str:
        return self._port.pty_path

    def script(self, faults: Iterable[str | Fault]) -> None:
        """Add faults for the coming transactions, in order."""
        self.faults.extend(faults)

    def wait_idle(self, timeout_s: float) -> bool:
        """Wait until no transaction is in progress (its journal entry is final then)."""
        return self._idle.wait(timeout_s)

    def transaction_started(self) -> None:
        self._idle.clear()

    def transaction_ended(self) -> None:
        self._idle.set()

    def start(self) -> TerminalSimulator:
        self._thread = threading.Thread(target=self._serve, name=f"{self.protocol}-terminal-sim",
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._port.close()

    def __enter__(self) -> TerminalSimulator:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def _serve(self) -> None:
        try:
            while not self._stop.is_set():
                self._serve_guarded()
        except StoppedError:
            return

    def _serve_guarded(self) -> None:
        """One round of serving; a fault that ends the dialogue is played out here."""
        try:
            self.serve_once()
        except GoSilentError:
            self._be_silent(self.timing.silence_s)
        except HangUpError:
            self._port.hang_up()
            self._pause(self.timing.disconnect_s)
            self._port.reopen()
            self.reset_link()

    def serve_once(self) -> None:
        """Wait a moment for the cash register and answer whatever it sent."""
        raise NotImplementedError

    def reset_link(self) -> None:
        """Forget half-received frames and queued events (after silence or a hang-up)."""
        raise NotImplementedError

    def _wait(self, seconds: float, *, answer_busy: bool = True) -> None:
        """Let time pass as the terminal works, answering the register's polls as busy."""
        raise NotImplementedError

    def _send_garbage(self) -> None:
        """Line noise in place of a message (never the protocol's control bytes)."""
        raise NotImplementedError

    def _strike(self, phase: str, *, answer_busy: bool = True) -> None:
        """The faults that act at one point of the dialogue, the same in both protocols."""
        fault = self.fault
        if not fault.strikes(phase):
            return
        if fault.name == "no-answer":
            raise GoSilentError(phase)
        if fault.name == "disconnect":
            raise HangUpError(phase)
        if fault.name == "late-answer":
            self._wait(self.timing.late_answer_s, answer_busy=answer_busy)
        elif fault.name == "after-timeout":
            self._wait(self.timing.after_timeout_s, answer_busy=answer_busy)
        elif fault.name == "garbage":
            self._send_garbage()

    # --- helpers for the dialogues ------------------------------------------------------------
    def now(self) -> datetime:
        """The terminal's wall clock, in its own time zone (receipts and 04 0F show it)."""
        return self._clock().astimezone(self._tz)

    def next_approval_code(self) -> str:
        return next(self._approvals)

    def garbage(self, forbidden: frozenset[int]) -> bytes:
        """Line noise that cannot be mistaken for the protocol's control bytes."""
        allowed = [b for b in range(256) if b not in forbidden]
        return bytes(self._rng.choice(allowed) for _ in range(self._rng.randrange(8, 40)))

    def check_stop(self) -> None:
        if self._stop.is_set():
            raise StoppedError

    def _pause(self, seconds: float) -> None:
        if self._stop.wait(seconds):
            raise StoppedError

    def _be_silent(self, seconds: float) -> None:
        """Ignore the line for ``seconds``: whatever the register sends meanwhile is lost."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self.check_stop()
            self._port.read(min(SLICE_S, left))
        self._port.discard_input()
        self.reset_link()
