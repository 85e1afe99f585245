"""The kiosk's Concert V2 driver against the Concert simulator, over a real pty with pyserial."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from payment_sims import DRIVER_SIM_TIMING, Recorder, settings_for, simulator, wait_until

from kiosk.core.events import PaymentOutcome
from kiosk.core.money import Money
from kiosk.hw.concert.driver import ConcertTerminal
from kiosk.hw.health import DeviceHealth
from kiosk.hw.termsim.concert_sim import ConcertSimulator

PRICE = Money(1234, "EUR")


@pytest.fixture
def sim() -> Iterator[ConcertSimulator]:
    with simulator("concert", timing=DRIVER_SIM_TIMING) as running:
        assert isinstance(running, ConcertSimulator)
        yield running


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def driver(sim: ConcertSimulator, recorder: Recorder, **changes: object) -> ConcertTerminal:
    return ConcertTerminal(settings_for("concert", sim.path, **changes), recorder.post)


@pytest.fixture
def terminal(sim: ConcertSimulator, recorder: Recorder) -> Iterator[ConcertTerminal]:
    made = driver(sim, recorder)
    yield made
    made.close()


@pytest.mark.parametrize("long_answer", [True, False], ids=["long", "short"])
def test_an_approved_payment_long_or_short_answer(sim: ConcertSimulator, recorder: Recorder,
                                                   long_answer: bool) -> None:
    terminal = driver(sim, recorder, long_answer=long_answer)
    try:
        assert terminal.status().ok
        terminal.authorise("a-1", "s-1", PRICE)
        outcome = recorder.outcome("a-1")
    finally:
        terminal.close()
    assert (outcome.outcome, outcome.amount, outcome.result_code) == (
        PaymentOutcome.APPROVED, PRICE, "0")
    assert outcome.masked_pan == ("497010******0119" if long_answer else "")
    wait_until(lambda: all(e.delivered for e in sim.journal.entries()))
    [charge] = sim.journal.approved_charges()
    assert charge.amount_minor == 1234


@pytest.mark.parametrize("amount", [5, 1234, 1010])  # LRC equal to ETX, STX, ...
def test_amounts_whose_lrc_is_a_control_byte(terminal: ConcertTerminal, recorder: Recorder,
                                             sim: ConcertSimulator, amount: int) -> None:
    terminal.authorise(f"a-{amount}", "s-1", Money(amount, "EUR"))
    assert recorder.outcome(f"a-{amount}").outcome is PaymentOutcome.APPROVED
    assert [c.amount_minor for c in sim.journal.approved_charges()] == [amount]


@pytest.mark.parametrize(("fault", "expected"), [
    ("decline", (PaymentOutcome.DECLINED, "The payment was refused or stopped on the card "
                                          "terminal. Nothing was charged.")),
    ("cancel", (PaymentOutcome.DECLINED, "The payment was refused or stopped on the card "
                                         "terminal. Nothing was charged.")),
    ("busy", (PaymentOutcome.CANCELLED, "The card terminal is busy. Please try again in a "
                                        "moment. Nothing was charged.")),
    ("nak@before-ack*3", (PaymentOutcome.CANCELLED, "The card terminal did not take the "
                                                    "request. Nothing was charged.")),
])
def test_refusals_tell_the_shopper_why_and_charge_nothing(
        terminal: ConcertTerminal, recorder: Recorder, sim: ConcertSimulator, fault: str,
        expected: tuple[PaymentOutcome, str]) -> None:
    sim.script([fault])
    terminal.authorise("a-1", "s-1", PRICE)
    answer = recorder.outcome("a-1")
    assert (answer.outcome, answer.detail) == expected
    assert sim.journal.approved_charges() == ()


def test_a_silent_terminal_is_a_health_failure_until_it_answers(
        terminal: ConcertTerminal, recorder: Recorder, sim: ConcertSimulator) -> None:
    sim.script(["no-answer@before-ack"])
    terminal.authorise("a-1", "s-1", PRICE)
    answer = recorder.outcome("a-1")
    assert (answer.outcome, answer.detail) == (
        PaymentOutcome.CANCELLED, "The card terminal did not answer the kiosk. Nothing was "
                                  "charged.")
    wait_until(lambda: terminal.status().ok)
    health = [e for e in recorder.seen if isinstance(e, DeviceHealth)]
    assert health[1].detail.startswith(f"Card terminal on {sim.path} does not answer")
    terminal.authorise("a-2", "s-1", PRICE)
    assert recorder.outcome("a-2").outcome is PaymentOutcome.APPROVED
    assert len(sim.journal.approved_charges()) == 1


def test_an_unknown_payment_gets_its_late_answer(terminal: ConcertTerminal,
                                                 recorder: Recorder,
                                                 sim: ConcertSimulator) -> None:
    sim.script(["after-timeout@during-status"])
    terminal.authorise("a-1", "s-1", PRICE)
    first = recorder.outcome("a-1")
    assert (first.outcome, first.detail) == (
        PaymentOutcome.UNKNOWN, "The card terminal did not send the payment's result in time.")
    late = recorder.outcome("a-1")
    assert late.outcome is PaymentOutcome.APPROVED
    assert late.detail.startswith("The card terminal answered after the kiosk had stopped waiting")
    assert len(sim.journal.approved_charges()) == 1


def test_staff_cancel_and_refund_on_the_terminal(terminal: ConcertTerminal,
                                                 recorder: Recorder,
                                                 sim: ConcertSimulator) -> None:
    terminal.authorise("a-1", "s-1", PRICE)
    assert recorder.outcome("a-1").outcome is PaymentOutcome.APPROVED
    terminal.reverse("a-1", "", PRICE)
    assert recorder.report("reversal").ok
    terminal.refund("r-1", Money(300, "EUR"))
    assert recorder.report("refund").ok
    assert sim.journal.standing_charges() == ()
    assert sim.journal.net_charged_minor() == -300
    terminal.recover("a-1", "s-1", PRICE)
    recovery = recorder.report("recovery")
    assert not recovery.ok
    assert recovery.detail.startswith("Concert cannot ask the card terminal about its last "
                                      "payment: check the terminal's own journal.")
