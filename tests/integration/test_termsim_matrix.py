"""Every scripted fault in every phase it can strike, on both simulators, from a register's side.

Whatever the fault, the terminal books at most one charge for one request, books none when it
never reached a decision, and serves the next register afterwards. The specific behaviour of
each fault is checked byte by byte in test_termsim_zvt.py and test_termsim_concert.py; this
matrix makes sure no combination hangs, crashes or charges twice.
"""

from __future__ import annotations

import time

import pytest
import serial
from termsim_helpers import LIMIT_S, ConcertClient, ZvtClient, serial_port, tv

from kiosk.hw.termsim.concert_sim import ConcertSimulator
from kiosk.hw.termsim.faults import CONCERT, ZVT, Fault, fault_matrix
from kiosk.hw.termsim.journal import APPROVED
from kiosk.hw.termsim.sim_base import SimTiming, TerminalSimulator
from kiosk.hw.termsim.zvt_sim import ZvtSimulator

# Everything short: the register gives up after GIVE_UP_S, the terminal's late result comes later.
MATRIX = SimTiming(link_ack_s=0.4, link_attempts=3, reply_s=0.5, card_step_s=0.01,
                   late_answer_s=0.1, after_timeout_s=0.4, silence_s=0.2, disconnect_s=0.1,
                   busy_s=0.1, inter_byte_s=0.2)
GIVE_UP_S = 0.3
GIVES_UP = ("no-answer", "after-timeout", "disconnect")  # the register stops waiting early


def patience(fault: Fault) -> float:
    """How long the test's register waits: briefly where giving up is the point, else 1 s."""
    return GIVE_UP_S if fault.name in GIVES_UP else 1.0
ZVT_MATRIX = fault_matrix(ZVT)
CONCERT_MATRIX = fault_matrix(CONCERT)
BEFORE_DECISION = ("before-ack", "after-ack", "during-status")
# faults after which the register must have the approved result in hand
COMPLETES = ("approve", "nak", "bad-checksum", "garbage", "late-answer")


def test_the_matrix_covers_every_fault_and_phase() -> None:
    print(f"terminal simulator fault matrix: zvt {len(ZVT_MATRIX)}, "
          f"concert {len(CONCERT_MATRIX)}")
    assert (len(ZVT_MATRIX), len(CONCERT_MATRIX)) == (37, 31)


def _check_booking(sim: TerminalSimulator, fault: Fault) -> None:
    assert sim.wait_idle(LIMIT_S)
    approved = sim.journal.approved_charges()
    assert len(approved) <= 1, "one request, at most one charge"
    never_decided = (fault.name == "disconnect" and fault.phase in BEFORE_DECISION) or (
        fault.name == "no-answer" and fault.phase in BEFORE_DECISION[1:])
    if never_decided or fault.name in ("decline", "cancel", "busy"):
        assert approved == ()
    if fault.name in COMPLETES:
        assert [(e.outcome, e.delivered) for e in approved] == [(APPROVED, True)]


def _retry(action: object, attempts_s: float = LIMIT_S) -> object:
    deadline = time.monotonic() + attempts_s
    while time.monotonic() < deadline:
        try:
            result = action()  # type: ignore[operator]
        except serial.SerialException:
            result = None
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError("the terminal never served the next register")


@pytest.mark.parametrize("fault", ZVT_MATRIX, ids=str)
def test_zvt_fault_matrix(fault: Fault) -> None:
    with ZvtSimulator(faults=[fault], timing=MATRIX) as sim:
        try:
            with serial_port(sim.path) as port:
                ZvtClient(port, ack_wait_s=patience(fault)).transact(
                    tv.ZVT_AUTHORISATION_12_34_FRAME, timeout_s=patience(fault))
        except serial.SerialException:
            assert fault.name == "disconnect"
        _check_booking(sim, fault)

        def next_payment() -> list[bytes]:
            with serial_port(sim.path) as port:
                port.reset_input_buffer()
                seen = ZvtClient(port).transact(tv.ZVT_AUTHORISATION_10_00_FRAME)
            return seen if seen and seen[-1] == tv.ZVT_COMPLETION_APDU else []

        _retry(next_payment)
        assert sim.wait_idle(LIMIT_S)
        assert sim.journal.approved_charges()[-1].amount_minor == 1000


@pytest.mark.parametrize("fault", CONCERT_MATRIX, ids=str)
def test_concert_fault_matrix(fault: Fault) -> None:
    with ConcertSimulator(faults=[fault], timing=MATRIX) as sim:
        try:
            with serial_port(sim.path) as port:
                register = ConcertClient(port, ack_wait_s=patience(fault))
                if register.request(tv.CONCERT_REQUEST_12_34_FRAME):
                    register.answer(28, wait_s=patience(fault))
        except serial.SerialException:
            assert fault.name == "disconnect"
        _check_booking(sim, fault)

        def next_payment() -> bytes | None:
            with serial_port(sim.path) as port:
                port.reset_input_buffer()
                register = ConcertClient(port)
                if not register.request(tv.CONCERT_REQUEST_0_05_FRAME):
                    return None
                return register.answer(28)

        _retry(next_payment)
        assert sim.wait_idle(LIMIT_S)
        assert sim.journal.approved_charges()[-1].amount_minor == 5
