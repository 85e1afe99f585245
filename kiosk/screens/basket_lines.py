"""The basket's list: one row per line (name, quantity, amount, change and remove buttons),
promotions as their own rows, built from the view's already formatted lines.

A scan changes one line, so only that row is touched: rows are kept by line id and updated in
place, a new line gets a new row and a removed line's row goes. Building every row again on
every scan made each scan cost more the fuller the basket (every label is a new texture). A
change of language or accessibility mode (fonts, sizes) still builds all rows anew.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.screens.frame import button
from kiosk.screens.theme import THEME
from kiosk.screens.view import DiscountView, LineView, ScreenView
from kiosk.screens.widgets import DangerButton, KButton, KLabel


class LineRow(BoxLayout):
    """One basket line and its buttons; :meth:`show` updates it for the line's new state."""

    def __init__(self, line_id: int, on_quantity: Callable[[int, int], None],
                 on_remove: Callable[[int], None]) -> None:
        super().__init__(**_row_size())
        self.line: LineView | None = None
        self.label = KLabel(text="", size_hint_x=0.45)
        self.label.key = f"line-{line_id}"
        # Wide enough for "€1,234.56" whole: a portrait screen's share alone wraps it by digit.
        self.amount = KLabel(text="", size_hint_x=0.17, size_hint_min_x=THEME.font * 4.5,
                             halign="right")
        self.amount.key = f"amount-{line_id}"
        self.minus = button(KButton, f"minus-{line_id}", lambda: self._change(-1), text="-",
                            size_hint_x=0.1)
        self.plus = button(KButton, f"plus-{line_id}", lambda: self._change(1), text="+",
                           size_hint_x=0.1)
        self.remove = button(DangerButton, f"remove-{line_id}", lambda: on_remove(line_id),
                             size_hint_x=0.18)
        self._on_quantity = on_quantity
        for widget in (self.label, self.amount, self.minus, self.plus, self.remove):
            self.add_widget(widget)

    def show(self, line: LineView, *, can_pay: bool, remove_text: str) -> None:
        """Only what differs is set: an unchanged text keeps its texture."""
        self.line = line
        editable = can_pay and not line.deposit
        self.label.text = f"{line.name}\n{line.quantity_text}  {line.unit_price}"
        self.amount.text = line.amount
        self.minus.disabled = not editable or line.weighed or line.quantity <= 1
        self.plus.disabled = not editable or line.weighed
        self.remove.text = remove_text
        self.remove.disabled = not editable

    def _change(self, delta: int) -> None:
        if self.line is not None:
            self._on_quantity(self.line.line_id, self.line.quantity + delta)


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
        self._style: tuple[object, ...] = ()
        self._rows: dict[int, LineRow] = {}
        self._discounts: tuple[DiscountView, ...] = ()
        self._discount_rows: list[BoxLayout] = []

    def update(self, view: ScreenView) -> None:
        key = (view.language, view.lines, view.discounts, view.void_needs_staff,
               view.access, view.can_pay)
        if key == self._shown:
            return
        self._shown = key
        style = (view.language, view.access)  # fonts and sizes: rows are built for them
        if style != self._style:
            self._style = style
            self._rows, self._discounts, self._discount_rows = {}, (), []
        remove_text = view.tr("basket.remove-staff" if view.void_needs_staff
                              else "basket.remove")
        rows: dict[int, LineRow] = {}
        for line in view.lines:
            row = self._rows.get(line.line_id) or LineRow(line.line_id, self._on_quantity,
                                                          self._on_remove)
            row.show(line, can_pay=view.can_pay, remove_text=remove_text)
            rows[line.line_id] = row
        self._rows = rows
        if view.discounts != self._discounts:
            self._discounts = view.discounts
            self._discount_rows = [_discount_row(d) for d in view.discounts]
        _arrange(self.grid, [*rows.values(), *self._discount_rows])
        self.scroll_y = 0


def _arrange(grid: GridLayout, wanted: Sequence[Widget]) -> None:
    """Make ``grid`` hold exactly ``wanted``, top to bottom, moving only what is not in place
    (Kivy keeps children last first)."""
    keep = {id(widget) for widget in wanted}
    for widget in list(grid.children):
        if id(widget) not in keep:
            grid.remove_widget(widget)
    for position, widget in enumerate(wanted):
        count = len(grid.children)
        if position < count and grid.children[count - 1 - position] is widget:
            continue
        if widget.parent is grid:
            grid.remove_widget(widget)
            count -= 1
        grid.add_widget(widget, index=count - position)


def _discount_row(discount: DiscountView) -> BoxLayout:
    row = BoxLayout(**_row_size())
    row.add_widget(KLabel(text=discount.name, size_hint_x=0.7))
    row.add_widget(KLabel(text=discount.amount, size_hint_x=0.3, halign="right"))
    return row


def _row_size() -> dict[str, object]:
    return {"orientation": "horizontal", "size_hint_y": None, "height": THEME.target * 1.1,
            "spacing": THEME.gap / 2}
