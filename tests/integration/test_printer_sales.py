"""Receipts through the whole kiosk: a headless sale's receipt as a picture, and paper running
out mid-sale on a printer simulator that answers real DLE EOT status on a pty.

The kiosk runs in-process (composition root, event loop, journal writer, device threads) with
the demo configuration; for the paper-out sales its printer is a real serial printer whose
port is the simulator's pty. What is checked is what the shopper and staff see, what the
printer received and what the journal (and so the central store) holds.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import ZBarSymbol, decode

from kiosk.app import JOURNAL_FILE, Kiosk
from kiosk.config import load_config
from kiosk.core.effects import ShowMessage
from kiosk.core.events import ReprintRequested
from kiosk.headless import Headless
from kiosk.hw.escpos_png import render_png
from kiosk.hw.factory import SimulatorOptions
from kiosk.hw.printer_sim import PrinterSimulator

ROOT = Path(__file__).parents[2]
MILK = "scan 3760003000076"  # 1.79 and its 0.50 glass-bottle deposit
LIMIT_S = 20.0  # bounds against hanging, never speed targets


def qr_codes(image: Image.Image) -> list[str]:
    return [found.data.decode() for found in decode(image.convert("L"),
                                                    symbols=[ZBarSymbol.QRCODE])]


def records(data: Path, kind: str) -> list[dict]:
    with sqlite3.connect(data / JOURNAL_FILE) as db:
        rows = db.execute("SELECT payload FROM records WHERE kind = ? ORDER BY seq", (kind,))
        return [json.loads(payload) for (payload,) in rows]


def alerts(data: Path) -> list[tuple[str, str | None]]:
    return [(e["kind"], e.get("device")) for e in records(data, "event")]


def eventually(shell: Headless, check: Callable[[], bool]) -> bool:
    """Run the kiosk until ``check`` holds: alerts are committed by the journal's thread
    without holding the loop, and the printer's monitor reports on its own time."""
    end = time.monotonic() + LIMIT_S
    while not check():
        if time.monotonic() > end:
            return False
        shell.pump(0.1)
    return True


def queued_sales(data: Path) -> list[dict]:
    """The sale records waiting in the outbox for the MQTT ``sales`` topic."""
    with sqlite3.connect(data / JOURNAL_FILE) as db:
        rows = db.execute("SELECT r.payload FROM outbox o JOIN records r ON r.seq = o.record_seq "
                          "WHERE o.topic = 'sales' AND r.kind = 'sale' ORDER BY o.id")
        return [json.loads(payload) for (payload,) in rows]


@pytest.fixture
def start(tmp_path: Path) -> Iterator:
    made: list[Kiosk] = []

    def make(**env: str) -> tuple[Kiosk, Headless, list[str]]:
        environ = {"KIOSK__PATHS__DATA_DIR": str(tmp_path / "data"),
                   "KIOSK__SALE__RECEIPT_TIMEOUT_S": "1", **env}
        lines: list[str] = []
        kiosk = Kiosk(load_config(ROOT / "config" / "demo.toml", environ=environ),
                      say=lines.append, simulators=SimulatorOptions(terminal_delay_s=0.05))
        made.append(kiosk)
        return kiosk, Headless(kiosk, out=lines.append), lines

    yield make
    for kiosk in made:
        kiosk.close()


def test_a_headless_sale_writes_the_picture_of_its_receipt_and_says_where(
        start, tmp_path: Path) -> None:
    _kiosk, shell, out = start()
    assert shell.run_lines([MILK, "pay", "wait receipt 10"], stop_on_error=True) == 0
    said = next(line for line in out if "picture of the paper" in line)
    path = Path(re.sub(r".*picture of the paper: ", "", said))
    assert path == tmp_path / "data" / "receipts" / "demo-store-k01-00000001.png"
    with Image.open(path) as picture:
        assert picture.width == 512  # TM-T88V, one pixel per printer dot
        assert qr_codes(picture) == ["demo-store-k01-00000001"]
    assert eventually(shell, lambda: len(queued_sales(tmp_path / "data")) == 1)
    [sale] = queued_sales(tmp_path / "data")
    assert sale["receipt"]["qr"] == "demo-store-k01-00000001"
    assert any(line.startswith("TOTAL EUR") and line.endswith("2.29")
               for line in sale["receipt"]["lines"])


