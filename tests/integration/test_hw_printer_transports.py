"""Real printer transports through python-escpos: a device file, a serial printer on a pty (the
printer simulator answering DLE EOT), a TCP printer, and a USB printer that is not there."""

from __future__ import annotations

import os
import select
import socket
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from escpos.printer import Usb

from kiosk.hw.health import DeviceHealth
from kiosk.hw.printer import PrinterNotice, ReceiptPrinter, StatusOptions
from kiosk.hw.printer_sim import PrinterSimulator
from kiosk.hw.printer_transport import (
    file_transport,
    network_transport,
    serial_transport,
    usb_transport,
)

LINES = ["Crème fraîche      2.35 €", "TOTAL              2.35 €"]
LIMIT_S = 20.0  # a bound against hanging, never a speed assertion
FAST = StatusOptions(timeout_s=2.0)  # a loaded test machine; a printer answers in ms


def ignore(event: object) -> None:
    del event


def test_device_file_receives_the_receipt(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    device.write_bytes(b"")
    printer = ReceiptPrinter(file_transport(str(device)), tmp_path, ignore)
    assert printer.health().ok
    assert not printer.health().simulated
    assert printer.print_document("sale-1", LINES).status == "printed"
    assert b"TOTAL              2.35 " in device.read_bytes()
    assert b"\x10\x04" not in device.read_bytes()  # a device file cannot answer: never asked
    printer.close()


def test_missing_device_file_is_a_health_failure_naming_the_path(tmp_path: Path) -> None:
    device = tmp_path / "usb" / "lp0"
    events: list[object] = []
    printer = ReceiptPrinter(file_transport(str(device)), tmp_path, events.append)
    health = printer.health()
    assert events == [health]
    assert (health.ok, health.simulated) == (False, False)
    assert health.detail == (f"Receipt printer not found: device file {device}, because "
                             f"{device} does not exist (no printer attached). Check the cable "
                             "and power; receipts will be shown as QR codes.")
    result = printer.print_document("sale-1", LINES)
    assert result.status == "failed"
    assert str(device) in result.detail
    assert not device.exists()  # no plain file was created where the device should be


def test_a_printer_plugged_in_later_is_used_without_restart(tmp_path: Path) -> None:
    device = tmp_path / "lp0"
    printer = ReceiptPrinter(file_transport(str(device)), tmp_path, ignore)
    assert printer.print_document("sale-1", LINES).status == "failed"
    device.write_bytes(b"")  # plugged in
    assert printer.print_document("sale-1", LINES).status == "printed"
    assert printer.health().ok
    printer.close()


OPEN: list[ReceiptPrinter] = []


@pytest.fixture
def simulator() -> Iterator[PrinterSimulator]:
    with PrinterSimulator() as sim:
        yield sim
        while OPEN:  # the port closes before its pty goes away, whatever the test did
            OPEN.pop().close()


def serial_printer(tmp_path: Path, sim: PrinterSimulator,
                   post: Callable[[object], None] = ignore) -> ReceiptPrinter:
    printer = ReceiptPrinter(serial_transport(sim.path, 19200), tmp_path, post, status=FAST)
    OPEN.append(printer)
    return printer


def test_a_serial_printer_prints_after_its_status_says_it_can(
        tmp_path: Path, simulator: PrinterSimulator) -> None:
    printer = serial_printer(tmp_path, simulator)
    assert printer.health().ok
    assert printer.print_document("sale-1", LINES).status == "printed"
    [job] = simulator.wait_for_jobs(1, LIMIT_S)
    assert b"TOTAL              2.35 " in job
    # the status was read at start, before the receipt and after it (DLE EOT 1, 2, 4 each)
    assert [n for n, _ in simulator.answers] == [1, 2, 4] * 3


def test_a_serial_printer_out_of_paper_gets_nothing_and_reports_it(
        tmp_path: Path, simulator: PrinterSimulator) -> None:
    health: list[DeviceHealth] = []
    printer = serial_printer(tmp_path, simulator,
                             lambda e: health.append(e) if isinstance(e, DeviceHealth) else None)
    simulator.set_state("paper-out")
    result = printer.print_document("sale-1", LINES)
    assert result.status == "failed"
    assert result.detail == (f"Receipt printer is out of paper, because serial port "
                             f"{simulator.path} reports out of paper. Load a new roll; until "
                             "then receipts will be shown as QR codes.")
    assert simulator.jobs == []  # nothing but status queries was sent to it
    assert set(simulator.held.split(b"\x10\x04")) <= {b"", b"\x01", b"\x02", b"\x03", b"\x04"}
    simulator.set_state("online")  # a new roll; the retry prints it, once
    assert printer.print_document("sale-1", LINES).status == "printed"
    assert printer.print_document("sale-1", LINES).status == "duplicate"
    assert len(simulator.wait_for_jobs(1, LIMIT_S)) == 1
    assert [h.ok for h in health] == [True, False, True]


@pytest.mark.parametrize(("state", "detail"), [
    ("cover-open", "Receipt printer cover is open, because serial port {path} reports cover "
                   "open. Close the printer cover; until then receipts will be shown as QR "
                   "codes."),
    ("offline", "Receipt printer reports an error, because serial port {path} reports error: "
                "unrecoverable. Open and close the cover, or switch the printer off and on; "
                "until then receipts will be shown as QR codes."),
    ("no-answer", "Receipt printer serial port {path} does not answer, because no reply to its "
                  "status query (DLE EOT 1) within 2 s. Check that it is switched on and "
                  "connected; if this model cannot report its status, set "
                  "devices.printer.status_query = false; receipts will be shown as QR codes."),
])
def test_a_serial_printer_that_cannot_print_says_why(
        tmp_path: Path, simulator: PrinterSimulator, state: str, detail: str) -> None:
    simulator.set_state(state)
    printer = serial_printer(tmp_path, simulator)
    assert printer.health().detail == detail.format(path=simulator.path)
    assert printer.print_document("sale-1", LINES).status == "failed"


def test_paper_near_end_prints_and_tells_staff_once(tmp_path: Path,
                                                    simulator: PrinterSimulator) -> None:
    printer = serial_printer(tmp_path, simulator)
    notices: list[PrinterNotice] = []
    printer.subscribe(notices.append)
    simulator.set_state("paper-near-end")
    assert printer.print_document("sale-1", LINES).status == "printed"
    assert printer.print_document("sale-2", LINES).status == "printed"
    assert [n.kind for n in notices] == ["paper-low"]
    assert printer.health().ok
    assert len(simulator.wait_for_jobs(2, LIMIT_S)) == 2


@pytest.fixture
def pty_pair() -> Iterator[tuple[int, str]]:
    master, slave = os.openpty()
    try:
        yield master, os.ttyname(slave)
    finally:
        os.close(slave)
        os.close(master)


def read_available(fd: int) -> bytes:
    data = b""
    while select.select([fd], [], [], 0.5)[0]:
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data


def test_a_model_that_cannot_answer_prints_with_status_off(
        tmp_path: Path, pty_pair: tuple[int, str]) -> None:
    master, port = pty_pair
    printer = ReceiptPrinter(serial_transport(port, 19200), tmp_path, ignore,
                             status=StatusOptions(query=False))
    assert printer.health().ok
    assert printer.print_document("sale-1", LINES).status == "printed"
    data = read_available(master)
    assert b"TOTAL              2.35 " in data
    assert b"\x10\x04" not in data
    printer.close()


def test_missing_serial_port_is_named(tmp_path: Path) -> None:
    printer = ReceiptPrinter(serial_transport("/dev/ttyKIOSK-none", 19200), tmp_path, ignore)
    assert printer.health().detail.startswith(
        "Receipt printer not found: serial port /dev/ttyKIOSK-none")


def test_network_printer_answers_its_status_and_gets_the_bytes(tmp_path: Path) -> None:
    """The other end is a small TCP printer: it answers each DLE EOT n with "all fine" (0x12)
    as an Epson network interface does, and keeps everything else (no network printer is
    available to a test, and the pty simulator speaks serial)."""
    received = bytearray()
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]

        def serve() -> None:
            conn, _ = server.accept()
            with conn:
                conn.settimeout(LIMIT_S)
                while chunk := conn.recv(4096):
                    received.extend(chunk)
                    conn.sendall(b"\x12" * chunk.count(b"\x10\x04"))

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        printer = ReceiptPrinter(network_transport("127.0.0.1", port), tmp_path, ignore,
                                 status=FAST)
        assert printer.health().ok
        assert printer.print_document("sale-1", LINES).status == "printed"
        printer.close()
        thread.join(LIMIT_S)
    assert b"TOTAL              2.35 " in bytes(received)
    assert bytes(received).count(b"\x10\x04") == 9  # start, before and after the receipt


def test_network_printer_refusing_connections_is_a_health_failure(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
    printer = ReceiptPrinter(network_transport("127.0.0.1", port), tmp_path, ignore)
    assert printer.health().detail.startswith(
        f"Receipt printer not found: network printer 127.0.0.1:{port}")


def test_usb_printer_that_is_not_there_names_the_device(tmp_path: Path) -> None:
    printer = ReceiptPrinter(usb_transport(0x04B8, 0x0202), tmp_path, ignore)
    health = printer.health()
    assert not health.ok
    assert health.detail.endswith("receipts will be shown as QR codes.")
    if Usb.is_usable():
        assert health.detail.startswith("Receipt printer not found: USB device 04b8:0202")
    else:
        assert health.detail.startswith("Receipt printer cannot use USB, because the Python "
                                        "package pyusb is not installed. Install pyusb")
