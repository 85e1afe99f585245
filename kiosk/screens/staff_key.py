"""The staff key: how staff open the PIN pad from any shopper screen.

A real lane has a discreet way in for staff that shoppers do not take for help: here a small
"Staff" key in the top right corner, in the title row, drawn quietly (muted text on the
panel colour, a thin outline, ``staff.kv``), far from the red Help button that sits in the
footer with the shopper's actions. It is still a full touch target (``T.target``, at least
15 mm), because a key that is hard to hit is hard to find. Tapping it opens the PIN pad, as a
scanned staff badge or the tower's help button held down do; nothing is unlocked until a PIN
is right.

:func:`title_row` is what a shopper screen's frame puts at its top: the title, then the key.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.widget import Widget


class StaffKey(Button):
    """Styled in staff.kv (not a KButton: its width follows its word, where a KButton's text
    wraps to its width); ``key`` is ``staff-key`` for tests and the layout checks."""

    key = StringProperty("")


class TitleRow(BoxLayout):
    """The title and the staff key side by side, as tall as the taller of the two."""


def title_row(screen: Any, title: Widget) -> TitleRow:
    """The top row of a shopper screen: ``title`` and the staff key opening the PIN pad."""
    row = TitleRow(orientation="horizontal", size_hint_y=None)
    key = StaffKey(text="")
    key.key = "staff-key"
    key.bind(on_release=lambda *_: screen.shell.set_local(pin_pad=True))
    screen.staff_key = key

    def fit(*_: Any) -> None:
        row.height = max(title.height, key.height)

    title.bind(height=fit)
    key.bind(height=fit)
    row.add_widget(title)
    row.add_widget(key)
    fit()
    return row


def label_staff_key(screen: Any, text: str) -> None:
    """Word the key in the sale's language (the frame calls it on every ``show``)."""
    screen.staff_key.text = text
