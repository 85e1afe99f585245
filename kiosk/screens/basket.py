"""Basket: the last item big, the lines with their buttons, the running total, pay, look up.

Every button sends an event; whether it is allowed (a removal that needs staff, a quantity
over the limit) is the session's answer, shown in the banner.
"""

from __future__ import annotations

from pathlib import Path

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image

from kiosk.core import events as ev
from kiosk.screens import routing
from kiosk.screens.basket_lines import LineList
from kiosk.screens.frame import ScreenFrame, button
from kiosk.screens.lookup_panel import LookupPanel
from kiosk.screens.theme import THEME
from kiosk.screens.view import ScreenView
from kiosk.screens.widgets import AccentButton, HugeLabel, KButton, KLabel, Panel, TitleLabel


class BasketScreen(ScreenFrame):
    screen_name = routing.BASKET
    title_key = "basket.title"

    def build(self) -> None:
        self.content = BoxLayout(orientation="horizontal", spacing=THEME.gap)
        side = Panel(orientation="vertical", size_hint_x=0.38)
        self.picture = Image(size_hint_y=0.5, fit_mode="contain", opacity=0)
        self.last_name = TitleLabel(text="", halign="center")
        self.last_name.key = "last-name"
        self.last_price = HugeLabel(text="")
        self.last_price.key = "last-price"
        self.total_label = KLabel(text="", halign="center")
        self.total = HugeLabel(text="")
        self.total.key = "total"
        for widget in (self.picture, self.last_name, self.last_price, self.total_label,
                       self.total):
            side.add_widget(widget)
        self.lines = LineList(self._quantity, self._remove)
        self.content.add_widget(self.lines)
        self.content.add_widget(side)

        def portrait(box: BoxLayout, size: list[float]) -> None:  # rows get the whole width
            tall = size[0] < size[1]
            box.orientation = "vertical" if tall else "horizontal"
            side.size_hint = (1, 0.4) if tall else (0.38, 1)

        self.content.bind(size=portrait)
        self.lookup = LookupPanel(self)
        self.body.add_widget(self.content)
        self.lookup_button = button(KButton, "lookup", self.toggle_lookup)
        self.pay = button(AccentButton, "pay", self._pay)
        self.actions.add_widget(self.lookup_button)
        self.actions.add_widget(self.pay)

    def render(self, view: ScreenView) -> None:
        item = view.last_item
        self.last_name.text = item.name if item else view.tr("basket.scan-first")
        self.last_price.text = item.price if item else ""
        image = self._image_path(item.image) if item else None
        self.picture.source = str(image) if image else ""
        self.picture.opacity = 1 if image else 0
        self.total_label.text = view.tr("basket.total", count=view.item_count)
        self.total.text = view.total
        self.pay.text = view.tr("basket.pay", total=view.total)
        self.pay.disabled = not view.can_pay
        self.lookup_button.text = view.tr("basket.back" if self.lookup.parent
                                          else "basket.lookup")
        self.lines.update(view)
        if self.lookup.parent is not None:  # a hidden panel is drawn afresh when it opens
            self.lookup.render(view)

    def _image_path(self, image: str | None) -> Path | None:
        if not image:
            return None
        path = self.shell.kiosk.config.resolve(image)
        return path if path.is_file() else None

    def toggle_lookup(self) -> None:
        self.body.clear_widgets()
        if self.lookup.parent is None:
            self.lookup.reset()
            self.body.add_widget(self.lookup)
        else:
            self.body.add_widget(self.content)
        if self.view is not None:
            self.show(self.view)

    def close_lookup(self) -> None:
        if self.lookup.parent is not None:
            self.toggle_lookup()

    def on_leave(self, *args: object) -> None:
        self.close_lookup()

    def _quantity(self, line_id: int, quantity: int) -> None:
        self.send(ev.QuantityChanged(at=self.now(), line_id=line_id, quantity=quantity))

    def _remove(self, line_id: int) -> None:
        self.send(ev.LineVoided(at=self.now(), line_id=line_id))

    def _pay(self) -> None:
        self.send(ev.PayPressed(at=self.now()))
