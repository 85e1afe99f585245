"""The commit log: a record is durable once its frame is written; SQLite catches up from it."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.errors import JournalError
from kiosk.store import commit_log
from kiosk.store.journal import Journal

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
GTIN = "04006381333931"


def crash(journal: Journal) -> None:
    """What a power cut right after the log's fdatasync leaves: the frame, and no SQLite row.

    (SIGKILL at every instant of a real commit is tested in tests/reliability; this reaches
    the one state in between deterministically.)
    """
    journal._unapplied.clear()
    journal._db.close()
    journal._conn = None
    journal._log.close()


def test_a_commit_in_the_log_but_not_in_sqlite_is_there_after_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "journal.sqlite"
    journal = Journal(db)
    journal.set_levels({GTIN: 5}, T0)
    journal.record_sale("S1", 1, {"total": 250}, at=T0, stock=[(GTIN, -2, 3)])
    crash(journal)

    with Journal(db) as reopened:
        sale = reopened.record("sale:S1")
        assert sale is not None
        assert sale.seq == 1
        assert reopened.stock_level(GTIN).level == 3
        low = [m.data() for m in reopened.pending() if m.topic == "stock"]
        assert [m["body"] for m in low] == [{"gtin": GTIN, "level": 3, "threshold": 3}]
        assert reopened.verify_chain().ok
        # The next sale continues the sequence and the chain.
        assert reopened.record_sale("S2", 2, {"total": 99}, at=T0).seq == 2
        assert reopened.verify_chain().records == 2


def test_a_torn_frame_is_dropped_and_the_journal_still_opens(tmp_path: Path) -> None:
    db = tmp_path / "journal.sqlite"
    journal = Journal(db)
    journal.record_sale("S1", 1, {"total": 250}, at=T0)
    journal.record_sale("S2", 2, {"total": 300}, at=T0)
    crash(journal)
    log = Path(f"{db}-log")
    with log.open("r+b") as handle:  # S2's frame loses its last bytes: the write was torn
        frame = commit_log._frame_at(memoryview(log.read_bytes()), commit_log.FIRST_FRAME)
        assert frame is not None
        handle.seek(frame.end - 3)
        handle.write(b"\0\0\0")

    with Journal(db) as reopened:
        # S1 reached SQLite before S2 was committed; S2's frame no longer checks out.
        assert reopened.record("sale:S1") is not None
        assert reopened.record("sale:S2") is None
        assert reopened.last_seq() == 1
        assert reopened.verify_chain().ok


def test_a_second_process_may_read_but_not_write(tmp_path: Path) -> None:
    db = tmp_path / "journal.sqlite"
    with Journal(db) as writer:
        writer.record_sale("S1", 1, {"total": 250}, at=T0)
        writer.catch_up()  # the writer thread does this as soon as it is idle
        with Journal(db) as reader:
            assert reader.record("sale:S1") is not None
            with pytest.raises(JournalError) as refused:
                reader.record_sale("S2", 2, {"total": 1}, at=T0)
            assert "another process has this journal open" in refused.value.why


def test_the_same_id_twice_in_one_commit_is_recorded_once(tmp_path: Path) -> None:
    from kiosk.store.journal_entries import sale_entry
    with Journal(tmp_path / "journal.sqlite") as journal:
        entry = sale_entry("S1", 1, {"total": 5})
        first, second = journal.commit_entries([entry, entry], at=T0)
        assert (first.seq, second.seq, second.duplicate) == (1, 1, True)
        assert journal.last_seq() == 1


def frames(count: int) -> bytes:
    data = bytearray(commit_log.FIRST_FRAME)
    for seq in range(1, count + 1):
        frame = commit_log.encode(seq, [{"seq": seq, "payload": "x" * seq}])
        data += frame + bytes(-len(frame) % commit_log.BLOCK)
    return bytes(data)


def test_frames_are_read_only_while_they_continue_what_sqlite_holds() -> None:
    data = frames(4)
    assert [f.first_seq for f in commit_log.frames_after(data, 0)] == [1, 2, 3, 4]
    assert [f.first_seq for f in commit_log.frames_after(data, 2)] == [3, 4]
    assert list(commit_log.frames_after(data, 4)) == []


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=3 * commit_log.BLOCK), st.integers(0, 8 * commit_log.BLOCK))
def test_garbage_never_raises_and_never_passes_for_a_frame(noise: bytes, at: int) -> None:
    data = bytearray(frames(3))
    data[at:at + len(noise)] = noise
    found = list(commit_log.frames_after(bytes(data), 0))
    # Whatever survives is a prefix of the real frames, intact.
    assert [f.first_seq for f in found] == list(range(1, len(found) + 1))
    assert all(f.records[0]["payload"] == "x" * f.first_seq for f in found)


def test_the_log_file_is_written_ahead_so_a_commit_flushes_no_metadata(tmp_path: Path) -> None:
    with Journal(tmp_path / "journal.sqlite") as journal:
        journal.record_sale("S1", 1, {"total": 1}, at=T0)
        size = os.stat(f"{journal.path}-log").st_size
        for n in range(2, 40):
            journal.record_sale(f"S{n}", n, {"total": n}, at=T0)
        assert os.stat(f"{journal.path}-log").st_size == size == commit_log.CHUNK
