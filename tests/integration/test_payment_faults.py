"""Every fault in every phase, on both protocols, through the whole kiosk: never charged twice.

Each scenario is one shopper at one kiosk (its own journal) paying 2.29 EUR on its own
simulated terminal, with one scripted fault. What is checked, each time:

* the journal: the attempt is recorded ``started`` before anything else, then exactly one
  answer; the sale ends completed and the hash chain holds;
* the shopper: the message shown matches the answer (``paid``, ``payment-declined`` /
  ``payment-cancelled`` with the terminal's reason, ``payment-unknown`` with the tower light
  calling staff and an alert journaled); an unknown payment refuses a second "pay";
* the terminal's own journal: a clear answer is true (declined or cancelled: nothing booked;
  approved: booked) and at the end the shopper paid exactly once.

An unknown payment is resolved as staff resolve it, from the terminal's own journal; a refused
one is paid again. Scenarios run a few at a time (each waits on its terminal, not on the CPU),
and the size of the matrix is printed at the end of the run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from payment_kiosk import (
    ITEM,
    SALE,
    TOTAL,
    Till,
    alerts,
    charged_since,
    journal_rows,
    open_till,
    payment_steps,
    seeded,
    staff_settle,
    wait_quiet,
)
from payment_sims import LIMIT_S, simulator

from kiosk.core.light_signals import light_pattern
from kiosk.hw.termsim.faults import COUNTED, FAULTS, OUTCOMES, PHASES, phases_for
from kiosk.hw.termsim.sim_base import TerminalSimulator

PARALLEL = 12
PROTOCOLS = ("zvt", "concert")
ANSWERS = {"approved", "declined", "cancelled", "unknown"}
MESSAGE = {"approved": "paid", "declined": "payment-declined",
           "cancelled": "payment-cancelled", "unknown": "payment-unknown"}
RAN: dict[str, int] = {}
TEMPLATE: list[Path] = []  # a data directory with the demo catalogue seeded
ROWS: list[Row] = []


def matrix(protocol: str) -> list[str]:
    """Every outcome fault, and every link fault in every phase it can strike (the counted
    ones once and three times, beyond what the protocol's retries absorb)."""
    entries = []
    for name in FAULTS:
        if name in OUTCOMES:
            entries.append(name)
            continue
        for phase in phases_for(name, protocol):
            entries.append(f"{name}@{phase}")
            if name in COUNTED:
                entries.append(f"{name}@{phase}*3")
    return entries


def expected(protocol: str, fault: str) -> str:
    """The first answer the shopper gets, as each protocol defines it (see the drivers)."""
    name, _, rest = fault.partition("@")
    phase, _, count = rest.partition("*")
    late_phase = phase in PHASES[:4]  # the result was not delivered yet
    rules: dict[str, Callable[[], str]] = {
        "approve": lambda: "approved", "decline": lambda: "declined",
        "cancel": lambda: "declined" if protocol == "concert" else "cancelled",
        "busy": lambda: "cancelled", "late-answer": lambda: "approved",
        "garbage": lambda: "approved",
        "nak": lambda: ("approved" if not count or phase == "after-completion" else
                        "cancelled" if phase == "before-ack" else "unknown"),
        "bad-checksum": lambda: "unknown" if count else "approved",
        "no-answer": lambda: ("cancelled" if protocol == "concert" and phase == "before-ack"
                              else "unknown" if late_phase else "approved"),
        "after-timeout": lambda: ("cancelled" if protocol == "concert" and phase == "before-ack"
                                  else "unknown" if late_phase else "approved"),
        "disconnect": lambda: ("cancelled" if protocol == "concert" and phase == "before-ack"
                               else "unknown" if late_phase else "approved"),
    }
    return rules[name]()


@dataclass
class Row:
    protocol: str
    fault: str
    first: str
    told: str
    resolution: str
    final: str

    def line(self) -> str:
        return (f"{self.protocol:8} {self.fault:34} -> {self.first:9} {self.resolution:22} "
                f"sale {self.final}; shopper: {self.told}")


def pay_until_paid(till: Till, sim: TerminalSimulator, limit_s: float = LIMIT_S) -> None:
    """The shopper pays again; while the terminal is down the kiosk says so and staff wait,
    and an unknown answer is settled by staff as before."""
    end = time.monotonic() + limit_s
    while True:
        till.run("pay")
        state = till.wait_for({"paid", "receipt", "attract", "scanning", "payment_unknown"})
        if state == "payment_unknown" and staff_settle(till, sim, 0) == "approved":
            return
        if state not in ("scanning", "payment_unknown"):
            return
        assert time.monotonic() < end, "the card terminal never came back"
        till.shell.pump(0.3)


def first_answer(till: Till) -> str:
    steps = [status for attempt, status in payment_steps(till) if attempt == f"{SALE}-P1"]
    assert steps[0] == "started", steps  # journaled before the terminal heard of it
    answers = [s for s in steps[1:] if s in ANSWERS]
    return answers[0]


def check_shopper(till: Till, first: str) -> str:
    shown = till.shown()[0]
    assert shown.key == MESSAGE[first], shown
    if first != "approved":
        assert shown.params["reason"], "the shopper is told why"
    if first == "unknown":  # staff are called: the unknown payment, or the fault behind it
        assert light_pattern(till.shell.session) in ("payment-unknown", "fault")
        assert "payment-unknown" in alerts(till)
        till.run("pay")  # a second charge for this sale is refused while it is unknown
        assert till.state == "payment_unknown"
        assert "  refused: A staff member must first check the last payment" in till.out
    return f"{shown.key} ({shown.params.get('reason', '')})"


def scenario(protocol: str, fault: str, base: Path) -> Row:
    data = seeded(TEMPLATE[0], base / "data")
    with simulator(protocol) as sim:
        till = open_till(protocol, sim, data)
        try:
            assert till.kiosk.devices.terminal is not None
            till.wait_for({"attract"})  # the terminal registered (a loaded machine is slow)
            sim.script([fault])
            till.run(f"scan {ITEM}", "pay")
            till.wait_for({"paid", "receipt", "attract", "scanning", "payment_unknown"})
            first = first_answer(till)
            told = check_shopper(till, first)
            wait_quiet(sim)
            charged = charged_since(sim, 0)
            if first == "approved":
                assert charged == TOTAL, "an approval is a charge on the terminal"
            elif first in ("declined", "cancelled"):
                assert charged == 0, "a clear refusal charged nothing"
            resolution = "none"
            if till.state == "payment_unknown":
                resolution = "staff: " + staff_settle(till, sim, 0)
            if till.state == "scanning":
                pay_until_paid(till, sim)
                resolution += ", paid again"
            till.wait_for({"attract"})
            [sale] = journal_rows(till, "sale")
            assert sale["status"] == "completed"
            assert charged_since(sim, 0) == TOTAL, "the shopper paid exactly once"
            assert till.kiosk.writer.submit(lambda j: j.verify_chain()).result().ok
        finally:
            till.close()
    return Row(protocol, fault, first, told, resolution, sale["status"])


def run_all(cases: list[tuple[str, str]], tmp_path: Path,
            run: Callable[[str, str, Path], Row], kind: str) -> list[Row]:
    """Every (protocol, case) on its own kiosk and simulator, a pool of them at a time."""
    with ThreadPoolExecutor(PARALLEL) as pool:
        futures = {case: pool.submit(run, *case, tmp_path / f"s{n}")
                   for n, case in enumerate(cases)}
    for protocol in sorted({protocol for protocol, _ in cases}, reverse=True):
        RAN[f"{protocol} {kind}"] = sum(1 for p, _ in cases if p == protocol)
    rows, failures = [], []
    for (protocol, case), future in futures.items():
        try:
            rows.append(future.result())
        except AssertionError as exc:
            failures.append(f"{protocol} {case}: {exc}")
    ROWS.extend(rows)
    assert not failures, "\n".join(failures)
    return rows


@pytest.fixture(scope="module", autouse=True)
def matrix_report(request: pytest.FixtureRequest,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    template = tmp_path_factory.mktemp("seeded") / "data"
    with simulator("zvt") as sim:
        open_till("zvt", sim, template).close()  # first start: seeds the demo catalogue
    TEMPLATE[:] = [template]
    yield
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    total = sum(RAN.values())
    text = ", ".join(f"{name} {count}" for name, count in RAN.items())
    if reporter is not None and capture is not None and total:
        with capture.global_and_fixture_disabled():  # past the capture, onto the terminal
            reporter.write_line(f"\npayment fault matrix: {total} scenarios ran ({text})")
            if request.config.get_verbosity() > 0:  # -v: the table, one scenario a line
                for row in ROWS:
                    reporter.write_line(row.line())


def test_every_fault_in_every_phase(tmp_path: Path) -> None:
    cases = [(protocol, fault) for protocol in PROTOCOLS for fault in matrix(protocol)]
    rows = run_all(cases, tmp_path, scenario, "faults")
    wrong = [f"{r.line()}  (expected {expected(r.protocol, r.fault)})" for r in rows
             if r.first != expected(r.protocol, r.fault)]
    assert not wrong, "\n".join(wrong)


def restart_scenario(protocol: str, phase: str, base: Path) -> Row:
    """The kiosk stops while the terminal is held in ``phase`` (power cut: nothing after the
    journal's last commit is processed) and starts again on the same journal."""
    data = seeded(TEMPLATE[0], base / "data")
    with simulator(protocol) as sim:
        till = open_till(protocol, sim, data)
        try:
            till.wait_for({"attract"})
            sim.script([f"after-timeout@{phase}"])
            till.run(f"scan {ITEM}", "pay")  # the request goes out; the loop runs no further
            assert payment_steps(till) == [(f"{SALE}-P1", "started")]
        finally:
            till.close()
        till = open_till(protocol, sim, data)
        try:
            row = _after_restart(protocol, phase, till, sim)
        finally:
            till.close()
    return row


def _after_restart(protocol: str, phase: str, till: Till, sim: TerminalSimulator) -> Row:
    assert till.state == "payment_unknown"  # recovery first: no new payment for this sale
    assert any("has no answer from before the restart" in line for line in till.out)
    [shown] = till.shown()
    assert shown.key == "payment-unknown"
    assert light_pattern(till.shell.session) in ("payment-unknown", "fault")
    assert "payment-unknown" in alerts(till)
    till.run("pay")
    assert till.state == "payment_unknown"
    wait_quiet(sim)
    recovery = [line for line in till.out if line.startswith("terminal recovery: ")]
    assert recovery, "the terminal was asked first"
    if protocol == "zvt" and charged_since(sim, 0) == TOTAL:  # its answer or its last receipt
        end = time.monotonic() + LIMIT_S
        while "late-approved" not in [s for a, s in payment_steps(till) if a == f"{SALE}-P1"]:
            assert time.monotonic() < end, "the terminal's booking never reached the journal"
            till.shell.pump(0.2)
    resolution = "staff: " + staff_settle(till, sim, 0)
    if till.state == "scanning":
        pay_until_paid(till, sim)
        resolution += ", paid again"
    till.wait_for({"attract"})
    [sale] = journal_rows(till, "sale")
    assert charged_since(sim, 0) == TOTAL, "the shopper paid exactly once"
    assert till.kiosk.writer.submit(lambda j: j.verify_chain()).result().ok
    return Row(protocol, f"restart@{phase}", "unknown", f"payment-unknown; {recovery[-1]}",
               resolution, sale["status"])


def test_restarts_in_every_phase(tmp_path: Path) -> None:
    cases = [(protocol, phase) for protocol in PROTOCOLS for phase in PHASES]
    rows = run_all(cases, tmp_path, restart_scenario, "restarts")
    assert {(row.protocol, row.fault) for row in rows} == {
        (protocol, f"restart@{phase}") for protocol, phase in cases}
