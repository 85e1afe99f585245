"""The imperative shell: each effect the session asks for, done on the adapters.

Durable effects go to the journal writer's thread and return its future, so the loop holds
what follows them (the receipt, the "paid" message) until the record is on disk. Slow device
work (printing, the terminal) runs off the loop thread and reports back as events. Nothing here
decides anything: the session already did.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from datetime import tzinfo
from typing import Any

from kiosk.clock import Clock
from kiosk.core import effects as fx
from kiosk.core import events as ev
from kiosk.core.product import ProductLookup
from kiosk.core.receipt import ReceiptHeader, receipt_lines
from kiosk.core.sale import Sale
from kiosk.hw.factory import Devices
from kiosk.store.journal import Journal
from kiosk.store.stock import StockMove
from kiosk.store.writer import JournalWriter

log = logging.getLogger(__name__)


class EffectHandlers:
    """One method per effect type; :meth:`table` gives the loop its handler mapping."""

    def __init__(self, *, writer: JournalWriter, devices: Devices, catalogue: ProductLookup,
                 post: Callable[[object], None], clock: Clock, header: ReceiptHeader,
                 tz: tzinfo, columns: int, show: Callable[[fx.ShowMessage], None]) -> None:
        self.writer = writer
        self.devices = devices
        self.catalogue = catalogue
        self.post = post
        self.clock = clock
        self.header = header
        self.tz = tz
        self.columns = columns
        self.show = show
        self.sales: dict[str, Sale] = {}  # committed sales, for their receipts
        self.reprints: dict[str, int] = {}

    def table(self) -> dict[type, Callable[[Any], Future[Any] | None]]:
        return {
            fx.RecordSale: self.record_sale,
            fx.RecordPaymentAttempt: self.record_payment,
            fx.JournalBasket: self.journal_basket,
            fx.RecordStaffAction: self.record_staff_action,
            fx.PublishEvent: self.publish_event,
            fx.StartPayment: self.start_payment,
            fx.CancelPayment: self.cancel_payment,
            fx.PrintReceipt: self.print_receipt,
            fx.SetLight: self.set_light,
            fx.Beep: self.beep,
            fx.ShowMessage: self.show_message,
        }

    # -- durable: the journal ---------------------------------------------------------------

    def record_sale(self, effect: fx.RecordSale) -> Future[Any]:
        sale = effect.sale
        self.sales[sale.sale_id] = sale
        payload = sale.to_dict()
        # Stock is counted in items, or grams for weighed products. A weighed item sold from a
        # price-only label moves one "pack" of unknown weight: it is in the sale record for
        # the central side, but cannot be taken off a level kept in grams.
        stock = [StockMove(m.gtin, m.delta, self._threshold(m.gtin))
                 for m in sale.stock if m.unit != "pack"]
        # The journal queues the record itself on its topic ("sales"): no extra outbox item.
        return self.writer.submit(Journal.record_sale, sale.sale_id, sale.sale_number, payload,
                                  at=sale.completed_at, stock=stock)

    def _threshold(self, gtin: str) -> int | None:
        product = self.catalogue.by_gtin(gtin)
        return product.low_stock if product is not None and product.low_stock else None

    def record_payment(self, effect: fx.RecordPaymentAttempt) -> Future[Any]:
        detail = {"method": effect.method, **effect.detail}
        return self.writer.submit(Journal.record_payment_attempt, effect.sale_id,
                                  effect.attempt_id, effect.outcome, at=effect.at,
                                  amount_minor=effect.amount.minor,
                                  currency=effect.amount.currency, detail=detail)

    def journal_basket(self, effect: fx.JournalBasket) -> Future[Any]:
        return self.writer.submit(Journal.save_basket, effect.sale_id, effect.to_dict(),
                                  at=effect.at)

    def record_staff_action(self, effect: fx.RecordStaffAction) -> Future[Any]:
        action_id = f"{effect.sale_id or 'kiosk'}:{effect.staff_id}:{effect.action}:" \
                    f"{effect.at.isoformat()}"
        detail = {"sale_id": effect.sale_id, **effect.detail}
        return self.writer.submit(Journal.record_staff_action, action_id, effect.staff_id,
                                  effect.action, at=effect.at, detail=detail)

    def publish_event(self, effect: fx.PublishEvent) -> None:
        """Alerts are chained records the journal queues on ``events``; the loop does not wait."""
        at = self.clock()
        record_id = f"event:{effect.kind}:{at.isoformat()}"
        body = {"kind": effect.kind, **effect.detail}
        future = self.writer.commit("event", record_id, body, at=at)
        future.add_done_callback(_log_failure(f"alert {effect.kind}"))

    # -- devices ----------------------------------------------------------------------------

    def start_payment(self, effect: fx.StartPayment) -> None:
        terminal = self.devices.terminal
        if terminal is None:  # nothing was sent, so "declined" is a certain answer, not a guess
            self.post(ev.PaymentResult(at=self.clock(), attempt_id=effect.attempt_id,
                                       outcome=ev.PaymentOutcome.DECLINED,
                                       auth={"reason": "card terminal unavailable"}))
            return
        terminal.authorise(effect.attempt_id, effect.sale_id, effect.amount)

    def cancel_payment(self, effect: fx.CancelPayment) -> None:
        if self.devices.terminal is not None:
            self.devices.terminal.cancel(effect.attempt_id)

    def print_receipt(self, effect: fx.PrintReceipt) -> None:
        sale = self.sales.get(effect.sale_id)
        printer = self.devices.printer
        if sale is None or printer is None:
            why = "no receipt printer" if printer is None else "sale not in memory"
            self.post(ev.ReceiptFailed(at=self.clock(), sale_id=effect.sale_id, reason=why))
            return
        job_id = effect.sale_id
        if effect.copy:
            self.reprints[effect.sale_id] = self.reprints.get(effect.sale_id, 0) + 1
            job_id = f"{effect.sale_id}-copy{self.reprints[effect.sale_id]}"
        lines = receipt_lines(sale, self.header, tz=self.tz, width=self.columns,
                              lang=sale.language, copy=effect.copy)

        def work() -> None:
            result = printer.print_document(job_id, lines)
            at = self.clock()
            self.post(ev.ReceiptDone(at=at, sale_id=effect.sale_id) if result.ok
                      else ev.ReceiptFailed(at=at, sale_id=effect.sale_id, reason=result.detail))

        threading.Thread(target=work, name=f"print-{job_id}", daemon=True).start()

    def set_light(self, effect: fx.SetLight) -> None:
        if self.devices.light is not None:
            self.devices.light.set_pattern(effect.pattern)

    def beep(self, effect: fx.Beep) -> None:
        if self.devices.light is not None:
            self.devices.light.beep(effect.kind)

    def show_message(self, effect: fx.ShowMessage) -> None:
        self.show(effect)


def _log_failure(what: str) -> Callable[[Future[Any]], None]:
    def done(future: Future[Any]) -> None:
        error = future.exception()
        if error is not None:
            log.error("could not record %s: %s", what, error)
    return done
