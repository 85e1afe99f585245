"""The hash chain: the central side can recompute it, and tampering is caught."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.store.journal import Journal

T0 = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)


def fill(path: Path, count: int) -> None:
    with Journal(path) as journal:
        for n in range(1, count + 1):
            journal.record_sale(f"S{n}", n, {"total": 100 * n, "name": "Café crème 咖啡"},
                                at=T0 + timedelta(minutes=n))


def tamper(path: Path, *statements: str) -> None:
    """What someone with the file and the sqlite3 tool could do: drop the guards, edit."""
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER records_no_update")
    conn.execute("DROP TRIGGER records_no_delete")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def test_the_hash_is_the_documented_formula_the_central_side_recomputes(tmp_path: Path) -> None:
    fill(tmp_path / "j.db", 2)
    with Journal(tmp_path / "j.db") as journal:
        first, second = journal.records()
    text = "\n".join(["0" * 64, "1", "sale:S1", "sale", "2025-03-14T09:31:00.000000Z",
                      '{"name":"Café crème 咖啡","sale_id":"S1","sale_number":1,"total":100}'])
    assert first.hash == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert second.prev_hash == first.hash


def test_an_untouched_journal_verifies(tmp_path: Path) -> None:
    fill(tmp_path / "j.db", 5)
    with Journal(tmp_path / "j.db") as journal:
        report = journal.verify_chain()
    assert (report.ok, report.records, report.first_bad_seq, report.reason) == (True, 5, None, "")


def test_an_altered_payload_is_caught_at_its_record(tmp_path: Path) -> None:
    fill(tmp_path / "j.db", 5)
    tamper(tmp_path / "j.db",
           "UPDATE records SET payload = replace(payload, '\"total\":300', '\"total\":3') "
           "WHERE seq = 3")
    with Journal(tmp_path / "j.db") as journal:
        report = journal.verify_chain()
        assert journal.gaps() == []
    assert not report.ok
    assert report.first_bad_seq == 3
    assert report.records == 2
    assert report.reason == "record 3 (sale:S3) was altered: its hash does not match its content"


def test_a_deleted_record_is_caught_as_a_hole(tmp_path: Path) -> None:
    fill(tmp_path / "j.db", 6)
    tamper(tmp_path / "j.db", "DELETE FROM outbox WHERE record_seq = 4",
           "DELETE FROM stock_movements WHERE record_seq = 4", "DELETE FROM records WHERE seq = 4")
    with Journal(tmp_path / "j.db") as journal:
        report = journal.verify_chain()
        assert journal.gaps() == [(4, 4)]
    assert (report.ok, report.first_bad_seq) == (False, 4)
    assert report.reason == "record 4 is missing (next present is 5)"


def test_a_record_rehashed_after_editing_breaks_the_next_link(tmp_path: Path) -> None:
    fill(tmp_path / "j.db", 4)
    conn = sqlite3.connect(tmp_path / "j.db")
    seq, record_id, kind, created_at, payload, prev = conn.execute(
        "SELECT seq, record_id, kind, created_at, payload, prev_hash FROM records WHERE seq = 2"
    ).fetchone()
    forged = payload.replace('"total":200', '"total":2')
    digest = hashlib.sha256("\n".join([prev, str(seq), record_id, kind, created_at, forged])
                            .encode()).hexdigest()
    conn.close()
    tamper(tmp_path / "j.db",
           f"UPDATE records SET payload = '{forged}', hash = '{digest}' WHERE seq = 2")
    with Journal(tmp_path / "j.db") as journal:
        report = journal.verify_chain()
    assert (report.ok, report.first_bad_seq) == (False, 3)
    assert report.reason == "record 3 does not link to the hash of record 2"


@pytest.mark.parametrize(("deleted", "expected"), [
    ((1, 2), [(1, 2)]),
    ((3, 5, 6), [(3, 3), (5, 6)]),
    ((), []),
])
def test_gaps_are_reported_as_ranges(tmp_path: Path, deleted: tuple[int, ...],
                                     expected: list[tuple[int, int]]) -> None:
    fill(tmp_path / "j.db", 8)
    statements = [f"DELETE FROM {table} WHERE record_seq = {seq}"
                  for seq in deleted for table in ("outbox", "stock_movements")]
    statements += [f"DELETE FROM records WHERE seq = {seq}" for seq in deleted]
    tamper(tmp_path / "j.db", *statements)
    with Journal(tmp_path / "j.db") as journal:
        assert journal.gaps() == expected
