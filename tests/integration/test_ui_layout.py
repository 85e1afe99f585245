"""The look on the official 7-inch 800x480 panel, landscape and portrait (``[ui] size`` and
``orientation`` from config, ``dpi`` of that panel), in a real window under Xvfb.

Every screen a shopper or staff member reaches is visited by touch on a real kiosk; on each,
every visible label lies inside the window and every touch target is at least 15 mm in both
directions at the configured dpi; a screenshot of each goes to
tests/artifacts/screens/layout-<geometry>-<lang>-<screen>.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ui_harness import (  # noqa: F401 - fixtures
    UiKiosk,
    close_ui_kiosk,
    find,
    frames,
    labels_outside_window,
    make_ui_kiosk,
    screenshot,
    ui_display,
    ui_window,
    walk,
)
from uistaff_helpers import LAGER, SUPERVISOR, journal_rows, post, scan

from kiosk.core import events as ev
from kiosk.hw.factory import SimulatorOptions
from kiosk.screens.theme import MIN_TARGET_MM, mm_to_px

CHIPS = "3760000000130"
DPI = 133  # the official Raspberry Pi 7" touch display: 800x480 on 154 x 86 mm


def small_targets(root: Any, dpi: int) -> list[str]:
    """Every visible button (keys, toggles, the staff key) smaller than 15 mm either way, whose
    words spill out of it, or that a list cuts off at its side (where it never scrolls)."""
    from kivy.uix.button import Button

    least = mm_to_px(MIN_TARGET_MM, dpi) - 0.5
    bad = []
    for widget in walk(root):
        if not isinstance(widget, Button) or _invisible(widget):
            continue
        name = f"{widget.text[:30]!r} {round(widget.width)}x{round(widget.height)}"
        if widget.width < least or widget.height < least:
            bad.append(name)
        elif widget.texture_size[0] > widget.width + 1 or widget.texture_size[1] > widget.height + 1:
            bad.append(f"{name}: its text is {widget.texture_size[0]}x{widget.texture_size[1]}")
        elif _cut_off(widget):
            bad.append(f"{name}: cut off at the side of its list")
    return bad


def overlapping(root: Any) -> list[str]:
    """Visible buttons drawn over each other (a block taller than its room covering the
    title row, say), each box clipped to the scroll views it sits in."""
    from kivy.uix.button import Button

    boxes = []
    for widget in walk(root):
        if isinstance(widget, Button) and not _invisible(widget):
            box = _visible_box(widget)
            if box is not None:
                boxes.append((widget, box))
    found = []
    for index, (one, (a0, b0, a1, b1)) in enumerate(boxes):
        for other, (c0, d0, c1, d1) in boxes[index + 1:]:
            if min(a1, c1) - max(a0, c0) > 1 and min(b1, d1) - max(b0, d0) > 1:
                found.append(f"{one.text[:20]!r} and {other.text[:20]!r}")
    return found


def _visible_box(widget: Any) -> tuple[float, float, float, float] | None:
    from kivy.uix.scrollview import ScrollView

    x0, y0 = widget.to_window(widget.x, widget.y)
    x1, y1 = widget.to_window(widget.right, widget.top)
    node = widget.parent
    while node is not None and node is not node.parent:
        if isinstance(node, ScrollView):
            l0, m0 = node.to_window(node.x, node.y)
            l1, m1 = node.to_window(node.right, node.top)
            x0, y0, x1, y1 = max(x0, l0), max(y0, m0), min(x1, l1), min(y1, m1)
        node = node.parent
    return (x0, y0, x1, y1) if x1 - x0 > 1 and y1 - y0 > 1 else None


def _cut_off(widget: Any) -> bool:
    from kivy.uix.scrollview import ScrollView

    x0 = widget.to_window(widget.x, widget.y)[0]
    x1 = widget.to_window(widget.right, widget.y)[0]
    node = widget.parent
    while node is not None and node is not node.parent:
        if isinstance(node, ScrollView) and not node.do_scroll_x:
            left = node.to_window(node.x, node.y)[0]
            right = node.to_window(node.right, node.y)[0]
            if x0 < left - 0.5 or x1 > right + 0.5:
                return True
        node = node.parent
    return False


def _invisible(widget: Any) -> bool:
    node, seen = widget, set()
    while node is not None and id(node) not in seen:
        seen.add(id(node))
        if getattr(node, "opacity", 1) == 0:
            return True
        node = node.parent
    return False


@pytest.fixture
def geometry(ui_window: Any, request: pytest.FixtureRequest) -> Iterator[tuple[int, int]]:  # noqa: F811
    """The window as the panel is: resized for the test, the 10-inch size restored after."""
    size, orientation = request.param
    width, height = (int(n) for n in size.split("x"))
    wanted = (width, height) if orientation == "landscape" else (height, width)
    before = tuple(ui_window.size)
    ui_window.size = wanted
    frames(5)
    assert tuple(ui_window.size) == wanted
    yield wanted
    ui_window.size = before
    frames(5)


def present(ui: UiKiosk, key: str) -> bool:
    return any(getattr(w, "key", None) == key for w in walk(ui.screen))


def type_on_pad(ui: UiKiosk, chars: str) -> None:
    """Keys of the PIN pad, turning the id keyboard's page where it has two (small panels)."""
    for char in chars:
        if not present(ui, f"pin.key.{char}"):
            ui.tap("pin.key.page")
        ui.tap(f"pin.key.{char}")


