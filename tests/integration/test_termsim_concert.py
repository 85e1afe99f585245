"""The Concert V2 terminal simulator over a real pty, driven by a pyserial register in the test.

The answers are compared byte for byte with the golden vectors (short, long, declined) and the
terminal's own journal says what was charged.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
import serial
from termsim_helpers import ACK, ENQ, LIMIT_S, NAK, ConcertClient, serial_port, tv
from termsim_helpers import FAST as ZVT_FAST

from kiosk.hw.termsim.concert_sim import ConcertSimulator
from kiosk.hw.termsim.journal import APPROVED, CHARGE, REFUND, REVERSAL
from kiosk.hw.termsim.sim_base import SimTiming

Factory = Callable[..., ConcertSimulator]
FAST = SimTiming(**{**{f: getattr(ZVT_FAST, f) for f in ZVT_FAST.__slots__},
                    "card_step_s": 0.02})
SHORT, LONG = 28, 83


@pytest.fixture
def make_sim() -> Iterator[Factory]:
    started: list[ConcertSimulator] = []

    def factory(*faults: str, **kwargs: object) -> ConcertSimulator:
        sim = ConcertSimulator(faults=faults, timing=FAST, **kwargs)  # type: ignore[arg-type]
        sim.start()
        started.append(sim)
        return sim

    yield factory
    for sim in started:
        sim.stop()


def pay(sim: ConcertSimulator, request: bytes = tv.CONCERT_REQUEST_12_34_FRAME,
        size: int = SHORT) -> bytes | None:
    with serial_port(sim.path) as port:
        register = ConcertClient(port)
        assert register.request(request)
        return register.answer(size)


@pytest.mark.parametrize(("request_frame", "size", "answer"), [
    (tv.CONCERT_REQUEST_12_34_FRAME, SHORT, tv.CONCERT_ANSWER_SHORT_APPROVED_FRAME),
    (tv.CONCERT_REQUEST_12_34_LONG_FRAME, LONG, tv.CONCERT_ANSWER_LONG_APPROVED_FRAME),
    (tv.CONCERT_REQUEST_12_34_IMMEDIATE_FRAME, SHORT, tv.CONCERT_ANSWER_SHORT_APPROVED_FRAME),
], ids=["short", "long", "immediate"])
def test_approved_payment_answers_the_golden_bytes(make_sim: Factory, request_frame: bytes,
                                                   size: int, answer: bytes) -> None:
    sim = make_sim()
    assert pay(sim, request_frame, size) == answer
    assert sim.wait_idle(LIMIT_S)
    (charge,) = sim.journal.approved_charges()
    assert (charge.amount_minor, charge.currency, charge.delivered) == (1234, 978, True)


def test_request_whose_lrc_is_etx_is_framed_by_length(make_sim: Factory) -> None:
    sim = make_sim()
    answer = pay(sim, tv.CONCERT_REQUEST_0_05_FRAME)
    assert answer is not None
    assert answer[1:12] == b"01000000005"
    assert [e.amount_minor for e in sim.journal.approved_charges()] == [5]


@pytest.mark.parametrize("fault", ["decline", "cancel"])
def test_decline_and_cancel_answer_status_7_and_charge_nothing(make_sim: Factory,
                                                               fault: str) -> None:
    sim = make_sim(fault)
    assert pay(sim) == tv.CONCERT_ANSWER_SHORT_DECLINED_FRAME
    assert sim.wait_idle(LIMIT_S)
    assert sim.journal.approved_charges() == ()
    assert [e.outcome for e in sim.journal.entries()] == [{"decline": "declined"}.get(
        fault, "cancelled")]


def test_busy_terminal_naks_the_enq_then_takes_the_retry(make_sim: Factory) -> None:
    sim = make_sim("busy")
    with serial_port(sim.path) as port:
        register = ConcertClient(port)
        port.write(ENQ)
        assert register.expect() == NAK
        deadline = time.monotonic() + LIMIT_S
        while not register.request(tv.CONCERT_REQUEST_12_34_FRAME):
            assert time.monotonic() < deadline
        assert register.answer(SHORT) == tv.CONCERT_ANSWER_SHORT_APPROVED_FRAME
    assert [e.outcome for e in sim.journal.entries()] == ["refused", APPROVED]


def test_enq_during_a_transaction_is_refused_as_busy(make_sim: Factory) -> None:
    sim = make_sim("late-answer@during-status")
    with serial_port(sim.path) as port:
        register = ConcertClient(port)
        assert register.request(tv.CONCERT_REQUEST_12_34_FRAME)
        port.write(ENQ)
        assert register.expect() == NAK
        assert register.answer(SHORT) == tv.CONCERT_ANSWER_SHORT_APPROVED_FRAME
    assert len(sim.journal.approved_charges()) == 1


def test_nak_makes_the_register_send_its_request_again(make_sim: Factory) -> None:
    sim = make_sim("nak@before-ack*2")
    with serial_port(sim.path) as port:
        register = ConcertClient(port)
        port.write(ENQ)
        assert register.expect() == ACK
        replies = []
        for _ in range(3):
            port.write(tv.CONCERT_REQUEST_12_34_FRAME)
            replies.append(register.expect())
        assert replies == [NAK, NAK, ACK]
        port.write(b"\x04")
        assert register.answer(SHORT) == tv.CONCERT_ANSWER_SHORT_APPROVED_FRAME
    assert len(sim.journal.approved_charges()) == 1


def test_bad_lrc_answer_is_naked_and_sent_again(make_sim: Factory) -> None:
    sim = make_sim("bad-checksum@before-completion")
    with serial_port(sim.path) as port:
        register = ConcertClient(port)
        assert register.request(tv.CONCERT_REQUEST_12_34_FRAME)
        assert register.answer(SHORT) == tv.CONCERT_ANSWER_SHORT_APPROVED_FRAME
        assert register.naks_sent == 1
    assert len(sim.journal.approved_charges()) == 1


def test_bad_lrc_request_is_naked(make_sim: Factory) -> None:
    sim = make_sim()
    broken = tv.CONCERT_REQUEST_12_34_FRAME[:-1] + b"\x7f"
    with serial_port(sim.path) as port:
        register = ConcertClient(port)
        port.write(ENQ)
        assert register.expect() == ACK
        port.write(broken)
        assert register.expect() == NAK
        port.write(tv.CONCERT_REQUEST_12_34_FRAME)
        assert register.expect() == ACK
        port.write(b"\x04")
        assert register.answer(SHORT) == tv.CONCERT_ANSWER_SHORT_APPROVED_FRAME


def test_no_answer_to_the_enq_then_the_retry_is_charged_once(make_sim: Factory) -> None:
    sim = make_sim("no-answer@before-ack")
    with serial_port(sim.path) as port:
        register = ConcertClient(port)
        port.write(ENQ)
        assert register.expect(wait_s=0.3) == b""  # silence
        assert sim.journal.entries() == ()  # the request never came: nothing to book
        time.sleep(FAST.silence_s)
        assert register.request(tv.CONCERT_REQUEST_12_34_FRAME)
        assert register.answer(SHORT) == tv.CONCERT_ANSWER_SHORT_APPROVED_FRAME
    assert len(sim.journal.approved_charges()) == 1


def test_no_answer_before_the_decision_charges_nothing(make_sim: Factory) -> None:
    sim = make_sim("no-answer@during-status")
    with serial_port(sim.path) as port:
        register = ConcertClient(port)
        assert register.request(tv.CONCERT_REQUEST_12_34_FRAME)
        assert register.answer(SHORT, wait_s=0.5) is None
    assert sim.wait_idle(LIMIT_S)
    assert sim.journal.approved_charges() == ()
    assert [e.outcome for e in sim.journal.entries()] == ["abandoned"]


def test_no_answer_after_the_decision_is_a_charge_the_register_never_heard(
        make_sim: Factory) -> None:
    sim = make_sim("no-answer@before-completion")
    with serial_port(sim.path) as port:
        register = ConcertClient(port)
        assert register.request(tv.CONCERT_REQUEST_12_34_FRAME)
        assert register.answer(SHORT, wait_s=0.5) is None
    assert sim.wait_idle(LIMIT_S)
    (charge,) = sim.journal.approved_charges()
    assert not charge.delivered


def test_no_eot_after_the_answer_leaves_it_delivered(make_sim: Factory) -> None:
    sim = make_sim("no-answer@after-completion")
    with serial_port(sim.path) as port:
        register = ConcertClient(port)
        assert register.request(tv.CONCERT_REQUEST_12_34_FRAME)
        answer = register.answer(SHORT)
    assert answer == tv.CONCERT_ANSWER_SHORT_APPROVED_FRAME + b"<no EOT>"
    assert sim.wait_idle(LIMIT_S)
    assert sim.journal.approved_charges()[0].delivered


def test_late_answer_still_completes(make_sim: Factory) -> None:
    sim = make_sim("late-answer@before-completion")
    assert pay(sim) == tv.CONCERT_ANSWER_SHORT_APPROVED_FRAME
    assert len(sim.journal.approved_charges()) == 1


def test_answer_after_the_register_gave_up_is_charged_and_cancellable(
        make_sim: Factory) -> None:
    sim = make_sim("after-timeout@before-completion")
    with serial_port(sim.path) as port:
        register = ConcertClient(port)
        assert register.request(tv.CONCERT_REQUEST_12_34_FRAME)
        assert register.answer(SHORT, wait_s=0.3) is None  # the register gives up
        assert sim.wait_idle(LIMIT_S)
        assert not sim.journal.approved_charges()[0].delivered
        port.reset_input_buffer()
        cancel = tv.CONCERT_REQUEST_12_34_FRAME.replace(b"1234010978", b"1234012978")
        cancel = cancel[:-1] + bytes([_lrc(cancel[1:-1])])
        assert register.request(cancel)
        assert register.answer(SHORT) is not None
    assert [e.kind for e in sim.journal.approved(REVERSAL)] == [REVERSAL]
    assert sim.journal.net_charged_minor() == 0


def _lrc(body: bytes) -> int:
    value = 0
    for byte in body:
        value ^= byte
    return value


def test_disconnect_fails_the_open_port_and_the_terminal_comes_back(make_sim: Factory) -> None:
    sim = make_sim("disconnect@during-status")
    with serial_port(sim.path) as port:
        register = ConcertClient(port)
        assert register.request(tv.CONCERT_REQUEST_12_34_FRAME)
        with pytest.raises(serial.SerialException):
            register.answer(SHORT, wait_s=2.0)
    answer = None
    deadline = time.monotonic() + LIMIT_S
    while answer is None and time.monotonic() < deadline:
        try:
            answer = pay(sim)
        except serial.SerialException:
            time.sleep(0.05)
    assert answer == tv.CONCERT_ANSWER_SHORT_APPROVED_FRAME
    assert [e.outcome for e in sim.journal.entries()] == ["abandoned", APPROVED]


@pytest.mark.parametrize("phase", ["before-ack", "before-completion", "after-completion"])
def test_garbage_on_the_line_is_skipped(make_sim: Factory, phase: str) -> None:
    sim = make_sim(f"garbage@{phase}", seed=3)
    with serial_port(sim.path) as port:
        register = ConcertClient(port)
        assert register.request(tv.CONCERT_REQUEST_12_34_FRAME)
        assert register.answer(SHORT) == tv.CONCERT_ANSWER_SHORT_APPROVED_FRAME
    assert len(sim.journal.approved_charges()) == 1


def test_refund_and_cancellation_types(make_sim: Factory) -> None:
    sim = make_sim()
    assert pay(sim) == tv.CONCERT_ANSWER_SHORT_APPROVED_FRAME
    refund = tv.CONCERT_REQUEST_12_34_FRAME.replace(b"1234010978", b"1234011978")
    assert pay(sim, refund[:-1] + bytes([_lrc(refund[1:-1])]))[3:4] == b"0"
    kinds = [(e.kind, e.outcome) for e in sim.journal.entries()]
    assert kinds == [(CHARGE, APPROVED), (REFUND, APPROVED)]
    assert sim.journal.net_charged_minor() == 0


def test_two_registers_one_after_another(make_sim: Factory) -> None:
    sim = make_sim()
    assert pay(sim) == tv.CONCERT_ANSWER_SHORT_APPROVED_FRAME
    assert pay(sim, tv.CONCERT_REQUEST_12_34_LONG_FRAME, LONG) == (
        tv.CONCERT_ANSWER_LONG_APPROVED_FRAME)
    assert len(sim.journal.approved_charges()) == 2
