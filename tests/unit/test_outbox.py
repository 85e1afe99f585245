"""The outbox: every record leaves in order, with what the central side needs to check it."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.errors import JournalError
from kiosk.store.chain import canonical_json
from kiosk.store.journal import Journal
from kiosk.store.outbox import OutboxItem

T0 = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)
MILK = "04006381333931"


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    with Journal(tmp_path / "journal.db") as opened:
        yield opened


def test_every_record_is_queued_on_its_topic_in_commit_order(journal: Journal) -> None:
    journal.record_payment_attempt("S1", "P1", "started", at=T0, amount_minor=500,
                                   currency="EUR")
    journal.record_sale("S1", 1, {"total": 500}, at=T0, stock=[(MILK, -1, None)])
    journal.record_staff_action("A1", "staff-3", "reprint", at=T0)
    journal.record_stock_movement("M1", [(MILK, 24, None)], at=T0, reason="delivery")
    messages = journal.pending(10)
    assert [(m.topic, m.data()["record_id"], m.data()["seq"]) for m in messages] == [
        ("sales", "payment:P1:started", 1), ("sales", "sale:S1", 2),
        ("events", "staff:A1", 3), ("stock", "stock:M1", 4)]
    assert all(m.data()["schema"] == 1 for m in messages)


def test_a_record_message_lets_the_central_side_check_the_chain(journal: Journal) -> None:
    journal.record_sale("S1", 1, {"total": 500, "name": "Brie de Meaux"}, at=T0,
                        stock=[(MILK, -2, None)])
    message = journal.pending(1)[0].data()
    text = "\n".join([message["prev_hash"], str(message["seq"]), message["record_id"],
                      message["kind"], message["created_at"], canonical_json(message["payload"])])
    assert hashlib.sha256(text.encode()).hexdigest() == message["hash"]
    assert message["stock"] == [{"gtin": MILK, "delta": -2}]
    assert message["payload"] == {"total": 500, "name": "Brie de Meaux", "sale_id": "S1",
                                  "sale_number": 1}


def test_extra_messages_travel_with_their_record(journal: Journal) -> None:
    alert = OutboxItem("events", "payment_unknown", {"attempt_id": "P1", "amount_minor": 990})
    journal.record_payment_attempt("S1", "P1", "unknown", at=T0, amount_minor=990,
                                   currency="EUR", outbox=[alert])
    record_message, alert_message = journal.pending(10)
    assert alert_message.topic == "events"
    assert alert_message.data() == {
        "schema": 1, "type": "payment_unknown", "record_id": "payment:P1:unknown", "seq": 1,
        "created_at": "2025-03-14T09:00:00.000000Z",
        "body": {"attempt_id": "P1", "amount_minor": 990}}
    assert alert_message.record_seq == record_message.record_seq == 1


def test_delivered_messages_leave_the_pending_list_and_counts(journal: Journal) -> None:
    for n in range(1, 5):
        journal.record_sale(f"S{n}", n, {"total": n}, at=T0)
    first, second, *_ = journal.pending(10)
    journal.mark_delivered(second.id, at=T0 + timedelta(seconds=1))
    journal.mark_delivered(second.id, at=T0 + timedelta(seconds=2))  # a repeated PUBACK
    assert [m.data()["record_id"] for m in journal.pending(10)] == ["sale:S1", "sale:S3",
                                                                   "sale:S4"]
    assert [m.id for m in journal.pending(2)] == [first.id, first.id + 2]
    counts = journal.outbox_counts()
    assert (counts.pending, counts.delivered) == (3, 1)


def test_an_unknown_message_id_is_refused(journal: Journal) -> None:
    with pytest.raises(JournalError, match="there is no such message"):
        journal.mark_delivered(42, at=T0)


def test_purging_keeps_undelivered_and_the_newest_message(journal: Journal) -> None:
    for n in range(1, 5):
        journal.record_sale(f"S{n}", n, {"total": n}, at=T0)
    for message in journal.pending(10):
        if message.data()["record_id"] != "sale:S3":
            journal.mark_delivered(message.id, at=T0)
    assert journal.purge_delivered(T0 + timedelta(days=1)) == 2
    assert journal.outbox_counts().pending == 1
    assert journal.outbox_counts().delivered == 1  # the newest one, kept so ids never repeat
    journal.record_sale("S5", 5, {"total": 5}, at=T0)
    assert [m.id for m in journal.pending(10)] == [3, 5]
    assert journal.record("sale:S1") is not None  # records themselves are never purged


@pytest.mark.parametrize(("item", "reason"), [
    (OutboxItem("cmd", "x", {}), "the kiosk publishes only on catalogue/ack, events, sales"),
    (OutboxItem("events", "x", {"n": 1.5}), "because it is a float"),
    ({"topic": "events"}, "outbox messages are OutboxItem values"),
])
def test_bad_extra_messages_refuse_the_commit(journal: Journal, item: object,
                                              reason: str) -> None:
    with pytest.raises(JournalError, match=reason):
        journal.commit("staff_action", "staff:A1", {"action": "x"}, at=T0, outbox=[item])
    assert journal.last_seq() == 0


def test_a_batch_of_acknowledgements_is_marked_in_one_go_and_reading_resumes_after_an_id(
        journal: Journal) -> None:
    for n in range(1, 6):
        journal.record_sale(f"S{n}", n, {"total": n}, at=T0)
    first = journal.pending(10)
    assert [m.data()["record_id"] for m in journal.pending(2, after_id=first[1].id)] == [
        "sale:S3", "sale:S4"]
    journal.mark_delivered_many([first[0].id, first[1].id, first[2].id], at=T0)
    assert [m.data()["record_id"] for m in journal.pending(10)] == ["sale:S4", "sale:S5"]
    assert journal.outbox_counts().delivered == 3
    with pytest.raises(JournalError):  # one unknown id: none of the batch is marked
        journal.mark_delivered_many([first[3].id, 999], at=T0)
    assert journal.outbox_counts().delivered == 3
