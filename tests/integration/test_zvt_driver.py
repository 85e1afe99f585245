"""The kiosk's ZVT driver against the ZVT terminal simulator, over a real pty with pyserial.

What is checked is what the kiosk would act on (outcomes, screen keys, receipts, health) and,
from the simulator's own journal, what the terminal actually booked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from payment_sims import (
    DRIVER_SIM_TIMING,
    SIM_TIMING,
    Recorder,
    settings_for,
    simulator,
    wait_until,
)

from kiosk.core.events import PaymentOutcome
from kiosk.core.money import Money
from kiosk.hw.health import DeviceHealth
from kiosk.hw.terminal import TerminalStatus
from kiosk.hw.termsim.zvt_sim import ZvtSimulator
from kiosk.hw.zvt.driver import ZvtTerminal

PRICE = Money(1234, "EUR")


@pytest.fixture
def sim() -> Iterator[ZvtSimulator]:
    with simulator("zvt", timing=DRIVER_SIM_TIMING) as running:
        assert isinstance(running, ZvtSimulator)
        yield running


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def terminal(sim: ZvtSimulator, recorder: Recorder) -> Iterator[ZvtTerminal]:
    driver = ZvtTerminal(settings_for("zvt", sim.path), recorder.post)
    yield driver
    driver.close()


def test_registration_makes_it_healthy(terminal: ZvtTerminal, sim: ZvtSimulator) -> None:
    health = terminal.status()
    assert health.ok
    assert not health.simulated  # a real protocol driver, even when the far end is simulated
    assert health.detail == f"ZVT terminal {sim.terminal_id} on {sim.path} ready"


def test_another_terminal_on_the_port_is_not_used(recorder: Recorder, tmp_path: Path) -> None:
    path = str(tmp_path / "ttyTERMINAL")
    with simulator("zvt", link_path=path) as first:
        driver = ZvtTerminal(settings_for("zvt", path), recorder.post)
    try:
        with simulator("zvt", link_path=path) as other:  # another terminal, same port name
            wait_until(lambda: not driver.status().ok)
            wait_until(lambda: "A different card terminal" in driver.status().detail)
            assert other.journal.entries() == ()
            assert driver.status().detail.startswith(
                f"A different card terminal answers on {path}, because terminal "
                f"{other.terminal_id} answered where terminal {first.terminal_id} was")
    finally:
        driver.close()


def test_an_approved_payment_with_statuses_and_the_terminals_receipt(
        terminal: ZvtTerminal, recorder: Recorder, sim: ZvtSimulator) -> None:
    terminal.authorise("a-1", "s-1", PRICE)
    outcome = recorder.outcome("a-1")
    assert recorder.statuses("a-1") == ["insert-card", "enter-pin", "processing", "remove-card"]
    assert outcome.outcome is PaymentOutcome.APPROVED
    assert (outcome.amount, outcome.masked_pan, outcome.card_type) == (
        PRICE, "497010******0119", "VISA")
    assert (outcome.terminal_id, outcome.trace_no, outcome.receipt_no) == (
        sim.terminal_id, "000001", "0001")
    assert len(outcome.auth_code) == 6
    assert "Amount EUR 12.34" in outcome.receipt_lines
    assert f"Auth code {outcome.auth_code}" in outcome.receipt_lines
    wait_until(lambda: all(e.delivered for e in sim.journal.entries()))
    [charge] = sim.journal.approved_charges()
    assert (charge.amount_minor, charge.trace_no) == (1234, 1)


@pytest.mark.parametrize("amount", [153, 228, 230, 1000, 1010])  # DLE in the amount or CRC
def test_amounts_whose_bytes_or_crc_hold_dle(terminal: ZvtTerminal, recorder: Recorder,
                                             sim: ZvtSimulator, amount: int) -> None:
    terminal.authorise(f"a-{amount}", "s-1", Money(amount, "EUR"))
    assert recorder.outcome(f"a-{amount}").outcome is PaymentOutcome.APPROVED
    assert [c.amount_minor for c in sim.journal.approved_charges()] == [amount]


@pytest.mark.parametrize(("fault", "expected"), [
    ("decline", (PaymentOutcome.DECLINED, "The card was declined by the card issuer.")),
    ("cancel", (PaymentOutcome.CANCELLED, "The payment was cancelled.")),
    ("busy", (PaymentOutcome.CANCELLED,
              "The card terminal is busy. Please try again in a moment. Nothing was charged.")),
])
def test_refusals_tell_the_shopper_why_and_charge_nothing(
        terminal: ZvtTerminal, recorder: Recorder, sim: ZvtSimulator, fault: str,
        expected: tuple[PaymentOutcome, str]) -> None:
    sim.script([fault])
    terminal.authorise("a-1", "s-1", PRICE)
    answer = recorder.outcome("a-1")
    assert (answer.outcome, answer.detail) == expected
    assert sim.journal.approved_charges() == ()


def test_cancel_at_the_kiosk_sends_ecr_abort(recorder: Recorder) -> None:
    with simulator("zvt", timing=replace(SIM_TIMING, card_step_s=1.0)) as slow:
        driver = ZvtTerminal(settings_for("zvt", slow.path, timeout_s=5.0), recorder.post)
        try:
            driver.authorise("a-1", "s-1", PRICE)
            recorder.next(TerminalStatus)  # "insert card": the shopper presses cancel instead
            driver.cancel("a-1")
            answer = recorder.outcome("a-1")
        finally:
            driver.close()
        entries = slow.journal.entries()
    assert (answer.outcome, answer.detail) == (PaymentOutcome.CANCELLED,
                                               "The payment was cancelled.")
    assert [(e.outcome, e.detail) for e in entries] == [
        ("cancelled", "aborted by the cash register (06 B0)")]


def test_the_same_attempt_twice_is_sent_once(terminal: ZvtTerminal, recorder: Recorder,
                                             sim: ZvtSimulator) -> None:
    terminal.authorise("a-1", "s-1", PRICE)
    terminal.authorise("a-1", "s-1", PRICE)
    first = recorder.outcome("a-1")
    terminal.authorise("a-1", "s-1", PRICE)
    assert recorder.outcome("a-1") == first
    assert len(sim.journal.entries()) == 1


def test_an_unknown_payment_gets_its_late_answer(terminal: ZvtTerminal, recorder: Recorder,
                                                 sim: ZvtSimulator) -> None:
    sim.script(["after-timeout@during-status"])
    terminal.authorise("a-1", "s-1", PRICE)
    first = recorder.outcome("a-1")
    assert first.outcome is PaymentOutcome.UNKNOWN
    late = recorder.outcome("a-1")
    assert late.outcome is PaymentOutcome.APPROVED
    assert late.detail.startswith("The card terminal answered after the kiosk had stopped waiting")
    assert len(sim.journal.approved_charges()) == 1


def test_recovery_reads_the_terminals_last_receipt(terminal: ZvtTerminal, recorder: Recorder,
                                                   sim: ZvtSimulator) -> None:
    terminal.authorise("a-0", "s-0", Money(500, "EUR"))
    assert recorder.outcome("a-0").outcome is PaymentOutcome.APPROVED
    sim.script(["bad-checksum@before-completion*3"])  # booked, result never delivered
    terminal.authorise("a-1", "s-1", PRICE)
    assert recorder.outcome("a-1").outcome is PaymentOutcome.UNKNOWN
    terminal.recover("a-1", "s-1", PRICE)
    found = recorder.outcome("a-1")
    report = recorder.report("recovery")
    assert found.outcome is PaymentOutcome.APPROVED
    assert found.detail.startswith("From the terminal's last receipt (trace 000002, receipt 0002")
    assert report.ok
    assert [c.trace_no for c in sim.journal.approved_charges()] == [1, 2]


def test_recovery_concludes_nothing_from_an_earlier_receipt(
        terminal: ZvtTerminal, recorder: Recorder, sim: ZvtSimulator) -> None:
    terminal.authorise("a-0", "s-0", PRICE)
    assert recorder.outcome("a-0").outcome is PaymentOutcome.APPROVED
    sim.script(["no-answer@after-ack"])  # nothing decided for a-1
    terminal.authorise("a-1", "s-1", PRICE)
    assert recorder.outcome("a-1").outcome is PaymentOutcome.UNKNOWN
    terminal.recover("a-1", "s-1", PRICE)  # the terminal is silent for a while: asked again
    report = recorder.report("recovery")
    assert not report.ok
    assert report.detail.startswith("The card terminal's last receipt (trace 000001")
    assert "does not look like this payment" in report.detail


def test_staff_status_enquiry_reversal_and_refund(terminal: ZvtTerminal, recorder: Recorder,
                                                  sim: ZvtSimulator) -> None:
    terminal.enquire()
    status = recorder.report("status")
    assert (status.ok, status.fields["software"]) == (True, "TSIM-1.0")
    terminal.authorise("a-1", "s-1", PRICE)
    approved = recorder.outcome("a-1")
    terminal.reverse("a-1", approved.receipt_no, PRICE)
    reversal = recorder.report("reversal")
    assert reversal.ok
    terminal.refund("r-1", Money(200, "EUR"))
    assert recorder.report("refund").ok
    assert sim.journal.standing_charges() == ()
    assert sim.journal.net_charged_minor() == -200


def test_a_vanished_port_is_a_health_failure_and_it_reconnects(
        terminal: ZvtTerminal, recorder: Recorder, sim: ZvtSimulator) -> None:
    sim.script(["disconnect@during-status"])
    terminal.authorise("a-1", "s-1", PRICE)
    lost = recorder.outcome("a-1")
    assert lost.outcome is PaymentOutcome.UNKNOWN
    assert lost.detail == "The connection to the card terminal was lost during the payment."
    wait_until(lambda: terminal.status().ok)
    health = [e for e in recorder.seen if isinstance(e, DeviceHealth)]
    assert [h.ok for h in health][:2] == [True, False]
    assert health[1].detail.startswith(f"The connection to the card terminal on {sim.path} was "
                                       "lost")
    terminal.authorise("a-2", "s-1", PRICE)
    assert recorder.outcome("a-2").outcome is PaymentOutcome.APPROVED


def test_without_a_password_the_terminal_is_not_used(sim: ZvtSimulator,
                                                     recorder: Recorder) -> None:
    driver = ZvtTerminal(settings_for("zvt", sim.path, password=""), recorder.post)
    try:
        health = driver.status()
    finally:
        driver.close()
    assert not health.ok
    assert health.detail == (f"Card terminal on {sim.path} cannot be used, because no ZVT "
                             "password is configured. Set devices.terminal.password_file. "
                             "Card payment is unavailable; staff are called to take the "
                             "payment.")
    assert sim.journal.entries() == ()
