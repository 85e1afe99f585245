"""The session drives the tower light: for each state and health, what the pins do over time.

A real session (the same core ``step`` the kiosk runs) produces ``SetLight`` and ``Beep``
effects; the shell's effect handlers run them on a tower light built on gpiozero's MockFactory,
and the tests read the pins.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from light_helpers import pin, show, simulated, states, wait_for_changes
from test_session_kit import CATALOGUE, NUTELLA, PARIS, WHISKY, Kiosk, make_ctx

from kiosk.config import DevicesConfig
from kiosk.core import effects as fx
from kiosk.core import events as ev
from kiosk.core.light_patterns import BuzzerPolicy, QuietHours
from kiosk.core.light_signals import light_pattern
from kiosk.core.receipt import ReceiptHeader
from kiosk.core.session_lifecycle import new_session
from kiosk.core.session_model import S, Session
from kiosk.effect_handlers import EffectHandlers
from kiosk.hw.factory import Devices
from kiosk.hw.light import TowerLight
from kiosk.store.writer import JournalWriter

NOON_IN_PARIS = datetime(2025, 3, 14, 11, 0, tzinfo=UTC)
NIGHT_IN_PARIS = datetime(2025, 3, 14, 22, 30, tzinfo=UTC)  # 23:30 local, CET
IDLE = new_session(make_ctx(), 1)

OFF, ON, BLINKING = "off", "on", "blinking"


def kiosk_in(phase: S, *overlays: S, down: tuple[str, ...] = ()) -> Session:
    return replace(IDLE, phase=phase, overlays=overlays,
                   devices_down={device: "failed" for device in down})


@pytest.fixture
def light() -> Iterator[TowerLight]:
    tower = simulated(queue.Queue().put)
    yield tower
    tower.close()


@pytest.mark.parametrize(("session", "red", "amber", "green"), [
    (kiosk_in(S.ATTRACT), OFF, OFF, ON),
    (kiosk_in(S.SCANNING), OFF, OFF, BLINKING),
    (kiosk_in(S.PAYMENT), OFF, OFF, BLINKING),
    (kiosk_in(S.RECEIPT), OFF, OFF, BLINKING),
    (kiosk_in(S.AWAITING_APPROVAL), OFF, ON, OFF),
    (kiosk_in(S.SCANNING, S.HELP), OFF, BLINKING, OFF),
    (kiosk_in(S.SCANNING, S.ASSISTED), OFF, ON, ON),
    (kiosk_in(S.PAYMENT_UNKNOWN), BLINKING, OFF, OFF),
    (kiosk_in(S.ATTRACT, S.LOCKED), ON, ON, OFF),
    (kiosk_in(S.OUT_OF_ORDER, down=("camera",)), ON, OFF, OFF),
    (kiosk_in(S.SCANNING, down=("printer",)), BLINKING, OFF, OFF),
    (kiosk_in(S.ATTRACT, down=("printer",)), BLINKING, OFF, OFF),
    (kiosk_in(S.PAYMENT_UNKNOWN, S.HELP), BLINKING, OFF, OFF),
    (kiosk_in(S.AWAITING_APPROVAL, S.HELP), OFF, BLINKING, OFF),
    (kiosk_in(S.AWAITING_APPROVAL, S.ASSISTED, down=("terminal",)), BLINKING, OFF, OFF),
])
def test_each_state_and_health_on_the_pins(light: TowerLight, session: Session, red: str,
                                           amber: str, green: str) -> None:
    assert show(light, light_pattern(session)) == {"red": red, "amber": amber, "green": green}


# -- through the shell's effect handlers -----------------------------------------------------------

class Shell:
    """The effect handlers of the kiosk, with only the tower light among the devices."""

    def __init__(self, light: TowerLight, tmp_path: Path, now: datetime) -> None:
        self.now = now
        self.light = light
        devices = Devices(DevicesConfig(), light=light)
        # The journal writer is built but never started: light effects never reach it.
        self.handlers = EffectHandlers(
            writer=JournalWriter(tmp_path / "journal.sqlite3"), devices=devices,
            catalogue=CATALOGUE, post=queue.Queue().put, clock=lambda: self.now,
            header=ReceiptHeader("Store"), tz=PARIS, columns=42, show=lambda _: None)
        self.table = self.handlers.table()

    def run(self, effects: tuple[fx.Effect, ...]) -> None:
        for effect in effects:
            if isinstance(effect, fx.SetLight | fx.Beep):
                self.table[type(effect)](effect)


@pytest.fixture
def shell(light: TowerLight, tmp_path: Path) -> Shell:
    return Shell(light, tmp_path, NOON_IN_PARIS)


def test_a_sale_on_the_pins_step_by_step(shell: Shell) -> None:
    kiosk, light = Kiosk(), shell.light
    green, amber, red, buzzer = (pin(light, name) for name in ("green", "amber", "red", "buzzer"))

    shell.handlers.show_light(kiosk.session)  # at start: SetLight only comes with a change
    assert (green.state, amber.state, red.state) == (True, False, False)

    shell.run(kiosk.scan(NUTELLA).effects)  # busy, and the "ok" beep: one tone
    assert wait_for_changes(buzzer, 2) == [False, True, False]
    # green: off before start, on for "ready", then blinking for "busy"
    assert wait_for_changes(green, 5)[:6] == [False, True, False, True, False, True]

    buzzer.clear_states()
    # An age check: amber steady, and the attention beep (three tones) takes over from the
    # item's "ok" beep. One "ok" alone would switch the buzzer twice, not six times.
    shell.run(kiosk.scan(WHISKY).effects)
    assert len(wait_for_changes(buzzer, 6)) >= 7
    assert (green.state, amber.state, red.state) == (False, True, False)

    shell.run(kiosk.staff().effects)
    assert (green.state, amber.state, red.state) == (True, True, False)
    shell.run(kiosk.send(ev.AgeApproved, "s-017").effects)
    shell.run(kiosk.send(ev.AssistedExited, "s-017").effects)
    assert light.pattern == "busy"

    shell.run(kiosk.send(ev.DeviceHealthChanged, "printer", False, "paper out").effects)
    red.clear_states()
    assert wait_for_changes(red, 4)[:5] == [True, False, True, False, True]
    assert (green.state, amber.state) == (False, False)


def test_beeps_follow_the_quiet_hours_in_the_stores_time_zone(tmp_path: Path) -> None:
    night = BuzzerPolicy(quiet=QuietHours(time(23), time(6)))
    light = simulated(queue.Queue().put, buzzer=night)
    try:
        shell, buzzer = Shell(light, tmp_path, NIGHT_IN_PARIS), pin(light, "buzzer")
        shell.run((fx.Beep("error"), fx.SetLight("fault")))  # 22:30 UTC is 23:30 in Paris
        assert wait_for_changes(pin(light, "red"), 2)[:3] == [False, True, False]
        assert states(buzzer) == [False]
        shell.now = NOON_IN_PARIS
        shell.run((fx.Beep("error"),))
        assert wait_for_changes(buzzer, 4) == [False, True, False, True, False]
    finally:
        light.close()
