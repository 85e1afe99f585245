"""Shared by the payment tests: the protocol simulators on a real pty, with short timings.

The simulators (kiosk/hw/termsim, written and coded independently of the kiosk's drivers) run
in this process on a pty pair; the kiosk's drivers open the simulator's stable port path with
pyserial exactly as they open /dev/ttyUSB0. Only the tests import both sides.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from kiosk.hw.terminal import TerminalOutcome, TerminalReport, TerminalSettings, TerminalStatus
from kiosk.hw.termsim.concert_sim import ConcertSimulator
from kiosk.hw.termsim.sim_base import SimTiming, TerminalSimulator
from kiosk.hw.termsim.zvt_sim import ZvtSimulator

LIMIT_S = 20.0  # a bound against hanging, never a speed assertion
PASSWORD = "000000"

# The kiosk's timeouts, shortened (production: config/kiosk.toml); the simulator's delays are
# chosen against them: a late answer within the kiosk's patience, "after-timeout" beyond it.
# They leave room for a loaded machine: a missed ACK is a retransmission, not a failure.
KIOSK_TIMING = {"ack_timeout_s": 0.4, "answer_timeout_s": 0.8, "timeout_s": 1.5,
                "completion_timeout_s": 0.8, "reconnect_s": 0.3}
SIM_TIMING = SimTiming(link_ack_s=0.4, link_attempts=3, reply_s=0.8, card_step_s=0.02,
                       late_answer_s=0.15, after_timeout_s=2.5, silence_s=2.0, disconnect_s=0.3,
                       busy_s=2.0, inter_byte_s=0.4)
_IDS = itertools.count(10_000_001)


def _terminal_id() -> str:
    return str(next(_IDS))


# One driver against one simulator, nothing else running: tighter still, so a test that
# waits for an UNKNOWN waits less (the fault matrix runs many at once and keeps the above).
DRIVER_TIMING = {**KIOSK_TIMING, "timeout_s": 0.8, "answer_timeout_s": 0.5}
DRIVER_SIM_TIMING = replace(SIM_TIMING, after_timeout_s=1.3, silence_s=1.2)

SIMULATORS: dict[str, type[TerminalSimulator]] = {"zvt": ZvtSimulator,
                                                  "concert": ConcertSimulator}


@contextmanager
def simulator(protocol: str, **options: object) -> Iterator[TerminalSimulator]:
    """A simulator with its own terminal id; its "disconnect" fault also takes its published
    port name away while unplugged, as udev removes /dev/serial/by-id/... (the simulator
    leaves it pointing at a closed pty, whose number the next pty of another test reuses)."""
    sim = SIMULATORS[protocol](timing=options.pop("timing", SIM_TIMING),
                               terminal_id=options.pop("terminal_id", _terminal_id()),
                               **options)
    port = sim._port  # the simulator's end of the cable, see the docstring
    hang_up = port.hang_up

    def unplug() -> None:
        hang_up()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(port.path)

    port.hang_up = unplug  # type: ignore[method-assign]
    sim.start()
    try:
        yield sim
    finally:
        sim.stop()


def settings_for(protocol: str, port: str, **changes: object) -> TerminalSettings:
    """A driver's settings for the driver tests (DRIVER_TIMING)."""
    base = TerminalSettings(protocol, port, 9600, "EUR", password=PASSWORD, **DRIVER_TIMING)
    return replace(base, **changes)  # type: ignore[arg-type]


class Recorder:
    """What the kiosk's event queue would receive from a driver."""

    def __init__(self) -> None:
        self.events: queue.Queue[object] = queue.Queue()
        self.seen: list[object] = []  # everything taken from the queue, in order

    def post(self, event: object) -> None:
        self.events.put(event)

    def next(self, kind: type, *, limit_s: float = LIMIT_S,
             where: Callable[[object], bool] = lambda e: True) -> object:
        end = time.monotonic() + limit_s
        while True:
            event = self.events.get(timeout=max(end - time.monotonic(), 0.01))
            self.seen.append(event)
            if isinstance(event, kind) and where(event):
                return event

    def outcome(self, attempt_id: str, **options: float) -> TerminalOutcome:
        found = self.next(TerminalOutcome, **options, where=lambda e: (
            isinstance(e, TerminalOutcome) and e.attempt_id == attempt_id))
        assert isinstance(found, TerminalOutcome)
        return found

    def report(self, action: str, *, final: bool = True) -> TerminalReport:
        """The next report of ``action``; ``final`` skips "asks again later" ones."""
        def wanted(event: object) -> bool:
            return (isinstance(event, TerminalReport) and event.action == action
                    and not (final and event.detail.endswith("when the card terminal is free.")))
        found = self.next(TerminalReport, where=wanted)
        assert isinstance(found, TerminalReport)
        return found

    def statuses(self, attempt_id: str) -> list[str]:
        return [e.message_key for e in self.seen
                if isinstance(e, TerminalStatus) and e.attempt_id == attempt_id]


def wait_until(condition: Callable[[], bool], limit_s: float = LIMIT_S) -> None:
    end = time.monotonic() + limit_s
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"not reached within {limit_s} s")
        time.sleep(0.02)
