"""Random event sequences never reach an inconsistent session (hypothesis stateful testing).

Each step draws any event the kiosk can receive, sensible or not (stale attempt ids, unknown
lines, wrong staff, devices failing, the clock jumping past every timeout), feeds it to the
session and checks, after every step, what must always hold.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from test_session_kit import (
    BAG,
    BANANA_LABEL_1234G,
    BEER,
    CASH_ROLES,
    CHOCOLATE,
    COKE,
    EVIAN,
    NUTELLA,
    PEN,
    T0,
    WHISKY,
    ean13,
    eur,
    make_ctx,
)

from kiosk.core import events as ev
from kiosk.core.basket import Line
from kiosk.core.codes import KioskCodeKind
from kiosk.core.effects import (
    ALERT_KINDS,
    MESSAGE_KEYS,
    JournalBasket,
    PublishEvent,
    RecordSale,
    ShowMessage,
    StartPayment,
)
from kiosk.core.kioskqr import encode_kiosk_code
from kiosk.core.pricing import price_basket
from kiosk.core.sale import SaleStatus
from kiosk.core.session import PHASES, Outcome, Session, SessionState, new_session, step

S = SessionState
PO = ev.PaymentOutcome
OVERLAYS = {S.HELP, S.ASSISTED, S.LOCKED}
MONEY_PHASES = {S.PAYMENT, S.PAYMENT_UNKNOWN, S.PAID, S.RECEIPT}

CODES = [ean13(g) for g in (NUTELLA, COKE, EVIAN, BEER, WHISKY, PEN, CHOCOLATE)] + [
    BANANA_LABEL_1234G, "3017620422004", "5000112637922", "not a barcode",
    encode_kiosk_code(KioskCodeKind.LOYALTY, "4000123456"),
    encode_kiosk_code(KioskCodeKind.COUPON, "SPRING-5"),
    encode_kiosk_code(KioskCodeKind.STAFF, "S-017"),
    "(01)03017620422003(17)250301", "(01)05449000000996(17)301231",
]
STAFF = [("s-1", "attendant"), ("s-2", "supervisor"), ("s-3", "cashier"), ("s-4", "janitor")]


def _pick(options: list[Any], n: int) -> Any:
    return options[n % len(options)]


def _line_id(session: Session, n: int) -> int:
    return _pick([line.line_id for line in session.lines] + [99], n)


def _attempt_id(session: Session, n: int) -> str:
    return _pick([a.attempt_id for a in session.attempts] + ["store-0001-k01-00000001-P9"], n)


def _sale_id(session: Session, n: int) -> str:
    ids = [sid for sid in (session.sale and session.sale.sale_id, session.last_sale_id) if sid]
    return _pick([*ids, "store-0001-k01-99999999"], n)


def _current(session: Session) -> str:
    attempt = session.in_flight
    return attempt.attempt_id if attempt else "store-0001-k01-00000001-P9"


def _on_duty(session: Session) -> str:
    return session.staff.staff_id if session.staff else "s-1"


def _money(session: Session, n: int) -> Any:
    return _pick([None, session.total, session.total + eur(1)], n)


Build = Callable[[Session, int, int], tuple[type[ev.Event], tuple[Any, ...]]]

# Any event, its arguments chosen by two small numbers from lists that depend on the session,
# so that many events are valid (a real line, the attempt in flight) and many are not.
_SOMETIMES: list[Build] = [
    lambda s, a, b: (ev.ItemScanned, (_pick(CODES, a), _pick([None, "ean13", "QRCODE"], b))),
    lambda s, a, b: (ev.ItemScanned, (_pick(CODES[:7], a), "ean13")),
    lambda s, a, b: (ev.PluEntered, (_pick(["4011", "9999"], a), _pick([None, 750], b))),
    lambda s, a, b: (ev.QuickPickChosen, (_pick([BAG, NUTELLA], a),)),
    lambda s, a, b: (ev.QuantityChanged, (_line_id(s, a), b % 9)),
    lambda s, a, b: (ev.LineVoided, (_line_id(s, a),)),
    lambda s, a, b: (ev.PayPressed, ()),
    lambda s, a, b: (ev.CancelPaymentPressed, ()),
    lambda s, a, b: (ev.PaymentStarted, (_attempt_id(s, a),)),
    lambda s, a, b: (ev.PaymentResult, (_attempt_id(s, a), _pick(list(PO), b),
                                        _money(s, a + b), {"auth_code": "A1"})),
    lambda s, a, b: (ev.PaymentResult, (_attempt_id(s, a), PO.APPROVED, s.total, {})),
    lambda s, a, b: (ev.PaymentResolved, (_attempt_id(s, a), _pick(list(PO), b),
                                          _pick(STAFF, a + b)[0])),
    lambda s, a, b: (ev.CashTaken, (_pick(STAFF, a)[0], _pick([s.total, eur(100_00)], b))),
    lambda s, a, b: (ev.HelpPressed, ()),
    lambda s, a, b: (ev.HelpCancelled, ()),
    lambda s, a, b: (ev.StaffUnlocked, _pick(STAFF, a)),
    lambda s, a, b: (ev.AssistedExited, (_pick(STAFF, a)[0],)),
    lambda s, a, b: (ev.AgeApproved, (_pick(STAFF, a)[0],)),
    lambda s, a, b: (ev.AgeRefused, (_pick(STAFF, a)[0],)),
    lambda s, a, b: (ev.PriceOverridden, (_line_id(s, a), b * 40, _pick(STAFF, a + b)[0])),
    lambda s, a, b: (ev.CodeKeyedIn, (_pick(CODES[:7], a), _pick(STAFF, b)[0])),
    lambda s, a, b: (ev.SaleCancelled, (_pick(STAFF, a)[0],)),
    lambda s, a, b: (ev.ReprintRequested, (_pick(STAFF, a)[0],)),
    lambda s, a, b: (ev.ReceiptDone, (_sale_id(s, a),)),
    lambda s, a, b: (ev.ReceiptFailed, (_sale_id(s, a), "paper out")),
    lambda s, a, b: (ev.DeviceHealthChanged, (_pick(["terminal", "printer", "camera"], a),
                                              b % 2 == 0)),
    lambda s, a, b: (ev.KioskLocked, (_pick(["fleet", "s-2"], a),)),
    lambda s, a, b: (ev.KioskUnlocked, ("fleet",)),
    lambda s, a, b: (ev.LanguageChosen, (_pick(["en", "fr", "de"], a),)),
    lambda s, a, b: (ev.Tick, ()),
]
# The steps of an ordinary sale come up more often, so that many sequences get to pay.
_OFTEN: list[Build] = [
    lambda s, a, b: (ev.ItemScanned, (_pick(CODES[:7], a), "ean13")),
    lambda s, a, b: (ev.PayPressed, ()),
    lambda s, a, b: (ev.PaymentResult, (_current(s), PO.APPROVED, s.total, {})),
    lambda s, a, b: (ev.PaymentResult, (_current(s), _pick(list(PO), a), None, {})),
    lambda s, a, b: (ev.PaymentResolved, (_current(s), _pick(list(PO), a), _on_duty(s))),
    lambda s, a, b: (ev.StaffUnlocked, _pick(STAFF[:2], a)),
    lambda s, a, b: (ev.AgeApproved, (_on_duty(s),)),
    lambda s, a, b: (ev.ReceiptDone, (_sale_id(s, 0),)),
    lambda s, a, b: (ev.AssistedExited, (_on_duty(s),)),
    lambda s, a, b: (ev.HelpCancelled, ()),
    lambda s, a, b: (ev.KioskUnlocked, ("fleet",)),
]
BUILDERS: list[Build] = _SOMETIMES + _OFTEN * 3


class SessionMachine(RuleBasedStateMachine):
    """Drives one kiosk through random events and checks the invariants after each."""

    def __init__(self) -> None:
        super().__init__()
        self.ctx = make_ctx()
        self.session = new_session(self.ctx, 1)
        self.now = T0
        self.last: Outcome | None = None
        self.before: Session = self.session
        self.recorded: Counter[str] = Counter()
        self.payment_lines: tuple[Line, ...] | None = None

    @initialize(void_needs_staff=st.booleans(), cash=st.booleans())
    def configure(self, void_needs_staff: bool, cash: bool) -> None:
        roles = CASH_ROLES if cash else self.ctx.roles
        self.ctx = make_ctx(void_needs_staff=void_needs_staff, roles=roles)
        self.session = self.before = new_session(self.ctx, 1)

    @rule(build=st.sampled_from(BUILDERS), a=st.integers(0, 11), b=st.integers(0, 11),
          seconds=st.sampled_from([0, 1, 3, 20, 95, 200]))
    def feed(self, build: Build, a: int, b: int, seconds: int) -> None:
        kind, args = build(self.session, a, b)
        self.now += timedelta(seconds=seconds)
        self.before = self.session
        self.last = step(self.session, kind(*args, at=self.now), self.ctx)
        self.session = self.last.session
        self._follow_money(self.last)

    def _follow_money(self, outcome: Outcome) -> None:
        for effect in outcome.effects:
            if isinstance(effect, StartPayment):
                assert self.before.in_flight is None, "a second payment while one is in flight"
                assert effect.amount == self.session.total
                self.payment_lines = self.session.lines
            if isinstance(effect, RecordSale):
                self.recorded[effect.sale.sale_id] += 1
                if effect.sale.status is SaleStatus.COMPLETED:
                    self._check_completed(effect)
        if self.session.phase not in MONEY_PHASES:
            self.payment_lines = None

    def _check_completed(self, effect: RecordSale) -> None:
        sale = effect.sale
        approved = [p for p in sale.payments if p.outcome == "approved"]
        assert sum(p.amount.minor for p in approved) == sale.total.minor
        assert len(approved) == (1 if sale.total.minor else 0)
        card = approved and approved[0].method == "card"
        if card and self.payment_lines is not None:
            assert [(ln.line_id, ln.quantity) for ln in sale.basket.lines] == [
                (ln.line_id, ln.quantity) for ln in self.payment_lines]

    @invariant()
    def a_rejected_or_refused_event_changed_nothing(self) -> None:
        if self.last is None:
            return
        if self.last.rejected is not None:
            assert self.last.session is self.before
            assert self.last.effects == ()
            assert self.last.refused is None
        if self.last.refused is not None:
            assert self.last.session is self.before
            assert self.last.refused.reason

    @invariant()
    def the_state_is_well_formed(self) -> None:
        session = self.session
        assert session.phase in PHASES
        assert session.state in set(SessionState)
        overlays = session.overlays
        assert set(overlays) <= OVERLAYS
        assert len(overlays) == len(set(overlays)) <= 2
        assert S.LOCKED not in overlays[1:]
        assert not (S.HELP in overlays and S.ASSISTED in overlays)
        assert (session.staff is not None) == (S.ASSISTED in overlays)
        if session.locked:
            assert session.phase in {S.ATTRACT, S.OUT_OF_ORDER}

    @invariant()
    def the_total_is_the_price_of_the_lines(self) -> None:
        session = self.session
        if session.priced_at is None:
            assert session.lines == ()
            assert session.total.minor == 0
            return
        priced = price_basket(session.lines, promotions=self.ctx.promotions,
                              vat_rates=self.ctx.vat_rates, currency="EUR",
                              at=session.priced_at, member=session.member is not None)
        assert priced == session.basket

    @invariant()
    def at_most_one_payment_attempt_is_in_flight(self) -> None:
        session = self.session
        open_attempts = [a for a in session.attempts if a.outcome is None
                         or (a.outcome is PO.UNKNOWN and a.resolved_by is None)]
        assert len(open_attempts) <= 1
        if session.phase in {S.PAYMENT, S.PAYMENT_UNKNOWN}:
            assert session.in_flight is not None
        else:
            assert session.in_flight is None

    @invariant()
    def lines_do_not_change_once_payment_started(self) -> None:
        if self.payment_lines is not None and self.session.phase in MONEY_PHASES:
            assert self.session.lines == self.payment_lines

    @invariant()
    def every_sale_is_recorded_exactly_once(self) -> None:
        assert all(count == 1 for count in self.recorded.values()), self.recorded
        session = self.session
        if session.phase in {S.PAID, S.RECEIPT}:
            assert session.sale is not None
            assert self.recorded[session.sale.sale_id] == 1

    @invariant()
    def every_message_and_alert_is_one_the_screens_and_the_store_know(self) -> None:
        if self.last is None:
            return
        for effect in self.last.effects:
            if isinstance(effect, ShowMessage):
                assert effect.key in MESSAGE_KEYS, effect
            if isinstance(effect, PublishEvent):
                assert effect.kind in ALERT_KINDS, effect

    @invariant()
    def the_open_basket_journal_matches_the_session(self) -> None:
        if self.last is None:
            return
        journals = [e for e in self.last.effects if isinstance(e, JournalBasket)]
        assert len(journals) <= 1
        if journals:
            assert journals[0].lines == self.session.lines
            assert journals[0].sale_number == self.session.sale_number
            assert self.last.effects[-1] is journals[0]
        assert self.session.sale_number >= self.before.sale_number


SessionMachine.TestCase.settings = settings(
    max_examples=120, stateful_step_count=40, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])
test_random_event_sequences_keep_the_session_consistent = SessionMachine.TestCase
