"""The receipt printer over the in-process simulator: each job printed once, its status read,
its health reported, and a picture of every receipt a person can look at."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PIL import Image
from receipt_fixtures import make_sale, qr_codes, receipt

from kiosk.hw.health import DeviceHealth
from kiosk.hw.printer import PrinterNotice, PrintJobError, ReceiptPrinter, StatusOptions
from kiosk.hw.printer_jobs import LEDGER_NAME
from kiosk.hw.printer_simulated import SimulatedTransport

LINES = ["Supermarché du Centre", "Crème fraîche      2.35 €", "Müsli              3.10 €",
         "TOTAL              5.45 €"]


class Recorder:
    def __init__(self) -> None:
        self.events: list[object] = []

    def post(self, event: object) -> None:
        self.events.append(event)

    def health(self) -> list[DeviceHealth]:
        return [e for e in self.events if isinstance(e, DeviceHealth)]


def simulated(tmp_path: Path, *faults: str, recorder: Recorder | None = None,
              **options: object) -> ReceiptPrinter:
    transport = SimulatedTransport(tmp_path / "receipts", faults, paper_dots=512)
    return ReceiptPrinter(transport, tmp_path, (recorder or Recorder()).post, **options)


def test_a_receipt_is_its_bytes_and_a_picture_of_the_paper(tmp_path: Path) -> None:
    printer = simulated(tmp_path)
    sale = make_sale()
    result = printer.print_document(sale.sale_id, receipt(sale))
    assert (result.status, result.ok) == ("printed", True)
    data = (tmp_path / "receipts" / f"{sale.sale_id}.bin").read_bytes()
    assert data.startswith(b"\x1b@")  # ESC @: the printer starts from a known state
    assert data.endswith(b"\x1dV\x00")  # GS V 0: full cut
    assert b"TOTAL EUR" in data
    assert result.image == tmp_path / "receipts" / f"{sale.sale_id}.png"
    with Image.open(result.image) as picture:
        assert picture.width == 512  # TM-T88V: one pixel per printer dot
        assert qr_codes(picture) == [sale.sale_id]


def test_plain_lines_print_with_their_accents(tmp_path: Path) -> None:
    printer = simulated(tmp_path)
    assert printer.print_document("sale-0001", LINES).status == "printed"
    data = (tmp_path / "receipts" / "sale-0001.bin").read_bytes()
    assert b"Supermarch" + "é".encode("cp437") in data  # é in code page 437
    assert b"\x1bt\x13" + "€".encode("cp858") in data  # € in PC858


def test_the_simulated_printer_says_where_receipts_go(tmp_path: Path) -> None:
    recorder = Recorder()
    simulated(tmp_path, recorder=recorder)
    [health] = recorder.health()
    assert (health.device, health.ok, health.simulated) == ("printer", True, True)
    assert str(tmp_path / "receipts") in health.detail
    assert "(profile TM-T88V, 80 mm, 42 columns)" in health.detail


def test_a_retried_job_never_prints_twice_even_after_a_restart(tmp_path: Path) -> None:
    first = simulated(tmp_path)
    assert first.print_document("sale-0001", LINES).status == "printed"
    receipt_file = tmp_path / "receipts" / "sale-0001.bin"
    receipt_file.unlink()  # so a second print would show
    assert first.print_document("sale-0001", LINES).status == "duplicate"
    restarted = simulated(tmp_path)
    again = restarted.print_document("sale-0001", LINES)
    assert (again.status, again.ok) == ("duplicate", True)
    assert not receipt_file.exists()
    assert (tmp_path / LEDGER_NAME).read_text() == "sale-0001\n"


def test_a_staff_reprint_is_a_new_job_that_says_reprint(tmp_path: Path) -> None:
    printer = simulated(tmp_path)
    sale = make_sale()
    printer.print_document(sale.sale_id, receipt(sale))
    job = f"{sale.sale_id}.reprint-20250314T170800000000"
    assert printer.print_document(job, receipt(sale, reprint=True)).status == "printed"
    assert sorted(p.name for p in (tmp_path / "receipts").glob("*.bin")) == [
        f"{sale.sale_id}.bin", f"{job}.bin"]
    assert b"** REPRINT **" in (tmp_path / "receipts" / f"{job}.bin").read_bytes()
    assert b"REPRINT" not in (tmp_path / "receipts" / f"{sale.sale_id}.bin").read_bytes()


def test_paper_out_fails_the_job_then_the_printer_recovers(tmp_path: Path) -> None:
    recorder = Recorder()
    printer = simulated(tmp_path, "ok", "paper-out", recorder=recorder)
    assert printer.print_document("sale-1", LINES).status == "printed"
    failed = printer.print_document("sale-2", LINES)
    assert (failed.status, failed.ok) == ("failed", False)
    assert failed.detail == ("Receipt printer (simulated) is out of paper, because the fault "
                             "script said paper-out. Load a new roll; receipts will be shown "
                             "as QR codes.")
    assert not (tmp_path / "receipts" / "sale-2.bin").exists()
    # the next status reading still sees the empty roll, through the real DLE EOT bytes
    assert printer.print_document("sale-2", LINES).detail == (
        "Receipt printer is out of paper, because simulated, receipts written to "
        f"{tmp_path / 'receipts'} reports out of paper. Load a new roll; until then receipts "
        "will be shown as QR codes.")
    assert printer.print_document("sale-2", LINES).status == "printed"  # a new roll
    # ready; failed on the job; failed, now as the status tells it; ready again
    assert [h.ok for h in recorder.health()] == [True, False, False, True]
    assert printer.health().ok


@pytest.mark.parametrize(("fault", "detail"), [
    ("cover-open", "Receipt printer (simulated): cover open"),
    ("offline", "Receipt printer (simulated) does not answer"),
])
def test_cover_open_and_offline_are_health_failures(tmp_path: Path, fault: str,
                                                    detail: str) -> None:
    printer = simulated(tmp_path, fault)
    assert printer.print_document("sale-1", LINES).status == "failed"
    assert printer.health().detail.startswith(detail)
    assert not printer.health().ok


def test_paper_low_is_told_once_and_printing_goes_on(tmp_path: Path) -> None:
    notices: list[PrinterNotice] = []
    printer = simulated(tmp_path, "paper-low", "paper-low", "ok")
    printer.subscribe(notices.append)
    assert printer.print_document("sale-1", LINES).status == "printed"
    assert printer.health().ok
    assert printer.health().detail.endswith("paper is running low: change the roll soon")
    assert printer.print_document("sale-2", LINES).status == "printed"
    assert printer.print_document("sale-3", LINES).status == "printed"  # a new roll
    assert notices == [
        PrinterNotice("paper-low", "Receipt paper is running low: change the roll soon"),
        PrinterNotice("paper-ok", "Receipt printer has a new roll of paper")]
    other = simulated(tmp_path / "other", "paper-low")
    other.print_document("x", LINES)
    late: list[PrinterNotice] = []
    other.subscribe(late.append)  # a listener that comes later hears what is already true
    assert [n.kind for n in late] == ["paper-low"]


def test_the_monitor_notices_a_printer_that_comes_back(tmp_path: Path) -> None:
    recorder = Recorder()
    changed = threading.Event()

    def post(event: object) -> None:
        recorder.post(event)
        if isinstance(event, DeviceHealth) and event.ok and len(recorder.health()) > 1:
            changed.set()

    transport = SimulatedTransport(tmp_path / "receipts", ["paper-out"], paper_dots=512)
    printer = ReceiptPrinter(transport, tmp_path, post,
                             status=StatusOptions(interval_s=0.05, timeout_s=0.2))
    assert printer.print_document("sale-1", LINES).status == "failed"
    printer.start_monitor()
    try:
        assert changed.wait(10)  # a bound against hanging, not a speed target
    finally:
        printer.close()
    assert [h.ok for h in recorder.health()][:2] == [True, False]
    assert printer.health().ok


@pytest.mark.parametrize("job_id", ["", "../etc/passwd", "a b", "x" * 129, ".hidden"])
def test_job_ids_must_be_usable_as_file_names(tmp_path: Path, job_id: str) -> None:
    with pytest.raises(PrintJobError, match="is not usable"):
        simulated(tmp_path).print_document(job_id, LINES)


def test_an_unknown_profile_is_a_health_failure(tmp_path: Path) -> None:
    printer = simulated(tmp_path, profile="TM-NOPE")
    assert not printer.health().ok
    assert "profile 'TM-NOPE' is unknown" in printer.health().detail
    result = printer.print_document("sale-1", LINES)
    assert result.status == "failed"
    assert "TM-NOPE" in result.detail


def test_58_mm_paper_prints_32_columns_on_384_dots(tmp_path: Path) -> None:
    transport = SimulatedTransport(tmp_path / "receipts", paper_dots=384)
    printer = ReceiptPrinter(transport, tmp_path, Recorder().post, profile="default",
                             paper_mm=58)
    sale = make_sale()
    result = printer.print_document(sale.sale_id, receipt(sale))
    assert result.image is not None
    with Image.open(result.image) as picture:
        assert picture.width == 384
        assert qr_codes(picture) == [sale.sale_id]
    assert "58 mm, 32 columns" in printer.health().detail


def test_unknown_simulator_faults_are_refused() -> None:
    with pytest.raises(PrintJobError, match="unknown printer simulator faults"):
        SimulatedTransport(Path("receipts"), ["jam"])


def test_the_printed_job_list_stays_small(tmp_path: Path) -> None:
    printer = simulated(tmp_path, remember=3)
    for n in range(5):
        printer.print_document(f"sale-{n}", ["x"])
    assert (tmp_path / LEDGER_NAME).read_text().split() == ["sale-2", "sale-3", "sale-4"]
