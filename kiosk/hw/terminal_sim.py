"""The in-process card terminal simulator: the demo's terminal, scripted with named faults.

It answers in this process, with no serial line and no protocol: a demo or a test of the
session says "the second payment is declined" and it is. The protocol simulators
(``kiosk-terminal-sim``, :mod:`kiosk.hw.termsim`) are what the real drivers are tested against.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType

from kiosk.core.events import PaymentOutcome
from kiosk.core.money import Money
from kiosk.errors import DeviceError
from kiosk.hw.health import TERMINAL, DeviceHealth, HealthReporter, Post
from kiosk.hw.terminal import (
    AttemptBook,
    Capabilities,
    PaymentRequestError,
    TerminalOutcome,
    TerminalReport,
    TerminalStatus,
)

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
class SimulatedCard:
    """What the simulated card holder's card looks like on outcomes and receipts."""

    masked_pan: str = "************4242"
    card_type: str = "VISA"


class SimulatedTerminal:
    """An in-process card terminal that answers after ``delay_s`` and fails on request.

    ``faults`` is the script (see :data:`FAULTS`), one entry consumed per new attempt, so a
    demo says "the second payment is declined" and it is. One worker thread handles attempts
    in order, as a real terminal handles one card at a time. It keeps no journal of its own,
    so it offers no recovery, reversal or refund: the protocol simulators
    (``kiosk-terminal-sim``) are the way to exercise those.
    """

    capabilities = Capabilities(cancel=True)

    def __init__(self, post: Post, *, delay_s: float = 2.0, faults: Sequence[str] = (),
                 timeout_s: float = 120.0, terminal_id: str = "SIM00001",
                 card: SimulatedCard = SimulatedCard()) -> None:
        unknown = [f for f in faults if f not in FAULTS]
        if unknown:
            raise PaymentRequestError(f"unknown terminal simulator faults {unknown}",
                                      f"the faults are {', '.join(FAULTS)}")
        self.delay_s, self.timeout_s, self.terminal_id, self.card = (delay_s, timeout_s,
                                                                     terminal_id, card)
        self._post = post
        self._faults = list(faults)
        self._book = AttemptBook()
        self._requests: dict[str, tuple[Money, threading.Event]] = {}
        self._work: queue.Queue[str | None] = queue.Queue()
        self._closed = threading.Event()
        self._busy: str | None = None
        self._approvals = 0
        self._health = HealthReporter(TERMINAL, post, simulated=True)
        self._health.ok(f"Card terminal simulator {terminal_id} ready")
        self._thread = threading.Thread(target=self._serve, name="terminal-sim", daemon=True)
        self._thread.start()

    def authorise(self, attempt_id: str, sale_id: str, amount: Money) -> None:
        if self._closed.is_set():
            raise DeviceError("Card terminal simulator is closed", "the kiosk is shutting down")
        admitted = self._book.admit(attempt_id, sale_id, amount)
        if admitted == AttemptBook.NEW:
            self._requests[attempt_id] = (amount, threading.Event())
            self._work.put(attempt_id)
        elif isinstance(admitted, TerminalOutcome):
            self._post(admitted)  # the same answer again; nothing is charged twice

    def cancel(self, attempt_id: str) -> None:
        """Ask to stop; honoured until the card has been read, as on a real terminal."""
        request = self._requests.get(attempt_id)
        if request is not None and self._book.pending(attempt_id):
            request[1].set()

    def _no_journal(self, action: str, attempt_id: str = "") -> None:
        self._post(TerminalReport(action, False, "The in-process terminal simulator keeps no "
                                  "journal: check the sale with the demo's own records.",
                                  attempt_id))

    def recover(self, attempt_id: str, sale_id: str, amount: Money) -> None:
        self._no_journal("recovery", attempt_id)

    def enquire(self) -> None:
        self._post(TerminalReport("status", True, self.status().detail))

    def reverse(self, attempt_id: str, receipt_no: str, amount: Money) -> None:
        self._no_journal("reversal", attempt_id)

    def refund(self, refund_id: str, amount: Money) -> None:
        self._no_journal("refund", refund_id)

    def status(self) -> DeviceHealth:
        busy = self._busy
        health = self._health.current
        if busy is None:
            return health
        return DeviceHealth(TERMINAL, health.ok, f"{health.detail}; busy with {busy}", True)

    def close(self) -> None:
        """Stop the worker; an attempt in progress gets no outcome (the journal shows it open)."""
        self._closed.set()
        for _, stop in list(self._requests.values()):
            stop.set()  # wake the worker at once
        self._work.put(None)
        self._thread.join()

    def _serve(self) -> None:
        while (attempt_id := self._work.get()) is not None:
            fault = self._faults.pop(0) if self._faults else "approve"
            self._busy = attempt_id
            outcome = self._run(attempt_id, fault)
            self._busy = None
            if outcome is None:
                return  # closed while working
            self._requests.pop(attempt_id, None)
            self._book.answer(outcome)
            self._post(outcome)

    def _wait(self, attempt_id: str, seconds: float) -> bool:
        """Sleep in the terminal's time; True when the shopper or the kiosk cancelled."""
        return self._requests[attempt_id][1].wait(seconds) or self._closed.is_set()

    def _run(self, attempt_id: str, fault: str) -> TerminalOutcome | None:
        """The terminal's dialogue with the card holder; None when closed meanwhile."""
        step = self.delay_s / 3
        for key in ("insert-card", "enter-pin"):
            self._post(TerminalStatus(attempt_id, key))
            if self._wait(attempt_id, step):
                return None if self._closed.is_set() else self._answer(
                    attempt_id, "cancelled-at-kiosk")
            if key == "insert-card" and fault in CARD_PHASE_FAULTS:
                return self._answer(attempt_id, fault)
        self._post(TerminalStatus(attempt_id, "processing"))  # too late to cancel now
        if self._closed.wait(self.timeout_s if fault == "no-answer" else step):
            return None
        if fault != "no-answer":
            self._post(TerminalStatus(attempt_id, "remove-card"))
        if fault == "approve":
            return self._approved(attempt_id)
        return self._answer(attempt_id, fault)

    def _answer(self, attempt_id: str, fault: str) -> TerminalOutcome:
        outcome, detail = ANSWERS[fault]
        card_read = fault in CARD_READ
        return TerminalOutcome(attempt_id, outcome, self._requests[attempt_id][0],
                               masked_pan=self.card.masked_pan if card_read else "",
                               card_type=self.card.card_type if card_read else "",
                               terminal_id=self.terminal_id,
                               detail=detail.format(timeout_s=self.timeout_s) + " (simulated)")

    def _approved(self, attempt_id: str) -> TerminalOutcome:
        self._approvals += 1
        auth_code = f"{self._approvals:06d}"
        amount = self._requests[attempt_id][0]
        receipt = ("CARD PAYMENT - SIMULATED TERMINAL", f"Terminal {self.terminal_id}",
                   f"{self.card.card_type} {self.card.masked_pan}",
                   f"Amount {amount}", f"Auth code {auth_code}", "APPROVED",
                   "NOT A REAL PAYMENT")
        return TerminalOutcome(attempt_id, PaymentOutcome.APPROVED, amount,
                               auth_code=auth_code, masked_pan=self.card.masked_pan,
                               card_type=self.card.card_type, terminal_id=self.terminal_id,
                               receipt_lines=receipt, detail="approved (simulated)")
