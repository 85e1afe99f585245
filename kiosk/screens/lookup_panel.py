"""The "look up item" panel inside the basket: categories, a grid of products with pictures,
search by name, and a PLU keypad. Choosing sends ``PluEntered``; the session decides (a
weighed item wants the scale's weight, and says so).

Every key and tile is a touch target of at least 15 mm, so the panel is arranged for the room
it has (:func:`arrangement`): the keypad beside the products on the 10-inch panel; where that
does not fit (the 7-inch panel, whose basket area is a third of the screen high, or a
portrait screen), products and keypad take turns behind a "PLU code" key."""

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
WIDE, TURNS = "wide", "turns"
KEYS = 12  # the PLU keypad: ten digits, clear, OK


def arrangement(width: float, height: float, target: float, gap: float) -> str:
    """``wide``: products left, a 3-column keypad right; ``turns``: products or the keypad,
    one at a time."""
    if height >= 4 * target + 3 * gap / 2 + target / 2 + gap and width >= 7 * target + 4 * gap:
        return WIDE
    return TURNS


def keypad_cols(mode: str, width: float, target: float, gap: float) -> int:
    """Three columns beside the products; as many as fit the width (up to six) otherwise."""
    if mode == WIDE:
        return 3
    return max(3, min(6, int((width + gap / 2) // (target + gap / 2))))


class LookupPanel(BoxLayout):
    def __init__(self, screen: BasketScreen) -> None:
        super().__init__(spacing=THEME.gap)
        self.screen = screen
        self.category: str | None = None
        self.query = ""
        self.plu = ""
        self.keypad_shown = False  # in the low arrangement: the keypad instead of products
        self._timer = None
        self.mode = ""  # the arrangement in use
        self._arranged: tuple[object, ...] = ()
        self.categories = Row()
        self.plu_key = button(KButton, "plu-mode", self._toggle_keypad, text="PLU")
        self.search = TextInput(multiline=False, size_hint_y=None, height=THEME.target,
                                font_size=THEME.font)
        self.search.bind(text=self._searched)
        self.grid = GridLayout(cols=3, size_hint_y=None, spacing=THEME.gap / 2)
        self.grid.bind(minimum_height=self.grid.setter("height"))
        self.scroll = ScrollView(do_scroll_x=False)
        self.scroll.add_widget(self.grid)
        self._keypad()
        self._shown: tuple[object, ...] = ()
        self.bind(size=lambda *_: self._arrange())

    def _keypad(self) -> None:
        """The code as typed and the keys; :meth:`_arrange` puts them where they fit."""
        self.plu_label = KLabel(text="", halign="center", pos_hint={"center_y": 0.5})
        self.plu_label.key = "plu-display"
        self.keys = GridLayout(cols=3, spacing=THEME.gap / 2, size_hint_y=None,
                               row_force_default=True, row_default_height=THEME.target)
        self.keys.bind(minimum_height=self.keys.setter("height"))
        for digit in "123456789":
            self.keys.add_widget(button(KButton, f"digit-{digit}",
                                        lambda d=digit: self._digit(d), text=digit))
        self.keys.add_widget(button(KButton, "digit-clear", self._clear, text="C"))
        self.keys.add_widget(button(KButton, "digit-0", lambda: self._digit("0"), text="0"))
        self.enter = button(AccentButton, "plu-enter", self._enter, text="OK")
        self.keys.add_widget(self.enter)

    def _arrange(self) -> None:
        """Place the parts for the panel's size (module docstring); only on a change."""
        target, gap = THEME.target, THEME.gap
        mode = arrangement(self.width, self.height, target, gap)
        key = (mode, self.keypad_shown if mode == TURNS else False, target, gap, THEME.font,
               self.width)
        if key == self._arranged:
            return
        self._arranged, self.mode = key, mode
        for widget in (self.categories, self.search, self.scroll, self.plu_key,
                       self.plu_label, self.keys):
            if widget.parent is not None:
                widget.parent.remove_widget(widget)
        self.clear_widgets()
        self.keys.cols = cols = keypad_cols(mode, self.width, target, gap)
        pad_width = cols * target + (cols - 1) * gap / 2
        self.orientation = "horizontal" if mode == WIDE else "vertical"
        self.spacing = gap / 2 if mode == TURNS and self.keypad_shown else gap
        if mode == WIDE:  # products, and the keypad beside them
            self.add_widget(self._products())
            pad = BoxLayout(orientation="vertical", spacing=gap / 2, size_hint_x=None,
                            width=pad_width)
            for widget in (self.plu_label, self.keys, BoxLayout()):
                pad.add_widget(widget)
            self.add_widget(pad)
        elif self.keypad_shown:  # the key back to the products beside the code, then keys
            top = Row()
            top.add_widget(self.plu_key)
            top.add_widget(self.plu_label)
            for widget in (top, self.keys, BoxLayout()):
                self.add_widget(widget)
        else:
            self.categories.add_widget(self.plu_key)
            self.add_widget(self._products())
        tile = max(target * 2.2, THEME.font * 8)  # three short lines of the sale's text size
        self.grid.cols = max(1, int((self.width - (pad_width if mode == WIDE else 0)) // tile))
        self._shown = ()
        if self.screen.view is not None:
            self.render(self.screen.view)

    def _products(self) -> BoxLayout:
        box = BoxLayout(orientation="vertical", spacing=THEME.gap / 2)
        for widget in (self.categories, self.search, self.scroll):
            box.add_widget(widget)
        return box

    def reset(self) -> None:
        self.category = None
        self.plu = ""
        self.keypad_shown = False
        self.search.text = ""
        self._shown = ()
        self._arrange()
        self._touched()

    def _toggle_keypad(self) -> None:
        self.keypad_shown = not self.keypad_shown
        self._arrange()
        self._touched()

    def render(self, view: ScreenView) -> None:
        self.plu_label.text = view.tr("lookup.plu", plu=self.plu or "-")
        self.plu_key.text = view.tr("lookup.products" if self.keypad_shown else "lookup.plu-key")
        self.enter.disabled = not self.plu
        self.search.hint_text = view.tr("lookup.search")
        self.search.font_name = THEME.font_name
        key = (view.language, self.category, self.query)
        if key == self._shown:
            return
        self._shown = key
        index = self.screen.shell.kiosk.catalogue
        for widget in list(self.categories.children):
            if widget is not self.plu_key:
                self.categories.remove_widget(widget)
        room = int(self.width // (THEME.target * 1.6)) - (1 if self.plu_key.parent else 0)
        for category in lookup_categories(index)[:max(1, min(4, room))]:
            name = (view.tr(f"category.{category}") if i18n.has(f"category.{category}",
                                                                   view.language) else category)
            self.categories.add_widget(button(KButton, f"category-{category}",
                                              lambda c=category: self._choose(c), text=name),
                                       index=1 if self.plu_key.parent is not None else 0)
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
        low = self.mode == TURNS and self.height < 5 * THEME.target  # the 7-inch landscape
        tile.height = THEME.target if low else max(THEME.target * 1.3, THEME.font * 4.6)
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