def tap(ui: UiKiosk, key: str) -> None:
    """Tap a button, scrolled into view first if it sits in a scroll view, as staff would."""
    from kivy.uix.scrollview import ScrollView

    widget = find(ui.screen, key)
    node = widget.parent
    while node is not None and not isinstance(node, ScrollView) and node is not node.parent:
        node = node.parent
    if isinstance(node, ScrollView):
        node.scroll_to(widget, padding=0, animate=False)
        frames(2)
    ui.tap(key)


def sign_in(ui: UiKiosk) -> Any:
    pad = ui.at("pin")
    type_on_pad(ui, SUPERVISOR[0])
    ui.tap("pin.ok")
    type_on_pad(ui, SUPERVISOR[1])
    ui.tap("pin.ok")
    ui.until(lambda: pad.entry.stage != "checking", "the PIN checked", 30)
    return ui.at("assisted")


def shot(ui: UiKiosk, tag: str, name: str) -> None:
    frames(3)
    outside = labels_outside_window(ui.shell.manager, ui.window)
    assert outside == [], f"{tag} {name}: labels outside the window: {outside}"
    small = small_targets(ui.shell.manager, DPI)
    assert small == [], f"{tag} {name}: touch targets under 15 mm: {small}"
    covered = overlapping(ui.shell.manager)
    assert covered == [], f"{tag} {name}: buttons drawn over each other: {covered}"
    screenshot(ui.shell.manager, f"layout-{tag}-{name}")


