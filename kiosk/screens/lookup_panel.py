"""The "look up item" panel inside the basket: categories, a grid of products with pictures,
search by name, and a PLU keypad. Choosing sends ``PluEntered``; the session decides (a
weighed item wants the scale's weight, and says so)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.scrollview import ScrollView
from kivy.uix.textinput import TextInput

from kiosk.core import events as ev
from kiosk.core.money import Money
from kiosk.core.product import Product
from kiosk.screens import i18n
from kiosk.screens.frame import button
from kiosk.screens.lookup import lookup_categories, lookup_products, search
from kiosk.screens.theme import THEME
from kiosk.screens.view import ScreenView
from kiosk.screens.widgets import AccentButton, KButton, KLabel, Row

if TYPE_CHECKING:
    from kiosk.screens.basket import BasketScreen

PLU_DIGITS = 5


class LookupPanel(BoxLayout):
    def __init__(self, screen: BasketScreen) -> None:
        super().__init__(orientation="horizontal", spacing=THEME.gap)
        self.screen = screen
        self.category: str | None = None
        self.query = ""
        self.plu = ""
        self._timer = None
        left = BoxLayout(orientation="vertical", spacing=THEME.gap)
        self.categories = Row()
        self.search = TextInput(multiline=False, size_hint_y=None, height=THEME.target,
                                font_size=THEME.font)
        self.search.bind(text=self._searched)
        self.grid = GridLayout(cols=3, size_hint_y=None, spacing=THEME.gap / 2)
        self.grid.bind(minimum_height=self.grid.setter("height"))
        scroll = ScrollView(do_scroll_x=False)
        scroll.add_widget(self.grid)
        for widget in (self.categories, self.search, scroll):
            left.add_widget(widget)
        self.add_widget(left)
        self.add_widget(self._keypad())
        self._shown: tuple[object, ...] = ()

    def _keypad(self) -> BoxLayout:
        pad = BoxLayout(orientation="vertical", size_hint_x=0.32, spacing=THEME.gap / 2)
        self.plu_label = KLabel(text="", halign="center")
        self.plu_label.key = "plu-display"
        pad.add_widget(self.plu_label)
        keys = GridLayout(cols=3, spacing=THEME.gap / 2)
        for digit in "123456789":
            keys.add_widget(button(KButton, f"digit-{digit}", lambda d=digit: self._digit(d),
                                   text=digit))
        keys.add_widget(button(KButton, "digit-clear", self._clear, text="C"))
        keys.add_widget(button(KButton, "digit-0", lambda: self._digit("0"), text="0"))
        self.enter = button(AccentButton, "plu-enter", self._enter, text="OK")
        keys.add_widget(self.enter)
        pad.add_widget(keys)
        return pad

    def reset(self) -> None:
        self.category = None
        self.plu = ""
        self.search.text = ""
        self._shown = ()
        self._touched()

    def render(self, view: ScreenView) -> None:
        self.plu_label.text = view.tr("lookup.plu", plu=self.plu or "-")
        self.enter.disabled = not self.plu
        self.search.hint_text = view.tr("lookup.search")
        self.search.font_name = THEME.font_name
        key = (view.language, self.category, self.query)
        if key == self._shown:
            return
        self._shown = key
        index = self.screen.shell.kiosk.catalogue
        self.categories.clear_widgets()
        for category in lookup_categories(index)[:4]:
            name = (view.tr(f"category.{category}") if i18n.has(f"category.{category}",
                                                                   view.language) else category)
            self.categories.add_widget(button(KButton, f"category-{category}",
                                              lambda c=category: self._choose(c), text=name))
        products = (search(index, self.query, view.language) if self.query
                    else lookup_products(index, self.category))
        self.grid.clear_widgets()
        for product in products[:30]:
            self.grid.add_widget(self._tile(product, view))

    def _tile(self, product: Product, view: ScreenView) -> KButton:
        price = i18n.money(Money(product.price, view.session.total.currency), view.language)
        unit = "/kg" if product.weighed else ""
        tile = button(KButton, f"product-{product.plu}", lambda p=product: self._pick(p),
                      text=f"{product.name(view.language)}\n{price}{unit} · {product.plu}")
        tile.height = max(THEME.target * 1.3, THEME.font * 4.6)  # three lines of large text
        return tile

    def _choose(self, category: str) -> None:
        self.category = category
        self.search.text = ""
        self._refresh()

    def _searched(self, _widget: object, text: str) -> None:
        self.query = text
        self._refresh()

    def _digit(self, digit: str) -> None:
        if len(self.plu) < PLU_DIGITS:
            self.plu += digit
        self._refresh()

    def _clear(self) -> None:
        self.plu = ""
        self._refresh()

    def _enter(self) -> None:
        if self.plu:
            self.screen.send(ev.PluEntered(at=self.screen.now(), plu=self.plu))
            self.plu = ""
            self.screen.close_lookup()

    def _pick(self, product: Product) -> None:
        if product.plu:
            self.screen.send(ev.PluEntered(at=self.screen.now(), plu=product.plu))
            self.screen.close_lookup()

    def _refresh(self) -> None:
        self._touched()
        if self.screen.view is not None:
            self.render(self.screen.view)

    def _touched(self) -> None:
        """The panel closes itself after a while untouched (longer in accessibility mode)."""
        if self._timer is not None:
            self._timer.cancel()
        shell = self.screen.shell
        delay = shell.kiosk.config.ui.lookup_timeout_s * shell.time_factor()
        self._timer = Clock.schedule_once(lambda _dt: self.screen.close_lookup(), delay)