@pytest.fixture
def printer() -> Iterator[PrinterSimulator]:
    with PrinterSimulator() as sim:
        yield sim


def sell(shell: Headless) -> None:
    assert shell.run_lines(["wait attract 10", MILK, "pay", "wait receipt 10"],
                           stop_on_error=True) == 0


def test_paper_out_mid_sale_gives_the_qr_receipt_calls_staff_and_loses_nothing(
        printer: PrinterSimulator, start, tmp_path: Path) -> None:  # the kiosk closes first
    kiosk, shell, out = start(KIOSK__DEVICES__PRINTER__MODE="real",
                              KIOSK__DEVICES__PRINTER__TRANSPORT="serial",
                              KIOSK__DEVICES__PRINTER__SERIAL_PORT=printer.path,
                              KIOSK__DEVICES__PRINTER__STATUS_INTERVAL_S="0.2",
                              KIOSK__DEVICES__PRINTER__STATUS_TIMEOUT_S="3")
    data = tmp_path / "data"
    assert "device printer: real (serial " in "\n".join(out)
    sell(shell)  # sale 1 prints
    [first] = printer.wait_for_jobs(1, LIMIT_S)
    assert qr_codes(render_png(first, paper_dots=512)) == ["demo-store-k01-00000001"]

    assert shell.run_lines(["wait attract 10", MILK], stop_on_error=True) == 0
    printer.set_state("paper-out")  # the roll runs out while the shopper scans
    assert shell.run_lines(["pay", "wait receipt 10"], stop_on_error=True) == 0
    shown = [m for m in kiosk.messages if m.key == "receipt-qr"]
    assert shown[-1] == ShowMessage("receipt-qr", {
        "sale_id": "demo-store-k01-00000002", "reason": shown[-1].params["reason"],
        "qr": "demo-store-k01-00000002"})
    assert "out of paper" in shown[-1].params["reason"]
    assert any("shown on screen as a QR code holding demo-store-k01-00000002" in line
               for line in out)
    assert "  light: fault" in out  # the tower light calls staff
    assert eventually(shell, lambda: ("device-failure", "printer") in alerts(data))
    assert eventually(shell, lambda: [s["sale_id"] for s in records(data, "sale")] == [
        "demo-store-k01-00000001", "demo-store-k01-00000002"])  # the sale is not lost
    assert queued_sales(data)[-1]["receipt"]["qr"] == "demo-store-k01-00000002"
    assert len(printer.jobs) == 1  # nothing printed for sale 2

    sell(shell)  # the kiosk keeps selling: sale 3, its receipt on screen too
    assert eventually(shell, lambda: [(s["sale_number"], s["status"]) for s in records(
        data, "sale")][-1] == (3, "completed"))
    assert [m.params["sale_id"] for m in kiosk.messages if m.key == "receipt-qr"][-1] == \
        "demo-store-k01-00000003"

    printer.set_state("online")  # staff load a new roll: the kiosk sees it by itself
    assert eventually(shell, lambda: ("device-recovered", "printer") in alerts(data))
    sell(shell)  # sale 4 prints again
    jobs = printer.wait_for_jobs(2, LIMIT_S)
    assert qr_codes(render_png(jobs[-1], paper_dots=512)) == ["demo-store-k01-00000004"]
    assert len(jobs) == 2  # sales 2 and 3 were never printed behind anyone's back


def test_a_staff_reprint_prints_once_more_marked_reprint(start, tmp_path: Path) -> None:
    kiosk, shell, out = start()
    assert shell.run_lines([MILK, "pay", "wait receipt 10", "wait attract 10", "staff a01 1234"],
                           stop_on_error=True) == 0
    receipts = tmp_path / "data" / "receipts"
    shell.send(ReprintRequested(at=kiosk.clock(), staff_id="a01"))
    assert eventually(shell, lambda: len(list(receipts.glob("*.reprint-*.png"))) == 1)
    [copy] = receipts.glob("*.reprint-*.bin")
    assert copy.name.startswith("demo-store-k01-00000001.reprint-")
    assert b"** REPRINT **" in copy.read_bytes()
    assert b"REPRINT" not in (receipts / "demo-store-k01-00000001.bin").read_bytes()
    with Image.open(copy.with_suffix(".png")) as picture:
        assert qr_codes(picture) == ["demo-store-k01-00000001"]  # the same sale
    assert sum("picture of the paper" in line for line in out) == 2
