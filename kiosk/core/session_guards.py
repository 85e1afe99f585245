"""Who may do what, when: the checks every session handler starts with, and outcome builders.

Two kinds of "no", kept apart on purpose (see :class:`Rejection` and :class:`Refusal`):

* a **rejection** means the event makes no sense in the current state or the sender lacks the
  right (an item scanned during payment, a void by a role without ``void_line``). Nothing
  changes and there are no effects; the screen shows the reason.
* a **refusal** means the event was fine but the store's rules said no (an unknown product, a
  barcode with a bad check digit, alcohol at night, a void that needs staff). Nothing changes
  either, but the shopper is told through effects: ``ShowMessage`` and ``Beep("error")``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.core.effects import Beep, ShowMessage
from kiosk.core.session_model import Outcome, Refusal, Rejection, S, Session, SessionContext
from kiosk.core.staff import Permission

PERMISSION_TEXT = {
    Permission.APPROVE_AGE: "approve age-restricted items",
    Permission.VOID_LINE: "remove items",
    Permission.SUSPEND_SALE: "suspend or recall sales",
    Permission.RESOLVE_PAYMENT: "resolve payments",
    Permission.KEY_IN_CODE: "key in codes",
    Permission.REPRINT: "reprint receipts",
    Permission.OVERRIDE_PRICE: "override prices",
    Permission.CANCEL_SALE: "cancel sales",
    Permission.REPORTS: "run reports",
    Permission.REFUND: "give refunds",
    Permission.TAKE_CASH: "take cash",
}

OUT_OF_ORDER = "This checkout is out of order; please use another one"
ADD = "items cannot be added"
CHANGE = "the basket cannot be changed"

# Why the basket is closed in each phase; ``{what}`` is ADD or CHANGE.
_CLOSED: Mapping[S, tuple[str, str]] = {
    S.ATTRACT: ("no-sale", "No sale is in progress"),
    S.PAYMENT: ("payment-in-progress", "Payment is in progress; {what} now"),
    S.PAYMENT_UNKNOWN: ("payment-unknown",
                        "A staff member must first check the last payment; {what} until then"),
    S.PAID: ("sale-paid", "The sale is paid; {what} any more"),
    S.RECEIPT: ("sale-paid", "The sale is paid; {what} any more"),
    S.OUT_OF_ORDER: ("out-of-order", OUT_OF_ORDER),
}


def reject(session: Session, code: str, reason: str) -> Outcome:
    return Outcome(session, (), Rejection(code, reason))


def refuse(session: Session, code: str, reason: str, params: Mapping[str, Any] | None = None,
           *, key: str = "item-refused", beep: str = "error") -> Outcome:
    shown = {"code": code, "reason": reason, **(params or {})}
    return Outcome(session, (ShowMessage(key, shown), Beep(beep)),
                   refused=Refusal(code, reason, shown))


def closed(session: Session, what: str) -> Outcome:
    """Reject a basket change because of the phase the sale is in."""
    code, reason = _CLOSED[session.phase]
    return reject(session, code, reason.format(what=what))


def shopper_block(session: Session) -> Rejection | None:
    """Shopper actions wait while the kiosk is closed or the help screen is up."""
    if session.locked:
        return Rejection("locked", "This checkout is closed. Please use another one.")
    if session.top is S.HELP:
        return Rejection("help-open",
                         "Help is on its way. Cancel the help request to carry on.")
    return None


def staff_block(session: Session, ctx: SessionContext, staff_id: str,
                permission: Permission | None) -> Rejection | None:
    """Staff actions need assisted mode, by the member who unlocked it, with the permission."""
    staff = session.staff
    if session.top is not S.ASSISTED or staff is None:
        return Rejection("staff-required", "A staff member must unlock the kiosk first")
    if staff.staff_id != staff_id:
        return Rejection("wrong-staff",
                         f"Staff member {staff_id} is not the one signed in ({staff.staff_id})")
    if permission is not None and not ctx.roles.allows(staff.role, permission):
        return Rejection("not-permitted",
                         f"The {staff.role} role may not {PERMISSION_TEXT[permission]}")
    return None


def staff_acting(session: Session, ctx: SessionContext, permission: Permission) -> bool:
    """Whether a shopper-side action is being done by signed-in staff who may do it."""
    staff = session.staff
    return (session.top is S.ASSISTED and staff is not None
            and ctx.roles.allows(staff.role, permission))
