"""Real printer transports through python-escpos: a device file, a pty as the serial line, a
local socket as the network printer, and a USB printer that is not there."""

from __future__ import annotations

import os
import select
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from escpos.printer import Usb

from kiosk.hw.printer import (
    ReceiptPrinter,
    file_transport,
    network_transport,
    serial_transport,
    usb_transport,
)

LINES = ["Crème fraîche      2.35 €", "TOTAL              2.35 €"]
LIMIT_S = 20.0  # a bound against hanging, never a speed assertion


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


def test_serial_printer_gets_the_bytes_on_the_line(tmp_path: Path,
                                                   pty_pair: tuple[int, str]) -> None:
    master, port = pty_pair
    printer = ReceiptPrinter(serial_transport(port, 19200), tmp_path, ignore)
    assert printer.health().ok
    assert printer.print_document("sale-1", LINES).status == "printed"
    assert b"TOTAL              2.35 " in read_available(master)
    printer.close()


def test_missing_serial_port_is_named(tmp_path: Path) -> None:
    printer = ReceiptPrinter(serial_transport("/dev/ttyKIOSK-none", 19200), tmp_path, ignore)
    assert printer.health().detail.startswith(
        "Receipt printer not found: serial port /dev/ttyKIOSK-none")


def test_network_printer_gets_the_bytes_over_tcp(tmp_path: Path) -> None:
    received = bytearray()
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]

        def serve() -> None:
            conn, _ = server.accept()
            with conn:
                conn.settimeout(LIMIT_S)
                while chunk := conn.recv(4096):
                    received.extend(chunk)

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        printer = ReceiptPrinter(network_transport("127.0.0.1", port), tmp_path, ignore)
        assert printer.print_document("sale-1", LINES).status == "printed"
        printer.close()
        thread.join(LIMIT_S)
    assert b"TOTAL              2.35 " in bytes(received)


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
