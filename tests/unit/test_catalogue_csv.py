"""Store staff's CSV import: every GTIN spelling, exact prices, every bad row named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.errors import CatalogueError
from kiosk.store.catalogue import CatalogueMirror
from kiosk.store.catalogue_csv import (
    CsvImport,
    apply_csv,
    import_csv,
    read_catalogue_csv,
    read_catalogue_csv_file,
)

DATA = Path(__file__).parents[1] / "data" / "catalogue"
VAT = {"standard", "reduced"}
HEADER = "gtin,name_en,name_fr,price,vat,category\n"


def read(text: str, *, skip_bad_rows: bool = False) -> CsvImport:
    return read_catalogue_csv(text, version="csv-1", currency="EUR", vat_codes=VAT,
                              skip_bad_rows=skip_bad_rows)


def test_a_good_file_becomes_a_snapshot_with_normalised_gtins() -> None:
    result = read_catalogue_csv_file(DATA / "store.csv", version="store-csv-1", currency="EUR",
                                     vat_codes=VAT)
    assert (result.rows, result.imported, result.problems) == (8, 8, ())
    snapshot = result.snapshot
    assert snapshot is not None
    assert (snapshot["schema"], snapshot["kind"], snapshot["version"], snapshot["currency"]) == (
        1, "snapshot", "store-csv-1", "EUR")
    by_gtin = {p["gtin"]: p for p in snapshot["products"]}
    assert sorted(by_gtin) == [
        "00000096385074",  # EAN-8
        "00036000291452",  # UPC-A
        "00042100005264",  # upce:04252614, expanded
        "02004011000002",  # in-store weight label key
        "03760000009010", "03760003000014",
        "04006381333931",  # EAN-13
        "10036000291459",  # GTIN-14
    ]
    assert by_gtin["04006381333931"]["price"] == 249
    assert by_gtin["04006381333931"]["names"] == {"en": "Highlighter yellow",
                                                  "fr": "Surligneur jaune", "zh": "黄色荧光笔"}
    assert by_gtin["04006381333931"]["image"] == "highlighter.jpg"
    assert by_gtin["10036000291459"]["price"] == 2190
    assert by_gtin["00000096385074"]["names"]["fr"] == "Eau gazeuse 1,5 L"
    apples = by_gtin["02004011000002"]
    assert (apples["unit"], apples["plu"], apples["price"]) == ("kg", "4011", 299)
    lager = by_gtin["03760003000014"]
    assert (lager["min_age"], lager["deposit"], lager["low_stock"]) == (18, "03760000009010", 6)
    assert "zh" not in by_gtin["00042100005264"]["names"]


def test_one_bad_row_imports_nothing_and_every_problem_is_listed() -> None:
    result = read_catalogue_csv_file(DATA / "store-bad.csv", version="v", currency="EUR",
                                     vat_codes=VAT)
    assert result.snapshot is None
    assert (result.rows, result.imported) == (11, 0)
    assert [str(p) for p in result.problems] == [
        "row 3, column 'gtin': the EAN-13 4006381333932 ends in check digit 2 but its digits "
        "give 1: a digit was misread or mistyped",
        "row 4, column 'gtin': '4.00638E+12' is in scientific notation: the spreadsheet treated "
        "the code as a number; format the column as text and type it again",
        "row 5, column 'gtin': 36000291452 has 11 digits: a spreadsheet may have dropped a "
        "leading zero; format the column as text",
        "row 6, column 'price': '1,15': use a dot as the decimal separator, e.g. 2.49",
        "row 7, column 'price': '-1.89' is negative; a price cannot be",
        "row 8, column 'name_fr': it is empty",
        "row 9, column 'unit': 'litre' is not 'each' or 'kg'",
        "row 11, column 'min_age': 'eighteen' is not a whole number",
        "row 12, column 'gtin': 04006381333931 is already used on row 2",
    ]
    assert result.report().startswith("0 of 11 rows imported\nrow 3, column 'gtin'")


def test_skip_mode_imports_the_good_rows_and_lists_the_rest() -> None:
    result = read_catalogue_csv_file(DATA / "store-bad.csv", version="v", currency="EUR",
                                     vat_codes=VAT, skip_bad_rows=True)
    assert result.snapshot is not None
    assert [p["gtin"] for p in result.snapshot["products"]] == ["04006381333931",
                                                                "02004012000001"]
    assert (result.imported, result.skipped, len(result.problems)) == (2, 9, 9)


def test_a_row_can_hold_several_problems() -> None:
    result = read(HEADER + "4006381333932,,Stylo,2.4.9,luxury,office\n")
    assert [(p.row, p.column) for p in result.problems] == [
        (2, "gtin"), (2, "name_en"), (2, "price")]


def test_an_unknown_vat_code_is_named() -> None:
    result = read(HEADER + "4006381333931,Pen,Stylo,2.49,luxury,office\n")
    problem = result.problems[0]
    assert (problem.row, problem.column) == (2, "vat")
    assert "VAT code 'luxury'" in problem.reason
    assert "this kiosk knows only reduced, standard" in problem.reason


@pytest.mark.parametrize(("price", "reason"), [
    ("2.499", "'2.499' has more than 2 decimals for EUR"),
    ("€2.49", "not an amount: '€2.49'"),
    ("", "not an amount: ''"),
])
def test_prices_are_read_exactly_or_refused(price: str, reason: str) -> None:
    result = read(HEADER + f"4006381333931,Pen,Stylo,{price},standard,office\n")
    assert reason in result.problems[0].reason


def test_prices_are_exact_decimal_amounts() -> None:
    result = read(HEADER + "4006381333931,Pen,Stylo,0.1,standard,office\n"
                  "036000291452,Tissues,Mouchoirs,19.99,standard,household\n")
    assert result.snapshot is not None
    assert [p["price"] for p in result.snapshot["products"]] == [10, 1999]


def test_a_deposit_missing_from_the_file_stops_its_product() -> None:
    result = read("gtin,name_en,name_fr,price,vat,category,deposit\n"
                  "3760003000014,Lager,Bière,1.89,standard,alcohol,3760000009027\n",
                  skip_bad_rows=True)
    assert result.snapshot is None
    assert str(result.problems[0]) == (
        "row 2, column 'deposit': deposit item 03760000009027 is not a product imported from "
        "this file")


def test_header_problems_are_reported_on_row_1() -> None:
    result = read("gtin,name_en,catgory,price,vat\n4006381333931,Pen,office,2.49,standard\n")
    assert [(p.row, p.column) for p in result.problems] == [
        (1, "category"), (1, "catgory"), (1, "name_fr")]
    assert result.problems[0].reason == "this required column is missing"
    assert "unknown column (check its spelling)" in result.problems[1].reason


def test_a_row_longer_than_the_header_is_refused() -> None:
    result = read(HEADER + "4006381333931,Pen,Stylo,2.49,standard,office,extra\n")
    assert str(result.problems[0]) == (
        "row 2: it has 7 cells but the header has 6 columns")


def test_semicolons_a_bom_and_blank_rows_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffgtin;name_en;name_fr;price;vat;category\r\n"
                     "4006381333931;Pen;Stylo;2.49;standard;office\r\n;;;;;\r\n".encode())
    result = read_catalogue_csv_file(path, version="v", currency="EUR")
    assert (result.rows, result.imported) == (1, 1)


def test_a_file_that_is_not_utf8_is_refused_with_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "4006381333931,Crème,Crème,2.49,standard,dairy\n").encode("latin-1"))
    with pytest.raises(CatalogueError) as caught:
        read_catalogue_csv_file(path, version="v", currency="EUR")
    assert caught.value.what == f"{path} is not UTF-8 text"
    assert caught.value.action == "Save it from the spreadsheet as 'CSV UTF-8'."


def test_import_into_the_mirror_keeps_its_promotions(tmp_path: Path) -> None:
    snapshot = json.loads((DATA / "snapshot-v1.json").read_text(encoding="utf-8"))
    with CatalogueMirror(tmp_path, currency="EUR", vat_codes=VAT) as mirror:
        assert mirror.apply(snapshot).accepted
        read_result, applied = apply_csv(mirror, DATA / "store.csv", version="store-csv-1")
        assert applied is not None
        assert (applied.accepted, applied.version) == (True, "store-csv-1")
        assert read_result.imported == 8
        assert mirror.by_gtin("03760001000016") is None  # the CSV replaces the catalogue
        gum = mirror.by_gtin("00042100005264")
        assert gum is not None
        assert gum.name("en") == "Chewing gum mint"
        assert [p.promotion_id for p in mirror.promotions] == ["bakery-10", "yoghurt-3-for-2"]


def test_a_bad_file_is_not_applied(tmp_path: Path) -> None:
    snapshot = json.loads((DATA / "snapshot-v1.json").read_text(encoding="utf-8"))
    with CatalogueMirror(tmp_path, currency="EUR") as mirror:
        mirror.apply(snapshot)
        read_result, applied = apply_csv(mirror, DATA / "store-bad.csv", version="store-csv-1")
        assert applied is None
        assert len(read_result.problems) == 9
        assert mirror.version == "store-2026.11.1"


def test_import_csv_returns_the_snapshot_or_says_which_rows_stop_it() -> None:
    snapshot = import_csv(DATA / "store.csv", version="v", currency="EUR", vat_codes=VAT)
    assert len(snapshot["products"]) == 8
    with pytest.raises(CatalogueError) as caught:
        import_csv(DATA / "store-bad.csv", version="v", currency="EUR", vat_codes=VAT)
    error = caught.value
    assert error.what == f"{DATA / 'store-bad.csv'} cannot be imported"
    assert error.why.startswith("row 3, column 'gtin': the EAN-13 4006381333932 ends in check")
    assert "row 12, column 'gtin': 04006381333931 is already used on row 2" in error.why
    assert error.action.startswith("Fix the rows listed and import again (nothing was imported)")
