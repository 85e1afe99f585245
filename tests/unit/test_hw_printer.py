"""The simulated receipt printer: receipt files a person can read, each job printed once."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.hw.health import DeviceHealth
from kiosk.hw.printer import (
    LEDGER_NAME,
    PrintJobError,
    ReceiptPrinter,
    SimulatedTransport,
    render,
)

LINES = ["Supermarché du Centre", "Crème fraîche      2.35 €", "Müsli              3.10 €",
         "TOTAL              5.45 €"]


class Recorder:
    def __init__(self) -> None:
        self.events: list[object] = []

    def post(self, event: object) -> None:
        self.events.append(event)

    def health(self) -> list[DeviceHealth]:
        return [e for e in self.events if isinstance(e, DeviceHealth)]


def simulated(tmp_path: Path, *faults: str, recorder: Recorder | None = None) -> ReceiptPrinter:
    post = (recorder or Recorder()).post
    return ReceiptPrinter(SimulatedTransport(tmp_path / "receipts", faults), tmp_path, post)


def test_a_receipt_is_a_file_with_the_text(tmp_path: Path) -> None:
    printer = simulated(tmp_path)
    result = printer.print_document("sale-0001", LINES)
    assert (result.status, result.ok) == ("printed", True)
    data = (tmp_path / "receipts" / "sale-0001.bin").read_bytes()
    assert data.startswith(b"\x1b@")  # ESC @: the printer starts from a known state
    assert data.endswith(b"\x1dV\x00")  # GS V 0: full cut
    assert b"TOTAL              5.45 " in data
    assert b"Supermarch" + "é".encode("cp437") in data  # é in code page 437


def test_accents_and_euro_sign_switch_code_pages_instead_of_failing() -> None:
    data = render(["€ 2.35", "Grüße"], "TM-T88V")
    assert b"\x1bt" in data  # ESC t n: select the code page that has the character
    assert b"?" not in data  # nothing was replaced as unprintable
    assert "ü".encode("cp437") + "ß".encode("cp437") in data


def test_simulated_printer_says_where_receipts_go(tmp_path: Path) -> None:
    recorder = Recorder()
    simulated(tmp_path, recorder=recorder)
    [health] = recorder.health()
    assert (health.device, health.ok, health.simulated) == ("printer", True, True)
    assert str(tmp_path / "receipts") in health.detail


def test_a_retried_job_never_prints_twice_even_after_a_restart(tmp_path: Path) -> None:
    first = simulated(tmp_path)
    assert first.print_document("sale-0001", LINES).status == "printed"
    receipt = tmp_path / "receipts" / "sale-0001.bin"
    receipt.unlink()  # so a second print would show
    assert first.print_document("sale-0001", LINES).status == "duplicate"
    restarted = simulated(tmp_path)
    again = restarted.print_document("sale-0001", LINES)
    assert (again.status, again.ok) == ("duplicate", True)
    assert not receipt.exists()
    assert (tmp_path / LEDGER_NAME).read_text() == "sale-0001\n"


def test_a_staff_reprint_is_a_new_job(tmp_path: Path) -> None:
    printer = simulated(tmp_path)
    printer.print_document("sale-0001", LINES)
    assert printer.print_document("sale-0001.copy-1", ["COPY", *LINES]).status == "printed"
    assert sorted(p.name for p in (tmp_path / "receipts").iterdir()) == [
        "sale-0001.bin", "sale-0001.copy-1.bin"]


def test_paper_out_fails_the_job_then_the_retry_prints(tmp_path: Path) -> None:
    recorder = Recorder()
    printer = simulated(tmp_path, "ok", "paper-out", recorder=recorder)
    assert printer.print_document("sale-1", LINES).status == "printed"
    failed = printer.print_document("sale-2", LINES)
    assert (failed.status, failed.ok) == ("failed", False)
    assert failed.detail == ("Receipt printer (simulated) is out of paper, because the fault "
                             "script said paper-out. Load a new roll; receipts will be shown "
                             "as QR codes.")
    assert not (tmp_path / "receipts" / "sale-2.bin").exists()
    assert printer.print_document("sale-2", LINES).status == "printed"
    assert [h.ok for h in recorder.health()] == [True, False, True]
    assert printer.health().ok


def test_offline_printer_reports_it(tmp_path: Path) -> None:
    printer = simulated(tmp_path, "offline")
    assert printer.print_document("sale-1", LINES).status == "failed"
    assert printer.health().detail.startswith("Receipt printer (simulated) does not answer")


@pytest.mark.parametrize("job_id", ["", "../etc/passwd", "a b", "x" * 129, ".hidden"])
def test_job_ids_must_be_usable_as_file_names(tmp_path: Path, job_id: str) -> None:
    with pytest.raises(PrintJobError, match="is not usable"):
        simulated(tmp_path).print_document(job_id, LINES)


def test_unknown_profile_is_a_health_failure(tmp_path: Path) -> None:
    printer = ReceiptPrinter(SimulatedTransport(tmp_path / "r"), tmp_path, Recorder().post,
                             profile="TM-NOPE")
    assert not printer.health().ok
    assert "profile 'TM-NOPE' is unknown" in printer.health().detail
    result = printer.print_document("sale-1", LINES)
    assert result.status == "failed"
    assert "TM-NOPE" in result.detail


def test_unknown_simulator_faults_are_refused() -> None:
    with pytest.raises(PrintJobError, match="unknown printer simulator faults"):
        SimulatedTransport(Path("receipts"), ["jam"])


def test_printed_job_list_stays_small(tmp_path: Path) -> None:
    printer = ReceiptPrinter(SimulatedTransport(tmp_path / "r"), tmp_path, Recorder().post,
                             remember=3)
    for n in range(5):
        printer.print_document(f"sale-{n}", ["x"])
    assert (tmp_path / LEDGER_NAME).read_text().split() == ["sale-2", "sale-3", "sale-4"]
