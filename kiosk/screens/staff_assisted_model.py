"""Assisted mode as a value: who is signed in, which actions the screen offers, the evidence.

No Kivy and no rule of its own: an action is *offered* when the signed-in role has the
permission (kiosk.core.staff.Roles, from config) and the sale is in a phase where the session
accepts that event; the session still decides, and a rejection it returns is shown as is.
A disabled action says why ("your role may not", "not now"), so staff are not left guessing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.core.events import PRINTER
from kiosk.core.money import Money
from kiosk.core.session_model import BASKET_OPEN, S, Session, SessionContext, SessionState
from kiosk.core.staff import Permission
from kiosk.core.suspended import SuspendedSale

# (action, permission needed or None, the phases where the session accepts it or None = any)
ACTIONS: tuple[tuple[str, Permission | None, frozenset[SessionState] | None], ...] = (
    ("approve_age", Permission.APPROVE_AGE, frozenset({S.AWAITING_APPROVAL})),
    ("refuse_age", Permission.APPROVE_AGE, frozenset({S.AWAITING_APPROVAL})),
    ("void_line", Permission.VOID_LINE, BASKET_OPEN),
    ("override_price", Permission.OVERRIDE_PRICE, BASKET_OPEN),
    ("key_in", Permission.KEY_IN_CODE, frozenset({S.ATTRACT, S.SCANNING, S.AWAITING_APPROVAL})),
    ("cancel_sale", Permission.CANCEL_SALE, BASKET_OPEN),
    # one key: suspend the basket on screen, or recall a suspended one onto an empty lane
    ("suspend_sale", Permission.SUSPEND_SALE,
     frozenset({S.ATTRACT, S.SCANNING, S.AWAITING_APPROVAL})),
    ("resolve_payment", Permission.RESOLVE_PAYMENT, frozenset({S.PAYMENT_UNKNOWN})),
    ("reprint", Permission.REPRINT, None),
    ("lock", None, None),
    ("report", Permission.REPORTS, None),
    ("sign_out", None, None),
)
LINE_ACTIONS = frozenset({"void_line", "override_price"})  # need a selected basket line
RECALL_LABEL = "staff.action.recall_sale"


@dataclass(frozen=True, slots=True)
class Action:
    """One button. ``label`` is an i18n key; ``why`` the i18n key of why it is disabled."""

    name: str
    label: str
    enabled: bool
    why: str = ""


@dataclass(frozen=True, slots=True)
class LineRow:
    line_id: int
    names: Mapping[str, str]
    quantity: int
    weight_g: int | None
    unit_price: Money
    amount: Money
    overridden: bool


@dataclass(frozen=True, slots=True)
class Evidence:
    """An UNKNOWN payment as staff must judge it: the terminal's own words and receipt."""

    attempt_id: str
    amount: Money
    reason: str
    receipt_lines: tuple[str, ...]
    card: str
    late_answer: str  # what the terminal said after the kiosk gave up, "" if nothing


@dataclass(frozen=True, slots=True)
class AssistedView:
    staff_id: str
    role: str
    phase: SessionState
    lines: tuple[LineRow, ...]
    total: Money
    actions: tuple[Action, ...]
    evidence: Evidence | None
    locked: bool  # the lane is locked or will lock when the sale ends
    seconds_left: int  # until assisted mode ends for inactivity
    suspended: tuple[SuspendedSale, ...] = ()  # what a recall may bring back, oldest first

    def action(self, name: str) -> Action:
        return next(a for a in self.actions if a.name == name)


def _available(name: str, session: Session, selected: int | None) -> bool:
    if name in LINE_ACTIONS and (selected is None or session.line(selected) is None):
        return False
    if name == "reprint":
        return session.last_sale_id is not None and PRINTER not in session.devices_down
    if name == "suspend_sale" and not session.lines:  # recall, onto an empty lane only
        return bool(session.suspended) and not session.attempts \
            and not (session.locked or session.lock_pending is not None)
    if name in ("void_line", "cancel_sale", "override_price", "suspend_sale"):
        return bool(session.lines)
    return True


def _label(name: str, session: Session) -> str:
    """Keys that flip: lock/unlock, and suspend (a basket on screen) / recall (none)."""
    locked = session.locked or session.lock_pending is not None
    if name == "lock" and locked:
        return "staff.action.unlock"
    if name == "suspend_sale" and not session.lines:
        return RECALL_LABEL
    return f"staff.action.{name}"


def _action(name: str, permission: Permission | None, phases: frozenset[SessionState] | None,
            session: Session, ctx: SessionContext, *, role: str, selected: int | None) -> Action:
    label = _label(name, session)
    if permission is not None and not ctx.roles.allows(role, permission):
        return Action(name, label, enabled=False, why="staff.why.role")
    if phases is not None and session.phase not in phases:
        return Action(name, label, enabled=False, why="staff.why.not_now")
    if not _available(name, session, selected):
        why = "staff.why.select_line" if name in LINE_ACTIONS else (
            "staff.why.none_suspended" if label == RECALL_LABEL and not session.suspended
            else "staff.why.not_now")
        return Action(name, label, enabled=False, why=why)
    return Action(name, label, enabled=True)


def evidence(session: Session) -> Evidence | None:
    attempt = session.in_flight
    if session.phase is not S.PAYMENT_UNKNOWN or attempt is None:
        return None
    auth = attempt.auth
    receipt = tuple(line for line in auth.get("receipt", "").split("\n") if line)
    card = " ".join(v for v in (auth.get("scheme", ""), auth.get("masked_pan", "")) if v)
    late = attempt.late_answer.value if attempt.late_answer is not None else ""
    return Evidence(attempt.attempt_id, attempt.amount, auth.get("reason", ""), receipt,
                    card, late)


def assisted_view(session: Session, ctx: SessionContext, at: datetime,
                  selected: int | None = None) -> AssistedView | None:
    """The assisted screen for ``session``; None when nobody is signed in."""
    staff = session.staff
    if session.top is not S.ASSISTED or staff is None:
        return None
    overridden = {ln.line_id for ln in session.lines if ln.override_price is not None}
    lines = tuple(LineRow(ln.line_id, ln.names, ln.quantity, ln.weight_g, ln.unit_price,
                          ln.amount, ln.line_id in overridden) for ln in session.basket.lines)
    actions = tuple(_action(name, permission, phases, session, ctx, role=staff.role,
                            selected=selected)
                    for name, permission, phases in ACTIONS)
    left = ctx.assisted_timeout - (at - staff.last_active)
    return AssistedView(staff.staff_id, staff.role, session.phase, lines, session.basket.total,
                        actions, evidence(session),
                        locked=session.locked or session.lock_pending is not None,
                        seconds_left=max(int(left / timedelta(seconds=1)), 0),
                        suspended=session.suspended)
