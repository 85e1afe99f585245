"""Payment: the amount, what the terminal asks now, cancel while the protocol allows it; and
payment unknown: "please wait, staff is coming" (staff resolve it in assisted mode)."""

from __future__ import annotations

from kiosk.core import events as ev
from kiosk.screens import routing
from kiosk.screens.frame import ScreenFrame, button
from kiosk.screens.view import ScreenView
from kiosk.screens.widgets import DangerButton, HugeLabel, KLabel, TitleLabel


class PaymentScreen(ScreenFrame):
    screen_name = routing.PAYMENT
    title_key = "payment.title"

    def build(self) -> None:
        self.amount = HugeLabel(text="")
        self.amount.key = "amount"
        self.instruction = TitleLabel(text="", halign="center")
        self.instruction.key = "instruction"
        self.body.add_widget(self.amount)
        self.body.add_widget(self.instruction)
        self.cancel = button(DangerButton, "cancel-payment", self._cancel)
        self.actions.add_widget(self.cancel)

    def render(self, view: ScreenView) -> None:
        self.amount.text = view.payment_amount or view.total
        status = view.terminal_status
        cancelling = any(a.cancel_requested and a.outcome is None
                         for a in view.session.attempts)
        key = ("payment.cancelling" if cancelling
               else f"terminal.{status}" if status else "payment.follow-terminal")
        self.instruction.text = view.tr(key)
        self.cancel.text = view.tr("payment.cancel")
        self.cancel.disabled = not view.can_cancel_payment

    def _cancel(self) -> None:
        self.send(ev.CancelPaymentPressed(at=self.now()))


class PaymentUnknownScreen(ScreenFrame):
    screen_name = routing.PAYMENT_UNKNOWN
    title_key = "unknown.title"

    def build(self) -> None:
        self.wait = HugeLabel(text="")
        self.wait.key = "wait"
        self.explain = KLabel(text="", halign="center")
        self.explain.key = "explain"
        self.body.add_widget(self.wait)
        self.body.add_widget(self.explain)

    def render(self, view: ScreenView) -> None:
        self.wait.text = view.tr("unknown.wait")
        self.explain.text = view.tr("unknown.explain", amount=view.payment_amount or view.total)
