"""The terminal simulators' fault script: what an entry means and how a bad one is refused."""

from __future__ import annotations

import pytest

from kiosk.hw.termsim.faults import (
    APPROVE,
    CONCERT,
    FAULTS,
    ZVT,
    Fault,
    FaultScript,
    FaultScriptError,
    parse_fault,
    phases_for,
)


@pytest.mark.parametrize(("spec", "protocol", "fault"), [
    ("decline", ZVT, Fault("decline")),
    ("nak", ZVT, Fault("nak", "before-ack")),
    ("nak@before-completion*3", ZVT, Fault("nak", "before-completion", 3)),
    ("bad-checksum", CONCERT, Fault("bad-checksum", "before-completion")),
    ("no-answer", ZVT, Fault("no-answer", "before-ack")),
    ("after-timeout", CONCERT, Fault("after-timeout", "before-completion")),
    ("disconnect@after-completion", ZVT, Fault("disconnect", "after-completion")),
])
def test_entries_read_with_their_default_phase(spec: str, protocol: str, fault: Fault) -> None:
    assert parse_fault(spec, protocol) == fault
    assert str(parse_fault(str(fault), protocol)) == str(fault)


@pytest.mark.parametrize(("spec", "protocol", "message"), [
    ("explode", ZVT, "unknown terminal fault 'explode', because the faults are "
     + ", ".join(FAULTS) + "."),
    ("decline@before-ack", ZVT, "fault 'decline' cannot strike 'before-ack' on zvt, because it "
     "strikes no phase (it is an answer)."),
    ("nak@after-ack", ZVT, "fault 'nak' cannot strike 'after-ack' on zvt, because it strikes "
     "before-ack, during-status, before-completion, after-completion."),
    ("nak@during-status", CONCERT, "fault 'nak' cannot strike 'during-status' on concert, "
     "because it strikes before-ack."),
    ("garbage*2", ZVT, "fault entry 'garbage*2' has a bad count, because only nak and "
     "bad-checksum take *COUNT, 1 to 99."),
    ("nak*0", ZVT, "fault entry 'nak*0' has a bad count, because only nak and bad-checksum "
     "take *COUNT, 1 to 99."),
])
def test_bad_entries_are_refused_with_a_reason(spec: str, protocol: str, message: str) -> None:
    with pytest.raises(FaultScriptError) as caught:
        parse_fault(spec, protocol)
    assert caught.value.message == message


def test_the_script_is_used_in_order_then_approves() -> None:
    script = FaultScript(ZVT, ["decline", "busy"])
    script.extend(["cancel"])
    assert [str(script.next()) for _ in range(4)] == ["decline", "busy", "cancel", "approve"]
    assert script.next() is APPROVE


def test_a_bad_entry_adds_nothing() -> None:
    script = FaultScript(CONCERT, ["decline"])
    with pytest.raises(FaultScriptError):
        script.extend(["cancel", "nak@after-completion"])
    assert script.pending() == (Fault("decline"),)


def test_every_phase_fault_has_a_phase_on_both_protocols() -> None:
    for name in FAULTS:
        for protocol in (ZVT, CONCERT):
            outcome = name in ("approve", "decline", "cancel", "busy")
            assert bool(phases_for(name, protocol)) is not outcome, (name, protocol)
