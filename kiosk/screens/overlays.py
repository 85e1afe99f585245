"""The screens that ask the shopper to wait: age check, help called, out of order, locked."""

from __future__ import annotations

from kiosk.core import events as ev
from kiosk.screens import routing
from kiosk.screens.frame import ScreenFrame, button
from kiosk.screens.view import ScreenView
from kiosk.screens.widgets import DangerButton, HugeLabel, KLabel


class _Waiting(ScreenFrame):
    """A big sentence and an explanation; subclasses name their keys."""

    big_key = ""
    explain_key = ""

    def build(self) -> None:
        self.big = HugeLabel(text="")
        self.big.key = "big"
        self.explain = KLabel(text="", halign="center")
        self.explain.key = "explain"
        self.body.add_widget(self.big)
        self.body.add_widget(self.explain)

    def render(self, view: ScreenView) -> None:
        self.big.text = view.tr(self.big_key)
        self.explain.text = view.tr(self.explain_key, total=view.total)


class AgeScreen(_Waiting):
    """The basket waits for staff to check the shopper's age (the light already asks)."""

    screen_name = routing.AGE
    title_key = "age.title"
    big_key = "age.wait"
    explain_key = "age.explain"

    def render(self, view: ScreenView) -> None:
        self.big.text = view.tr(self.big_key)
        self.explain.text = view.tr(self.explain_key, age=view.session.basket.min_age)


class HelpScreen(_Waiting):
    """Staff are called; the shopper may take the call back."""

    screen_name = routing.HELP
    title_key = "help.title"
    big_key = "help.coming"
    explain_key = "help.explain"
    help_in_footer = False

    def build(self) -> None:
        super().build()
        self.cancel = button(DangerButton, "help-cancel", self._cancel)
        self.actions.add_widget(self.cancel)

    def render(self, view: ScreenView) -> None:
        super().render(view)
        self.cancel.text = view.tr("help.cancel")

    def _cancel(self) -> None:
        self.send(ev.HelpCancelled(at=self.now()))


class OutOfOrderScreen(_Waiting):
    """A device the kiosk cannot sell without failed; the banner says which, why, and what."""

    screen_name = routing.OUT_OF_ORDER
    title_key = "closed.title"
    big_key = "closed.out-of-order"
    explain_key = "closed.explain"


class LockedScreen(_Waiting):
    """Locked by staff or the fleet between sales."""

    screen_name = routing.LOCKED
    title_key = "closed.title"
    big_key = "closed.locked"
    explain_key = "closed.explain"
