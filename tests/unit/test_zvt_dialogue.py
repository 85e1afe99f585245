"""The ZVT payment dialogue's decisions, without a port: what ends a payment, and how."""

from __future__ import annotations

import terminal_vectors as tv

from kiosk.core.events import PaymentOutcome
from kiosk.hw.zvt import messages as msg
from kiosk.hw.zvt.apdu import decode_apdu
from kiosk.hw.zvt.dialogue import Dialogue

APPROVED = msg.parse_message(decode_apdu(tv.ZVT_STATUS_INFORMATION_APPROVED_12_34_APDU))
DECLINED = msg.parse_message(decode_apdu(tv.ZVT_STATUS_INFORMATION_DECLINED_12_34_APDU))


def run(*messages: msg.Message, amount: int = 1234) -> tuple[Dialogue, list]:
    dialogue = Dialogue(amount)
    return dialogue, [dialogue.on(m) for m in messages]


def test_approved_with_statuses_receipt_and_completion() -> None:
    _, steps = run(msg.Accepted(), msg.Intermediate(0x0A), msg.Intermediate(0x01), APPROVED,
                   msg.PrintLine("CARD PAYMENT", False), msg.PrintLine("APPROVED", True),
                   msg.Completion())
    assert [s.status_key for s in steps if s.status_key] == ["insert-card", "enter-pin"]
    assert steps[0].reply is None  # 80 00 is an answer, not a message to answer
    assert all(s.reply == msg.ACK_APDU for s in steps[1:])
    result = steps[-1].result
    assert result is not None
    assert (result.outcome, result.detail) == (PaymentOutcome.APPROVED, "Approved.")
    assert result.customer_lines == ("CARD PAYMENT", "APPROVED")
    assert result.info is not None
    assert result.info.auth_code == "123456"


def test_nothing_is_final_before_completion() -> None:
    _, steps = run(msg.Accepted(), APPROVED, msg.PrintLine("x", True))
    assert all(s.result is None for s in steps)


def test_declined_then_abort_is_declined() -> None:
    _, steps = run(msg.Accepted(), DECLINED, msg.Abort(0x05))
    result = steps[-1].result
    assert result is not None
    assert result.outcome is PaymentOutcome.DECLINED
    assert result.detail == "The card was declined by the card issuer."


def test_an_abort_after_an_approving_status_is_not_a_charge() -> None:
    _, steps = run(msg.Accepted(), APPROVED, msg.Abort(0x6C))
    result = steps[-1].result
    assert result is not None
    assert result.outcome is PaymentOutcome.CANCELLED


def test_refused_before_acceptance_never_started() -> None:
    _, steps = run(msg.Refused(0xA0))
    result = steps[0].result
    assert result is not None
    assert result.outcome is PaymentOutcome.CANCELLED
    assert result.detail == ("The card terminal is busy. Please try again in a moment. "
                             "Nothing was charged.")


def test_refusals_after_acceptance_answer_our_abort_and_end_nothing() -> None:
    _, steps = run(msg.Accepted(), msg.Refused(0x83))
    assert steps[-1].result is None


def test_completion_without_result_is_unknown() -> None:
    _, steps = run(msg.Accepted(), msg.Completion())
    result = steps[-1].result
    assert result is not None
    assert result.outcome is PaymentOutcome.UNKNOWN


def test_an_approval_of_another_amount_is_unknown() -> None:
    _, steps = run(msg.Accepted(), APPROVED, msg.Completion(), amount=1000)
    result = steps[-1].result
    assert result is not None
    assert result.outcome is PaymentOutcome.UNKNOWN
    assert "approved 1234 minor units, but 1000 were asked" in result.detail


def test_a_lost_line_after_an_approving_status_is_unknown_after_a_decline_declined() -> None:
    approved, _ = run(msg.Accepted(), APPROVED)
    assert approved.unfinished("Lost.").outcome is PaymentOutcome.UNKNOWN
    assert "reported an approval but did not complete" in approved.unfinished("Lost.").detail
    declined, _ = run(msg.Accepted(), DECLINED)
    assert declined.unfinished("Lost.").outcome is PaymentOutcome.DECLINED
    silent, _ = run(msg.Accepted(), msg.Intermediate(0x0A))
    assert silent.unfinished("Lost.").outcome is PaymentOutcome.UNKNOWN


def test_two_untyped_receipts_are_merchant_then_customer_typed_ones_by_type() -> None:
    _, steps = run(msg.Accepted(), APPROVED, msg.PrintLine("MERCHANT COPY", True),
                   msg.PrintLine("CUSTOMER COPY", True), msg.Completion())
    result = steps[-1].result
    assert result is not None
    assert (result.merchant_lines, result.customer_lines) == (("MERCHANT COPY",),
                                                              ("CUSTOMER COPY",))
    _, steps = run(msg.Accepted(), APPROVED, msg.PrintBlock(("C",), msg.CUSTOMER),
                   msg.PrintBlock(("M",), msg.MERCHANT), msg.Completion())
    result = steps[-1].result
    assert result is not None
    assert (result.merchant_lines, result.customer_lines) == (("M",), ("C",))


def test_input_requests_are_refused_other_messages_acknowledged() -> None:
    _, steps = run(msg.Other((0x04, 0x0D)), msg.Other((0x04, 0x01)))
    assert [s.reply for s in steps] == [msg.NOT_SUPPORTED_APDU, msg.ACK_APDU]
