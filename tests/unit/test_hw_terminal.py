"""The terminal interface's shared parts and the in-process simulator: outcomes per fault
script, never charging twice, card numbers masked, ports that are missing or busy."""

from __future__ import annotations

import os
import queue
from collections.abc import Iterator

import pytest

from kiosk.core.events import PaymentOutcome
from kiosk.core.money import MINOR_UNITS, Money
from kiosk.hw.health import DeviceHealth
from kiosk.hw.terminal import (
    CURRENCY_NUMERIC,
    AttemptBook,
    PaymentRequestError,
    TerminalOutcome,
    TerminalStatus,
    mask_pan,
    open_port,
    probe_port,
)
from kiosk.hw.terminal_sim import FAULTS, SimulatedTerminal

LIMIT_S = 20.0  # a bound against hanging, never a speed assertion
PRICE = Money(1234, "EUR")


class Recorder:
    """What the kiosk's event queue would receive."""

    def __init__(self) -> None:
        self.events: queue.Queue[object] = queue.Queue()

    def post(self, event: object) -> None:
        self.events.put(event)

    def outcome(self) -> TerminalOutcome:
        while True:
            event = self.events.get(timeout=LIMIT_S)
            if isinstance(event, TerminalOutcome):
                return event

    def statuses_until_outcome(self) -> tuple[list[str], TerminalOutcome]:
        keys = []
        while True:
            event = self.events.get(timeout=LIMIT_S)
            if isinstance(event, TerminalStatus):
                keys.append(event.message_key)
            elif isinstance(event, TerminalOutcome):
                return keys, event


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def make(recorder: Recorder, *faults: str, delay_s: float = 0.03,
         timeout_s: float = 0.2) -> SimulatedTerminal:
    return SimulatedTerminal(recorder.post, delay_s=delay_s, faults=faults, timeout_s=timeout_s)


@pytest.fixture
def terminal(recorder: Recorder) -> Iterator[SimulatedTerminal]:
    sim = make(recorder)
    yield sim
    sim.close()


def test_simulator_says_it_is_one(terminal: SimulatedTerminal, recorder: Recorder) -> None:
    health = recorder.events.get_nowait()
    assert health == DeviceHealth("terminal", True, "Card terminal simulator SIM00001 ready",
                                  True)
    assert terminal.status().simulated


def test_an_approved_payment_tells_the_shopper_each_step(terminal: SimulatedTerminal,
                                                         recorder: Recorder) -> None:
    terminal.authorise("a-1", "s-1", PRICE)
    keys, outcome = recorder.statuses_until_outcome()
    assert keys == ["insert-card", "enter-pin", "processing", "remove-card"]
    assert outcome.outcome is PaymentOutcome.APPROVED
    assert (outcome.attempt_id, outcome.amount) == ("a-1", PRICE)
    assert outcome.auth_code == "000001"
    assert outcome.masked_pan == "************4242"
    assert "Amount 12.34 EUR" in outcome.receipt_lines
    assert "NOT A REAL PAYMENT" in outcome.receipt_lines


def test_fault_script_is_consumed_one_entry_per_attempt(recorder: Recorder) -> None:
    sim = make(recorder, "decline", "approve", "timeout", "unknown", "no-answer", "cancel")
    try:
        seen = []
        for n in range(7):  # one more than the script: then it approves
            sim.authorise(f"a-{n}", f"s-{n}", PRICE)
            outcome = recorder.outcome()
            seen.append((outcome.attempt_id, outcome.outcome.value, outcome.detail))
    finally:
        sim.close()
    assert seen == [
        ("a-0", "declined", "declined by the card issuer (simulated)"),
        ("a-1", "approved", "approved (simulated)"),
        ("a-2", "cancelled", "no card was presented in time (simulated)"),
        ("a-3", "unknown", "the terminal's answer could not be interpreted (simulated)"),
        ("a-4", "unknown", "no answer from the terminal within 0.2 s (simulated)"),
        ("a-5", "cancelled", "the shopper pressed Stop on the terminal (simulated)"),
        ("a-6", "approved", "approved (simulated)"),
    ]


def test_no_answer_leaves_the_shopper_at_processing(recorder: Recorder) -> None:
    sim = make(recorder, "no-answer")
    try:
        sim.authorise("a-1", "s-1", PRICE)
        keys, outcome = recorder.statuses_until_outcome()
    finally:
        sim.close()
    assert keys == ["insert-card", "enter-pin", "processing"]
    assert outcome.outcome is PaymentOutcome.UNKNOWN
    assert outcome.auth_code == ""


def test_the_same_attempt_twice_charges_once(terminal: SimulatedTerminal,
                                             recorder: Recorder) -> None:
    terminal.authorise("a-1", "s-1", PRICE)
    terminal.authorise("a-1", "s-1", PRICE)  # while in progress: nothing new starts
    first = recorder.outcome()
    terminal.authorise("a-1", "s-1", PRICE)  # after the answer: the same answer again
    again = recorder.outcome()
    assert again == first
    assert first.auth_code == "000001"
    terminal.authorise("a-2", "s-2", PRICE)
    assert recorder.outcome().auth_code == "000002"  # only two approvals happened in all


