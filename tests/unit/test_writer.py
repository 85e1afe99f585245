"""The journal writer thread: callers get futures at once, errors arrive on them, close drains."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.errors import JournalError
from kiosk.store.journal import Committed, Journal
from kiosk.store.journal_entries import payment_entry, sale_entry
from kiosk.store.writer import JournalWriter

T0 = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)


def test_a_commit_returns_a_future_while_the_writer_is_still_busy(tmp_path: Path) -> None:
    release = threading.Event()
    with JournalWriter(tmp_path / "j.db") as writer:
        blocker = writer.submit(lambda _journal: release.wait(10))
        pending = writer.commit("sale", "sale:S1", {"total": 5, "sale_number": 1}, at=T0)
        assert not pending.done()  # the caller (the UI loop) was not held up by the disk
        release.set()
        assert blocker.result(10) is True
        done = pending.result(10)
    assert isinstance(done, Committed)
    assert (done.seq, done.record_id) == (1, "sale:S1")


def test_jobs_run_in_submission_order(tmp_path: Path) -> None:
    with JournalWriter(tmp_path / "j.db") as writer:
        futures = [writer.submit(Journal.record_sale, f"S{n}", n, {"total": n}, at=T0)
                   for n in range(1, 31)]
        seqs = [future.result(10).seq for future in futures]
    assert seqs == list(range(1, 31))


def test_several_records_commit_together_on_the_writer(tmp_path: Path) -> None:
    entries = [payment_entry("S1", "P1", "approved", amount_minor=700, currency="EUR"),
               sale_entry("S1", 1, {"total": 700})]
    with JournalWriter(tmp_path / "j.db") as writer:
        payment, sale = writer.submit(Journal.commit_entries, entries, at=T0).result(10)
        report = writer.submit(Journal.verify_chain).result(10)
    assert (payment.seq, sale.seq, report.ok) == (1, 2, True)


def test_a_journal_error_arrives_on_the_future(tmp_path: Path) -> None:
    with JournalWriter(tmp_path / "j.db") as writer:
        failed = writer.commit("sale", "sale:S1", {"weight": 0.3}, at=T0)
        with pytest.raises(JournalError, match="because it is a float"):
            failed.result(10)
        assert writer.commit("sale", "sale:S2", {"total": 1}, at=T0).result(10).seq == 1


def test_any_other_failure_arrives_as_a_journal_error_with_its_cause(tmp_path: Path) -> None:
    def broken(_journal: Journal) -> None:
        raise KeyError("lines")

    with JournalWriter(tmp_path / "j.db") as writer:
        error = writer.submit(broken).exception(10)
    assert isinstance(error, JournalError)
    assert "the journal writer failed in broken, because KeyError: 'lines'" in str(error)
    assert isinstance(error.__cause__, KeyError)


def test_done_callbacks_see_the_result(tmp_path: Path) -> None:
    seen: list[int] = []
    finished = threading.Event()

    def on_done(future: Future[Committed]) -> None:
        seen.append(future.result().seq)
        finished.set()

    with JournalWriter(tmp_path / "j.db") as writer:
        writer.commit("staff_action", "staff:A1", {"action": "open"}, at=T0).add_done_callback(
            on_done)
        assert finished.wait(10)
    assert seen == [1]


def test_close_finishes_everything_already_queued(tmp_path: Path) -> None:
    writer = JournalWriter(tmp_path / "j.db")
    writer.start()
    futures = [writer.submit(Journal.record_sale, f"S{n}", n, {"total": n}, at=T0)
               for n in range(1, 21)]
    writer.close()
    assert all(future.done() and future.exception() is None for future in futures)
    with Journal(tmp_path / "j.db") as journal:
        assert journal.last_seq() == 20


def test_nothing_is_accepted_after_close(tmp_path: Path) -> None:
    writer = JournalWriter(tmp_path / "j.db")
    writer.start()
    writer.close()
    late = writer.commit("sale", "sale:S1", {"total": 1}, at=T0)
    with pytest.raises(JournalError, match="the journal writer is not running"):
        late.result(1)
    writer.close()  # closing twice is harmless


def test_a_journal_that_cannot_open_stops_start_with_the_reason(tmp_path: Path) -> None:
    writer = JournalWriter(tmp_path / "missing" / "j.db")
    with pytest.raises(JournalError, match="does not exist"):
        writer.start()
    with pytest.raises(JournalError, match="not running"):
        writer.commit("sale", "sale:S1", {}, at=T0).result(1)


def test_the_wal_is_checkpointed_when_the_writer_is_idle(tmp_path: Path) -> None:
    with JournalWriter(tmp_path / "j.db", idle_checkpoint_s=0.25) as writer:
        for n in range(1, 4):
            writer.submit(Journal.record_sale, f"S{n}", n, {"total": n}, at=T0).result(10)
        unsaved = [writer.submit(lambda j: j.commits_since_checkpoint).result(10)]
        for _ in range(40):  # leave idle gaps longer than idle_checkpoint_s; time isn't asserted
            time.sleep(0.3)
            unsaved.append(writer.submit(lambda j: j.commits_since_checkpoint).result(10))
            if unsaved[-1] == 0:
                break
    assert unsaved[0] == 3
    assert unsaved[-1] == 0  # the writer checkpointed on its own while idle
    assert writer.checkpoint_failures == 0
