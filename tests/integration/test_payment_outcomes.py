"""Unattended payment through the whole kiosk: the terminal simulator's named faults.

The kiosk runs in-process (composition root, event loop, journal writer thread, device threads)
with the demo configuration; the terminal simulator is told to fail in named ways. What is
checked is what the shopper saw and what the journal holds, which is what an auditor reads.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.app import Kiosk
from kiosk.config import load_config
from kiosk.headless import Headless
from kiosk.hw.factory import SimulatorOptions
from kiosk.store.journal import Journal

ROOT = Path(__file__).parents[2]


@pytest.fixture
def make_kiosk(tmp_path: Path):
    made: list[Kiosk] = []

    def make(*faults: str) -> tuple[Kiosk, Headless, list[str]]:
        loaded = load_config(ROOT / "config" / "demo.toml",
                             environ={"KIOSK__PATHS__DATA_DIR": str(tmp_path / "data"),
                                      "KIOSK__SALE__RECEIPT_TIMEOUT_S": "1"})
        lines: list[str] = []
        kiosk = Kiosk(loaded, say=lines.append,
                      simulators=SimulatorOptions(terminal_delay_s=0.05, terminal_faults=faults))
        made.append(kiosk)
        return kiosk, Headless(kiosk, out=lines.append), lines

    yield make
    for kiosk in made:
        kiosk.close()


def records(kiosk: Kiosk, kind: str) -> list[dict]:
    """Through the Journal API on the kiosk's own writer: its durable log is the truth, SQLite
    may lag behind it."""
    def read(journal: Journal) -> list[dict]:
        return [r.data() for r in journal.records(limit=100_000) if r.kind == kind]
    return kiosk.writer.submit(read).result()


def payments(kiosk: Kiosk) -> list[tuple[str, str]]:
    return [(p["attempt_id"], p["status"]) for p in records(kiosk, "payment_attempt")]


def sales(kiosk: Kiosk) -> list[dict]:
    return records(kiosk, "sale")


def test_a_declined_card_returns_to_the_basket_and_a_second_card_pays(make_kiosk) -> None:
    kiosk, shell, _out = make_kiosk("decline", "approve")
    assert shell.run_lines(["scan 3760003000076", "pay", "wait scanning 10", "pay",
                            "wait receipt 10"], stop_on_error=True) == 0
    assert payments(kiosk) == [
        ("demo-store-k01-00000001-P1", "started"), ("demo-store-k01-00000001-P1", "declined"),
        ("demo-store-k01-00000001-P2", "started"), ("demo-store-k01-00000001-P2", "approved")]
    [sale] = sales(kiosk)
    assert sale["total"] == 229  # milk 1.79 and its glass-bottle deposit 0.50
    assert [p["outcome"] for p in sale["payments"]] == ["declined", "approved"]


def test_an_unknown_outcome_waits_for_staff_and_is_never_retried_by_itself(make_kiosk, tmp_path) -> None:
    kiosk, shell, out = make_kiosk("unknown")
    assert shell.run_lines(["scan 3760003000076", "pay", "wait payment_unknown 10"],
                           stop_on_error=True) == 0
    assert "  light: payment-unknown" in out
    # the shopper pressing pay again starts nothing: the card may have been charged
    assert shell.run_lines(["pay"], stop_on_error=True) == 0
    assert payments(kiosk) == [("demo-store-k01-00000001-P1", "started"),
                                            ("demo-store-k01-00000001-P1", "unknown")]
    # staff look at the terminal's own journal and say it was approved
    assert shell.run_lines(["staff s01 9876", "resolve demo-store-k01-00000001-P1 approved",
                            "staff-exit", "wait attract 40"], stop_on_error=True) == 0
    [sale] = sales(kiosk)
    assert sale["status"] == "completed"
    assert [(p["outcome"], p.get("resolved_by")) for p in sale["payments"]] == [
        ("approved", "s01")]
    assert kiosk.writer.submit(lambda j: j.verify_chain()).result().ok


def test_help_is_journaled_as_an_alert_for_the_store(make_kiosk, tmp_path) -> None:
    kiosk, shell, out = make_kiosk()
    assert shell.run_lines(["help"], stop_on_error=True) == 0
    assert "  light: help" in out
    pending = kiosk.writer.submit(lambda j: j.pending(10)).result()
    assert [m.topic for m in pending] == ["events"]
    message = json.loads(pending[0].payload)
    assert (message["kind"], message["payload"]["kind"]) == ("event", "help-requested")
