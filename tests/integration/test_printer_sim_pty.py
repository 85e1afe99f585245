"""The printer simulator on a real pty pair, spoken to with pyserial and python-escpos.

The status path runs on real bytes: DLE EOT n out, the scripted Epson status byte back, with
the state changed while the port stays open.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import serial
from escpos.printer import Dummy
from escpos.printer import Serial as EscposSerial
from pyzbar import pyzbar

from kiosk.hw.escpos_png import render_png
from kiosk.hw.printer_sim import PrinterSimError, PrinterSimulator
from kiosk.hw.printer_status import QUERIES, QUERY_ROLL_PAPER, decode_status

CLEAR_BUFFERS = b"\x10\x14\x08\x01\x03\x14\x01\x06\x02\x08"  # DLE DC4 8 (Epson reference)
# What an Epson printer answers to DLE EOT 1, 2, 3, 4 in each state (ESC/POS reference).
EPSON = {
    "online": b"\x12\x12\x12\x12",
    "paper-near-end": b"\x12\x12\x12\x1e",
    "cover-open": b"\x1a\x16\x12\x12",
    "paper-out": b"\x1a\x32\x12\x7e",
    "offline": b"\x1a\x52\x32\x12",
}
PROBLEMS = {"online": (), "paper-near-end": ("paper low",), "cover-open": ("cover open",),
            "paper-out": ("out of paper",), "offline": ("error: unrecoverable",)}


@pytest.fixture
def sim() -> Iterator[PrinterSimulator]:
    with PrinterSimulator() as simulator:
        yield simulator


@pytest.fixture
def port(sim: PrinterSimulator) -> Iterator[serial.Serial]:
    with serial.Serial(sim.path, 19200, timeout=2) as opened:
        yield opened


def receipt(sale: str) -> bytes:
    dummy = Dummy(profile="TM-T20II")
    dummy.hw("INIT")
    dummy.set(align="center")
    dummy.textln(f"Sale {sale}")
    dummy.qr(sale, native=True, size=4)
    dummy.textln("")
    dummy.cut()
    return dummy.output


def test_paper_out_is_answered_and_follows_the_state_changed_mid_run(
        sim: PrinterSimulator, port: serial.Serial) -> None:
    port.write(QUERY_ROLL_PAPER)
    assert port.read(1) == b"\x12"
    sim.set_state("paper-out")
    port.write(QUERY_ROLL_PAPER)
    answer = port.read(1)
    assert answer == b"\x7e"
    assert decode_status(4, answer[0]).paper_out is True
    sim.set_state("online")
    port.write(QUERY_ROLL_PAPER)
    assert port.read(1) == b"\x12"
    assert sim.answers == [(4, 0x12), (4, 0x7E), (4, 0x12)]


@pytest.mark.parametrize("state", sorted(EPSON))
def test_each_state_answers_the_four_queries_with_epson_bytes(
        sim: PrinterSimulator, port: serial.Serial, state: str) -> None:
    sim.set_state(state)
    port.write(b"".join(QUERIES[n] for n in (1, 2, 3, 4)))
    answers = port.read(4)
    assert answers == EPSON[state]
    status = decode_status(1, answers[0])
    for n in (2, 3, 4):
        status = status.merge(decode_status(n, answers[n - 1]))
    assert status.problems() == PROBLEMS[state]


def test_python_escpos_reads_the_same_status_from_the_simulator(sim: PrinterSimulator) -> None:
    printer = EscposSerial(devfile=sim.path, baudrate=19200, timeout=0.3, dsrdtr=False)
    printer.open()
    try:
        assert (printer.is_online(), printer.paper_status()) == (True, 2)
        sim.set_state("paper-near-end")
        assert printer.paper_status() == 1
        sim.set_state("paper-out")
        assert (printer.is_online(), printer.paper_status()) == (False, 0)
        sim.set_state("cover-open")
        assert printer.is_online() is False
    finally:
        printer.close()


def test_jobs_arrive_one_per_cut_and_render_to_a_scannable_receipt(
        sim: PrinterSimulator) -> None:
    printer = EscposSerial(devfile=sim.path, baudrate=19200, timeout=0.3, dsrdtr=False)
    printer.open()
    try:
        for sale in ("K1-000041", "K1-000042"):
            printer._raw(receipt(sale))
    finally:
        printer.close()
    jobs = sim.wait_for_jobs(2, timeout_s=5)
    assert jobs == [receipt("K1-000041"), receipt("K1-000042")]
    assert sim.unfinished == b""
    image = render_png(jobs[1])
    [symbol] = pyzbar.decode(image.convert("L").crop((-40, -40, 616, image.height + 40)))
    assert symbol.data == b"K1-000042"


def test_a_receipt_sent_while_out_of_paper_prints_after_the_roll_is_replaced(
        sim: PrinterSimulator, port: serial.Serial) -> None:
    sim.set_state("paper-out")
    data = receipt("K1-000043")
    port.write(data + QUERY_ROLL_PAPER)
    assert port.read(1) == b"\x7e"  # answered after the receipt bytes were taken in
    assert (sim.jobs, sim.held) == ([], data + QUERY_ROLL_PAPER)
    sim.set_state("online")
    assert sim.jobs == [data]
    assert sim.unfinished == QUERY_ROLL_PAPER  # the query is part of the stream, not a job


def test_clearing_the_buffers_drops_a_held_receipt_so_it_never_prints_late(
        sim: PrinterSimulator, port: serial.Serial) -> None:
    sim.set_state("paper-out")
    port.write(receipt("K1-000045"))
    port.write(CLEAR_BUFFERS[:4])  # split: the printer still sees one command
    port.flush()
    port.write(CLEAR_BUFFERS[4:])
    assert port.read(3) == b"\x37\x25\x00"  # Epson's clear response
    assert (sim.held, sim.buffers_cleared) == (b"", 1)
    sim.set_state("online")
    port.write(receipt("K1-000046") + QUERY_ROLL_PAPER)
    assert port.read(1) == b"\x12"
    assert sim.jobs == [receipt("K1-000046")]


def test_status_bytes_inside_image_data_are_answered_as_a_real_printer_does(
        sim: PrinterSimulator, port: serial.Serial) -> None:
    # Epson warns that DLE EOT n is recognised even inside other commands' data.
    image = b"\x1b@\x1dv0\x00\x03\x00\x01\x00" + b"\x10\x04\x01" + b"\n\x1dV\x00"
    port.write(image)
    assert port.read(1) == b"\x12"
    assert sim.wait_for_jobs(1, timeout_s=5) == [image]  # and the image data is kept intact
    first_row = render_png(image).crop((0, 0, 24, 1))
    assert [x for x in range(24) if first_row.getpixel((x, 0)) == 0] == [3, 13, 23]


def test_a_query_split_across_writes_is_still_answered(
        sim: PrinterSimulator, port: serial.Serial) -> None:
    port.write(b"\x10")
    port.flush()
    port.write(b"\x04")
    port.flush()
    port.write(b"\x02")
    assert port.read(1) == b"\x12"


def test_a_printer_that_is_off_answers_nothing(sim: PrinterSimulator) -> None:
    sim.set_state("no-answer")
    with serial.Serial(sim.path, 19200, timeout=0.3) as port:
        port.write(QUERY_ROLL_PAPER + receipt("K1-000044"))
        assert port.read(1) == b""
    assert (sim.jobs, sim.held, sim.answers) == ([], b"", [])


def test_unknown_state_is_refused_with_the_list() -> None:
    with pytest.raises(PrinterSimError, match="the states are online, paper-near-end"):
        PrinterSimulator("jammed")
