"""Which pattern the tower shows for a session: state and device health, one precedence."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_session_kit import NUTELLA, WHISKY, Kiosk, make_ctx

from kiosk.core import events as ev
from kiosk.core.effects import SetLight
from kiosk.core.light_patterns import DEFAULT_PATTERNS
from kiosk.core.light_signals import (
    PATTERN_NAMES,
    PRECEDENCE,
    Signal,
    active_signals,
    light_pattern,
)
from kiosk.core.session_lifecycle import new_session
from kiosk.core.session_model import OVERLAYS, PHASES, S, Session

IDLE = new_session(make_ctx(), 1)


def kiosk_in(phase: S, *overlays: S, down: tuple[str, ...] = ()) -> Session:
    return replace(IDLE, phase=phase, overlays=overlays,
                   devices_down={device: "failed" for device in down})


@pytest.mark.parametrize(("session", "pattern"), [
    (kiosk_in(S.ATTRACT), "ready"),
    (kiosk_in(S.SCANNING), "busy"),
    (kiosk_in(S.PAYMENT), "busy"),
    (kiosk_in(S.PAID), "busy"),
    (kiosk_in(S.RECEIPT), "busy"),
    (kiosk_in(S.AWAITING_APPROVAL), "approval"),
    (kiosk_in(S.PAYMENT_UNKNOWN), "payment-unknown"),
    (kiosk_in(S.OUT_OF_ORDER, down=("terminal",)), "out-of-order"),
    (kiosk_in(S.ATTRACT, S.LOCKED), "locked"),
    (kiosk_in(S.SCANNING, S.HELP), "help"),
    (kiosk_in(S.SCANNING, S.ASSISTED), "assisted"),
    # several at once: the precedence decides
    (kiosk_in(S.SCANNING, down=("printer",)), "fault"),
    (kiosk_in(S.PAYMENT_UNKNOWN, down=("printer",)), "fault"),
    (kiosk_in(S.PAYMENT_UNKNOWN, S.HELP), "payment-unknown"),
    (kiosk_in(S.AWAITING_APPROVAL, S.HELP), "help"),
    (kiosk_in(S.AWAITING_APPROVAL, S.ASSISTED), "assisted"),
    (kiosk_in(S.PAYMENT_UNKNOWN, S.ASSISTED), "assisted"),
    (kiosk_in(S.ATTRACT, S.LOCKED, S.HELP), "help"),
    (kiosk_in(S.ATTRACT, S.LOCKED, down=("camera",)), "fault"),
    (kiosk_in(S.OUT_OF_ORDER, S.LOCKED, down=("camera",)), "out-of-order"),
    (kiosk_in(S.RECEIPT, S.HELP, down=("printer",)), "fault"),
], ids=lambda value: value if isinstance(value, str) else "")
def test_state_and_health_choose_the_pattern(session: Session, pattern: str) -> None:
    assert light_pattern(session) == pattern


def test_the_precedence_is_the_documented_one() -> None:
    assert [signal.value for signal in PRECEDENCE] == [
        "out-of-order", "fault", "assisted", "payment-unknown", "help", "approval", "locked",
        "busy", "ready"]


def test_every_signal_has_a_default_pattern() -> None:
    assert set(DEFAULT_PATTERNS) == PATTERN_NAMES == {signal.value for signal in PRECEDENCE}


@settings(max_examples=200, deadline=None)
@given(phase=st.sampled_from(sorted(PHASES)),
       overlays=st.lists(st.sampled_from(sorted(OVERLAYS)), max_size=2, unique=True),
       down=st.sets(st.sampled_from(["camera", "printer", "terminal", "light"])))
def test_the_shown_pattern_outranks_every_other_that_holds(phase: S, overlays: list[S],
                                                           down: set[str]) -> None:
    session = kiosk_in(phase, *overlays, down=tuple(down))
    active = active_signals(session)
    shown = Signal(light_pattern(session))
    assert shown in active
    assert Signal.READY in active
    assert (Signal.FAULT in active) == bool(down)
    assert all(PRECEDENCE.index(shown) <= PRECEDENCE.index(other) for other in active)


def _lights(kiosk: Kiosk) -> list[str]:
    return [effect.pattern for effect in kiosk.effects(SetLight)]


def test_the_session_sets_the_light_as_a_sale_goes_on() -> None:
    kiosk = Kiosk()
    kiosk.scan(NUTELLA)
    kiosk.scan(WHISKY)
    kiosk.send(ev.HelpPressed)
    kiosk.staff()
    kiosk.send(ev.AgeApproved, "s-017")
    kiosk.send(ev.AssistedExited, "s-017")
    kiosk.pay()
    kiosk.answer(ev.PaymentOutcome.UNKNOWN)
    assert _lights(kiosk) == ["busy", "approval", "help", "assisted", "busy",
                              "payment-unknown"]


def test_device_health_sets_the_light_and_recovery_clears_it() -> None:
    kiosk = Kiosk()
    kiosk.send(ev.DeviceHealthChanged, "printer", False, "paper out")
    kiosk.scan(NUTELLA)  # the kiosk still sells without a printer; staff still see red
    kiosk.send(ev.DeviceHealthChanged, "printer", True, "ok")
    kiosk.send(ev.DeviceHealthChanged, "light", False, "no GPIO")
    assert _lights(kiosk) == ["fault", "busy", "fault"]
    assert kiosk.session.state is S.SCANNING


def test_a_repeated_health_report_does_not_set_the_light_again() -> None:
    kiosk = Kiosk()
    kiosk.send(ev.DeviceHealthChanged, "printer", False, "paper out")
    again = kiosk.send(ev.DeviceHealthChanged, "printer", False, "paper out")
    assert not any(isinstance(effect, SetLight) for effect in again.effects)
