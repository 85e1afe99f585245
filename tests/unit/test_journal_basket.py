"""The open basket survives a restart, and ends as a sale or as a chained void record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.errors import JournalError
from kiosk.store.journal import Journal

T0 = datetime(2025, 3, 14, 18, 0, tzinfo=UTC)
BASKET = {"sale_number": 7, "lines": [{"gtin": "04006381333931", "qty": 2, "price": 129}]}


def test_the_basket_is_restored_after_a_restart(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.db") as journal:
        journal.save_basket("S7", {"sale_number": 7, "lines": []}, at=T0)
        journal.save_basket("S7", BASKET, at=T0 + timedelta(seconds=20))
    with Journal(tmp_path / "j.db") as journal:
        restored = journal.open_basket()
    assert restored is not None
    sale_id, payload = restored
    assert (sale_id, payload) == ("S7", BASKET)


def test_completing_the_sale_clears_the_basket_in_the_same_transaction(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.db") as journal:
        journal.save_basket("S7", BASKET, at=T0)
        journal.record_sale("S7", 7, {"total": 258}, at=T0)
        assert journal.open_basket() is None
        assert journal.next_sale_number() == 8


def test_voiding_on_start_writes_a_chained_record_with_the_basket(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.db") as journal:
        journal.record_sale("S6", 6, {"total": 1}, at=T0)
        journal.save_basket("S7", BASKET, at=T0)
    with Journal(tmp_path / "j.db") as journal:
        voided = journal.void_basket(at=T0 + timedelta(minutes=3), reason="power cut")
        assert voided is not None
        assert voided.seq == 2
        record = journal.record("basket_void:S7")
        assert record is not None
        assert record.data() == {"sale_id": "S7", "sale_number": 7, "reason": "power cut",
                                 "basket": BASKET}
        assert journal.open_basket() is None
        assert journal.void_basket(at=T0, reason="again") is None
        assert journal.next_sale_number() == 8
        assert journal.pending(10)[-1].data()["kind"] == "basket_void"
        assert journal.verify_chain().ok


def test_another_sale_cannot_overwrite_an_open_basket(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.db") as journal:
        journal.save_basket("S7", BASKET, at=T0)
        with pytest.raises(JournalError, match="the basket of sale S7 is still open"):
            journal.save_basket("S8", {"lines": []}, at=T0)
        assert journal.open_basket().sale_id == "S7"


def test_clearing_is_safe_to_repeat(tmp_path: Path) -> None:
    with Journal(tmp_path / "j.db") as journal:
        journal.save_basket("S7", BASKET, at=T0)
        assert journal.clear_basket("S6") is False
        assert journal.clear_basket("S7") is True
        assert journal.clear_basket("S7") is False
        assert journal.open_basket() is None
        assert journal.last_seq() == 0  # working state, not history: nothing chained
