"""Receipt layout for 32, 42 and 48 columns: long names wrap, amounts stay right-aligned."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from receipt_fixtures import BANANAS, CREME, MUESLI, WINE, eur, make_sale, product, receipt

from kiosk.core.receipt_doc import Align, Column, Document, Pair, Qr, Rule, Size, Table, Text
from kiosk.core.receipt_layout import PrintLine, QrLine, as_text, cells, layout, wrap

WIDTHS = (32, 42, 48)
LONG = product("03000000000055", "Organic extra virgin olive oil, cold pressed, first harvest "
               "from the Provence hills, glass bottle 75 cl", 123456789)


def printed(document: Document, columns: int) -> list[PrintLine]:
    return [line for line in layout(document, columns) if isinstance(line, PrintLine)]


def width_of(line: PrintLine, columns: int) -> int:
    return columns // 2 if line.size is Size.LARGE else columns


@pytest.mark.parametrize("columns", WIDTHS)
def test_no_line_is_wider_than_the_paper(columns: int) -> None:
    sale = make_sale(((LONG, 2), (CREME, 1), (BANANAS, 98765), (WINE, 99)), number=99999999)
    for line in printed(receipt(sale), columns):
        assert cells(line.text) <= width_of(line, columns), line


@pytest.mark.parametrize("columns", WIDTHS)
def test_a_long_name_wraps_and_its_large_amount_ends_the_last_line(columns: int) -> None:
    sale = make_sale(((LONG, 2),))
    text = as_text(layout(receipt(sale), columns))
    start = next(i for i, line in enumerate(text) if line.startswith("Organic"))
    amount_line = next(i for i in range(start, len(text)) if text[i].endswith("2469135.78 A"))
    assert amount_line > start  # the name took more than one line
    assert len(text[amount_line]) == columns  # right-aligned to the last column
    name = " ".join(line.strip() for line in text[start:amount_line + 1])
    assert name.startswith("Organic extra virgin olive oil, cold pressed, first harvest from the "
                           "Provence hills, glass bottle 75 cl")
    assert text[amount_line + 1] == "  2 x 1234567.89"


@pytest.mark.parametrize("columns", WIDTHS)
def test_every_amount_column_lines_up(columns: int) -> None:
    sale = make_sale(((CREME, 1), (MUESLI, 3), (WINE, 1)))
    text = as_text(layout(receipt(sale), columns))
    for amount in ("2.35 A", "9.30 A", "8.99 B", "TOTAL EUR"):
        line = next(t for t in text if t.endswith(amount) or t.startswith(amount))
        if amount.startswith("TOTAL"):  # double width: half the columns
            assert len(line) == columns // 2
        else:
            assert len(line) == columns, line


def test_the_total_is_double_size_and_still_fits_32_columns() -> None:
    sale = make_sale(((LONG, 8),))
    total = [line for line in printed(receipt(sale), 32)
             if "TOTAL" in line.text or line.text.strip() == "9876543.12"]
    assert [line.text for line in total] == ["TOTAL EUR", "      9876543.12"]
    assert all(line.size is Size.LARGE and line.bold for line in total)


def test_chinese_is_two_columns_a_character_and_wraps_by_width() -> None:
    assert cells("鲜奶油 20厘升") == 13
    assert wrap("罗讷河谷红葡萄酒 75厘升", 10) == ["罗讷河谷红", "葡萄酒", "75厘升"]
    line = Pair("鲜奶油 20厘升", "2.35 A")
    [laid] = printed(Document("t", (line,)), 32)
    assert cells(laid.text) == 32
    assert laid.text.endswith("2.35 A")


def test_text_from_a_catalogue_is_cleaned_for_the_printer() -> None:
    # a decomposed é (e + combining accent) becomes the one character code pages have;
    # a tab or newline in a name is a space, never a control code sent to the printer
    [line] = printed(Document("t", (Text("Cre\u0300me\tfraiche\nbio"),)), 32)
    assert line.text == "Crème fraiche bio"


def test_a_table_too_wide_for_the_paper_is_printed_as_stacked_rows() -> None:
    table = Table((Column("VAT", Align.LEFT), Column("Net"), Column("VAT"), Column("Gross")),
                  (("A 20%", "1028806.58", "205761.32", "1234567.90"),))
    text = as_text(layout(Document("t", (table,)), 32))
    assert text == ["A 20%",
                    "  Net                 1028806.58",
                    "  VAT                  205761.32",
                    "  Gross               1234567.90"]
    wide = as_text(layout(Document("t", (table,)), 48))
    assert wide == ["VAT                 Net         VAT        Gross",
                    "A 20%        1028806.58   205761.32   1234567.90"]


def test_a_qr_code_is_its_own_item_with_its_caption_centred() -> None:
    laid = layout(Document("t", (Rule(), Qr("store-0001-k01-00000017", "store-0001-k01-00000017"))),
                  42)
    assert laid[1] == QrLine("store-0001-k01-00000017")
    assert laid[2] == PrintLine("         store-0001-k01-00000017")


def test_too_few_columns_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 16 columns"):
        layout(Document("t", (Text("x"),)), 12)


@settings(max_examples=150, deadline=None)
@given(name=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
                    max_size=120),
       minor=st.integers(min_value=-10**13, max_value=10**13),
       columns=st.sampled_from(WIDTHS))
def test_any_name_and_amount_fit_and_the_amount_stays_whole_at_the_right(
        name: str, minor: int, columns: int) -> None:
    amount = eur(minor).decimal_str()
    lines = printed(Document("t", (Pair(name, amount),)), columns)
    assert all(cells(line.text) <= columns for line in lines)
    assert lines[-1].text.endswith(amount)
    assert cells(lines[-1].text) == columns
