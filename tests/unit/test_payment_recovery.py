"""What the session and the start-up do with answers that come late or from a recovery.

A late answer (or a recovery's finding) settles nothing: staff resolve. An approval's card data
and terminal receipt stay on the attempt, so staff resolving it as approved put them on the
sale (and so on the shopper's receipt). After a restart, an attempt whose last journal step is
a late answer is still open: the kiosk restores it as unknown instead of taking a new payment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from test_session_kit import COKE, Kiosk

from kiosk.app import _unanswered
from kiosk.core import events as ev
from kiosk.core.effects import RecordPaymentAttempt, RecordSale
from kiosk.core.money import Money

SLIP = "CARD PAYMENT\nAmount EUR 1.20\nAPPROVED"


def unknown_payment() -> Kiosk:
    kiosk = Kiosk()
    kiosk.scan(COKE)
    kiosk.pay()
    kiosk.answer(ev.PaymentOutcome.UNKNOWN, reason="no answer from the card terminal")
    assert str(kiosk.session.state) == "payment_unknown"
    return kiosk


def test_a_late_approval_is_recorded_for_staff_and_settles_nothing() -> None:
    kiosk = unknown_payment()
    late = kiosk.answer(ev.PaymentOutcome.APPROVED, auth_code="123456", receipt=SLIP,
                        reason="The card terminal answered after the kiosk had stopped waiting")
    [record] = [e for e in late.effects if isinstance(e, RecordPaymentAttempt)]
    assert record.outcome == "late-approved"
    assert record.detail["receipt"] == SLIP
    assert str(kiosk.session.state) == "payment_unknown"
    assert kiosk.pay().rejected is not None  # still no second charge


def test_staff_resolving_a_late_approval_puts_the_terminal_data_on_the_sale() -> None:
    kiosk = unknown_payment()
    kiosk.answer(ev.PaymentOutcome.APPROVED, auth_code="123456", receipt=SLIP, reason="late")
    kiosk.staff("s-017", "supervisor")
    resolved = kiosk.send(ev.PaymentResolved, kiosk.attempt_id(), ev.PaymentOutcome.APPROVED,
                          "s-017")
    [sale] = [e.sale for e in resolved.effects if isinstance(e, RecordSale)]
    [payment] = sale.payments
    assert (payment.outcome, payment.auth["auth_code"], payment.auth["receipt"]) == (
        "approved", "123456", SLIP)
    assert payment.auth["reason"] == "no answer from the card terminal"  # why it was unknown


def test_a_late_decline_leaves_the_attempt_as_it_was() -> None:
    kiosk = unknown_payment()
    kiosk.answer(ev.PaymentOutcome.DECLINED, reason="declined")
    assert kiosk.session.attempts[-1].auth == {"reason": "no answer from the card terminal"}


@dataclass
class Step:
    attempt_id: str
    status: str

    def data(self) -> dict[str, object]:
        return json.loads(json.dumps({"attempt_id": self.attempt_id, "status": self.status,
                                      "amount_minor": 120, "currency": "EUR"}))


def test_after_a_restart_an_attempt_with_only_a_late_answer_is_still_open() -> None:
    assert _unanswered([Step("s-P1", "started")]) == ("s-P1", Money(120, "EUR"))
    assert _unanswered([Step("s-P1", "started"), Step("s-P1", "unknown"),
                        Step("s-P1", "late-approved")]) == ("s-P1", Money(120, "EUR"))
    assert _unanswered([Step("s-P1", "started"), Step("s-P1", "unknown"),
                        Step("s-P1", "late-approved"), Step("s-P1", "approved")]) is None
    assert _unanswered([Step("s-P1", "started"), Step("s-P1", "declined"),
                        Step("s-P2", "started")]) == ("s-P2", Money(120, "EUR"))
