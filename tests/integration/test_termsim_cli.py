"""``kiosk-terminal-sim`` as store IT runs it: a process that prints its port, then serves."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from termsim_helpers import LIMIT_S, ConcertClient, ZvtClient, commands, serial_port, tv

SCRIPT = Path(sys.executable).with_name("kiosk-terminal-sim")
Starter = Callable[..., "Simulator"]


class Simulator:
    """The CLI in a child process; its output lines are collected as they come."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen([str(SCRIPT), *args], stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def line(self) -> str:
        return self.lines.get(timeout=LIMIT_S)

    def signal(self, signum: int) -> int:
        self.process.send_signal(signum)
        return self.process.wait(timeout=LIMIT_S)


@pytest.fixture
def start_cli() -> Iterator[Starter]:
    started: list[Simulator] = []

    def start(*args: str) -> Simulator:
        started.append(Simulator(*args))
        return started[-1]

    yield start
    for simulator in started:
        if simulator.process.poll() is None:
            simulator.process.kill()
        simulator.process.wait(timeout=LIMIT_S)
        for stream in (simulator.process.stdout, simulator.process.stderr):
            if stream is not None:
                stream.close()


def test_zvt_prints_its_port_first_and_serves_two_registers_in_a_row(start_cli: Starter) -> None:
    sim = start_cli("--protocol", "zvt", "--delay", "0.02", "--fault", "decline")
    path = sim.line()
    assert os.path.islink(path)
    assert os.readlink(path).startswith("/dev/pts/")
    assert sim.line().startswith("# zvt terminal 12345678 on /dev/pts/")
    for expected_end in (tv.ZVT_ABORT_DECLINED_APDU, tv.ZVT_COMPLETION_APDU):
        with serial_port(path) as port:
            seen = ZvtClient(port).transact(tv.ZVT_AUTHORISATION_12_34_FRAME)
        assert seen[-1] == expected_end
        assert commands(seen)[:2] == [b"\x80\x00", b"\x04\xff"]
    first, second = sim.line(), sim.line()
    assert first.startswith("#1 charge 12.34 cur=978 declined trace=000001 delivered "
                            "fault=decline")
    assert second.startswith("#2 charge 12.34 cur=978 approved trace=000002 receipt=0001 "
                             "delivered fault=approve")
    assert sim.signal(signal.SIGTERM) == 0
    assert not os.path.lexists(path)  # the published port goes away with the simulator


def test_concert_serves_two_registers_and_stops_on_sigint(start_cli: Starter, tmp_path: Path) -> None:
    link = tmp_path / "ttyTERMINAL"
    sim = start_cli("--protocol", "concert", "--delay", "0.02", "--link", str(link))
    assert sim.line() == str(link)
    for request, size, answer in (
            (tv.CONCERT_REQUEST_12_34_FRAME, 28, tv.CONCERT_ANSWER_SHORT_APPROVED_FRAME),
            (tv.CONCERT_REQUEST_12_34_LONG_FRAME, 83, tv.CONCERT_ANSWER_LONG_APPROVED_FRAME)):
        with serial_port(str(link)) as port:
            register = ConcertClient(port)
            assert register.request(request)
            assert register.answer(size) == answer
    assert sim.line().startswith("# concert terminal")
    assert [" approved " in sim.line() for _ in range(2)] == [True, True]
    assert sim.signal(signal.SIGINT) == 0


def test_a_bad_fault_is_refused_before_any_port_is_published(start_cli: Starter) -> None:
    sim = start_cli("--protocol", "zvt", "--fault", "nak@after-ack")
    assert sim.process.wait(timeout=LIMIT_S) == 2
    assert sim.lines.empty()
    assert sim.process.stderr is not None
    assert sim.process.stderr.read() == ("kiosk-terminal-sim: fault 'nak' cannot strike 'after-ack' on zvt, because it "
                   "strikes before-ack, during-status, before-completion, after-completion.\n")
