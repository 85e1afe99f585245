"""What the tower light says about a kiosk: the one mapping from session and health to a pattern.

Several things can be true at once (a shopper asked for help while the printer is out of paper
and an age check waits), but the tower shows one pattern. Each situation is a :class:`Signal`;
:func:`active_signals` says which hold for a session, and :data:`PRECEDENCE` picks the one
shown. The signal's value is the name of its pattern in ``[devices.light.patterns]``
(kiosk.core.light_patterns says what each pattern does with the lamps and the buzzer).

Precedence, highest first, and why:

1. ``out-of-order``: the kiosk cannot sell at all (a device it cannot sell without is down).
2. ``fault``: a device reported a failure (printer out of paper, terminal gone mid-sale); the
   kiosk may still sell, but only a person can fix it, and a fault outlasts any one sale.
3. ``assisted``: staff are at the kiosk. Whatever else the sale waits for (an age check, an
   unknown payment) is theirs to settle now, so the light stops calling anyone else.
4. ``payment-unknown``: the card may have been charged; only staff, looking at the terminal's
   own journal, may say. Money and a waiting shopper come before a question.
5. ``help``: a shopper asked for a person.
6. ``approval``: an age-restricted item waits for a staff check.
7. ``locked``: closed by staff or the fleet (it only locks between sales, so nothing below
   competes with it except ``ready``).
8. ``busy``: a sale is in progress.
9. ``ready``: free for the next shopper; always true, so there is always a pattern to show.

Device health reaches the session as ``DeviceHealthChanged`` (``Session.devices_down``), so the
light follows health through the same pure function, and ``step`` emits ``SetLight`` whenever
the result changes.
"""

from __future__ import annotations

from enum import StrEnum

from kiosk.core.session_model import S, Session


class Signal(StrEnum):
    """A situation the tower light can show; the value names its pattern."""

    OUT_OF_ORDER = "out-of-order"
    FAULT = "fault"
    ASSISTED = "assisted"
    PAYMENT_UNKNOWN = "payment-unknown"
    HELP = "help"
    APPROVAL = "approval"
    LOCKED = "locked"
    BUSY = "busy"
    READY = "ready"


PRECEDENCE: tuple[Signal, ...] = (
    Signal.OUT_OF_ORDER, Signal.FAULT, Signal.ASSISTED, Signal.PAYMENT_UNKNOWN, Signal.HELP,
    Signal.APPROVAL, Signal.LOCKED, Signal.BUSY, Signal.READY,
)
PATTERN_NAMES: frozenset[str] = frozenset(signal.value for signal in Signal)

_PHASE_SIGNALS: dict[S, frozenset[Signal]] = {
    S.ATTRACT: frozenset(),
    S.SCANNING: frozenset({Signal.BUSY}),
    S.AWAITING_APPROVAL: frozenset({Signal.BUSY, Signal.APPROVAL}),
    S.PAYMENT: frozenset({Signal.BUSY}),
    S.PAYMENT_UNKNOWN: frozenset({Signal.BUSY, Signal.PAYMENT_UNKNOWN}),
    S.PAID: frozenset({Signal.BUSY}),
    S.RECEIPT: frozenset({Signal.BUSY}),
    S.OUT_OF_ORDER: frozenset({Signal.OUT_OF_ORDER}),
}
_OVERLAY_SIGNALS: dict[S, Signal] = {
    S.LOCKED: Signal.LOCKED, S.HELP: Signal.HELP, S.ASSISTED: Signal.ASSISTED,
}


def active_signals(session: Session) -> frozenset[Signal]:
    """Every situation that holds now: the phase's, each overlay's, and a reported fault."""
    found = {Signal.READY, *_PHASE_SIGNALS[session.phase]}
    found.update(_OVERLAY_SIGNALS[overlay] for overlay in session.overlays)
    if session.devices_down:
        found.add(Signal.FAULT)
    return frozenset(found)


def shown_signal(active: frozenset[Signal]) -> Signal:
    """The one of ``active`` that :data:`PRECEDENCE` puts first (``ready`` when none is)."""
    return next((signal for signal in PRECEDENCE if signal in active), Signal.READY)


def light_pattern(session: Session) -> str:
    """The pattern name for the tower light; the session emits ``SetLight`` when it changes."""
    return shown_signal(active_signals(session)).value
