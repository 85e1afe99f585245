"""Which screen shows a session: a pure function, so it is tested without a window.

The session has a phase (where the sale is) and overlays (locked, then help or assisted on
top); the screen follows the top one. Two things live only in the UI, never in the session,
because they change nothing about the sale until an event is sent: the PIN pad being open
(staff asked to sign in, nothing is unlocked yet) and the end-of-day report being open inside
assisted mode. They are :class:`LocalUi`.

No Kivy here (kiosk/screens/README.md): the staff helper's screens and the shell both route
through :func:`route`.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.session_model import Session, SessionState

S = SessionState

# Screen names. Shopper screens are built by the shell; staff screens come from
# kiosk/screens/staff_*.py through the registration hook (kiosk.screens.registry).
ATTRACT = "attract"
BASKET = "basket"
AGE = "age"
PAYMENT = "payment"
PAYMENT_UNKNOWN = "payment_unknown"
DONE = "done"
HELP = "help"
OUT_OF_ORDER = "out_of_order"
LOCKED = "locked"
PIN = "pin"
ASSISTED = "assisted"
REPORT = "report"

SHOPPER_SCREENS = (ATTRACT, BASKET, AGE, PAYMENT, PAYMENT_UNKNOWN, DONE, HELP, OUT_OF_ORDER,
                   LOCKED)
STAFF_SCREENS = (PIN, ASSISTED, REPORT)

PHASE_SCREENS: dict[SessionState, str] = {
    S.ATTRACT: ATTRACT,
    S.SCANNING: BASKET,
    S.AWAITING_APPROVAL: AGE,
    S.PAYMENT: PAYMENT,
    S.PAYMENT_UNKNOWN: PAYMENT_UNKNOWN,
    S.PAID: DONE,
    S.RECEIPT: DONE,
    S.OUT_OF_ORDER: OUT_OF_ORDER,
}
OVERLAY_NAMES: dict[SessionState, str] = {S.LOCKED: LOCKED, S.HELP: HELP, S.ASSISTED: ASSISTED}


@dataclass(frozen=True, slots=True)
class LocalUi:
    """UI-only state: ``pin_pad`` the PIN pad is open; ``report`` the end-of-day report is
    open (only meaningful in assisted mode). Both close when assisted mode begins or ends."""

    pin_pad: bool = False
    report: bool = False


@dataclass(frozen=True, slots=True)
class Route:
    """``screen`` is what is shown; ``phase_screen`` what the sale's phase alone would show
    (the help and PIN screens say "your sale is waiting" with it); ``overlays`` bottom first."""

    screen: str
    phase_screen: str
    overlays: tuple[str, ...]


def route(session: Session, local: LocalUi = LocalUi()) -> Route:
    """The screen for ``session``: assisted (or its report) over the PIN pad over help over
    locked over the phase's own screen."""
    phase_screen = PHASE_SCREENS[session.phase]
    overlays = tuple(OVERLAY_NAMES[o] for o in session.overlays)
    top = session.top
    if top is S.ASSISTED:
        screen = REPORT if local.report else ASSISTED
    elif local.pin_pad:
        screen = PIN
    elif top is not None:
        screen = OVERLAY_NAMES[top]
    else:
        screen = phase_screen
    return Route(screen, phase_screen, overlays)