def visit_every_screen(ui: UiKiosk, tag: str, lang: str) -> None:
    ui.at("attract")
    shot(ui, tag, "attract")
    ui.tap(f"lang-{lang}")
    ui.at("basket")
    scan(ui, CHIPS)
    shot(ui, tag, "basket")
    ui.tap("lookup")
    shot(ui, tag, "lookup")
    if present(ui, "plu-mode"):  # a low panel: products and keypad take turns
        ui.tap("plu-mode")
        shot(ui, tag, "lookup-keypad")
    ui.tap("lookup")
    ui.tap("help")
    ui.at("help")
    shot(ui, tag, "help")
    ui.tap("help-cancel")
    scan(ui, LAGER)
    ui.at("age")
    shot(ui, tag, "age")
    ui.tap("staff-key")
    pad = ui.at("pin")
    shot(ui, tag, "pin-id")
    if present(ui, "pin.key.page"):
        ui.tap("pin.key.page")
        shot(ui, tag, "pin-id-page2")
        ui.tap("pin.key.page")
    type_on_pad(ui, SUPERVISOR[0])
    ui.tap("pin.ok")
    shot(ui, tag, "pin-pin")
    type_on_pad(ui, SUPERVISOR[1])
    ui.tap("pin.ok")
    ui.until(lambda: pad.entry.stage != "checking", "the PIN checked", 30)
    assisted = ui.at("assisted")
    shot(ui, tag, "assisted")
    tap(ui, "staff.approve_age")
    ui.until(lambda: ui.kiosk.loop.session.phase == "scanning", "the age approved")
    tap(ui, f"line.{ui.kiosk.loop.session.lines[0].line_id}")
    tap(ui, "staff.override_price")
    frames(3)
    shot(ui, tag, "override-form")
    ui.tap("form.cancel")
    assert assisted.form is None
    tap(ui, "staff.report")
    report = ui.at("report")
    ui.until(lambda: report.report is not None, "the day's figures")
    shot(ui, tag, "report")
    ui.tap("report.back")
    ui.at("assisted")
    tap(ui, "staff.sign_out")
    ui.at("basket")
    ui.tap("pay")
    ui.at("payment")
    shot(ui, tag, "payment")
    ui.at("payment_unknown", 60)  # the terminal simulator's scripted fault
    shot(ui, tag, "payment-unknown")
    ui.tap("staff-key")
    assisted = sign_in(ui)
    tap(ui, "staff.resolve_payment")
    frames(3)
    shot(ui, tag, "resolve-form")
    ui.tap("form.choice.staff.resolve.paid")
    ui.tap("form.ok")
    assert assisted.form is None
    tap(ui, "staff.sign_out")
    ui.at("done", 30)
    ui.until(lambda: ui.kiosk.loop.session.phase == "receipt", "the receipt printed", 30)
    shot(ui, tag, "done")
    post(ui, ev.Tick(at=ui.kiosk.clock() + (ui.kiosk.ctx.receipt_timeout * 3)))
    ui.at("attract")
    post(ui, ev.KioskLocked(at=ui.kiosk.clock(), by="fleet", reason="stock take"))
    ui.at("locked")
    shot(ui, tag, "locked")
    post(ui, ev.KioskUnlocked(at=ui.kiosk.clock(), by="fleet"))
    post(ui, ev.DeviceHealthChanged(at=ui.kiosk.clock(), device="camera", ok=False,
                                    detail="Camera /dev/video0 does not answer"))
    ui.at("out_of_order")
    shot(ui, tag, "out-of-order")
    assert find(ui.screen, "banner").text  # what happened, why, what to do
    assert [s["status"] for s in journal_rows(ui, "sale")] == ["completed"]


@pytest.mark.parametrize(("geometry", "lang"), [
    (("800x480", "landscape"), "fr"),  # French has the longest words of the three
    (("800x480", "portrait"), "zh"),  # and Chinese its own font
], indirect=["geometry"], ids=["800x480-fr", "480x800-zh"])
def test_every_screen_fits_the_7_inch_panel(ui_window: Any, tmp_path: Path,  # noqa: F811
                                            geometry: tuple[int, int], lang: str) -> None:
    size = "800x480"
    orientation = "landscape" if geometry[0] > geometry[1] else "portrait"
    ui = make_ui_kiosk(ui_window, tmp_path / "data", env={
        "KIOSK__UI__SIZE": size, "KIOSK__UI__ORIENTATION": orientation,
        "KIOSK__UI__DPI": str(DPI), "KIOSK__SALE__RECEIPT_TIMEOUT_S": "600"},
        simulators=SimulatorOptions(terminal_delay_s=1.5, terminal_faults=("unknown",)))
    try:
        assert ui.kiosk.config.ui.window_size() == geometry
        assert ui.shell.theme.target >= mm_to_px(MIN_TARGET_MM, DPI)
        visit_every_screen(ui, f"{geometry[0]}x{geometry[1]}-{lang}", lang)
    finally:
        close_ui_kiosk(ui)
