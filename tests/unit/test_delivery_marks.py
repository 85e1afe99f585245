"""Marking acknowledged outbox rows in batches: all of a batch or none, repeats harmless."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.errors import JournalError
from kiosk.store.journal import Journal

T0 = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal(tmp_path / "journal.sqlite3") as opened:
        for number in range(1, 7):
            opened.record_sale(f"S{number}", number, {"total_minor": number}, at=T0)
        yield opened


def pending_ids(journal: Journal) -> list[int]:
    return [envelope.id for envelope in journal.pending_envelopes(100)]


def test_a_batch_marks_its_rows_and_tolerates_repeats(journal: Journal) -> None:
    first, second, third, *rest = pending_ids(journal)
    journal.mark_delivered_many([first, third], at=T0)
    # A PUBACK repeated after a reconnect, and the same id twice in one batch.
    journal.mark_delivered_many([third, second, second], at=T0 + timedelta(seconds=1))
    assert pending_ids(journal) == rest
    counts = journal.outbox_counts()
    assert (counts.pending, counts.delivered) == (3, 3)
    delivered_at = dict(journal.conn.execute(
        "SELECT id, delivered_at FROM outbox WHERE delivered_at IS NOT NULL"))
    assert delivered_at[third] == "2025-03-14T09:00:00.000000Z"  # the first mark stands
    assert delivered_at[second] == "2025-03-14T09:00:01.000000Z"


def test_a_batch_with_an_unknown_id_marks_nothing(journal: Journal) -> None:
    ids = pending_ids(journal)
    with pytest.raises(JournalError, match="cannot mark outbox message 999 delivered"):
        journal.mark_delivered_many([ids[0], 999, ids[1]], at=T0)
    assert pending_ids(journal) == ids
