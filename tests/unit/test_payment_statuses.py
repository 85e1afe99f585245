"""Every payment outcome the session can record is one the journal accepts.

The session and the journal are written apart (core vs store); this keeps them in step, so a
late or stray terminal answer is journaled instead of failing the durable write.
"""

from __future__ import annotations

import re
from pathlib import Path

from kiosk.core.events import PaymentOutcome
from kiosk.store.journal_entries import PAYMENT_STATUSES

CORE = Path(__file__).parents[2] / "kiosk" / "core"


def test_every_outcome_the_session_records_is_a_journal_status() -> None:
    source = (CORE / "session_payment.py").read_text(encoding="utf-8")
    literal = set(re.findall(r'RecordPaymentAttempt\([^)]*?"([a-z-]+)"', source, re.S))
    late = {f"late-{o.value}" for o in PaymentOutcome} if 'f"late-{' in source else set()
    recorded = {o.value for o in PaymentOutcome} | literal | late | {"started"}
    assert recorded - set(PAYMENT_STATUSES) == set()
