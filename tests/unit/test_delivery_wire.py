"""The bytes the outbox pump publishes: exactly what the message rules say, built faster.

The pump splices a sale's stored canonical JSON into its envelope instead of decoding and
re-encoding it (kiosk.store.outbox.splice); these tests hold it to the reference spelling,
``kiosk.sync.messages.outbox_payload`` of the row ``Journal.pending`` returns, byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.store.chain import encode
from kiosk.store.journal import Journal
from kiosk.store.outbox import OutboxItem, splice
from kiosk.sync import messages
from kiosk.sync.delivery import wire_payload

T0 = datetime(2025, 3, 14, 9, 0, tzinfo=UTC)
MILK = "04006381333931"
BREAD = "04000417025005"


@pytest.fixture(scope="module")
def journal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Journal]:
    with Journal(tmp_path_factory.mktemp("wire") / "journal.sqlite3") as opened:
        yield opened


def reference(journal: Journal, after_id: int = 0) -> list[bytes]:
    return [messages.outbox_payload(row, "s1", "k1")
            for row in journal.pending(10_000, after_id=after_id)]


def published(journal: Journal, after_id: int = 0) -> list[bytes]:
    return [wire_payload(envelope, "s1", "k1")
            for envelope in journal.pending_envelopes(10_000, after_id=after_id)]


def test_every_kind_of_message_goes_out_as_the_reference_bytes(journal: Journal) -> None:
    journal.set_levels({MILK: 3}, T0)  # the sales below cross its threshold: low-stock alerts
    journal.record_payment_attempt(
        "S1", "P1", "unknown", at=T0, amount_minor=990, currency="EUR",
        outbox=[OutboxItem("events", "payment_unknown",
                           {"attempt_id": "P1", "amount_minor": 990, "note": "«Brie» \u2028"})])
    for number in range(1, 6):
        journal.record_sale(f"S{number}", number, {
            "total_minor": 250 * number, "currency": "EUR",
            "lines": [{"gtin": MILK, "name": 'Crème "fraîche" 🧀 \\ /', "qty": number},
                      {"gtin": BREAD, "name": "面包", "qty": 1, "tags": [None, True, {}]}]},
            at=T0, stock=[(MILK, -1, 2), (BREAD, -1, None)])
    journal.record_staff_action("A1", "staff-3", "reprint", at=T0)
    journal.record_stock_movement("M1", [(MILK, 24, None)], at=T0, reason="delivery")
    sent = published(journal)
    assert sent == reference(journal)
    kinds = [(json.loads(b)["type"], json.loads(b).get("kind")) for b in sent]
    assert ("payment_unknown", None) in kinds
    assert ("low_stock", None) in kinds
    assert ("record", "sale") in kinds
    assert ("record", "stock_movement") in kinds
    sale = next(json.loads(b) for b in sent if json.loads(b).get("kind") == "sale")
    assert sale["msg_id"] == f"s1/k1/{sale['outbox_id']}"
    assert sale["stock"] == [{"gtin": MILK, "delta": -1}, {"gtin": BREAD, "delta": -1}]
    assert sale["payload"]["lines"][1]["name"] == "面包"


JSON_LEAVES = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(
    st.characters(exclude_categories=("Cs",)), max_size=12)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=4),
    max_leaves=12)


@settings(max_examples=40, deadline=None)
@given(body=st.dictionaries(st.text(max_size=8).filter(lambda k: not k.startswith("sale_")),
                            JSON_VALUES, max_size=6))
def test_any_sale_payload_goes_out_as_the_reference_bytes(journal: Journal,
                                                          body: dict[str, Any]) -> None:
    number = journal.last_seq() + 1000
    journal.record_sale(f"H{number}", number, body, at=T0)
    newest = journal.pending(10_000)[-1].id - 1
    assert published(journal, after_id=newest) == reference(journal, after_id=newest)


def test_splice_equals_encoding_the_whole_object() -> None:
    raw = encode({"b": [1, "ü"], "a": None}).encode()
    for fields in ({"a": 1, "z": "x"}, {"z": 2}, {"a": 3}, {}):
        assert splice(fields, "m", raw) == encode({**fields, "m": json.loads(raw)}).encode()


def test_splice_when_a_field_holds_the_placeholder_value() -> None:
    """A field whose value is the placeholder itself must not be replaced: the fields are then
    encoded around the key instead."""
    raw = b'{"x":1}'
    fields = {"a": "\x00", "payload_note": "\x00", "z": "\x00"}
    assert splice(fields, "payload", raw) == encode(
        {**fields, "payload": {"x": 1}}).encode()


def test_splice_refuses_a_key_that_is_also_a_field() -> None:
    with pytest.raises(ValueError, match="both a field and the spliced key"):
        splice({"payload": 1}, "payload", b"2")