def test_a_repeated_request_does_not_consume_the_fault_script(recorder: Recorder) -> None:
    sim = make(recorder, "decline")
    try:
        sim.authorise("a-1", "s-1", PRICE)
        sim.authorise("a-1", "s-1", PRICE)
        assert recorder.outcome().outcome is PaymentOutcome.DECLINED
        sim.authorise("a-2", "s-1", PRICE)
        assert recorder.outcome().outcome is PaymentOutcome.APPROVED
    finally:
        sim.close()


def test_an_attempt_id_cannot_change_its_amount(terminal: SimulatedTerminal) -> None:
    terminal.authorise("a-1", "s-1", PRICE)
    with pytest.raises(PaymentRequestError, match="attempt a-1 was first made for sale s-1"):
        terminal.authorise("a-1", "s-1", Money(999, "EUR"))


@pytest.mark.parametrize("amount", [Money(0, "EUR"), Money(-500, "EUR")])
def test_a_payment_must_be_positive(terminal: SimulatedTerminal, amount: Money) -> None:
    with pytest.raises(PaymentRequestError, match="must be a positive amount"):
        terminal.authorise("a-1", "s-1", amount)


def test_cancel_before_the_card_is_read_cancels(recorder: Recorder) -> None:
    sim = make(recorder, delay_s=30.0)  # the shopper hesitates at "insert card"
    try:
        sim.authorise("a-1", "s-1", PRICE)
        status = recorder.events.get(timeout=LIMIT_S)
        while not isinstance(status, TerminalStatus):
            status = recorder.events.get(timeout=LIMIT_S)
        assert status.message_key == "insert-card"
        assert "busy with a-1" in sim.status().detail
        sim.cancel("a-1")
        outcome = recorder.outcome()
    finally:
        sim.close()
    assert outcome.outcome is PaymentOutcome.CANCELLED
    assert outcome.detail == "cancelled at the kiosk (simulated)"


def test_cancel_after_the_answer_changes_nothing(terminal: SimulatedTerminal,
                                                 recorder: Recorder) -> None:
    terminal.authorise("a-1", "s-1", PRICE)
    approved = recorder.outcome()
    terminal.cancel("a-1")
    terminal.cancel("never-started")
    terminal.authorise("a-1", "s-1", PRICE)
    assert recorder.outcome() == approved


def test_unknown_faults_are_refused_with_the_list(recorder: Recorder) -> None:
    with pytest.raises(PaymentRequestError, match="unknown terminal simulator faults") as caught:
        make(recorder, "approve", "explode")
    assert all(name in caught.value.why for name in FAULTS)


# --- what every driver shares ----------------------------------------------------------------

def test_attempt_book_admits_once_then_repeats_the_answer() -> None:
    book = AttemptBook()
    assert book.admit("a-1", "s-1", PRICE) == AttemptBook.NEW
    assert book.admit("a-1", "s-1", PRICE) == AttemptBook.PENDING
    first = TerminalOutcome("a-1", PaymentOutcome.UNKNOWN, PRICE, detail="no answer")
    book.answer(first)
    book.answer(TerminalOutcome("a-1", PaymentOutcome.APPROVED, PRICE))  # late: not kept
    assert book.admit("a-1", "s-1", PRICE) == first
    with pytest.raises(PaymentRequestError, match=r"first made for sale s-1 over 12\.34"):
        book.admit("a-1", "s-1", Money(1, "EUR"))


def test_attempt_book_forgets_only_answered_attempts() -> None:
    book = AttemptBook(limit=2)
    for n in range(3):
        book.admit(f"a-{n}", "s", PRICE)
    assert all(book.pending(f"a-{n}") for n in range(3))  # nothing answered: nothing dropped
    book.answer(TerminalOutcome("a-0", PaymentOutcome.DECLINED, PRICE))
    book.admit("a-3", "s", PRICE)
    assert book.admit("a-0", "s", PRICE) == AttemptBook.NEW  # forgotten, as the oldest answered


@pytest.mark.parametrize(("pan", "shown"), [
    ("497010******0119", "497010******0119"), ("4970101234560119", "497010******0119"),
    ("123456789012", "********9012"), ("1234", "1234")])
def test_card_numbers_are_masked_to_what_a_receipt_may_show(pan: str, shown: str) -> None:
    assert mask_pan(pan) == shown


def test_a_port_held_by_another_program_is_busy_a_missing_one_not_found() -> None:
    master, slave = os.openpty()
    path = os.ttyname(slave)
    held = open_port(path, 9600)
    try:
        busy = probe_port(path, 9600)
        assert busy is not None
        assert busy.what == f"Card terminal port {path} is busy"
        assert busy.action.startswith("Stop the other program using it")
    finally:
        held.close()
        os.close(slave)
        os.close(master)
    assert probe_port(path, 9600) is not None  # the pty is gone now
    missing = probe_port("/dev/ttyKIOSK-none", 9600)
    assert missing is not None
    assert missing.what == "Card terminal not found on /dev/ttyKIOSK-none"


def test_every_kiosk_currency_has_its_iso_number() -> None:
    assert set(MINOR_UNITS) <= set(CURRENCY_NUMERIC)
    assert CURRENCY_NUMERIC["EUR"] == 978
