"""bench/outbox.py end to end on a few hundred sales: its last line is the JSON the issue names,
and the journal and the central database agree (no speed is asserted; the figures are the
bench's to print)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parents[2] / "bench" / "outbox.py"
KEYS = {"bench", "messages", "outbox_msg_s", "raw_paho_msg_s", "ratio", "lost",
        "duplicates_received", "duplicates_central"}


def test_the_bench_delivers_every_sale_once_and_reports_json(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH), "--messages", "300", "--window", "20", "--dir",
         str(tmp_path / "run")],
        capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "PYTHONPATH": str(BENCH.parents[1])})
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert set(result) == KEYS
    assert result["bench"] == "outbox"
    assert result["messages"] == 300
    assert (result["lost"], result["duplicates_central"]) == (0, 0)
    assert result["outbox_msg_s"] > 0
    assert result["raw_paho_msg_s"] > 0
    assert "central database: 300 of 300 sales" in done.stdout
