"""The payment terminal: its interface, the in-process simulator, and the serial port check.

A payment is asynchronous. :meth:`PaymentTerminal.authorise` returns at once; the terminal
posts :class:`TerminalStatus` while it talks to the card holder ("insert-card", "enter-pin", ...)
and exactly one :class:`TerminalOutcome` at the end. Every request carries an ``attempt_id``
that the journal recorded first: asking again with the same id never charges again, it only
repeats the answer (Odoo's IoT drivers do the same with their action ids).

``approved``, ``declined`` and ``cancelled`` are answers; ``unknown`` means the request went out
and no clear answer came back. The kiosk never guesses what became of it: staff resolve it from
the terminal's own journal (DESIGN.md).

Real terminals speak ZVT or Concert V2 over a serial line; those drivers arrive with issue 5 and
register themselves in :data:`PROTOCOL_DRIVERS`. Until a protocol has a driver, a real terminal
is reported *unavailable* (after checking its port), so the shopper sees "card payment
unavailable" and staff are called; nothing pretends to take a payment it cannot take.
"""

from __future__ import annotations

import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

import serial

from kiosk.core.events import PaymentOutcome
from kiosk.core.money import Money
from kiosk.errors import DeviceError, KioskError
from kiosk.hw.health import TERMINAL, DeviceHealth, HealthReporter, Post

NO_TERMINAL_ACTION = "Card payment is unavailable; staff are called to take the payment."
REMEMBERED_ATTEMPTS = 1000  # answers kept for repeated requests; the journal keeps them all

# The simulator's fault script: one entry per new attempt, in order; "approve" when exhausted.
FAULTS = MappingProxyType({
    "approve": "the card is approved",
    "decline": "the card issuer declines",
    "cancel": "the shopper presses Stop on the terminal",
    "timeout": "no card is presented; the terminal gives up and reports it",
    "unknown": "the terminal's answer cannot be interpreted: outcome unknown",
    "no-answer": "the terminal goes silent; after timeout_s the kiosk records unknown",
})
# How each non-approving fault ends: (outcome, detail for the record and for staff).
ANSWERS = MappingProxyType({
    "decline": (PaymentOutcome.DECLINED, "declined by the card issuer"),
    "cancel": (PaymentOutcome.CANCELLED, "the shopper pressed Stop on the terminal"),
    "timeout": (PaymentOutcome.CANCELLED, "no card was presented in time"),
    "unknown": (PaymentOutcome.UNKNOWN, "the terminal's answer could not be interpreted"),
    "no-answer": (PaymentOutcome.UNKNOWN, "no answer from the terminal within {timeout_s:g} s"),
    "cancelled-at-kiosk": (PaymentOutcome.CANCELLED, "cancelled at the kiosk"),
})
CARD_PHASE_FAULTS = frozenset({"cancel", "timeout"})  # end the dialogue before the PIN
CARD_READ = frozenset({"decline", "unknown", "no-answer"})  # the card was read: PAN known


@dataclass(frozen=True, slots=True)
class TerminalStatus:
    """What the terminal asks of the shopper now; the screen shows the matching message."""

    attempt_id: str
    message_key: str  # "insert-card", "enter-pin", "processing", "remove-card"


@dataclass(frozen=True, slots=True)
class TerminalOutcome:
    """The one final answer for an attempt. ``amount`` is the amount that was requested."""

    attempt_id: str
    outcome: PaymentOutcome
    amount: Money
    auth_code: str = ""
    masked_pan: str = ""
    card_type: str = ""
    terminal_id: str = ""
    receipt_lines: tuple[str, ...] = ()
    detail: str = ""


class PaymentRequestError(KioskError, ValueError):
    """A payment request the kiosk should never have made (bad amount, reused attempt id)."""


class PaymentTerminal(Protocol):
    """What the shell needs of a card terminal; every driver and the simulator provide it.

    ``authorise`` returns at once; the terminal's progress (:class:`TerminalStatus`) and its one
    final answer (:class:`TerminalOutcome`) are posted from the driver's thread. The same
    ``attempt_id`` asked again never charges again: the stored answer is posted once more.
    """

    def authorise(self, attempt_id: str, sale_id: str, amount: Money) -> None: ...

    def cancel(self, attempt_id: str) -> None: ...

    def status(self) -> DeviceHealth: ...

    def close(self) -> None: ...


