"""What the staff-screen tests share: signing in on the PIN pad by touch, reading the journal.

Staff ids on the pad are typed on its own keyboard and PINs on its keypad, with Kivy's
UnitTestTouch on each key (ui_harness.tap), exactly as a finger would.
"""

from __future__ import annotations

from typing import Any

from ui_harness import UiKiosk, find, frames, labels_outside_window, screenshot

from kiosk.core import events as ev
from kiosk.store.journal import Journal

LAGER = "3760012000012"  # age-restricted, 3.99 €
BANANAS_PLU = "4011"
ATTENDANT = ("a01", "1234")
SUPERVISOR = ("s01", "9876")


def shot(ui: UiKiosk, name: str) -> None:
    outside = labels_outside_window(ui.shell.manager, ui.window)
    assert outside == [], f"{name}: labels outside the window: {outside}"
    screenshot(ui.shell.manager, name)


def post(ui: UiKiosk, event: ev.Event) -> None:
    """A device's or the shopper's event (the camera, the tower's button), through the loop."""
    ui.kiosk.loop.post(event)
    frames(3)


def scan(ui: UiKiosk, code: str) -> None:
    before = ui.kiosk.loop.session.basket.item_count
    post(ui, ev.ItemScanned(at=ui.kiosk.clock(), code=code, symbology="ean13"))
    ui.until(lambda: ui.kiosk.loop.session.basket.item_count > before, f"item {code} added")


def open_pad(ui: UiKiosk) -> Any:
    """Staff hold the tower's help button: the session asks for a PIN, the pad opens."""
    post(ui, ev.HelpHeld(at=ui.kiosk.clock()))
    return ui.at("pin")


def type_keys(ui: UiKiosk, prefix: str, chars: str) -> None:
    for char in chars:
        ui.tap(f"{prefix}.{char}")


def enter_pin(ui: UiKiosk, staff_id: str, pin: str) -> None:
    """On the open pad: the id on its keyboard, Next, the PIN on its keypad, Sign in."""
    pad = ui.screen
    if pad.entry.stage == "staff_id":
        type_keys(ui, "pin.key", staff_id)
        ui.tap("pin.ok")
    type_keys(ui, "pin.key", pin)
    ui.tap("pin.ok")
    ui.until(lambda: pad.entry.stage != "checking", "the PIN checked", 30)
    frames(2)


def sign_in(ui: UiKiosk, staff: tuple[str, str]) -> Any:
    open_pad(ui)
    enter_pin(ui, *staff)
    return ui.at("assisted")


def text_of(screen: Any, widget_id: str) -> str:
    return str(screen.ids[widget_id].text)


def button(ui: UiKiosk, key: str) -> Any:
    return find(ui.screen, key)


def journal_rows(ui: UiKiosk, kind: str) -> list[dict[str, Any]]:
    """The journal's records of one kind, read on its writer thread (the log is the truth)."""
    def read(journal: Journal) -> list[dict[str, Any]]:
        records, after = [], 0
        while batch := journal.records(after_seq=after):
            records += batch
            after = batch[-1].seq
        return [r.data() for r in records if r.kind == kind]
    return ui.kiosk.writer.submit(read).result()


def outbox(ui: UiKiosk) -> list[tuple[str, dict[str, Any]]]:
    """What waits in the outbox for the MQTT link (no broker in these tests): the topic and
    the journaled record the message carries."""
    messages = ui.kiosk.writer.submit(lambda j: j.pending(1000)).result()
    return [(m.topic, m.data().get("payload", {})) for m in messages]
