"""The basket list in a real Kivy window: a scan updates its own row and leaves the others be.

The speed (bench/ui.py) comes from not building every row again at each scan; what is checked
here is what the shopper sees while that happens: the rows in basket order, top to bottom,
with their names, quantities and amounts, the promotion row after them, and the right buttons
enabled, after adding, re-scanning and removing lines; and the look-up panel's products,
made when the panel opens rather than at every scan.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ui_harness import (  # noqa: F401 - fixtures
    UiKiosk,
    close_ui_kiosk,
    find,
    frames,
    make_ui_kiosk,
    screenshot,
    ui_display,
    ui_window,
)

from kiosk.core import events as ev
from kiosk.hw.factory import SimulatorOptions

GUM = "12345670"  # EAN-8: Sugar-free peppermint chewing gum x10, 1.20 €
SALTED = "3760010000014"  # Salted crisps 150 g, 1.49 €; any 3 crisps or nuts: 4 €
PAPRIKA = "3760010000021"  # Paprika crisps 150 g, 1.59 €
TORTILLA = "3760010000038"  # Tortilla chips 200 g, 1.69 €


@pytest.fixture
def ui(ui_window: Any, tmp_path: Path) -> Any:  # noqa: F811 - the imported fixture
    kiosk = make_ui_kiosk(ui_window, tmp_path / "data",
                          simulators=SimulatorOptions(terminal_delay_s=3.0),
                          env={"KIOSK__SALE__VOID_NEEDS_STAFF": "false"})
    yield kiosk
    close_ui_kiosk(kiosk)


def scan(ui: UiKiosk, code: str) -> None:
    """As the camera posts a code it read; waits until the basket shows it."""
    count = ui.kiosk.loop.session.basket.item_count
    ui.kiosk.devices.scanner.scan_text(code, "ean8" if len(code) == 8 else "ean13")
    ui.until(lambda: ui.kiosk.loop.session.basket.item_count > count and not ui.shell._dirty,
             f"{code} in the basket")
    frames(2)


def rows(ui: UiKiosk) -> list[Any]:
    """The list's rows, top to bottom."""
    return list(reversed(ui.screen.lines.grid.children))


def row_texts(ui: UiKiosk) -> list[str]:
    return [" | ".join(label.text for label in reversed(row.children)) for row in rows(ui)]


def test_a_scan_changes_only_its_own_row(ui: UiKiosk) -> None:
    ui.at("attract")
    ui.shell.post(ev.LanguageChosen(at=ui.shell.now(), lang="en"))
    ui.at("basket")
    for code in (GUM, SALTED, PAPRIKA):
        scan(ui, code)
    shown = rows(ui)
    gum_label = find(ui.screen, "line-1")

    scan(ui, TORTILLA)  # the third crisps: a new row, and the promotion's row after it
    assert rows(ui)[:3] == shown  # the rows already shown were not built again
    assert find(ui.screen, "line-1") is gum_label
    assert row_texts(ui) == [
        "Sugar-free peppermint chewing gum x10\nx1  €1.20 | €1.20 | - | + | Remove",
        "Salted crisps 150 g\nx1  €1.49 | €1.49 | - | + | Remove",
        "Paprika crisps 150 g\nx1  €1.59 | €1.59 | - | + | Remove",
        "Tortilla chips 200 g\nx1  €1.69 | €1.69 | - | + | Remove",
        "Any 3 crisps or nuts for €4 | €-0.77"]
    assert ui.text("total") == "€5.20"

    scan(ui, GUM)  # the same product again: its own row says x2, the others stay as they are
    assert rows(ui)[:3] == shown
    assert ui.text("line-1") == "Sugar-free peppermint chewing gum x10\nx2  €1.20"
    assert ui.text("amount-1") == "€2.40"
    assert not find(ui.screen, "minus-1").disabled  # two of them: one can go
    assert find(ui.screen, "minus-2").disabled
    assert ui.text("total") == "€6.40"
    screenshot(ui.shell.manager, "speed-basket-rows-en")


def test_the_look_up_panel_is_drawn_when_opened_not_at_each_scan(ui: UiKiosk) -> None:
    ui.at("attract")
    ui.shell.post(ev.LanguageChosen(at=ui.shell.now(), lang="en"))
    ui.at("basket")
    scan(ui, GUM)
    panel = ui.screen.lookup
    assert panel.grid.children == []  # hidden: no product tiles made for the scan

    ui.tap("lookup")
    frames(2)
    assert ui.text("lookup") == "Back to basket"
    tiles = [tile.text for tile in reversed(panel.grid.children)]
    assert len(tiles) > 1
    assert tiles[0].startswith("Bananas")


def test_removing_a_line_takes_its_row_and_the_promotion_away(ui: UiKiosk) -> None:
    ui.at("attract")
    ui.shell.post(ev.LanguageChosen(at=ui.shell.now(), lang="fr"))
    ui.at("basket")
    for code in (SALTED, GUM, PAPRIKA, TORTILLA):
        scan(ui, code)
    salted, gum, _paprika, tortilla, _promotion = rows(ui)

    ui.tap("remove-3")
    ui.until(lambda: len(ui.kiosk.loop.session.basket.lines) == 3 and not ui.shell._dirty,
             "the paprika crisps removed")
    frames(2)
    assert rows(ui) == [salted, gum, tortilla]  # two crisps left: no promotion row
    assert [text.split("\n")[0] for text in row_texts(ui)] == [
        "Chips nature 150 g", "Chewing-gum menthe sans sucre x10", "Tortilla chips 200 g"]
    assert ui.text("total") == "4,38 €"

    ui.tap("plus-2")  # the quantity changes in its row, which stays where it is
    ui.until(lambda: ui.kiosk.loop.session.basket.item_count == 4 and not ui.shell._dirty,
             "two chewing gums")
    frames(2)
    assert rows(ui) == [salted, gum, tortilla]
    assert ui.text("line-2") == "Chewing-gum menthe sans sucre x10\nx2  1,20 €"
    assert ui.text("amount-2") == "2,40 €"
