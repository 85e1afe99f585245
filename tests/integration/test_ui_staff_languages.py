"""Every staff screen in every language, drawn in a real window and saved as a PNG
(tests/artifacts/screens/staff-*-{en,fr,zh}.png), with what staff read checked in each.

The staff screens follow the sale's language (the shopper chose it), so a supervisor helping a
Chinese-speaking shopper reads Chinese; the end-of-day report is read from the real journal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ui_harness import (  # noqa: F401 - fixtures
    close_ui_kiosk,
    frames,
    make_ui_kiosk,
    ui_display,
    ui_window,
)
from uistaff_helpers import SUPERVISOR, enter_pin, open_pad, post, scan, shot, text_of

from kiosk.core import events as ev
from kiosk.hw.factory import SimulatorOptions

BAG = "3760000000130"
READS = {  # (pad prompt, assisted title start, resolve form title, report title start)
    "en": ("Type your staff id", "Assisted mode: Lucas", "Cancel sale", "End of day"),
    "fr": ("Saisissez votre identifiant", "Mode assisté : Lucas", "Annuler la vente",
           "Fin de journée"),
    "zh": ("请输入员工编号", "协助模式：Lucas", "取消交易", "日结报表"),
}


@pytest.fixture
def ui(ui_window: Any, tmp_path: Path) -> Any:  # noqa: F811
    kiosk = make_ui_kiosk(ui_window, tmp_path / "data",
                          simulators=SimulatorOptions(terminal_delay_s=0.2),
                          env={"KIOSK__SALE__RECEIPT_TIMEOUT_S": "600"})
    yield kiosk
    close_ui_kiosk(kiosk)


@pytest.mark.parametrize("lang", ["en", "fr", "zh"])
def test_every_staff_screen_in_every_language(ui: Any, lang: str) -> None:
    prompt, title, cancel, report = READS[lang]
    ui.at("attract")
    post(ui, ev.LanguageChosen(at=ui.kiosk.clock(), lang=lang))
    scan(ui, BAG)
    pad = open_pad(ui)
    assert text_of(pad, "message").startswith(prompt)
    shot(ui, f"staff-pin-{lang}")
    enter_pin(ui, *SUPERVISOR)
    assisted = ui.at("assisted")
    assert text_of(assisted, "title").startswith(title)
    assert ui.screen.action_buttons["cancel_sale"].text == cancel
    shot(ui, f"staff-assisted-{lang}")
    ui.tap("staff.cancel_sale")
    frames(3)
    shot(ui, f"staff-cancel-form-{lang}")
    ui.tap("form.cancel")
    ui.tap("staff.report")
    screen = ui.at("report")
    ui.until(lambda: screen.report is not None, "the report read from the journal")
    frames(3)
    assert text_of(screen, "title").startswith(report)
    assert not screen.ids.print_button.disabled
    shot(ui, f"staff-report-{lang}")
    ui.tap("report.print")
    ui.until(lambda: screen.status in (screen.tr("staff.report.printed"),), "the Z report printed")
    printed = sorted((ui.kiosk.data_dir / "receipts").glob("z-k01-*.bin"))
    assert printed, "no Z report reached the printer"
    assert b"Z REPORT" in printed[0].read_bytes()
