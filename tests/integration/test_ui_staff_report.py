"""The end-of-day (Z) report summed from a real kiosk's journal, and its printed form.

A kiosk with the demo configuration runs in this process (every device simulated, journal on
disk), does one completed sale with an age approval and one sale cancelled by a supervisor;
the report is read back from the journal the way the staff screen asks for it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.app import Kiosk
from kiosk.config import load_config
from kiosk.core.receipt_layout import as_text, layout
from kiosk.core.report_z import z_document
from kiosk.headless import Headless
from kiosk.store.report_journal import day_bounds, day_report

ROOT = Path(__file__).parents[2]


def test_the_z_report_sums_the_day_from_the_journal(tmp_path: Path) -> None:
    env = {"KIOSK__PATHS__DATA_DIR": str(tmp_path / "data"),
           "KIOSK__SALE__RECEIPT_TIMEOUT_S": "1"}
    out: list[str] = []
    kiosk = Kiosk(load_config(ROOT / "config" / "demo.toml", environ=env), say=out.append)
    try:
        till = Headless(kiosk, out=out.append)
        code = till.run_lines([
            "scan 3760012000012", "plu 4011 1234", "staff a01 1234", "approve-age",
            "staff-exit", "pay", "wait receipt", "wait attract 20",
            "scan 3760012000012", "staff s01 9876", "cancel-sale", "staff-exit",
        ], stop_on_error=True)
        assert code == 0, "\n".join(out)
        tz = ZoneInfo("Europe/Paris")
        day = kiosk.clock().astimezone(tz).date()
        report = kiosk.writer.submit(lambda j: day_report(
            j, day, tz, store_id="demo-store", kiosk_id="k01", currency="EUR")).result()
    finally:
        kiosk.close()
    sold = [line for line in out if "completed:" in line]
    assert sold
    assert sold[0].endswith("(2 items)")
    takings = sold[0].split("completed: ")[1].split(" ")[0]
    assert report.completed == 1
    assert report.voided == 1
    assert (report.first_sale, report.last_sale) == (1, 2)
    assert report.gross.decimal_str() == takings
    assert [(t.method, t.count, t.amount) for t in report.tenders] == [("card", 1, report.gross)]
    assert sum(v.gross.minor for v in report.vat) == report.gross.minor
    assert report.unknown_open == 0
    actions = dict(report.staff_actions)
    assert actions["age-approved"] == 1
    assert actions["sale-cancelled"] == 1
    assert actions["unlock"] == 2
    paper = "\n".join(as_text(layout(z_document(report, printed_at="23:59"), 42)))
    assert "Z REPORT" in paper
    assert f"TAKINGS EUR{takings:>{42 - len('TAKINGS EUR')}}" in paper
    assert "Voided sales" in paper
    assert "Payments still UNKNOWN" in paper


def test_a_store_day_is_local_midnight_to_midnight() -> None:
    start, end = day_bounds(date(2025, 7, 1), ZoneInfo("Europe/Paris"))
    assert start.isoformat() == "2025-06-30T22:00:00+00:00"  # summer time: UTC+2
    assert end.isoformat() == "2025-07-01T22:00:00+00:00"
