"""A whole kiosk (composition root, event loop, journal, devices) paying on a protocol simulator.

The kiosk runs in this process with the demo configuration, except that its card terminal is
real (ZVT or Concert) on the simulator's pty; its data lives in a test directory. A scenario
reads what an auditor and a shopper would: the journal's payment steps, the messages shown,
the alerts raised, and, from the simulator's own journal, what the terminal actually booked.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from payment_sims import KIOSK_TIMING, LIMIT_S, PASSWORD

from kiosk.app import Kiosk
from kiosk.config import load_config
from kiosk.core import effects as fx
from kiosk.headless import Headless
from kiosk.hw.termsim.sim_base import TerminalSimulator
from kiosk.store.journal import Journal

ROOT = Path(__file__).parents[2]
ITEM = "3760003000076"  # milk 1.79 and its glass-bottle deposit 0.50
TOTAL = 229
SALE = "demo-store-k01-00000001"
FINAL = {"paid", "receipt", "attract", "scanning", "payment_unknown"}
SHOPPER_KEYS = {"paid", "payment-declined", "payment-cancelled", "payment-unknown"}


@dataclass
class Till:
    """One running kiosk and what it showed; ``close`` stops it as a power cut would stop the
    loop: what the journal committed stays, nothing after it is processed."""

    kiosk: Kiosk
    shell: Headless
    out: list[str] = field(default_factory=list)

    @property
    def state(self) -> str:
        return str(self.shell.session.state)

    def run(self, *lines: str) -> None:
        assert self.shell.run_lines(lines, stop_on_error=True) == 0, "\n".join(self.out[-30:])

    def wait_for(self, states: set[str], limit_s: float = LIMIT_S) -> str:
        end = time.monotonic() + limit_s
        while self.state not in states:
            assert time.monotonic() < end, f"still {self.state}: " + "\n".join(self.out[-30:])
            self.shell.pump(0.05)
        self.shell.settle()
        return self.state

    def shown(self) -> list[fx.ShowMessage]:
        return [m for m in self.kiosk.messages if m.key in SHOPPER_KEYS]

    def close(self) -> None:
        self.kiosk.close()


def seeded(template: Path, data: Path) -> Path:
    """A data directory holding the demo catalogue already: seeding 430 products is a
    durable whole-file write, done once per test module instead of once per scenario."""
    shutil.copytree(template / "catalogue", data / "catalogue")
    return data


def open_till(protocol: str, sim: TerminalSimulator, data: Path, **env: str) -> Till:
    data.mkdir(parents=True, exist_ok=True)
    secret = data.parent / "terminal-password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    environ = {"KIOSK__PATHS__DATA_DIR": str(data), "KIOSK__SALE__RECEIPT_TIMEOUT_S": "1",
               "KIOSK__DEVICES__TERMINAL__MODE": "real",
               "KIOSK__DEVICES__TERMINAL__PROTOCOL": protocol,
               "KIOSK__DEVICES__TERMINAL__PORT": sim.path,
               "KIOSK__DEVICES__TERMINAL__PASSWORD_FILE": str(secret)}
    environ |= {f"KIOSK__DEVICES__TERMINAL__{key.upper()}": str(value)
                for key, value in KIOSK_TIMING.items()}
    environ |= env
    out: list[str] = []
    kiosk = Kiosk(load_config(ROOT / "config" / "demo.toml", environ=environ), say=out.append)
    return Till(kiosk, Headless(kiosk, out=out.append), out)


def journal_rows(till: Till, kind: str) -> list[dict]:
    """The journal's records of one kind, read through the Journal API (its writer thread):
    the durable log is the truth, SQLite may not have caught up with it yet."""
    def read(journal: Journal) -> list[dict]:
        records, after = [], 0
        while batch := journal.records(after_seq=after):
            records += batch
            after = batch[-1].seq
        return [r.data() for r in records if r.kind == kind]
    return till.kiosk.writer.submit(read).result()


def payment_steps(till: Till) -> list[tuple[str, str]]:
    return [(p["attempt_id"], p["status"]) for p in journal_rows(till, "payment_attempt")]


def alerts(till: Till) -> list[str]:
    return [e["kind"] for e in journal_rows(till, "event")]


def charged_since(sim: TerminalSimulator, seq: int) -> int:
    """Money the terminal holds from transactions after ``seq``: what the shopper paid."""
    return sum(e.amount_minor for e in sim.journal.standing_charges() if e.seq > seq) - sum(
        e.amount_minor for e in sim.journal.approved("refund") if e.seq > seq)


def staff_settle(till: Till, sim: TerminalSimulator, baseline: int) -> str:
    """Staff read the terminal's own journal and resolve the unknown payment accordingly."""
    attempt = till.shell.session.in_flight
    assert attempt is not None
    wait_quiet(sim)
    verdict = "approved" if charged_since(sim, baseline) == TOTAL else "declined"
    till.run("staff s01 9876", f"resolve {attempt.attempt_id} {verdict}", "staff-exit")
    return verdict


def wait_quiet(sim: TerminalSimulator, limit_s: float = LIMIT_S) -> None:
    """Until the terminal finished what it was doing (held, late or silent)."""
    end = time.monotonic() + limit_s
    while sim.faults.pending() or not _idle(sim):
        assert time.monotonic() < end, "the simulated terminal never finished"
        time.sleep(0.05)


def _idle(sim: TerminalSimulator) -> bool:
    entries = sim.journal.entries()
    time.sleep(0.2)  # a transaction that is still running books and finishes meanwhile
    return sim.journal.entries() == entries and sim.fault.name == "approve"
