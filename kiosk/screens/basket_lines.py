"""The basket's list: one row per line (name, quantity, amount, change and remove buttons),
promotions as their own rows, built from the view's already formatted lines."""

from __future__ import annotations

from collections.abc import Callable

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.scrollview import ScrollView

from kiosk.screens.frame import button
from kiosk.screens.theme import THEME
from kiosk.screens.view import LineView, ScreenView
from kiosk.screens.widgets import DangerButton, KButton, KLabel


class LineList(ScrollView):
    """Scrolls when the basket outgrows the screen; the newest line is kept in view."""

    def __init__(self, on_quantity: Callable[[int, int], None],
                 on_remove: Callable[[int], None]) -> None:
        super().__init__(do_scroll_x=False)
        self._on_quantity = on_quantity
        self._on_remove = on_remove
        self.grid = GridLayout(cols=1, size_hint_y=None, spacing=THEME.gap / 2)
        self.grid.bind(minimum_height=self.grid.setter("height"))
        self.add_widget(self.grid)
        self._shown: tuple[object, ...] = ()

    def update(self, view: ScreenView) -> None:
        key = (view.language, view.lines, view.discounts, view.void_needs_staff,
               view.access, view.can_pay)
        if key == self._shown:
            return
        self._shown = key
        self.grid.clear_widgets()
        for line in view.lines:
            self.grid.add_widget(self._line_row(line, view))
        for discount in view.discounts:
            row = _row()
            row.add_widget(KLabel(text=discount.name, size_hint_x=0.7))
            row.add_widget(KLabel(text=discount.amount, size_hint_x=0.3, halign="right"))
            self.grid.add_widget(row)
        self.scroll_y = 0

    def _line_row(self, line: LineView, view: ScreenView) -> BoxLayout:
        row = _row()
        name = KLabel(text=f"{line.name}\n{line.quantity_text}  {line.unit_price}",
                      size_hint_x=0.45)
        name.key = f"line-{line.line_id}"
        row.add_widget(name)
        amount = KLabel(text=line.amount, size_hint_x=0.17, halign="right")
        amount.key = f"amount-{line.line_id}"
        row.add_widget(amount)
        editable = view.can_pay and not line.deposit
        for key, text, delta in (("minus", "-", -1), ("plus", "+", 1)):
            change = button(KButton, f"{key}-{line.line_id}",
                            lambda d=delta, ln=line: self._on_quantity(ln.line_id,
                                                                       ln.quantity + d),
                            text=text, size_hint_x=0.1)
            change.disabled = (not editable or line.weighed
                               or (delta < 0 and line.quantity <= 1))
            row.add_widget(change)
        remove = button(DangerButton, f"remove-{line.line_id}",
                        lambda ln=line: self._on_remove(ln.line_id),
                        text=view.tr("basket.remove-staff" if view.void_needs_staff
                                     else "basket.remove"), size_hint_x=0.18)
        remove.disabled = not editable
        row.add_widget(remove)
        return row


def _row() -> BoxLayout:
    return BoxLayout(orientation="horizontal", size_hint_y=None, height=THEME.target * 1.1,
                     spacing=THEME.gap / 2)