# Issue 5 registers "zvt" and "concert" here: (port, baudrate, timeout_s, post) -> terminal.
PROTOCOL_DRIVERS: dict[str, Callable[[str, int, float, Post], PaymentTerminal]] = {}


def probe_port(port: str, baudrate: int) -> DeviceError | None:
    """Whether the terminal's serial port can be opened (and is then closed again)."""
    try:
        with serial.Serial(port, baudrate, timeout=0):
            return None
    except (serial.SerialException, ValueError, OSError) as exc:
        return DeviceError(f"Card terminal not found on {port}",
                           f"the serial port cannot be opened ({exc})",
                           "Check the terminal's cable and power and devices.terminal.port. "
                           + NO_TERMINAL_ACTION)


def real_terminal(protocol: str, port: str, baudrate: int, timeout_s: float,
                  post: Post) -> tuple[PaymentTerminal | None, DeviceHealth]:
    """A real terminal on ``port``, or None and the health saying why it is unavailable."""
    problem = probe_port(port, baudrate)
    if problem is not None:
        return None, DeviceHealth.failed(TERMINAL, problem, simulated=False)
    driver = PROTOCOL_DRIVERS.get(protocol)
    if driver is None:
        error = DeviceError(f"Card terminal on {port} cannot be used",
                            f"the protocol driver for {protocol} arrives with issue 5",
                            NO_TERMINAL_ACTION)
        return None, DeviceHealth.failed(TERMINAL, error, simulated=False)
    terminal = driver(port, baudrate, timeout_s, post)
    return terminal, terminal.status()


@dataclass
class _Attempt:
    sale_id: str
    amount: Money
    stop: threading.Event = field(default_factory=threading.Event)
    outcome: TerminalOutcome | None = None


@dataclass(frozen=True, slots=True)
class SimulatedCard:
    """What the simulated card holder's card looks like on outcomes and receipts."""

    masked_pan: str = "************4242"
    card_type: str = "VISA"


