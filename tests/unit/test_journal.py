"""The sales journal: one record per business event, ids that make retries safe, no gaps."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.errors import JournalError
from kiosk.store.journal import Journal
from kiosk.store.journal_entries import payment_entry, sale_entry

T0 = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
MILK = "04006381333931"


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    with Journal(tmp_path / "journal.db") as opened:
        yield opened


def test_a_sale_is_recorded_with_the_first_sequence_number(journal: Journal) -> None:
    done = journal.record_sale("S1", 1, {"total": 349, "currency": "EUR"}, at=T0)
    assert (done.seq, done.record_id, done.duplicate) == (1, "sale:S1", False)
    stored = journal.record("sale:S1")
    assert stored is not None
    assert stored.kind == "sale"
    assert stored.created_at == "2025-03-14T09:30:00.000000Z"
    assert stored.data() == {"total": 349, "currency": "EUR", "sale_id": "S1", "sale_number": 1}
    assert stored.payload == '{"currency":"EUR","sale_id":"S1","sale_number":1,"total":349}'


def test_a_retry_with_the_same_id_returns_the_stored_record_and_writes_nothing(
        journal: Journal) -> None:
    first = journal.record_sale("S1", 1, {"total": 349}, at=T0, stock=[(MILK, -1, 0)])
    again = journal.record_sale("S1", 1, {"total": 349}, at=T0 + timedelta(seconds=5),
                                stock=[(MILK, -1, 0)])
    assert again.duplicate
    assert (again.seq, again.hash) == (first.seq, first.hash)
    assert journal.last_seq() == 1
    assert journal.outbox_counts().pending == 1
    moved = journal.conn.execute("SELECT COUNT(*) FROM stock_movements").fetchone()[0]
    assert moved == 1


def test_a_retry_with_different_content_is_refused(journal: Journal) -> None:
    journal.record_sale("S1", 1, {"total": 349}, at=T0)
    with pytest.raises(JournalError, match="record 1 already has that id with different content"):
        journal.record_sale("S1", 1, {"total": 350}, at=T0)


def test_sequence_continues_without_gaps_across_reopen(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    with Journal(path) as journal:
        journal.record_sale("S1", 1, {"total": 1}, at=T0)
        journal.record_staff_action("A1", "staff-7", "reprint", at=T0)
    with Journal(path) as journal:
        done = journal.record_sale("S2", 2, {"total": 2}, at=T0 + timedelta(minutes=1))
        assert done.seq == 3
        assert [r.seq for r in journal.records()] == [1, 2, 3]
        assert journal.gaps() == []
        assert journal.verify_chain().ok


def test_entries_in_one_transaction_are_all_or_nothing(journal: Journal) -> None:
    journal.record_sale("S1", 1, {"total": 100}, at=T0)
    entries = [
        payment_entry("S2", "P2", "approved", amount_minor=200, currency="EUR"),
        sale_entry("S1", 1, {"total": 999}),  # same id as an existing sale, other content
    ]
    with pytest.raises(JournalError, match="different content"):
        journal.commit_entries(entries, at=T0)
    assert journal.record("payment:P2:approved") is None
    assert journal.last_seq() == 1
    next_one = journal.record_sale("S3", 2, {"total": 5}, at=T0)
    assert next_one.seq == 2


def test_payment_steps_are_separate_records_found_by_sale(journal: Journal) -> None:
    for step, status in enumerate(("started", "unknown", "resolved")):
        journal.record_payment_attempt(
            "S9", "P1", status, at=T0 + timedelta(seconds=step), amount_minor=1250,
            currency="EUR", detail={"outcome": "approved"} if status == "resolved" else None)
    journal.record_payment_attempt("OTHER", "P7", "started", at=T0, amount_minor=5,
                                   currency="EUR")
    steps = journal.payment_attempts("S9")
    assert [(r.record_id, r.data()["status"]) for r in steps] == [
        ("payment:P1:started", "started"), ("payment:P1:unknown", "unknown"),
        ("payment:P1:resolved", "resolved")]
    assert steps[-1].data()["outcome"] == "approved"


def test_a_payment_step_must_be_a_known_one(journal: Journal) -> None:
    with pytest.raises(JournalError, match="a payment step is one of started, approved"):
        journal.record_payment_attempt("S1", "P1", "maybe", at=T0, amount_minor=1,
                                       currency="EUR")


def test_next_sale_number_counts_sales_voids_and_the_open_basket(journal: Journal) -> None:
    assert journal.next_sale_number() == 1
    journal.record_sale("S1", 1, {"total": 1}, at=T0)
    journal.commit("void", "void:S2", {"sale_id": "S2", "sale_number": 2}, at=T0)
    journal.commit("refund", "refund:R1", {"sale_number": 1, "amount": 1}, at=T0)
    assert journal.next_sale_number() == 3
    journal.save_basket("S3", {"sale_number": 3, "lines": []}, at=T0)
    assert journal.next_sale_number() == 4


@pytest.mark.parametrize(("payload", "reason"), [
    ({"weight": 0.5}, "cannot record the value at payload.weight, because it is a float"),
    ({"n": float("nan")}, "because it is not a finite number"),
    ({"lines": [{"at": T0}]}, "payload.lines[0].at, because a datetime has no JSON form"),
    ({1: "x"}, "cannot record the key 1 at payload, because JSON object keys are text"),
    ({"sale_number": 0}, "its sale_number 0 is not a whole number from 1"),
])
def test_a_payload_without_one_exact_json_form_is_refused(journal: Journal, payload: dict,
                                                         reason: str) -> None:
    with pytest.raises(JournalError) as caught:
        journal.commit("sale", "sale:X", payload, at=T0)
    assert reason in str(caught.value)
    assert journal.last_seq() == 0


@pytest.mark.parametrize(("kwargs", "reason"), [
    ({"kind": "coupon"}, "the journal knows no topic to send it on"),
    ({"kind": "Sale"}, "a kind is lowercase letters and underscores"),
    ({"record_id": "has space"}, "a record id is 1 to 128 printable ASCII characters"),
    ({"record_id": ""}, "a record id is 1 to 128 printable ASCII characters"),
    ({"at": datetime(2025, 1, 1)}, "the journal needs a timezone-aware datetime"),
])
def test_bad_kinds_ids_and_times_are_refused_with_a_reason(journal: Journal, kwargs: dict,
                                                           reason: str) -> None:
    call = {"kind": "sale", "record_id": "sale:X", "at": T0} | kwargs
    with pytest.raises(JournalError, match=reason):
        journal.commit(call["kind"], call["record_id"], {"total": 1}, at=call["at"])


def test_time_is_stored_in_utc_whatever_zone_it_was_given_in(journal: Journal) -> None:
    paris = datetime(2025, 7, 1, 14, 0, tzinfo=UTC).astimezone()
    journal.record_staff_action("A1", "staff-1", "open", at=paris)
    stored = journal.record("staff:A1")
    assert stored is not None
    assert stored.created_at == "2025-07-01T14:00:00.000000Z"


def test_committed_records_cannot_be_rewritten_through_sqlite(journal: Journal) -> None:
    journal.record_sale("S1", 1, {"total": 1}, at=T0)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        journal.conn.execute("UPDATE records SET payload = '{}' WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        journal.conn.execute("DELETE FROM records")


def test_a_missing_directory_is_named_in_the_error(tmp_path: Path) -> None:
    with pytest.raises(JournalError) as caught:
        Journal(tmp_path / "nowhere" / "journal.db")
    text = str(caught.value)
    assert f"the directory {tmp_path / 'nowhere'} does not exist" in text
    assert "paths.data_dir" in text


def test_a_directory_in_the_way_of_the_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "journal.db").mkdir()
    with pytest.raises(JournalError, match="a directory of that name is in the way"):
        Journal(tmp_path / "journal.db")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to read-only directories")
def test_a_read_only_directory_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(JournalError, match="is not writable by this user"):
            Journal(folder / "journal.db")
    finally:
        folder.chmod(0o755)


def test_a_file_that_is_not_a_database_is_refused_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "journal.db"
    path.write_bytes(b"this is a receipt, not a database" * 200)
    with pytest.raises(JournalError, match="SQLite could not read it"):
        Journal(path)
    assert path.read_bytes().startswith(b"this is a receipt")


def test_a_closed_journal_says_so(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.db")
    journal.close()
    with pytest.raises(JournalError, match="it has been closed"):
        journal.record_sale("S1", 1, {}, at=T0)


EVENT = st.tuples(st.sampled_from(["sale", "staff", "bad"]), st.integers(0, 5))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(EVENT, max_size=25), st.integers(1, 3))
def test_any_mix_of_commits_retries_and_refusals_leaves_no_gap(events: list[tuple[str, int]],
                                                              reopen_every: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "journal.db"
        journal = Journal(path)
        ids: set[str] = set()
        try:
            for index, (what, n) in enumerate(events):
                if index % reopen_every == 0:
                    journal.close()
                    journal = Journal(path)
                if what == "sale":
                    journal.record_sale(f"S{n}", n + 1, {"total": n}, at=T0)
                    ids.add(f"sale:S{n}")
                elif what == "staff":
                    journal.record_staff_action(f"A{n}", "staff-1", "reprint", at=T0)
                    ids.add(f"staff:A{n}")
                else:
                    with pytest.raises(JournalError):
                        journal.record_sale(f"B{n}", n + 1, {"weight": 0.25}, at=T0)
            assert journal.last_seq() == len(ids)
            assert journal.gaps() == []
            assert journal.verify_chain().records == len(ids)
            assert {r.record_id for r in journal.records()} == ids
        finally:
            journal.close()


def test_a_checkpoint_empties_the_wal_and_restarts_it_before_the_next_sale(
        journal: Journal) -> None:
    for n in range(1, 6):
        journal.record_sale(f"S{n}", n, {"total": n}, at=T0)
    frames_before = journal.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
    assert journal.checkpoint() == 0
    # The WAL now holds only the one-row restart write, not the five sales again.
    frames_after = journal.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
    assert frames_after < frames_before
    assert frames_after <= 2
    assert journal.commits_since_checkpoint == 0
    assert journal.verify_chain().records == 5
