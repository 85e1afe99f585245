"""After payment: the printed receipt (or its QR fallback), the receipt screen, reprints.

paid -> receipt when the printer reports done or failed (or says nothing within
``print_timeout``: a silent printer must not hold the shopper). A receipt that did not print
is shown as a QR code and reported, since the sale already goes to the central store by MQTT.
The receipt screen gives way to the next sale after ``receipt_timeout`` (or at the next
shopper's first scan), unless the shopper has asked for help there.
"""

from __future__ import annotations

from datetime import datetime

from kiosk.core.effects import PrintReceipt, PublishEvent, ShowMessage
from kiosk.core.events import PRINTER, ReceiptDone, ReceiptFailed, ReprintRequested
from kiosk.core.sale import StaffAction
from kiosk.core.session_guards import reject, staff_block
from kiosk.core.session_lifecycle import next_sale, staff_action
from kiosk.core.session_model import Outcome, S, Session, SessionContext
from kiosk.core.staff import Permission


def _printing(session: Session, sale_id: str) -> bool:
    return (session.phase is S.PAID and session.sale is not None
            and session.sale.sale_id == sale_id)


def on_receipt_done(session: Session, event: ReceiptDone, ctx: SessionContext) -> Outcome:
    if not _printing(session, event.sale_id):
        return reject(session, "not-printing", "No receipt is being printed for this sale")
    shown = session.with_phase(S.RECEIPT, event.at)
    return Outcome(shown, (ShowMessage("take-receipt", {"sale_id": event.sale_id}),))


def on_receipt_failed(session: Session, event: ReceiptFailed, ctx: SessionContext) -> Outcome:
    if _printing(session, event.sale_id):
        return _unprinted(session, event.at, event.reason)
    if event.sale_id == session.last_sale_id:  # a staff reprint did not come out
        return Outcome(session, (PublishEvent("receipt-failed", {
            "sale_id": event.sale_id, "reason": event.reason}),))
    return reject(session, "not-printing", "No receipt is being printed for this sale")


def _unprinted(session: Session, at: datetime, reason: str) -> Outcome:
    sale_id = session.sale.sale_id if session.sale else ""
    detail = {"sale_id": sale_id, "reason": reason}
    return Outcome(session.with_phase(S.RECEIPT, at), (
        ShowMessage("receipt-qr", detail), PublishEvent("receipt-failed", detail)))


def on_reprint(session: Session, event: ReprintRequested, ctx: SessionContext) -> Outcome:
    block = staff_block(session, ctx, event.staff_id, Permission.REPRINT)
    if block is not None:
        return Outcome(session, (), block)
    if session.last_sale_id is None:
        return reject(session, "nothing-to-reprint",
                      "No sale has been completed on this kiosk since it started")
    if PRINTER in session.devices_down:
        return reject(session, "printer-unavailable",
                      f"The printer is not working: {session.devices_down[PRINTER]}")
    action = StaffAction(event.staff_id, "reprint", event.at, {"sale_id": session.last_sale_id})
    audited, record = staff_action(session, ctx, action)
    return Outcome(audited, (record, PrintReceipt(session.last_sale_id, copy=True)))


def receipt_timers(session: Session, ctx: SessionContext, at: datetime) -> Outcome | None:
    """The printer's silence and the receipt screen's time, measured from entering the phase."""
    since = session.phase_since
    if since is None:
        return None
    if session.phase is S.PAID and at - since >= ctx.print_timeout:
        return _unprinted(session, at, "no answer from the printer")
    if (session.phase is S.RECEIPT and session.top is not S.HELP
            and at - since >= ctx.shopper_timeout(session, ctx.receipt_timeout)):
        fresh, effects = next_sale(session, ctx, at)
        return Outcome(fresh, effects)
    return None
