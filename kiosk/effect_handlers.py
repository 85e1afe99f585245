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
from datetime import time, tzinfo
from typing import Any

from kiosk.clock import Clock
from kiosk.core import effects as fx
from kiosk.core import events as ev
from kiosk.core.light_signals import light_pattern
from kiosk.core.product import ProductLookup
from kiosk.core.receipt import DEFAULT_QR, ReceiptHeader
from kiosk.core.session_model import Session
from kiosk.errors import JournalError
from kiosk.hw.factory import Devices
from kiosk.hw.printer_check import PrinterNotice
from kiosk.hw.printer_receipts import ReceiptDesk, ReceiptSetup
from kiosk.store.journal import Journal
from kiosk.store.stock import StockMove
from kiosk.store.suspended_sales import SuspendedSales, recall_action_id
from kiosk.store.writer import JournalWriter

log = logging.getLogger(__name__)


class EffectHandlers:
    """One method per effect type; :meth:`table` gives the loop its handler mapping."""

    def __init__(self, *, writer: JournalWriter, devices: Devices, catalogue: ProductLookup,
                 post: Callable[[object], None], clock: Clock, header: ReceiptHeader,
                 tz: tzinfo, columns: int, show: Callable[[fx.ShowMessage], None],
                 qr_template: str = DEFAULT_QR,
                 say: Callable[[str], None] = log.info,
                 suspended: SuspendedSales | None = None) -> None:
        self.writer = writer
        self.suspended = suspended  # the list staff recall suspended sales from
        self.devices = devices
        self.catalogue = catalogue
        self.post = post
        self.clock = clock
        self.tz = tz
        self.show = show
        self.say = say  # what a person watching the kiosk (headless, the log) is told
        printer = devices.printer
        paper = printer.paper if printer is not None else None
        self.receipts = ReceiptDesk(ReceiptSetup(header, tz, qr_template, columns),
                                    paper.columns if paper is not None else None)
        if printer is not None:
            printer.subscribe(self._printer_notice)

    def table(self) -> dict[type, Callable[[Any], Future[Any] | None]]:
        return {
            fx.RecordSale: self.record_sale,
            fx.RecordPaymentAttempt: self.record_payment,
            fx.JournalBasket: self.journal_basket,
            fx.RecordStaffAction: self.record_staff_action,
            fx.SuspendSale: self.suspend_sale,
            fx.RecallSale: self.recall_sale,
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
        self.receipts.keep(sale)
        payload = sale.to_dict()
        receipt = self.receipts.record_copy(sale)
        if receipt is not None:  # the e-receipt: what the QR code on screen leads to
            payload["receipt"] = receipt
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

    def suspend_sale(self, effect: fx.SuspendSale) -> Future[Any]:
        """The list entry first, then the record that closes the basket (suspended_sales)."""
        sale, held, kept = effect.sale, effect.held, self._suspended()
        payload = {**sale.to_dict(), "held": held.to_dict()}

        def job(journal: Journal) -> object:
            kept.add(held)
            return journal.record_sale(sale.sale_id, sale.sale_number, payload,
                                       at=sale.completed_at)
        return self.writer.submit(job)

    def recall_sale(self, effect: fx.RecallSale) -> Future[Any]:
        """The recall's record first (once per suspended sale), then off the list."""
        kept = self._suspended()
        detail = {"sale_id": effect.sale_id, "from_sale_id": effect.held_sale_id}

        def job(journal: Journal) -> object:
            committed = journal.record_staff_action(
                recall_action_id(effect.held_sale_id), effect.staff_id, "sale-recalled",
                at=effect.at, detail=detail)
            kept.remove(effect.held_sale_id)
            return committed
        return self.writer.submit(job)

    def _suspended(self) -> SuspendedSales:
        if self.suspended is None:
            raise JournalError("cannot suspend or recall a sale",
                               "this kiosk was started without its list of suspended sales")
        return self.suspended

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
        """Print off the loop's thread; the printer's answer comes back as an event."""
        printer = self.devices.printer
        job = self.receipts.job(effect.sale_id, reprint=effect.copy, at=self.clock())
        if job is None or printer is None:
            why = "no receipt printer" if printer is None else "the sale is not in memory"
            self.post(ev.ReceiptFailed(at=self.clock(), sale_id=effect.sale_id, reason=why))
            return
        job_id, document = job

        def work() -> None:
            result = printer.print_document(job_id, document)
            at = self.clock()
            if result.image is not None:
                self.say(f"receipt {job_id} printed; picture of the paper: {result.image}")
            self.post(ev.ReceiptDone(at=at, sale_id=effect.sale_id) if result.ok
                      else ev.ReceiptFailed(at=at, sale_id=effect.sale_id, reason=result.detail))

        threading.Thread(target=work, name=f"print-{job_id}", daemon=True).start()

    def _printer_notice(self, notice: PrinterNotice) -> None:
        """Paper low (or a new roll) is for staff, not a failure: an alert, from any thread."""
        self.publish_event(fx.PublishEvent(f"printer-{notice.kind}", {"detail": notice.detail}))

    def set_light(self, effect: fx.SetLight) -> None:
        if self.devices.light is not None:
            self.devices.light.set_pattern(effect.pattern, at=self._store_time())

    def beep(self, effect: fx.Beep) -> None:
        if self.devices.light is not None:
            self.devices.light.beep(effect.kind, at=self._store_time())

    def _store_time(self) -> time:
        """The store's wall-clock time now, for the buzzer's quiet hours."""
        return self.clock().astimezone(self.tz).time()

    def show_light(self, session: Session) -> None:
        """Light the tower for ``session`` at start: ``SetLight`` only comes with a change."""
        self.set_light(fx.SetLight(light_pattern(session)))

    def show_message(self, effect: fx.ShowMessage) -> None:
        if effect.key == "receipt-qr":  # the screen draws the QR code: give it what it holds
            qr = self.receipts.qr_for(str(effect.params.get("sale_id", "")))
            if qr is not None:
                effect = fx.ShowMessage(effect.key, {**effect.params, "qr": qr})
                self.say(f"receipt not printed ({effect.params.get('reason', '')}): shown on "
                         f"screen as a QR code holding {qr}, and sent with the sale")
        self.show(effect)


def _log_failure(what: str) -> Callable[[Future[Any]], None]:
    def done(future: Future[Any]) -> None:
        error = future.exception()
        if error is not None:
            log.error("could not record %s: %s", what, error)
    return done
