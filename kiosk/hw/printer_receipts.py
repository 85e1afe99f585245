"""The shell's side of receipts: which document a sale prints, under which job id, and the copy
of it that travels with the sale record.

The effect handlers hand committed sales here. Each gets:

* its receipt document (:func:`kiosk.core.receipt.sale_receipt`) with the store's header, the
  store's time zone and the configured QR payload;
* a job id: the sale id for the receipt itself, so a retried print never prints twice, and a
  new id per staff reprint (``<sale_id>.reprint-<time>``), each printed once and marked
  REPRINT;
* a copy for the record that goes to the central store by MQTT with the sale: the QR payload
  and the receipt as laid-out text lines, so a shopper whose receipt did not print (paper out)
  still gets it, as the e-receipt behind the QR code on the screen.

Sales are kept in memory only for as long as a reprint is likely (the last
:data:`SALES_KEPT`); the journal keeps every sale for good.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from kiosk.core.receipt import DEFAULT_QR, ReceiptHeader, receipt_qr, sale_receipt
from kiosk.core.receipt_doc import Document
from kiosk.core.receipt_layout import as_text, layout
from kiosk.core.sale import Sale, SaleStatus

SALES_KEPT = 50


@dataclass(frozen=True, slots=True)
class ReceiptSetup:
    """The store's receipt settings: header, local time zone, QR template, columns to use
    when there is no printer to ask (the copy sent with the sale still needs a width)."""

    header: ReceiptHeader
    tz: tzinfo
    qr_template: str = DEFAULT_QR
    columns: int = 48


class ReceiptDesk:
    """Documents, job ids and record copies for the sales of this run."""

    def __init__(self, setup: ReceiptSetup, columns: int | None = None) -> None:
        self.setup = setup
        self.columns = columns or setup.columns  # the printer's own, when there is one
        self._sales: OrderedDict[str, Sale] = OrderedDict()

    def keep(self, sale: Sale) -> None:
        self._sales[sale.sale_id] = sale
        self._sales.move_to_end(sale.sale_id)
        while len(self._sales) > SALES_KEPT:
            self._sales.popitem(last=False)

    def qr(self, sale: Sale) -> str:
        return receipt_qr(self.setup.qr_template, sale)

    def qr_for(self, sale_id: str) -> str | None:
        sale = self._sales.get(sale_id)
        return self.qr(sale) if sale is not None else None

    def document(self, sale: Sale, *, reprint: bool = False) -> Document:
        return sale_receipt(sale, self.setup.header, tz=self.setup.tz, qr=self.qr(sale),
                            reprint=reprint)

    def record_copy(self, sale: Sale) -> dict[str, Any] | None:
        """The receipt as it goes with the sale record (None for a voided sale: no receipt)."""
        if sale.status is not SaleStatus.COMPLETED:
            return None
        lines = as_text(layout(self.document(sale), self.columns))
        return {"qr": self.qr(sale), "columns": self.columns, "lines": lines}

    def job(self, sale_id: str, *, reprint: bool, at: datetime) -> tuple[str, Document] | None:
        """(job id, document) for printing ``sale_id``; None when the sale is not kept."""
        sale = self._sales.get(sale_id)
        if sale is None:
            return None
        job_id = f"{sale_id}.reprint-{at:%Y%m%dT%H%M%S%f}" if reprint else sale_id
        return job_id, self.document(sale, reprint=reprint)
