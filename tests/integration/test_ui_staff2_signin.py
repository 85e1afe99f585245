"""Staff getting in, in a real Kivy window under Xvfb on a real kiosk (demo configuration):
the staff key on every shopper screen, a photographed staff badge read by the camera's real
decoders and then the PIN, and the PIN lockout reaching the outbox as an alert.
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
from ui_staff2_helpers import badge_png, hold_up
from uistaff_helpers import (
    ATTENDANT,
    enter_pin,
    journal_rows,
    outbox,
    scan,
    shot,
    text_of,
    type_keys,
)

from kiosk.core import events as ev
from kiosk.core.effects import ALERT_KINDS
from kiosk.hw.factory import SimulatorOptions
from kiosk.screens.routing import SHOPPER_SCREENS

CHIPS = "3760000000130"


@pytest.fixture
def ui(ui_window: Any, tmp_path: Path) -> Any:  # noqa: F811
    kiosk = make_ui_kiosk(ui_window, tmp_path / "data",
                          simulators=SimulatorOptions(terminal_delay_s=0.3),
                          env={"KIOSK__SALE__RECEIPT_TIMEOUT_S": "600"})
    yield kiosk
    close_ui_kiosk(kiosk)


def test_every_shopper_screen_has_a_staff_key_apart_from_help(ui: Any) -> None:
    ui.at("attract")
    frames(3)
    for name in SHOPPER_SCREENS:
        key = find(ui.shell.screen(name), "staff-key")
        assert key.height >= ui.shell.theme.target  # a full touch target, >= 15 mm
    key = find(ui.screen, "staff-key")
    assert key.text == "Staff"
    x, y = key.to_window(*key.pos)
    assert y + key.height > ui.window.height * 0.85  # in the top corner ...
    assert x + key.width > ui.window.width * 0.85
    scan(ui, CHIPS)
    ui.at("basket")
    help_button, key = find(ui.screen, "help"), find(ui.screen, "staff-key")
    assert help_button.to_window(*help_button.pos)[1] < ui.window.height * 0.2  # ... Help below
    assert tuple(key.background_color) != tuple(help_button.background_color)
    shot(ui, "staff2-staff-key-basket-en")
    ui.tap("staff-key")
    pad = ui.at("pin")
    assert text_of(pad, "message") == "Type your staff id, or scan your badge"
    assert ui.kiosk.loop.session.top is None  # no help call: nothing changed for the sale
    assert [e for e in journal_rows(ui, "event") if e["kind"] == "help-requested"] == []
    enter_pin(ui, *ATTENDANT)
    ui.at("assisted")
    ui.tap("staff.sign_out")
    ui.at("basket")
    assert [(a["action"], a["staff_id"]) for a in journal_rows(ui, "staff_action")] == [
        ("unlock", "a01"), ("lock", "a01")]


@pytest.mark.parametrize("lang", ["fr", "zh"])
def test_the_staff_key_speaks_the_sales_language(ui: Any, lang: str) -> None:
    ui.at("attract")
    ui.tap(f"lang-{lang}")
    ui.at("basket")
    assert find(ui.screen, "staff-key").text == {"fr": "Personnel", "zh": "店员"}[lang]
    shot(ui, f"staff2-staff-key-basket-{lang}")


def test_a_staff_badge_then_the_pin_signs_in(ui: Any, tmp_path: Path) -> None:
    ui.at("attract")
    scan(ui, CHIPS)
    ui.at("basket")
    scans = hold_up(ui, badge_png(tmp_path / "badges", "A01"))
    assert [s.symbology for s in scans] == ["qrcode"]
    assert scans[0].text.startswith("KSK1|S|A01|")
    pad = ui.at("pin")
    assert pad.entry.badge
    assert pad.entry.staff_id == "A01"
    assert text_of(pad, "message") == "Enter your PIN"
    shot(ui, "staff2-badge-pin-en")
    type_keys(ui, "pin.key", ATTENDANT[1])
    ui.tap("pin.ok")
    assisted = ui.at("assisted", 30)
    assert text_of(assisted, "title") == "Assisted mode: Camille (attendant)"
    assert ui.kiosk.loop.session.staff.staff_id == "a01"
    assert ui.kiosk.loop.session.lines  # the shopper's basket is still there
    unlock = [a for a in journal_rows(ui, "staff_action") if a["action"] == "unlock"]
    assert [a["staff_id"] for a in unlock] == ["a01"]


def test_a_badge_with_a_wrong_pin_counts_towards_the_lockout(ui: Any, tmp_path: Path) -> None:
    ui.at("attract")
    hold_up(ui, badge_png(tmp_path / "badges", "A01"))
    pad = ui.at("pin")
    type_keys(ui, "pin.key", "0000")
    ui.tap("pin.ok")
    ui.until(lambda: pad.entry.stage != "checking", "the PIN checked", 30)
    frames(2)
    assert text_of(pad, "message") == "Wrong staff id or PIN. 4 attempts left."
    assert pad.entry.staff_id == "A01"  # a badge's id stays; only the PIN is typed again


def test_a_pin_lockout_is_an_alert_kind_and_reaches_the_outbox(ui: Any) -> None:
    assert "pin-lockout" in ALERT_KINDS
    ui.at("attract")
    for _ in range(5):
        ui.kiosk.check_staff_pin("A01", "0000")  # the pad's own call, off the UI thread
    ui.until(lambda: any(e["kind"] == "pin-lockout" for e in journal_rows(ui, "event")),
             "the lockout journaled")
    alerts = [body for topic, body in outbox(ui) if body.get("kind") == "pin-lockout"]
    assert alerts == [{"kind": "pin-lockout", "staff_id": "a01"}]  # as ids are recorded
    assert [t for t, body in outbox(ui) if body.get("kind") == "pin-lockout"] == ["events"]
    ui.kiosk.loop.post(ev.HelpHeld(at=ui.kiosk.clock()))
    pad = ui.at("pin")
    assert text_of(pad, "message").startswith("Too many wrong PINs. The keypad is locked for ")
