"""Suspend and recall in a real window, across a restart of the kiosk, and device problems told
to the shopper in their own language.

Assertions are on what staff and shoppers see and on what the kiosk recorded: the journal's
``suspended`` sale record and staff actions with the staff id, the outbox, and the kiosk's
list of suspended sales on disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ui_harness import (  # noqa: F401 - fixtures
    close_ui_kiosk,
    find,
    frames,
    make_ui_kiosk,
    ui_display,
    ui_window,
)
from ui_staff2_helpers import suspended_on_disk
from uistaff_helpers import (
    ATTENDANT,
    SUPERVISOR,
    button,
    journal_rows,
    outbox,
    post,
    scan,
    shot,
    sign_in,
)

from kiosk.core import events as ev
from kiosk.hw.factory import SimulatorOptions

CHIPS = "3760000000130"  # a cool bag, 1.49 €
BAG = "3760000000147"  # a woven bag for life, 1.29 €
OPTIONS = SimulatorOptions(terminal_delay_s=0.3)
ENV = {"KIOSK__SALE__RECEIPT_TIMEOUT_S": "600"}


def test_staff_suspend_a_sale_and_recall_it_after_a_restart(ui_window: Any,  # noqa: F811
                                                            tmp_path: Path) -> None:
    data = tmp_path / "data"
    ui = make_ui_kiosk(ui_window, data, simulators=OPTIONS, env=ENV)
    try:
        ui.at("attract")
        scan(ui, CHIPS)
        scan(ui, BAG)
        assisted = sign_in(ui, ATTENDANT)
        recall_key = button(ui, "staff.suspend_sale")
        assert recall_key.text == "Suspend sale"
        assert not recall_key.disabled
        ui.tap("staff.suspend_sale")
        frames(3)
        form = assisted.ids.form.children[0]
        assert form.ids.ok.disabled  # a reason is required
        shot(ui, "staff2-suspend-form-en")
        ui.tap("form.choice.staff.reason.fetching_item")
        ui.tap("form.ok")
        ui.at("attract")
        assert ui.kiosk.loop.session.staff is None  # assisted mode ended with the sale
        sale = journal_rows(ui, "sale")[-1]
        assert (sale["status"], sale["total"], sale["item_count"]) == ("suspended", 278, 2)
        assert sale["reason"] == "Shopper is fetching an item"
        assert sale["stock"] == []
        assert [a["staff_id"] for a in sale["staff_actions"]
                if a["action"] == "sale-suspended"] == ["a01"]
        assert [len(sale["held"]["lines"])] == [2]
        actions = [(a["action"], a["staff_id"]) for a in journal_rows(ui, "staff_action")]
        assert ("sale-suspended", "a01") in actions
        topics = {(topic, body.get("status") or body.get("action")) for topic, body in outbox(ui)}
        assert {("sales", "suspended"), ("events", "sale-suspended")} <= topics
        assert [s["sale_id"] for s in suspended_on_disk(data)] == [sale["sale_id"]]
        shot(ui, "staff2-after-suspend-attract-en")
    finally:
        close_ui_kiosk(ui)

    ui = make_ui_kiosk(ui_window, data, simulators=OPTIONS, env=ENV)  # the kiosk restarts
    try:
        ui.at("attract")
        assert [h.sale_id for h in ui.kiosk.loop.session.suspended] == [sale["sale_id"]]
        assisted = sign_in(ui, SUPERVISOR)
        recall = button(ui, "staff.suspend_sale")
        assert recall.text == "Recall a sale"
        assert not recall.disabled
        ui.tap("staff.suspend_sale")
        frames(3)
        choice = find(assisted, f"form.choice.{sale['sale_id']}")
        assert choice.text.startswith("No. 1: 2 items, €2.78, ")
        shot(ui, "staff2-recall-form-en")
        ui.tap(f"form.choice.{sale['sale_id']}")
        ui.tap("form.ok")
        ui.until(lambda: len(ui.kiosk.loop.session.lines) == 2, "the lines back")
        session = ui.kiosk.loop.session
        assert session.total.minor == 278
        assert session.sale_number == 2  # a new sale; the suspended one keeps its record
        ui.until(lambda: suspended_on_disk(data) == [], "the list emptied")
        recalled = [a for a in journal_rows(ui, "staff_action") if a["action"] == "sale-recalled"]
        assert [(a["staff_id"], a["from_sale_id"]) for a in recalled] == [
            ("s01", sale["sale_id"])]
        ui.tap("staff.sign_out")
        basket = ui.at("basket")
        assert find(basket, "total").text == "€2.78"
        shot(ui, "staff2-recalled-basket-en")
        post(ui, ev.PayPressed(at=ui.kiosk.clock()))
        ui.at("done", 30)
        done = journal_rows(ui, "sale")[-1]
        assert (done["status"], done["sale_number"]) == ("completed", 2)
        assert [a["action"] for a in done["staff_actions"]][:1] == ["sale-recalled"]
    finally:
        close_ui_kiosk(ui)


@pytest.fixture
def ui(ui_window: Any, tmp_path: Path) -> Any:  # noqa: F811
    kiosk = make_ui_kiosk(ui_window, tmp_path / "data", simulators=OPTIONS, env=ENV)
    yield kiosk
    close_ui_kiosk(kiosk)


WHY = {"en": ("It has run out of paper.", "Your receipt will be shown as a QR code."),
       "fr": ("Il n'y a plus de papier.", "Votre ticket s'affichera sous forme de QR code."),
       "zh": ("打印纸已用完。", None)}


@pytest.mark.parametrize("lang", ["en", "fr", "zh"])
def test_a_device_problem_is_told_in_the_shoppers_language(ui: Any, lang: str) -> None:
    ui.at("attract")
    ui.tap(f"lang-{lang}")
    ui.at("basket")
    detail = ("Receipt printer is out of paper, because the printer reports out of paper. "
              "Load a new roll; until then receipts will be shown as QR codes.")
    post(ui, ev.DeviceHealthChanged(at=ui.kiosk.clock(), device="printer", ok=False,
                                    detail=detail))
    ui.until(lambda: "printer" in ui.kiosk.loop.session.devices_down, "the printer down")
    frames(3)
    banner = find(ui.screen, "banner").text
    why, action = WHY[lang]
    assert why in banner
    if action is not None:
        assert action in banner
    assert "Load a new roll" not in banner  # store IT's sentence stays in the log and alert
    if lang != "en":
        assert not any(word in banner for word in ("paper", "printer", "receipt"))
    shot(ui, f"staff2-device-problem-{lang}")