class SimulatedTerminal:
    """An in-process card terminal that answers after ``delay_s`` and fails on request.

    ``faults`` is the script (see :data:`FAULTS`), one entry consumed per new attempt, so a
    test or a demo says "the second payment is declined" and it is. One worker thread handles
    attempts in order, as a real terminal handles one card at a time.
    """

    def __init__(self, post: Post, *, delay_s: float = 2.0, faults: Sequence[str] = (),
                 timeout_s: float = 120.0, terminal_id: str = "SIM00001",
                 card: SimulatedCard = SimulatedCard()) -> None:
        unknown = [f for f in faults if f not in FAULTS]
        if unknown:
            raise PaymentRequestError(f"unknown terminal simulator faults {unknown}",
                                      f"the faults are {', '.join(FAULTS)}")
        self.delay_s = delay_s
        self.timeout_s = timeout_s
        self.terminal_id = terminal_id
        self.card = card
        self._post = post
        self._faults = list(faults)
        self._attempts: OrderedDict[str, _Attempt] = OrderedDict()
        self._lock = threading.Lock()
        self._work: queue.Queue[str | None] = queue.Queue()
        self._closed = threading.Event()
        self._busy: str | None = None
        self._approvals = 0
        self._health = HealthReporter(TERMINAL, post, simulated=True)
        self._health.ok(f"Card terminal simulator {terminal_id} ready")
        self._thread = threading.Thread(target=self._serve, name="terminal-sim", daemon=True)
        self._thread.start()

    def authorise(self, attempt_id: str, sale_id: str, amount: Money) -> None:
        if amount.minor <= 0:
            raise PaymentRequestError(f"payment {attempt_id} asks for {amount}",
                                      "a card payment must be a positive amount")
        if self._closed.is_set():
            raise DeviceError("Card terminal simulator is closed", "the kiosk is shutting down")
        with self._lock:
            known = self._attempts.get(attempt_id)
            if known is None:
                self._attempts[attempt_id] = _Attempt(sale_id, amount)
                self._forget_oldest()
        if known is None:
            self._work.put(attempt_id)
            return
        if (known.sale_id, known.amount) != (sale_id, amount):
            raise PaymentRequestError(
                f"attempt {attempt_id} was first made for sale {known.sale_id} over "
                f"{known.amount}", "an attempt id never changes its sale or amount",
                "Start a new attempt with a new id.")
        if known.outcome is not None:
            self._post(known.outcome)  # the same answer again; nothing is charged twice
        # still in progress: its one outcome will be posted when it comes

    def _forget_oldest(self) -> None:
        """Bound memory on a kiosk that runs for months; only answered attempts are dropped."""
        excess = len(self._attempts) - REMEMBERED_ATTEMPTS
        if excess > 0:
            done = [key for key, a in self._attempts.items() if a.outcome is not None][:excess]
            for key in done:
                del self._attempts[key]

    def cancel(self, attempt_id: str) -> None:
        """Ask to stop; honoured until the card has been read, as on a real terminal."""
        with self._lock:
            attempt = self._attempts.get(attempt_id)
        if attempt is not None and attempt.outcome is None:
            attempt.stop.set()

    def status(self) -> DeviceHealth:
        busy = self._busy
        health = self._health.current
        if busy is None:
            return health
        return DeviceHealth(TERMINAL, health.ok, f"{health.detail}; busy with {busy}", True)

    def close(self) -> None:
        """Stop the worker; an attempt in progress gets no outcome (the journal shows it open)."""
        self._closed.set()
        with self._lock:
            for attempt in self._attempts.values():
                attempt.stop.set()  # wake the worker at once
        self._work.put(None)
        self._thread.join()

    def _serve(self) -> None:
        while (attempt_id := self._work.get()) is not None:
            with self._lock:
                attempt = self._attempts.get(attempt_id)
                fault = self._faults.pop(0) if self._faults else "approve"
            if attempt is None:
                continue
            self._busy = attempt_id
            outcome = self._run(attempt_id, attempt, fault)
            self._busy = None
            if outcome is None:
                return  # closed while working
            with self._lock:
                attempt.outcome = outcome
            self._post(outcome)

    def _wait(self, attempt: _Attempt, seconds: float) -> bool:
        """Sleep in the terminal's time; True when the shopper or the kiosk cancelled."""
        return attempt.stop.wait(seconds) or self._closed.is_set()

    def _run(self, attempt_id: str, attempt: _Attempt, fault: str) -> TerminalOutcome | None:
        """The terminal's dialogue with the card holder; None when closed meanwhile."""
        step = self.delay_s / 3
        for key in ("insert-card", "enter-pin"):
            self._post(TerminalStatus(attempt_id, key))
            if self._wait(attempt, step):
                return None if self._closed.is_set() else self._answer(
                    attempt_id, attempt, "cancelled-at-kiosk")
            if key == "insert-card" and fault in CARD_PHASE_FAULTS:
                return self._answer(attempt_id, attempt, fault)
        self._post(TerminalStatus(attempt_id, "processing"))  # too late to cancel now
        if self._closed.wait(self.timeout_s if fault == "no-answer" else step):
            return None
        if fault != "no-answer":
            self._post(TerminalStatus(attempt_id, "remove-card"))
        if fault == "approve":
            return self._approved(attempt_id, attempt)
        return self._answer(attempt_id, attempt, fault)

    def _answer(self, attempt_id: str, attempt: _Attempt, fault: str) -> TerminalOutcome:
        outcome, detail = ANSWERS[fault]
        card_read = fault in CARD_READ
        return TerminalOutcome(attempt_id, outcome, attempt.amount,
                               masked_pan=self.card.masked_pan if card_read else "",
                               card_type=self.card.card_type if card_read else "",
                               terminal_id=self.terminal_id,
                               detail=detail.format(timeout_s=self.timeout_s) + " (simulated)")

    def _approved(self, attempt_id: str, attempt: _Attempt) -> TerminalOutcome:
        self._approvals += 1
        auth_code = f"{self._approvals:06d}"
        receipt = ("CARD PAYMENT - SIMULATED TERMINAL", f"Terminal {self.terminal_id}",
                   f"{self.card.card_type} {self.card.masked_pan}",
                   f"Amount {attempt.amount}", f"Auth code {auth_code}", "APPROVED",
                   "NOT A REAL PAYMENT")
        return TerminalOutcome(attempt_id, PaymentOutcome.APPROVED, attempt.amount,
                               auth_code=auth_code, masked_pan=self.card.masked_pan,
                               card_type=self.card.card_type, terminal_id=self.terminal_id,
                               receipt_lines=receipt, detail="approved (simulated)")
