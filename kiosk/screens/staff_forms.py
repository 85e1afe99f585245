"""The small forms some assisted-mode actions need before they become an event.

A form is data (:class:`Form`): whether digits are typed (a price in minor units, or a
code), and which reasons or answers are offered, one of which must be chosen when
``choice_required`` (a price override and a cancelled sale need a reason; an unknown payment
needs paid or not paid). :class:`FormPanel` draws one with a keypad and the choices; OK is
only enabled when the form is complete, and hands the input back to the assisted screen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from kivy.properties import ObjectProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.togglebutton import ToggleButton

from kiosk.core.suspended import SuspendedSale
from kiosk.screens.widgets import KButton

MAX_DIGITS = 14  # a GTIN-14, or a price far above anything a kiosk sells


@dataclass(frozen=True, slots=True)
class Form:
    name: str  # the assisted action it belongs to
    title: str  # i18n key
    digits: str = ""  # "" none, "money" a price in minor units, "code" a barcode's digits
    choices: tuple[str, ...] = ()  # i18n keys, or values named by ``labels``
    choice_required: bool = False
    labels: Mapping[str, str] = field(default_factory=dict)  # choice -> text shown as is

    def complete(self, typed: str, choice: str) -> bool:
        if self.digits and not typed:
            return False
        return not self.choice_required or choice in self.choices


FORMS: Mapping[str, Form] = MappingProxyType({
    "override_price": Form("override_price", "staff.form.override", digits="money",
                           choices=("staff.reason.shelf_price", "staff.reason.damaged",
                                    "staff.reason.price_match"), choice_required=True),
    "key_in": Form("key_in", "staff.form.key_in", digits="code"),
    "cancel_sale": Form("cancel_sale", "staff.form.cancel", choices=(
        "staff.reason.shopper_left", "staff.reason.shopper_asked",
        "staff.reason.cannot_pay"), choice_required=True),
    "suspend_sale": Form("suspend_sale", "staff.form.suspend", choices=(
        "staff.reason.fetching_item", "staff.reason.forgot_payment", "staff.reason.free_lane"),
        choice_required=True),
    "resolve_payment": Form("resolve_payment", "staff.form.resolve",
                            choices=("staff.resolve.paid", "staff.resolve.not_paid"),
                            choice_required=True),
})


def recall_form(suspended: Sequence[SuspendedSale], label: Callable[[SuspendedSale], str],
                ) -> Form:
    """Which suspended sale to bring back: one choice per sale, oldest first, each worded by
    ``label`` (its number, items, total and time, in the sale's language)."""
    return Form("recall_sale", "staff.form.recall",
                choices=tuple(held.sale_id for held in suspended), choice_required=True,
                labels={held.sale_id: label(held) for held in suspended})


class ChoiceButton(ToggleButton):
    """One reason or answer; one of a form's choices is down at a time."""


class FormPanel(BoxLayout):
    """Widgets: ``ids.title``, ``ids.typed``, ``ids.keypad``, ``ids.choices``, ``ids.ok``,
    ``ids.cancel``; ``choice_buttons[key]`` and ``key_buttons[digit]`` for tests."""

    form = ObjectProperty(None)
    screen = ObjectProperty(None)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.typed = ""
        self.choice = ""
        self.key_buttons: dict[str, KButton] = {}
        self.choice_buttons: dict[str, ChoiceButton] = {}
        self._build()

    def _build(self) -> None:
        screen, form = self.screen, self.form
        self.ids.title.text = screen.tr(form.title)
        if not form.digits:
            self.remove_widget(self.ids.keypad)
        else:
            for char in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "C", "0", "<"):
                button = KButton(text=char)
                button.key = f"form.key.{char}"
                button.bind(on_release=lambda _b, c=char: self.key(c))
                self.key_buttons[char] = button
                self.ids.keypad.add_widget(button)
        for key in form.choices:
            text = form.labels[key] if key in form.labels else screen.tr(key)
            button = ChoiceButton(text=text, group=f"form-{form.name}")
            button.key = f"form.choice.{key}"
            button.bind(on_release=lambda b, k=key: self.choose(k if b.state == "down" else ""))
            self.choice_buttons[key] = button
            self.ids.choices.add_widget(button)
        self.ids.ok.bind(on_release=lambda _b: self.ok())
        self.ids.cancel.bind(on_release=lambda _b: screen.close_form())
        self.ids.ok.text = screen.tr("staff.form.ok")
        self.ids.cancel.text = screen.tr("staff.form.cancel_form")
        self._update()

    def key(self, char: str) -> None:
        if char == "C":
            self.typed = ""
        elif char == "<":
            self.typed = self.typed[:-1]
        elif len(self.typed) < MAX_DIGITS:
            self.typed = (self.typed + char).lstrip("0") if self.form.digits == "money" \
                else self.typed + char
        self._update()

    def choose(self, key: str) -> None:
        self.choice = key
        self._update()

    def _update(self) -> None:
        if self.form.digits == "money":
            self.ids.typed.text = self.screen.money_text(int(self.typed or "0"))
        else:
            self.ids.typed.text = self.typed
        self.ids.ok.disabled = not self.form.complete(self.typed, self.choice)

    def ok(self) -> None:
        if self.form.complete(self.typed, self.choice):
            self.screen.submit(self.form, self.typed or "0", self.choice)

