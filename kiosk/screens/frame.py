"""The frame every shopper screen shares: a title on top, the screen's own body, a banner for
messages and device problems, and a footer with the screen's actions and the help button.

The actions sit in the footer, in the lower part of the screen, on every screen: that is where
a seated shopper or one in a wheelchair reaches them (accessibility mode changes sizes and
colours, never where things are).
"""

from __future__ import annotations

from typing import Any

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from kiosk.core import events as ev
from kiosk.core.money import Money
from kiosk.screens import i18n
from kiosk.screens.base import KioskScreen, ShellPort
from kiosk.screens.staff_key import label_staff_key, title_row
from kiosk.screens.theme import THEME
from kiosk.screens.view import ScreenView
from kiosk.screens.widgets import HelpButton, KButton, KLabel, Row, TitleLabel

MONEY_PARAMS = ("total", "amount", "change")


def message_text(view: ScreenView) -> str:
    """The newest screen message in the sale's language, amounts formatted for it."""
    message = view.message
    if message is None or not i18n.has(f"msg.{message.key}", view.language):
        return ""
    values: dict[str, Any] = {k: v for k, v in message.params.items() if isinstance(k, str)}
    currency = view.session.total.currency
    for name in MONEY_PARAMS:
        if isinstance(values.get(name), int):
            values[name] = i18n.money(Money(values[name], currency), view.language)
    values.setdefault("reason", "")
    return view.tr(f"msg.{message.key}", **_Defaults(values))


class _Defaults(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


def error_text(view: ScreenView) -> str:
    return "\n".join(f"{e.what} ({e.why}) {e.action}" for e in view.errors)


def button(cls: type[KButton], key: str, on_press: Any, **kwargs: Any) -> KButton:
    """A button with ``key`` (tests and the staff screens find buttons by it)."""
    widget = cls(**kwargs)
    widget.key = key
    widget.bind(on_release=lambda *_: on_press())
    return widget


class ScreenFrame(KioskScreen):
    """Title, body, banner, footer (module docstring). Subclasses fill ``self.body`` and
    ``self.actions`` in ``build`` and update them in ``render``."""

    title_key = ""
    help_in_footer = True

    def __init__(self, shell: ShellPort, **kwargs: Any) -> None:
        super().__init__(shell, **kwargs)
        gap = THEME.gap
        root = BoxLayout(orientation="vertical", padding=gap, spacing=gap)
        self.title = TitleLabel(text="")
        self.body = BoxLayout(orientation="vertical", spacing=gap)
        self.banner = KLabel(text="")
        self.banner.key = "banner"
        self.actions = Row()
        self.help_button: KButton | None = None
        if self.help_in_footer:
            self.help_button = button(HelpButton, "help", self.on_help, size_hint_x=0.3)
        root.add_widget(title_row(self, self.title))  # the title, and the staff key
        root.add_widget(self.body)
        root.add_widget(self.banner)
        root.add_widget(self.actions)
        self.add_widget(root)
        self.build()
        if self.help_button is not None:
            self.actions.add_widget(self.help_button)

    def build(self) -> None:
        """Add the screen's own widgets to ``self.body`` and ``self.actions``."""

    def render(self, view: ScreenView) -> None:
        """Update the screen's own widgets for ``view``."""

    def show(self, view: ScreenView) -> None:
        super().show(view)
        self.title.text = view.tr(self.title_key) if self.title_key else ""
        if self.help_button is not None:
            self.help_button.text = view.tr("common.help")
        label_staff_key(self, view.tr("common.staff"))
        self.banner.text = "\n".join(t for t in (message_text(view), error_text(view)) if t)
        self.render(view)

    def on_help(self) -> None:
        self.send(ev.HelpPressed(at=self.now()))


def spacer() -> Widget:
    return Widget()
