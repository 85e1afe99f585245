"""The kiosk's widget kinds, styled by theme.kv; screens build from these only, so the theme
is the one place a size or colour is decided."""

from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label


class KLabel(Label):
    """Wrapping text at the theme's size, in the sale language's font."""

    key = StringProperty("")  # what the label is for; tests and screens find it by this


class TitleLabel(KLabel):
    pass


class HugeLabel(KLabel):
    pass


class MutedLabel(KLabel):
    pass


class KButton(Button):
    """A touch target at least 15 mm high (theme.target)."""

    key = StringProperty("")  # the action, e.g. "pay"; tests and screens find it by this


class AccentButton(KButton):
    """The screen's main action (pay, start)."""


class DangerButton(KButton):
    """Remove, cancel."""


class HelpButton(KButton):
    """Calls staff; on every screen."""


class Panel(BoxLayout):
    """A padded surface."""


class Row(BoxLayout):
    """A horizontal row of touch targets."""


class LanguageButton(KButton):
    """A language's own name (中文, Français): drawn with the CJK font in every language."""
