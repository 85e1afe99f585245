"""Done: thank you, take your receipt, or the receipt as a QR code when the printer could not
print it (the session's ``receipt-qr`` message carries the payload). Back to attract is the
session's receipt timeout, not a timer of the screen's."""

from __future__ import annotations

from kivy.uix.image import Image

from kiosk.screens import i18n, routing
from kiosk.screens.frame import ScreenFrame
from kiosk.screens.qr import qr_texture
from kiosk.screens.view import ScreenView
from kiosk.screens.widgets import HugeLabel, KLabel, TitleLabel


class DoneScreen(ScreenFrame):
    screen_name = routing.DONE
    title_key = "done.title"

    def build(self) -> None:
        self.thanks = HugeLabel(text="")
        self.thanks.key = "thanks"
        self.total = TitleLabel(text="", halign="center")
        self.total.key = "paid-total"
        self.receipt = KLabel(text="", halign="center")
        self.receipt.key = "receipt"
        self.qr = Image(fit_mode="contain", opacity=0, size_hint_y=2)
        self._qr_payload: str | None = None
        for widget in (self.thanks, self.total, self.receipt, self.qr):
            self.body.add_widget(widget)

    def render(self, view: ScreenView) -> None:
        self.thanks.text = view.tr("done.thanks")
        sale = view.session.sale
        self.total.text = (view.tr("done.paid", total=i18n.money(sale.total, view.language))
                           if sale else "")
        if view.receipt_qr:
            self.receipt.text = view.tr("done.receipt-qr")
            if view.receipt_qr != self._qr_payload:
                self._qr_payload = view.receipt_qr
                self.qr.texture = qr_texture(view.receipt_qr)
            self.qr.opacity = 1
        else:
            self.receipt.text = view.tr("done.take-receipt" if view.state == "receipt"
                                        else "done.printing")
            self.qr.opacity = 0
