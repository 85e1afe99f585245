"""The staff screens in a real Kivy window under Xvfb, on a real kiosk (demo configuration,
simulated camera, terminal and printer, journal on disk), driven by touches on the PIN pad,
the assisted-mode buttons and their forms.

Assertions are on what staff and shoppers see (texts, enabled buttons, the basket) and on what
the kiosk recorded (journal and outbox) with the staff id; a screenshot of each screen goes to
tests/artifacts/screens/.
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
from uistaff_helpers import (
    ATTENDANT,
    LAGER,
    SUPERVISOR,
    button,
    enter_pin,
    journal_rows,
    open_pad,
    outbox,
    post,
    scan,
    shot,
    sign_in,
    text_of,
)

from kiosk.core import events as ev
from kiosk.hw.factory import SimulatorOptions

CHIPS = "3760000000130"  # a cool bag, 1.49 €: a plain item
BAG = "3760000000147"  # a woven bag for life, 1.29 €


@pytest.fixture
def ui(ui_window: Any, tmp_path: Path, request: pytest.FixtureRequest) -> Any:  # noqa: F811
    options = getattr(request, "param", None) or SimulatorOptions(terminal_delay_s=0.3)
    kiosk = make_ui_kiosk(ui_window, tmp_path / "data", simulators=options, env={
        "KIOSK__SALE__RECEIPT_TIMEOUT_S": "600", "KIOSK__STAFF__LOCKOUT_S": "300"})
    yield kiosk
    close_ui_kiosk(kiosk)


def test_an_age_restricted_sale_is_approved_by_staff_on_the_pin_pad(ui: Any) -> None:
    ui.at("attract")
    scan(ui, LAGER)
    ui.at("age")
    pad = open_pad(ui)
    assert text_of(pad, "message") == "Type your staff id, or scan your badge"
    shot(ui, "staff-pin-en")
    assisted = sign_in_on_open_pad(ui, ATTENDANT)
    assert text_of(assisted, "title") == "Assisted mode: Camille (attendant)"
    approve = button(ui, "staff.approve_age")
    assert not approve.disabled
    assert button(ui, "staff.override_price").disabled  # an attendant may not
    assert "not allowed for your role" in button(ui, "staff.override_price").text
    assert button(ui, "staff.resolve_payment").disabled
    shot(ui, "staff-assisted-age-en")
    ui.tap("staff.approve_age")
    ui.until(lambda: ui.kiosk.loop.session.phase == "scanning", "the age approved")
    ui.tap("staff.sign_out")
    ui.at("basket")
    actions = [(a["action"], a["staff_id"]) for a in journal_rows(ui, "staff_action")]
    assert actions == [("unlock", "a01"), ("age-approved", "a01"), ("lock", "a01")]
    assert any(topic == "events" and body.get("action") == "age-approved"
               for topic, body in outbox(ui))


def sign_in_on_open_pad(ui: Any, staff: tuple[str, str]) -> Any:
    enter_pin(ui, *staff)
    return ui.at("assisted")


def test_five_wrong_pins_lock_the_pad_and_alert_the_store(ui: Any) -> None:
    ui.at("attract")
    pad = open_pad(ui)
    for left in (4, 3, 2, 1):
        enter_pin(ui, "a01", "0000")
        assert text_of(pad, "message") == f"Wrong staff id or PIN. {left} attempts left."
        assert not button(ui, "pin.key.5").disabled
    shot(ui, "staff-pin-wrong-en")
    enter_pin(ui, "", "0000")
    message = text_of(pad, "message")
    assert message.startswith("Too many wrong PINs. The keypad is locked for ")
    assert message.endswith(("5:00.", "4:59.", "4:58."))
    assert button(ui, "pin.key.5").disabled
    assert button(ui, "pin.ok").disabled
    shot(ui, "staff-pin-locked-en")
    # even the right PIN is refused now: the pad accepts no key at all
    ui.tap("pin.key.1")
    assert pad.entry.pin == ""
    alerts = [e for e in journal_rows(ui, "event") if e["kind"] == "pin-lockout"]
    assert alerts == [{"kind": "pin-lockout", "staff_id": "a01"}]
    assert ("events", {"kind": "pin-lockout", "staff_id": "a01"}) in outbox(ui)
    ui.tap("pin.cancel")
    ui.at("attract")


@pytest.mark.parametrize("ui", [SimulatorOptions(terminal_delay_s=0.2,
                                                 terminal_faults=("unknown",))], indirect=True)
def test_an_unknown_payment_is_resolved_by_staff_with_the_evidence(ui: Any) -> None:
    ui.at("attract")
    scan(ui, CHIPS)
    post(ui, ev.PayPressed(at=ui.kiosk.clock()))
    ui.at("payment_unknown", 30)
    assisted = sign_in(ui, SUPERVISOR)
    evidence = " ".join(w.text for w in assisted.ids.evidence.children)
    assert "outcome UNKNOWN" in evidence
    assert "the terminal's answer could not be interpreted" in evidence
    assert not button(ui, "staff.resolve_payment").disabled
    shot(ui, "staff-assisted-unknown-en")
    ui.tap("staff.resolve_payment")
    frames(3)
    form = assisted.ids.form.children[0]
    assert button(ui, "form.ok").disabled  # paid or not paid must be chosen
    shot(ui, "staff-resolve-form-en")
    ui.tap("form.choice.staff.resolve.paid")
    assert not form.ids.ok.disabled
    ui.tap("form.ok")
    ui.until(lambda: ui.kiosk.loop.session.phase in ("paid", "receipt"), "the sale paid")
    ui.tap("staff.sign_out")
    ui.at("done", 30)
    sale = journal_rows(ui, "sale")[-1]
    assert sale["status"] == "completed"
    assert sale["payments"][-1]["outcome"] == "approved"
    assert sale["payments"][-1]["resolved_by"] == "s01"


def test_a_supervisor_overrides_a_price_with_a_reason_and_voids_a_line(ui: Any) -> None:
    ui.at("attract")
    scan(ui, CHIPS)
    scan(ui, BAG)
    assisted = sign_in(ui, SUPERVISOR)
    first, second = (line.line_id for line in ui.kiosk.loop.session.basket.lines)
    assert button(ui, "staff.override_price").disabled  # no line selected yet
    ui.tap(f"line.{first}")
    assert not button(ui, "staff.override_price").disabled
    ui.tap("staff.override_price")
    frames(3)
    for digit in "99":
        ui.tap(f"form.key.{digit}")
    form = assisted.ids.form.children[0]
    assert form.ids.typed.text == "€0.99"
    assert button(ui, "form.ok").disabled  # a reason is required
    shot(ui, "staff-override-form-en")
    ui.tap("form.choice.staff.reason.damaged")
    ui.tap("form.ok")
    ui.until(lambda: ui.kiosk.loop.session.basket.lines[0].unit_price.minor == 99,
             "the new price")
    ui.tap(f"line.{second}")
    ui.tap("staff.void_line")
    ui.until(lambda: len(ui.kiosk.loop.session.lines) == 1, "the line voided")
    frames(3)
    assert text_of(assisted, "total") == "Total €0.99"
    shot(ui, "staff-assisted-after-void-en")
    actions = {a["action"]: a for a in journal_rows(ui, "staff_action")}
    assert actions["price-override"]["staff_id"] == "s01"
    assert actions["price-override"]["reason"] == "Damaged item"
    assert actions["line-voided"]["staff_id"] == "s01"
