"""What the receipt of a sale says, as a shopper (or a tax inspector) reads it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from receipt_fixtures import AT, CREME, make_sale, receipt

from kiosk.core.product import Product
from kiosk.core.promotions import Promotion
from kiosk.core.receipt import mask_pan, qr_template_problem, receipt_qr
from kiosk.core.receipt_layout import as_text, layout
from kiosk.core.receipt_sample import SAMPLE_NUMBER, sample_sale

ROOT = Path(__file__).parents[2]


def text_of(sale_receipt, columns: int = 42) -> list[str]:
    return as_text(layout(sale_receipt, columns))


def test_the_receipt_reads_like_a_supermarket_receipt() -> None:
    lines = text_of(receipt(make_sale()))
    assert lines[:9] == [
        "Supermarché du Centre",  # double size: 21 of the 42 columns
        "         12 rue de la République",
        "                69002 Lyon",
        "          VAT No. FR40303265045",
        "",
        "14/03/2025 17:05                   Sale 17",  # local time in Paris, sale sequence
        "Checkout k01",
        "-" * 42,
        "Fresh cream 20 cl                   2.35 A",
    ]
    assert lines[9:18] == [
        "Swiss muesli 500 g                  9.30 A",
        "  3 x 3.10",
        "Bananas                             2.46 A",
        "  1.234 kg x 1.99/kg",
        "Cola 1.5 L                          3.78 B",
        "  2 x 1.89",
        "Côtes du Rhône red wine 75 cl       8.99 B",
        "  2 for €3.00: cola                -0.78",  # the promotion, a line of its own
        "-" * 42,
    ]
    assert lines[18:21] == ["TOTAL EUR       26.10", "8 items",
                            "You saved                             0.78"]


def test_vat_is_broken_down_per_rate_and_adds_up_to_the_total() -> None:
    lines = text_of(receipt(make_sale()))
    start = lines.index("VAT         Rate      Net     VAT    Gross")
    assert lines[start + 1:start + 3] == [
        "A           5.5%    13.37    0.74    14.11",
        "B            20%     9.99    2.00    11.99",
    ]


def test_the_card_tender_shows_a_masked_pan_the_auth_code_and_the_terminal() -> None:
    lines = text_of(receipt(make_sale()))
    start = lines.index("Card VISA ************1111           26.10")
    assert lines[start + 1:start + 5] == ["  Auth. code A1B2C3", "  Terminal T0004711",
                                          "  Trace 000123", "  14/03/2025 17:05"]
    assert not any("4111111111111111" in line for line in lines)


def test_the_sale_is_identified_by_its_qr_code_and_id() -> None:
    laid = layout(receipt(make_sale()), 42)
    text = as_text(laid)
    assert "[QR] store-0001-k01-00000017" in text
    assert text[text.index("[QR] store-0001-k01-00000017") + 1].strip() == \
        "store-0001-k01-00000017"


def test_a_reprint_says_reprint_at_the_top_and_the_bottom() -> None:
    lines = text_of(receipt(make_sale(), reprint=True))
    banners = [i for i, line in enumerate(lines) if "** REPRINT **" in line]
    assert banners[0] == 0
    assert banners[-1] > lines.index("[QR] store-0001-k01-00000017")
    assert receipt(make_sale(), reprint=True).kind == "reprint"
    assert not any("REPRINT" in line for line in text_of(receipt(make_sale())))


def test_the_shoppers_language_names_the_products_and_the_words() -> None:
    lines = text_of(receipt(make_sale(language="fr")))
    assert "Crème fraîche 20 cl                 2.35 A" in lines
    assert "  2 pour 3,00 € : cola             -0.78" in lines
    assert "TOTAL EUR       26.10" in lines
    assert "Vente 17" in lines[5]
    assert any(line.split() == ["TVA", "Taux", "HT", "TVA", "TTC"] for line in lines)
    assert "Merci de votre visite" in " ".join(lines)
    zh = text_of(receipt(make_sale(language="zh")))
    assert any(line.startswith("鲜奶油 20厘升") for line in zh)
    assert "2025-03-14 17:05" in zh[5]


def test_cash_shows_tendered_and_change_and_a_loyalty_card_is_masked() -> None:
    sale = make_sale(((CREME, 1),), member="4000123456")
    cash = replace(sale.payments[0], method="cash", auth={}, tendered=sale.total + sale.total,
                   change=sale.total)
    lines = text_of(receipt(replace(sale, payments=(cash,))))
    assert "Cash                                  2.35" in lines
    assert "  Tendered                            4.70" in lines
    assert "  Change                              2.35" in lines
    assert "Loyalty card ******3456" in lines


@pytest.mark.parametrize(("pan", "masked"), [
    ("4111111111111111", "************1111"), ("************4242", "************4242"),
    ("5413 3300 8909 9999", "**** **** **** 9999"), ("", ""), ("123", "123")])
def test_only_the_last_four_digits_of_a_card_are_printed(pan: str, masked: str) -> None:
    assert mask_pan(pan) == masked


def test_the_qr_payload_follows_the_store_template() -> None:
    sale = make_sale()
    assert receipt_qr("{sale_id}", sale) == "store-0001-k01-00000017"
    assert receipt_qr("https://r.example.com/{store_id}/{sale_id}", sale) == \
        "https://r.example.com/store-0001/store-0001-k01-00000017"
    assert qr_template_problem("https://r.example.com/{store_id}") == \
        "it must contain {sale_id}, so the code identifies the sale"
    assert "names ['total']" in (qr_template_problem("{sale_id}/{total}") or "")
    assert "not a valid template" in (qr_template_problem("{sale_id") or "")
    with pytest.raises(ValueError, match="must contain"):
        receipt_qr("no id", sale)


def test_the_sample_sale_for_the_preview_comes_from_the_demo_catalogue() -> None:
    data = json.loads((ROOT / "config" / "demo-catalogue.json").read_text(encoding="utf-8"))
    products = [Product.from_dict(p) for p in data["products"]]
    promotions = [Promotion.from_dict(p) for p in data["promotions"]]
    rates = {"standard": 2000, "intermediate": 1000, "reduced": 550, "super-reduced": 210}
    sale = sample_sale(products, promotions, vat_rates=rates, currency="EUR",
                       at=datetime(2025, 11, 23, 13, 5, tzinfo=UTC), store_id="demo-store",
                       kiosk_id="k01", language="fr")
    assert sale.sale_number == SAMPLE_NUMBER
    assert sale.sale_id == "demo-store-k01-00000000"
    basket = sale.basket
    assert basket.discounts  # a promotion really triggered
    assert any(line.weight_g == 1234 for line in basket.lines)  # a weighed item
    assert any(line.quantity == 3 for line in basket.lines)
    assert any(not line.names["fr"].isascii() for line in basket.lines)
    assert {v.code for v in basket.vat} == set(rates)  # every rate in the VAT table
    assert sum((v.gross for v in basket.vat), basket.total - basket.total) == basket.total
    assert sale.payments[0].amount == basket.total


def test_an_empty_catalogue_gives_no_sample() -> None:
    with pytest.raises(ValueError, match="no product that can be sold"):
        sample_sale([], [], vat_rates={"standard": 2000}, currency="EUR", at=AT,
                    store_id="s", kiosk_id="k", language="en")



def test_the_terminal_slip_lines_are_printed_under_the_card_tender() -> None:
    from receipt_fixtures import CARD
    slip = "   KUNDENBELEG\nVISA  ************1111\nBetrag EUR      12,34\n  Zahlung erfolgt"
    lines = text_of(receipt(make_sale(auth={**CARD, "receipt": slip})))
    at = lines.index("   KUNDENBELEG")
    assert lines[at:at + 4] == slip.splitlines()
    assert "KUNDENBELEG" not in "\n".join(text_of(receipt(make_sale())))
