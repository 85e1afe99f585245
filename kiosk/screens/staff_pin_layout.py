"""How the PIN pad fits a screen: where its keys go and how many show at once. No Kivy.

Every key is a touch target of at least 15 mm (``T.target`` at the panel's dpi), which on the
official 7-inch 800x480 panel is a sixth of its height: the 36 keys of the staff id keyboard
cannot all show there, and neither fit under the pad's texts. So the pad is planned for the
space it has, trying in turn:

1. the keys under the texts, all at once (the 10-inch panel);
2. the keys beside the texts, with Back, Cancel and OK stacked under them (a low landscape
   panel);
3. the same two with the id keyboard in two pages, letters and digits, and a key to turn
   between them.

The PIN keypad (twelve keys, three columns) always fits one page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from kiosk.screens.staff_pin_model import ID_KEYS

PAGE = "page"  # the key that turns to the id keyboard's other page
ID_CHARS: tuple[str, ...] = tuple("".join(ID_KEYS))
LETTERS: tuple[str, ...] = (*sorted(c for c in ID_CHARS if c.isalpha()), PAGE)
DIGITS: tuple[str, ...] = (*(c for c in ID_CHARS if c.isdigit()), PAGE)
PIN_KEYS: tuple[str, ...] = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", "")
SIDE_SHARE = 0.38  # of the width, for the texts and buttons when the keys go beside them


@dataclass(frozen=True, slots=True)
class PadPlan:
    """``pages`` of keys ("" is a blank key, :data:`PAGE` the page key), ``cols`` per row,
    and whether the keys go beside the texts (``side``) rather than under them."""

    side: bool
    cols: int
    pages: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Space:
    """The pad's room in pixels: the screen, a key's side, the gap between keys, and the
    height of the texts above the keys (title, who, dots, message)."""

    width: float
    height: float
    target: float
    gap: float
    texts: float


def _fits(keys: int, width: float, height: float, space: Space,
          max_cols: int) -> int | None:
    """The columns that lay ``keys`` keys of at least ``target`` each into the area, or None."""
    cols = min(max_cols, math.floor((width + space.gap) / (space.target + space.gap)))
    if cols < 1:
        return None
    rows = math.ceil(keys / cols)
    return cols if rows * space.target + (rows - 1) * space.gap <= height else None


def _areas(space: Space) -> tuple[tuple[bool, float, float], ...]:
    """(side, width, height) of the keys' area under the texts, then beside them."""
    inner_w, inner_h = space.width - 2 * space.gap, space.height - 2 * space.gap
    under = inner_h - space.texts - space.target - 3 * space.gap  # texts, keys, buttons
    beside = inner_w * (1 - SIDE_SHARE) - space.gap
    return (False, inner_w, under), (True, beside, inner_h)


def plan(pin_stage: bool, space: Space) -> PadPlan:
    """The first arrangement of the module docstring's list that fits ``space``."""
    if pin_stage:
        choices: tuple[tuple[tuple[str, ...], ...], ...] = ((PIN_KEYS,),)
        max_cols = 3
    else:
        choices = ((ID_CHARS,), (LETTERS, DIGITS))
        max_cols = len(ID_KEYS[0])
    for pages in choices:
        for side, width, height in _areas(space):
            cols = _fits(max(len(page) for page in pages), width, height, space, max_cols)
            if cols is not None:
                return PadPlan(side, cols, pages)
    # Nothing fits (a screen smaller than any kiosk panel): the smallest arrangement, keys
    # still full size, and the layout test names what falls outside.
    return PadPlan(True, max_cols if pin_stage else 6, choices[-1])
