"""Both protocols end to end: the real ``kiosk`` command, headless, paying on a simulator.

The kiosk runs as a child process with the demo configuration, except that its card terminal
is real (ZVT or Concert V2) on the port the simulator publishes, as store IT would set it up
with ``kiosk-terminal-sim``. The simulator runs in this process and keeps its own journal.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from payment_sims import KIOSK_TIMING, PASSWORD, simulator

from kiosk.store.journal import Journal

ROOT = Path(__file__).parents[2]
SALE = "demo-store-k01-00000001"


def kiosk(*args: str, data: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK__")}
    return subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "--config", str(ROOT / "config" / "demo.toml"),
         *args], cwd=ROOT, env={**base, "KIOSK__PATHS__DATA_DIR": str(data), **env},
        capture_output=True, text=True, timeout=120, check=False)


def terminal_env(protocol: str, port: str, secret: Path) -> dict[str, str]:
    env = {"KIOSK__DEVICES__TERMINAL__MODE": "real",
           "KIOSK__DEVICES__TERMINAL__PROTOCOL": protocol,
           "KIOSK__DEVICES__TERMINAL__PORT": port,
           "KIOSK__DEVICES__TERMINAL__PASSWORD_FILE": str(secret),
           "KIOSK__SALE__RECEIPT_TIMEOUT_S": "1"}
    env |= {f"KIOSK__DEVICES__TERMINAL__{k.upper()}": str(v) for k, v in KIOSK_TIMING.items()}
    return env


@pytest.mark.parametrize("protocol", ["zvt", "concert"])
def test_a_sale_paid_on_a_real_protocol_terminal(protocol: str, tmp_path: Path) -> None:
    secret = tmp_path / "terminal-password"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    script = tmp_path / "sale.txt"
    script.write_text("scan 3760003000076\npay\nwait scanning 30\npay\nwait attract 30\n",
                      encoding="utf-8")
    data = tmp_path / "data"
    with simulator(protocol) as sim:
        sim.script(["decline"])  # the first card is declined, the second pays
        run = kiosk("run", "--headless", "--script", str(script), data=data,
                    env=terminal_env(protocol, sim.path, secret))
        charges = sim.journal.approved_charges()
    out = run.stdout
    assert run.returncode == 0, out + run.stderr
    assert f"device terminal: real ({protocol} on {sim.path}) — ok" in out
    assert "screen: payment-declined (reason=" in out
    assert f"sale {SALE} completed: 2.29 €" in out
    assert [c.amount_minor for c in charges] == [229]
    with Journal(data / "journal.sqlite3") as journal:
        steps = [r.data() for r in journal.payment_attempts(SALE)]
        assert journal.verify_chain().ok
    assert [(s["attempt_id"][-2:], s["status"]) for s in steps] == [
        ("P1", "started"), ("P1", "declined"), ("P2", "started"), ("P2", "approved")]
    approved = steps[-1]
    assert approved["masked_pan"] == "497010******0119"
    if protocol == "zvt":  # the terminal's receipt and data are kept with the payment
        assert "Amount EUR 2.29" in approved["receipt"].splitlines()
        assert approved["trace"] == "000002"
