"""Stock in the journal: decremented with the sale, alerts once per crossing, central wins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.errors import JournalError
from kiosk.store.journal import Journal
from kiosk.store.stock import LowStock, StockMove

T0 = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)
MILK = "04006381333931"
BREAD = "05449000000996"


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    with Journal(tmp_path / "journal.db") as opened:
        yield opened


def sell(journal: Journal, n: int, moves: list[tuple[str, int, int | None]],
         minutes: int = 0) -> tuple[LowStock, ...]:
    return journal.record_sale(f"S{n}", n, {"total": 1}, at=T0 + timedelta(minutes=minutes),
                               stock=moves).low_stock


def test_a_sale_decrements_the_level_in_its_own_transaction(journal: Journal) -> None:
    journal.set_levels({MILK: 12, BREAD: 4}, T0)
    sell(journal, 1, [(MILK, -2, 3), (BREAD, -1, 1)])
    assert journal.stock_level(MILK).level == 10
    assert journal.stock_level(BREAD).level == 3


def test_crossing_the_threshold_raises_exactly_one_alert(journal: Journal) -> None:
    journal.set_levels({MILK: 7}, T0)
    alerts = [sell(journal, n, [(MILK, -1, 5)], minutes=n) for n in range(1, 6)]
    # 7 -> 6 -> 5 (at the threshold: low) -> 4 -> 3 -> 2
    assert alerts == [(), (LowStock(MILK, 5, 5),), (), (), ()]
    low = [m.data() for m in journal.pending() if m.topic == "stock"]
    assert [m["body"] for m in low] == [{"gtin": MILK, "level": 5, "threshold": 5}]
    assert low[0]["record_id"] == "sale:S2"
    assert low[0]["type"] == "low_stock"


def test_a_refill_above_the_threshold_rearms_the_alert(journal: Journal) -> None:
    journal.set_levels({MILK: 3}, T0)
    assert sell(journal, 1, [(MILK, -1, 2)], minutes=1) == (LowStock(MILK, 2, 2),)
    journal.record_stock_movement("D1", [StockMove(MILK, 10)], at=T0 + timedelta(minutes=2),
                                  reason="delivery")
    assert journal.stock_level(MILK).level == 12
    assert sell(journal, 2, [(MILK, -11, 2)], minutes=3) == (LowStock(MILK, 1, 2),)


def test_one_sale_of_several_units_crossing_far_below_alerts_once(journal: Journal) -> None:
    journal.set_levels({MILK: 10}, T0)
    assert sell(journal, 1, [(MILK, -3, 4), (MILK, -6, 4)]) == (LowStock(MILK, 1, 4),)


def test_a_product_without_a_known_level_is_recorded_but_not_alerted(journal: Journal) -> None:
    assert sell(journal, 1, [(MILK, -1, 5)]) == ()
    assert journal.stock_level(MILK) is None
    journal.set_levels({MILK: 20}, T0 - timedelta(hours=1))
    assert journal.stock_level(MILK).level == 19


def test_central_levels_count_only_our_movements_after_their_time(journal: Journal) -> None:
    journal.set_levels({MILK: 50}, T0)
    sell(journal, 1, [(MILK, -2, None)], minutes=10)
    sell(journal, 2, [(MILK, -3, None)], minutes=20)
    sell(journal, 3, [(MILK, -4, None)], minutes=30)
    # The central count was taken at minute 15: it already includes sale 1, not sales 2 and 3.
    applied = journal.set_levels({MILK: 40}, T0 + timedelta(minutes=15))
    assert applied == {MILK: 33}
    level = journal.stock_level(MILK)
    assert (level.level, level.as_of) == (33, "2025-03-14T09:15:00.000000Z")


def test_an_older_snapshot_arriving_late_does_not_roll_the_level_back(journal: Journal) -> None:
    journal.set_levels({MILK: 40}, T0 + timedelta(hours=2))
    assert journal.set_levels({MILK: 90, BREAD: 5}, T0) == {BREAD: 5}
    assert journal.stock_level(MILK).level == 40


@pytest.mark.parametrize(("move", "reason"), [
    (("123", -1, 0), "stock is kept per GTIN-14"),
    ((MILK, 0, 0), "a movement is a non-zero whole number of stock units"),
    ((MILK, -1.5, 0), "a movement is a non-zero whole number of stock units"),
    ((MILK, -1, -2), "a threshold is a whole number, 0 or more, or None"),
])
def test_bad_moves_refuse_the_whole_sale(journal: Journal, move: tuple, reason: str) -> None:
    journal.set_levels({MILK: 5}, T0)
    with pytest.raises(JournalError, match=reason):
        journal.record_sale("S1", 1, {"total": 1}, at=T0, stock=[(MILK, -1, 0), move])
    assert journal.last_seq() == 0
    assert journal.stock_level(MILK).level == 5


def test_a_bad_central_level_is_refused(journal: Journal) -> None:
    with pytest.raises(JournalError, match="a level is a whole number of stock units"):
        journal.set_levels({MILK: "7"}, T0)
