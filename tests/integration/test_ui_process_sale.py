"""The program a store runs: ``kiosk run`` (demo configuration, every device simulated, a
temporary data directory) on its own X display, clicked through a whole sale with xdotool.

A screenshot of the real window is taken at the X server after each step
(tests/artifacts/screens/process/), and the test asserts on what the kiosk itself recorded:
the completed sale in its journal and the receipt its printer printed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ui_harness import close_ui_kiosk, make_ui_kiosk, ui_display, ui_window  # noqa: F401
from uistaff_process import (
    KioskProcess,
    press,
    settle,
    start_kiosk,
    start_xvfb,
    stop_kiosk,
    wait_for,
)

from kiosk.hw.factory import SimulatorOptions

CUCUMBER_PLU = "4062"  # "Cucumber, each", 0.89 €: picked from the look-up keypad by PLU
ENV = {"KIOSK__SALE__RECEIPT_TIMEOUT_S": "600"}


@pytest.fixture
def real(tmp_path: Path) -> Iterator[KioskProcess]:
    xvfb, display = start_xvfb()
    kiosk = None
    try:
        kiosk = start_kiosk(display, tmp_path / "real", tmp_path / "kiosk.log", ENV)
        yield kiosk
    finally:
        if kiosk is not None:
            stop_kiosk(kiosk)
        xvfb.terminate()
        xvfb.wait(timeout=10)


@pytest.fixture
def mirror(ui_window: Any, tmp_path: Path) -> Iterator[Any]:  # noqa: F811
    ui = make_ui_kiosk(ui_window, tmp_path / "mirror", env=ENV,
                       simulators=SimulatorOptions(terminal_delay_s=2.0))
    yield ui
    close_ui_kiosk(ui)


def sales(data_dir: Path) -> list[dict[str, Any]]:
    """The kiosk's journal as another process reads it (SQLite, read-only)."""
    path = data_dir / "journal.sqlite3"
    if not path.exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT payload FROM records WHERE kind = 'sale'").fetchall()
    return [json.loads(row[0]) for row in rows]


def test_a_whole_sale_in_the_real_kiosk_process_clicked_with_xdotool(real: KioskProcess,
                                                                      mirror: Any) -> None:
    mirror.at("attract")
    settle(3.0)
    real.screenshot("01-attract")
    press(real, mirror, "start")
    mirror.at("basket")
    settle(1.5)
    real.screenshot("02-basket-empty")
    press(real, mirror, "lookup")
    settle(1.0)
    for digit in CUCUMBER_PLU:
        press(real, mirror, f"digit-{digit}")
    settle(1.0)
    real.screenshot("03-lookup-plu")
    press(real, mirror, "plu-enter")
    mirror.until(lambda: mirror.kiosk.loop.session.basket.item_count == 1, "the cucumber")
    settle(1.5)
    real.screenshot("04-basket-cucumber")
    press(real, mirror, "pay")
    settle(1.0)
    real.screenshot("05-payment")
    receipts = real.data_dir / "receipts"
    wait_for(lambda: any(receipts.glob("*.bin")), "the receipt printed", 60)
    settle(1.5)
    real.screenshot("06-done")
    done = [s for s in sales(real.data_dir) if s["status"] == "completed"]
    assert len(done) == 1, real.output()[-3000:]
    sale = done[0]
    assert sale["total"] == 89
    assert [line["names"]["en"] for line in sale["lines"]] == ["Cucumber, each"]
    assert sale["payments"][-1]["outcome"] == "approved"
    receipt = (receipts / f"{sale['sale_id']}.bin").read_bytes()
    assert b"Cucumber, each" in receipt
    assert b"TOTAL EUR" in receipt
    assert b"0.89" in receipt
