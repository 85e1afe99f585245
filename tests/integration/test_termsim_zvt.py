"""The ZVT terminal simulator over a real pty, driven by a pyserial ECR written in the test.

Each test asserts what the cash register sees on the wire (compared with the golden vectors
where the bytes are fixed) and what the terminal's own journal booked: the charge a shopper
would find on the bank statement.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
import serial
from termsim_helpers import (
    FAST,
    LIMIT_S,
    ZvtClient,
    commands,
    fixed_clock,
    serial_port,
    tv,
    zvt_frame,
)

from kiosk.hw.termsim.journal import APPROVED, CHARGE, REFUND, REVERSAL
from kiosk.hw.termsim.zvt_sim import ZvtSimulator

Factory = Callable[..., ZvtSimulator]
STATUSES = [b"\x04\xff"] * 4
RECEIPT_LINES = 9  # the simulated receipt: banner, title, TID, trace, card, date, amount, code, result
APPROVED_FLOW = [b"\x80\x00", *STATUSES, b"\x04\x0f", *[b"\x06\xd1"] * RECEIPT_LINES, b"\x06\x0f"]


@pytest.fixture
def make_sim() -> Iterator[Factory]:
    started: list[ZvtSimulator] = []

    def factory(*faults: str, **kwargs: object) -> ZvtSimulator:
        options: dict[str, object] = {"timing": FAST, "clock": fixed_clock, "tz": UTC,
                                      "approval_codes": iter(["123456", "654321", "111111"]),
                                      "trace_start": 16, "receipt_start": 16}
        options.update(kwargs)
        sim = ZvtSimulator(faults=faults, **options)  # type: ignore[arg-type]
        started.append(sim.start())  # type: ignore[arg-type]
        return sim

    yield factory
    for sim in started:
        sim.stop()


def pay(sim: ZvtSimulator, frame: bytes = tv.ZVT_AUTHORISATION_12_34_FRAME) -> list[bytes]:
    with serial_port(sim.path) as port:
        return ZvtClient(port).transact(frame)


def test_approved_payment_sends_the_golden_status_information(make_sim: Factory) -> None:
    sim = make_sim()
    seen = pay(sim)
    assert commands(seen) == APPROVED_FLOW
    assert seen[0] == tv.ZVT_ACK_APDU
    assert seen[1:5] == [tv.ZVT_INTERMEDIATE_INSERT_CARD_APDU, bytes.fromhex("04 FF 01 01"),
                         tv.ZVT_INTERMEDIATE_PLEASE_WAIT_APDU, tv.ZVT_INTERMEDIATE_REMOVE_CARD_APDU]
    assert seen[5] == tv.ZVT_STATUS_INFORMATION_APPROVED_12_34_APDU
    assert seen[-1] == tv.ZVT_COMPLETION_APDU
    lines = [apdu[4:].decode("cp437") for apdu in seen[6:-1]]
    assert lines[0] == "SIMULATED TERMINAL - NOT A REAL PAYMENT"
    assert "VISA 497010******0119" in lines
    assert "Amount EUR 12.34" in lines
    assert "Auth code 123456" in lines
    assert lines[-1] == "APPROVED"
    assert sim.wait_idle(LIMIT_S)
    (charge,) = sim.journal.approved_charges()
    assert (charge.kind, charge.amount_minor, charge.trace_no, charge.receipt_no,
            charge.delivered) == (CHARGE, 1234, 17, 17, True)


@pytest.mark.parametrize(("frame", "amount"), [
    (tv.ZVT_AUTHORISATION_12_34_REORDERED_FRAME, 1234),
    (tv.ZVT_AUTHORISATION_1_53_EMPTY_TLV_FRAME, 153),
    (tv.ZVT_AUTHORISATION_1_53_EMPTY_TLV_FRAME_CRC_DOUBLED, 153),
    (tv.ZVT_AUTHORISATION_10_00_FRAME, 1000),
    (zvt_frame(bytes.fromhex("06 01 07 04 00 00 00 02 28 00")), 22800),  # no currency
], ids=["bmps-reordered", "empty-tlv-crc-10", "crc-dle-doubled", "dle-in-amount", "no-currency"])
def test_authorisation_variants_deployed_registers_send_are_accepted(
        make_sim: Factory, frame: bytes, amount: int) -> None:
    sim = make_sim()
    seen = pay(sim, frame)
    assert commands(seen) == APPROVED_FLOW
    assert sim.wait_idle(LIMIT_S)
    (charge,) = sim.journal.approved_charges()
    assert (charge.amount_minor, charge.delivered) == (amount, True)


def test_declined_payment_sends_result_05_and_abort(make_sim: Factory) -> None:
    sim = make_sim("decline", trace_start=17,
                   clock=lambda: datetime(2024, 6, 15, 14, 31, 5, tzinfo=UTC))
    seen = pay(sim)
    assert seen[5] == tv.ZVT_STATUS_INFORMATION_DECLINED_12_34_APDU
    assert seen[-1] == tv.ZVT_ABORT_DECLINED_APDU
    assert seen[-2].endswith(b"DECLINED")
    assert sim.journal.approved_charges() == ()
    assert [e.outcome for e in sim.journal.entries()] == ["declined"]


def test_shopper_cancel_ends_with_abort_6c_and_books_nothing(make_sim: Factory) -> None:
    sim = make_sim("cancel")
    seen = pay(sim)
    assert seen == [tv.ZVT_ACK_APDU, tv.ZVT_INTERMEDIATE_INSERT_CARD_APDU,
                    tv.ZVT_ABORT_CANCELLED_APDU]
    assert [e.outcome for e in sim.journal.entries()] == ["cancelled"]


def test_ecr_abort_instead_of_ack_stops_the_dialogue(make_sim: Factory) -> None:
    sim = make_sim()
    with serial_port(sim.path) as port:
        ecr = ZvtClient(port)
        assert ecr.command(tv.ZVT_AUTHORISATION_12_34_FRAME) == b"\x06"
        assert ecr.read_apdu() == tv.ZVT_ACK_APDU
        assert ecr.read_apdu() == tv.ZVT_INTERMEDIATE_INSERT_CARD_APDU
        assert ecr.command(tv.ZVT_ECR_ABORT_FRAME) == b"\x06"  # 06 B0 in place of 80 00 00
        assert ecr.converse() == [tv.ZVT_ABORT_CANCELLED_APDU]
    (entry,) = sim.journal.entries()
    assert (entry.outcome, entry.detail) == ("cancelled", "aborted by the cash register (06 B0)")


def test_busy_terminal_refuses_then_the_retry_is_charged_once(make_sim: Factory) -> None:
    sim = make_sim("busy")
    with serial_port(sim.path) as port:
        ecr = ZvtClient(port)
        assert ecr.transact(tv.ZVT_AUTHORISATION_12_34_FRAME) == [tv.ZVT_NEGATIVE_ACK_BUSY_APDU]
        assert commands(ecr.transact(tv.ZVT_AUTHORISATION_12_34_FRAME)) == APPROVED_FLOW
    assert [e.outcome for e in sim.journal.entries()] == ["refused", APPROVED]
    assert sim.journal.net_charged_minor() == 1234


@pytest.mark.parametrize("phase", ["before-ack", "during-status", "before-completion",
                                   "after-completion"])
def test_nak_in_each_phase_is_recovered_by_repeating_the_frame(make_sim: Factory,
                                                               phase: str) -> None:
    sim = make_sim(f"nak@{phase}*2")
    with serial_port(sim.path) as port:
        ecr = ZvtClient(port)
        seen = ecr.transact(tv.ZVT_AUTHORISATION_12_34_FRAME)
    assert commands(seen) == APPROVED_FLOW
    assert ecr.link.count(b"\x15") == 2
    assert len(sim.journal.approved_charges()) == 1


@pytest.mark.parametrize("phase", ["after-ack", "during-status", "before-completion",
                                   "after-completion"])
def test_bad_checksum_in_each_phase_is_naked_and_sent_again(make_sim: Factory,
                                                            phase: str) -> None:
    sim = make_sim(f"bad-checksum@{phase}")
    with serial_port(sim.path) as port:
        ecr = ZvtClient(port)
        seen = ecr.transact(tv.ZVT_AUTHORISATION_12_34_FRAME)
    assert commands(seen) == APPROVED_FLOW
    assert ecr.rejected == 1
    assert len(sim.journal.approved_charges()) == 1


def test_bad_checksum_three_times_gives_the_transaction_up_before_charging(
        make_sim: Factory) -> None:
    sim = make_sim("bad-checksum@during-status*3")
    with serial_port(sim.path) as port:
        ecr = ZvtClient(port)
        assert ecr.transact(tv.ZVT_AUTHORISATION_12_34_FRAME, timeout_s=0.5) == [
            tv.ZVT_ACK_APDU]
        assert ecr.rejected == 3
    assert [e.outcome for e in sim.journal.entries()] == ["abandoned"]


def test_no_answer_during_the_dialogue_charges_nothing(make_sim: Factory) -> None:
    sim = make_sim("no-answer@during-status")
    with serial_port(sim.path) as port:
        ecr = ZvtClient(port)
        assert commands(ecr.transact(tv.ZVT_AUTHORISATION_12_34_FRAME, timeout_s=0.5)) == [
            b"\x80\x00", b"\x04\xff"]
    assert sim.wait_idle(LIMIT_S)
    assert sim.journal.approved_charges() == ()
    assert [e.outcome for e in sim.journal.entries()] == ["abandoned"]


def test_no_answer_after_the_decision_is_charged_and_repeat_receipt_tells(
        make_sim: Factory) -> None:
    """The ambiguous case: money moved, the register never heard; 06 20 recovers it."""
    sim = make_sim("no-answer@before-completion")
    with serial_port(sim.path) as port:
        ecr = ZvtClient(port)
        seen = ecr.transact(tv.ZVT_AUTHORISATION_12_34_FRAME, timeout_s=0.5)
        assert commands(seen) == [b"\x80\x00", *STATUSES]
        assert sim.wait_idle(LIMIT_S)
        (charge,) = sim.journal.approved_charges()
        assert not charge.delivered
        recovered = _after_silence(lambda: ecr.transact(tv.ZVT_REPEAT_RECEIPT_FRAME))
    assert recovered[1] == tv.ZVT_STATUS_INFORMATION_APPROVED_12_34_APDU
    assert recovered[-1] == tv.ZVT_COMPLETION_APDU
    assert len(sim.journal.approved_charges()) == 1  # repeating the receipt charges nothing


def _after_silence(action: Callable[[], list[bytes]]) -> list[bytes]:
    """Retry ``action`` until the silent (or unplugged) terminal answers again, bounded."""
    deadline = time.monotonic() + LIMIT_S
    while time.monotonic() < deadline:
        try:
            result = action()
        except serial.SerialException:  # the port is not back yet
            result = []
        if len(result) > 1:
            return result
        time.sleep(0.05)
    raise AssertionError("the terminal never answered again")


def test_no_answer_after_completion_leaves_the_result_delivered(make_sim: Factory) -> None:
    sim = make_sim("no-answer@after-completion")
    seen = pay(sim)
    assert commands(seen) == APPROVED_FLOW
    assert sim.wait_idle(LIMIT_S)
    (charge,) = sim.journal.approved_charges()
    assert charge.delivered


def test_late_acknowledgement_still_completes(make_sim: Factory) -> None:
    sim = make_sim("late-answer@before-ack")
    with serial_port(sim.path) as port:
        ecr = ZvtClient(port)
        assert ecr.send(tv.ZVT_AUTHORISATION_12_34_FRAME, wait_s=2.0) == b"\x06"
        seen = ecr.converse()
    assert commands(seen) == APPROVED_FLOW
    assert len(sim.journal.approved_charges()) == 1


def test_answer_after_the_kiosk_timed_out_is_charged_then_reversed(make_sim: Factory) -> None:
    sim = make_sim("after-timeout@before-completion")
    with serial_port(sim.path) as port:
        ecr = ZvtClient(port)
        seen = ecr.transact(tv.ZVT_AUTHORISATION_12_34_FRAME, timeout_s=0.5)  # the ECR gives up
        assert commands(seen) == [b"\x80\x00", *STATUSES]
        assert sim.wait_idle(LIMIT_S)  # the late result went out to nobody, three times
        assert not sim.journal.approved_charges()[0].delivered
        port.reset_input_buffer()  # what a driver does before its next command
        reversal = _after_silence(lambda: ecr.transact(tv.ZVT_REVERSAL_RECEIPT_17_FRAME))
    assert commands(reversal)[:5] == [b"\x80\x00", b"\x04\xff", b"\x04\xff", b"\x04\x0f",
                                      b"\x06\xd1"]
    assert reversal[-1] == tv.ZVT_COMPLETION_APDU
    assert [e.kind for e in sim.journal.approved(REVERSAL)] == [REVERSAL]
    assert sim.journal.standing_charges() == ()
    assert sim.journal.net_charged_minor() == 0


def test_disconnect_closes_the_port_and_the_terminal_comes_back(make_sim: Factory) -> None:
    sim = make_sim("disconnect@during-status")
    with serial_port(sim.path) as port:
        ecr = ZvtClient(port)
        with pytest.raises(serial.SerialException):
            ecr.transact(tv.ZVT_AUTHORISATION_12_34_FRAME)
        assert ecr.received == [tv.ZVT_ACK_APDU, tv.ZVT_INTERMEDIATE_INSERT_CARD_APDU]
    reopened = _after_silence(lambda: pay(sim, tv.ZVT_REGISTRATION_FRAME))
    assert reopened == [tv.ZVT_ACK_APDU, tv.ZVT_COMPLETION_REGISTRATION_APDU]
    assert [e.outcome for e in sim.journal.entries()] == ["abandoned"]


def test_garbage_on_the_line_does_not_stop_the_payment(make_sim: Factory) -> None:
    sim = make_sim("garbage@during-status", "garbage@before-ack", seed=7)
    for _ in range(2):
        assert commands(pay(sim)) == APPROVED_FLOW
    assert len(sim.journal.approved_charges()) == 2


def test_command_during_a_transaction_gets_busy(make_sim: Factory) -> None:
    sim = make_sim("late-answer@during-status")
    with serial_port(sim.path) as port:
        ecr = ZvtClient(port)
        assert ecr.command(tv.ZVT_AUTHORISATION_12_34_FRAME) == b"\x06"
        assert ecr.read_apdu() == tv.ZVT_ACK_APDU
        assert ecr.read_apdu() == tv.ZVT_INTERMEDIATE_INSERT_CARD_APDU
        ecr.acknowledge()
        assert ecr.command(tv.ZVT_STATUS_ENQUIRY_FRAME) == b"\x06"
        assert ecr.read_apdu() == tv.ZVT_NEGATIVE_ACK_BUSY_APDU
        assert commands(ecr.converse())[-1] == b"\x06\x0f"
    assert len(sim.journal.approved_charges()) == 1


def test_ecr_abort_while_the_terminal_works_is_acknowledged_then_aborts(
        make_sim: Factory) -> None:
    sim = make_sim("late-answer@during-status")
    with serial_port(sim.path) as port:
        ecr = ZvtClient(port)
        assert ecr.command(tv.ZVT_AUTHORISATION_12_34_FRAME) == b"\x06"
        assert ecr.read_apdu() == tv.ZVT_ACK_APDU
        assert ecr.read_apdu() == tv.ZVT_INTERMEDIATE_INSERT_CARD_APDU
        ecr.acknowledge()
        assert ecr.command(tv.ZVT_ECR_ABORT_FRAME) == b"\x06"  # unsolicited, while it waits
        assert ecr.converse() == [tv.ZVT_ACK_APDU, tv.ZVT_ABORT_CANCELLED_APDU]
    assert [e.outcome for e in sim.journal.entries()] == ["cancelled"]


def test_stray_acknowledgement_while_idle_is_ignored(make_sim: Factory) -> None:
    sim = make_sim()
    with serial_port(sim.path) as port:
        ecr = ZvtClient(port)
        assert ecr.command(tv.ZVT_ACK_FRAME) == b"\x06"
        assert ecr.read_apdu(timeout_s=0.3) is None
        assert commands(ecr.transact(tv.ZVT_AUTHORISATION_12_34_FRAME)) == APPROVED_FLOW


@pytest.mark.parametrize(("frame", "completion"), [
    (tv.ZVT_REGISTRATION_FRAME, tv.ZVT_COMPLETION_REGISTRATION_APDU),
    (tv.ZVT_REGISTRATION_NO_CURRENCY_FRAME, tv.ZVT_COMPLETION_REGISTRATION_NO_CURRENCY_APDU),
    (tv.ZVT_REGISTRATION_PASSWORD_123456_FRAME, tv.ZVT_COMPLETION_REGISTRATION_APDU),
    (tv.ZVT_STATUS_ENQUIRY_FRAME, tv.ZVT_COMPLETION_STATUS_ENQUIRY_APDU),
], ids=["registration", "no-currency", "password-123456", "status-enquiry"])
def test_administration_commands_answer_with_the_golden_completion(
        make_sim: Factory, frame: bytes, completion: bytes) -> None:
    sim = make_sim("decline")  # administration never uses up a scripted fault
    assert pay(sim, frame) == [tv.ZVT_ACK_APDU, completion]
    assert [str(f) for f in sim.faults.pending()] == ["decline"]


def test_registration_permitting_06_d3_gets_the_receipt_as_a_text_block(
        make_sim: Factory) -> None:
    sim = make_sim()
    permit = bytes.fromhex("06 06 26 04 0A 02 06 D3")  # TLV: permitted commands = 06 D3
    data = bytes.fromhex("00 00 00 BA 09 78 03 00") + permit
    registration = zvt_frame(b"\x06\x00" + bytes([len(data)]) + data)
    assert commands(pay(sim, registration)) == [b"\x80\x00", b"\x06\x0f"]
    seen = pay(sim)
    assert commands(seen) == [b"\x80\x00", *STATUSES, b"\x04\x0f", b"\x06\xd3", b"\x06\x0f"]
    assert b"\x07\x10Amount EUR 12.34" in seen[6]


def test_refund_and_reversal_are_journaled_against_the_charge(make_sim: Factory) -> None:
    sim = make_sim()
    assert commands(pay(sim)) == APPROVED_FLOW
    refund = pay(sim, tv.ZVT_REFUND_12_34_FRAME)
    assert refund[5][:4] == bytes.fromhex("04 0F 45 27")
    assert refund[-1] == tv.ZVT_COMPLETION_APDU
    reversal = pay(sim, tv.ZVT_REVERSAL_RECEIPT_17_FRAME)
    assert reversal[-1] == tv.ZVT_COMPLETION_APDU
    again = pay(sim, tv.ZVT_REVERSAL_RECEIPT_17_FRAME)
    assert again[-1] == bytes.fromhex("06 1E 01 B4")  # already reversed
    kinds = [(e.kind, e.outcome) for e in sim.journal.entries()]
    assert kinds == [(CHARGE, APPROVED), (REFUND, APPROVED), (REVERSAL, APPROVED),
                     (REVERSAL, "refused")]
    assert sim.journal.net_charged_minor() == -1234


def test_repeat_receipt_without_any_transaction_is_function_not_possible(
        make_sim: Factory) -> None:
    sim = make_sim()
    assert pay(sim, tv.ZVT_REPEAT_RECEIPT_FRAME) == [tv.ZVT_ACK_APDU,
                                                     bytes.fromhex("06 1E 01 83")]


def test_two_registers_one_after_another_on_the_same_port(make_sim: Factory) -> None:
    sim = make_sim()
    first = pay(sim)
    second = pay(sim, tv.ZVT_AUTHORISATION_10_00_FRAME)
    assert commands(first) == commands(second) == APPROVED_FLOW
    assert [e.amount_minor for e in sim.journal.approved_charges()] == [1234, 1000]
