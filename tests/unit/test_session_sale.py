"""The sale record and the open basket's journal form (kiosk.core.sale)."""

from __future__ import annotations

import json

import pytest
from test_session_kit import BANANAS, CATALOGUE, COKE, NUTELLA, PEN, T0, Kiosk

from kiosk.core import events as ev
from kiosk.core.basket import Line
from kiosk.core.effects import RecordSale
from kiosk.core.product import Product
from kiosk.core.sale import StockMovement, line_from_dict, line_to_dict, stock_movements
from kiosk.errors import CatalogueError


def _product(gtin: str) -> Product:
    product = CATALOGUE.by_gtin(gtin)
    assert product is not None
    return product


def test_stock_moves_in_items_grams_or_packs_one_line_per_product() -> None:
    lines = [
        Line(1, _product(COKE), 2),
        Line(2, _product(BANANAS), weight_g=1234),
        Line(3, _product(COKE), 1),
        Line(4, _product(BANANAS), weight_g=560),
        Line(5, _product(BANANAS), label_price=349),  # a price-only label: weight unknown
    ]
    assert stock_movements(lines) == (
        StockMovement(BANANAS, -1794, "g"),
        StockMovement(BANANAS, -1, "pack"),
        StockMovement(COKE, -3, "each"),
    )


def test_a_basket_line_survives_the_journal_round_trip() -> None:
    line = Line(7, _product(NUTELLA), 3, override_price=399, override_by="s-002")
    text = json.dumps(line_to_dict(line))
    assert line_from_dict(json.loads(text)) == line


@pytest.mark.parametrize(("data", "message"), [
    ([], "a journaled basket line is not an object"),
    ({"line_id": 0, "quantity": 1}, "a bad 'line_id': 0"),
    ({"line_id": 1, "quantity": True}, "a bad 'quantity': True"),
    ({"line_id": 1, "quantity": 1, "weight_g": -5}, "a bad 'weight_g': -5"),
    ({"line_id": 1, "quantity": 1, "override_by": 12}, "a bad 'override_by': 12"),
])
def test_a_damaged_journal_line_is_refused_with_what_is_wrong(data: object,
                                                              message: str) -> None:
    with pytest.raises(ValueError, match=message):
        line_from_dict(data)


def test_a_journal_line_with_a_broken_product_names_the_field() -> None:
    data = line_to_dict(Line(1, _product(PEN)))
    data["product"]["price"] = "1.50"
    with pytest.raises(CatalogueError, match="bad 'price'"):
        line_from_dict(data)


def test_the_sale_dict_carries_staff_actions_discounts_and_vat_in_minor_units() -> None:
    kiosk = Kiosk()
    for _ in range(3):
        kiosk.scan("03068320114453")  # Evian, 3 for 2
    kiosk.scan(NUTELLA)
    kiosk.staff("s-002", "supervisor")
    kiosk.send(ev.PriceOverridden, 2, 400, "s-002", "dented lid")
    kiosk.send(ev.AssistedExited, "s-002")
    kiosk.send(ev.PayPressed)
    sale = next(e for e in kiosk.approve().effects if isinstance(e, RecordSale)).sale
    data = json.loads(json.dumps(sale.to_dict()))
    assert data["schema"] == 1
    assert data["total"] == 3 * 85 - 85 + 400
    assert data["discounts"] == [{"promotion_id": "evian-3for2", "names": {"en": "Evian 3 for 2"},
                                  "amount": -85, "line_ids": [1], "vat_split": {"reduced": -85}}]
    assert data["vat"] == [{"code": "reduced", "rate_bp": 550, "gross": 570, "net": 540,
                            "vat": 30}]
    assert [(a["staff_id"], a["action"]) for a in data["staff_actions"]] == [
        ("s-002", "unlock"), ("s-002", "price-override"), ("s-002", "lock")]
    assert data["payments"][0]["auth"]["masked_pan"] == "************4242"
    assert data["completed_at"] > data["started_at"] > T0.isoformat()
