"""Store staff's catalogue commands, through the real ``kiosk`` command."""

from __future__ import annotations

from pathlib import Path

from test_headless_sale import ROOT, kiosk

CSV = ROOT / "tests" / "data" / "catalogue"


def test_status_reports_without_touching_the_catalogue(tmp_path: Path) -> None:
    run = kiosk("catalogue", "status", data_dir=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "no catalogue yet" in run.stdout
    assert "version None; 0 products" in run.stdout
    assert not (tmp_path / "catalogue" / "catalogue.json").exists()


def test_csv_import_is_all_or_nothing_and_names_each_bad_row(tmp_path: Path) -> None:
    good = kiosk("catalogue", "import-csv", str(CSV / "store.csv"), "--version", "s1",
                 data_dir=tmp_path)
    assert good.returncode == 0, good.stderr
    assert "8 of 8 rows imported" in good.stdout
    bad = kiosk("catalogue", "import-csv", str(CSV / "store-bad.csv"), "--version", "s2",
                data_dir=tmp_path)
    assert bad.returncode == 1
    assert "row 9, column 'unit': 'litre' is not 'each' or 'kg'" in bad.stdout
    assert "was not imported" in bad.stderr
    status = kiosk("catalogue", "status", data_dir=tmp_path)
    assert "version s1; 8 products" in status.stdout  # the bad file changed nothing
