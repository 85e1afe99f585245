"""The tower light on gpiozero's MockFactory: what the pins do for each pattern and each beep."""

from __future__ import annotations

import queue
import sys
from collections.abc import Iterator
from datetime import time

import pytest
from light_helpers import SETUP, pin, show, simulated, states, wait_for_changes

from kiosk.core.light_patterns import (
    DEFAULT_PATTERNS,
    BeepPattern,
    BuzzerPolicy,
    LightPattern,
    LightPatternError,
    QuietHours,
)
from kiosk.hw.health import DeviceHealth
from kiosk.hw.light import BlinkTiming, LightPins, LightSetup, TowerLight

NIGHT = BuzzerPolicy(quiet=QuietHours(time(22), time(7)))


@pytest.fixture
def events() -> queue.Queue[object]:
    return queue.Queue()


@pytest.fixture
def light(events: queue.Queue[object]) -> Iterator[TowerLight]:
    tower = simulated(events.put)
    yield tower
    tower.close()


def test_simulated_light_reports_it_is_simulated(light: TowerLight,
                                                 events: queue.Queue[object]) -> None:
    health = events.get_nowait()
    assert isinstance(health, DeviceHealth)
    assert (health.device, health.ok, health.simulated) == ("light", True, True)
    assert health.detail == ("Tower light ready on simulated pins (gpiozero MockFactory): red 17, "
                             "amber 27, green 22, buzzer 23, help button 24")


@pytest.mark.parametrize(("pattern", "red", "amber", "green"), [
    ("ready", "off", "off", "on"),
    ("busy", "off", "off", "blinking"),
    ("assisted", "off", "on", "on"),
    ("approval", "off", "on", "off"),
    ("help", "off", "blinking", "off"),
    ("payment-unknown", "blinking", "off", "off"),
    ("fault", "blinking", "off", "off"),
    ("out-of-order", "on", "off", "off"),
    ("locked", "on", "on", "off"),
])
def test_each_default_pattern_on_the_lamps(light: TowerLight, pattern: str, red: str,
                                           amber: str, green: str) -> None:
    assert show(light, pattern) == {"red": red, "amber": amber, "green": green}


def test_every_pattern_replaces_the_last_one_whole(light: TowerLight) -> None:
    show(light, "assisted")
    assert show(light, "out-of-order") == {"red": "on", "amber": "off", "green": "off"}
    assert show(light, "help") == {"red": "off", "amber": "blinking", "green": "off"}
    assert show(light, "ready") == {"red": "off", "amber": "off", "green": "on"}


def test_a_blinking_lamp_alternates_on_and_off(light: TowerLight) -> None:
    green = pin(light, "green")
    light.set_pattern("busy")
    assert wait_for_changes(green, 5)[:6] == [False, True, False, True, False, True]


def test_flash_uses_the_fast_timing_and_blink_the_slow_one(events: queue.Queue[object]) -> None:
    # Slow blink takes 10 s a half period, flash 4 ms: while red flashes ten times, green,
    # blinking slowly, has only been switched on. Counted on the pins, never timed.
    slow = BlinkTiming(blink_on_s=10, blink_off_s=10, flash_on_s=0.004, flash_off_s=0.004)
    both = {**DEFAULT_PATTERNS, "busy": LightPattern(green="blink", red="flash")}
    tower = simulated(events.put, timing=slow, patterns=both)
    try:
        red, green = pin(tower, "red"), pin(tower, "green")
        tower.set_pattern("busy")
        assert wait_for_changes(green, 1) == [False, True]
        red.clear_states()
        assert len(wait_for_changes(red, 10)) > 10
        assert states(green) == [False, True]
    finally:
        tower.close()


def test_active_low_lamps_are_driven_low_to_light(events: queue.Queue[object]) -> None:
    tower = simulated(events.put, active_high=False)
    try:
        tower.set_pattern("approval")
        assert [pin(tower, lamp).state for lamp in ("red", "amber", "green")] == [
            True, False, True]
    finally:
        tower.close()


def test_the_ok_beep_is_one_short_tone(light: TowerLight) -> None:
    buzzer = pin(light, "buzzer")
    assert light.beep("ok", at=time(12)) is True
    assert wait_for_changes(buzzer, 2) == [False, True, False]


def test_the_error_beep_is_two_tones_and_then_silence(light: TowerLight) -> None:
    buzzer = pin(light, "buzzer")
    assert light.beep("error", at=time(12)) is True
    assert wait_for_changes(buzzer, 4) == [False, True, False, True, False]


def test_beeps_are_data(events: queue.Queue[object]) -> None:
    beeps = {"ok": BeepPattern(3, 0.002, 0.002), "error": BeepPattern(1, 0.002, 0.0),
             "attention": BeepPattern(1, 0.002, 0.0)}
    tower = simulated(events.put, beeps=beeps)
    try:
        tower.beep("ok")
        assert wait_for_changes(pin(tower, "buzzer"), 6) == [False, True, False, True, False,
                                                             True, False]
    finally:
        tower.close()


def test_entering_a_fault_sounds_the_attention_beep_once(light: TowerLight) -> None:
    buzzer = pin(light, "buzzer")
    light.set_pattern("fault")
    assert wait_for_changes(buzzer, 6) == [False, True, False, True, False, True, False]


def test_a_new_pattern_does_not_cut_a_beep_short(events: queue.Queue[object]) -> None:
    # Tones long enough that the pattern surely changes while the first one sounds.
    tower = simulated(events.put, beeps={**SETUP.beeps, "error": BeepPattern(2, 0.2, 0.05)})
    try:
        buzzer = pin(tower, "buzzer")
        tower.beep("error")
        tower.set_pattern("busy")  # the session's "item added" beep comes before the light
        assert wait_for_changes(buzzer, 4) == [False, True, False, True, False]
    finally:
        tower.close()


def test_quiet_hours_mute_every_beep_but_not_the_lamps(events: queue.Queue[object]) -> None:
    tower = simulated(events.put, buzzer=NIGHT)
    try:
        assert tower.beep("error", at=time(23, 30)) is False
        assert tower.beep("ok", at=time(6, 59)) is False
        assert tower.set_pattern("fault", at=time(2)) is True
        assert wait_for_changes(pin(tower, "red"), 2)[:3] == [False, True, False]
        assert states(pin(tower, "buzzer")) == [False]
        assert tower.beep("ok", at=time(7)) is True  # the window's end is not in it
        assert wait_for_changes(pin(tower, "buzzer"), 2) == [False, True, False]
    finally:
        tower.close()


def test_a_beep_the_store_turned_off_stays_silent(events: queue.Queue[object]) -> None:
    tower = simulated(events.put, buzzer=BuzzerPolicy(kinds=frozenset({"error", "attention"})))
    try:
        assert tower.beep("ok", at=time(12)) is False
        assert states(pin(tower, "buzzer")) == [False]
        assert tower.beep("error", at=time(12)) is True
    finally:
        tower.close()


def test_unknown_pattern_or_beep_is_a_clear_error(light: TowerLight) -> None:
    with pytest.raises(LightPatternError, match="unknown light pattern 'party'") as caught:
        light.set_pattern("party")
    assert "help" in caught.value.why
    assert isinstance(caught.value, ValueError)
    with pytest.raises(LightPatternError, match="unknown beep 'siren'"):
        light.beep("siren")


def test_pins_that_cannot_be_claimed_are_a_health_failure(events: queue.Queue[object]) -> None:
    tower = TowerLight.simulated(LightSetup(pins=LightPins(red=99)), events.put)
    health = tower.health()
    assert not health.ok
    assert health.detail.startswith("Tower light cannot use its pins, because ")
    assert "[devices.light]" in health.detail
    assert tower.set_pattern("ready") is False
    assert tower.beep("ok") is False
    tower.close()


def test_a_real_light_without_lgpio_is_a_health_failure_not_a_simulator(
        events: queue.Queue[object], monkeypatch: pytest.MonkeyPatch) -> None:
    # The lgpio driver made unloadable, so the result is the same on a PC and on a Pi.
    monkeypatch.setitem(sys.modules, "gpiozero.pins.lgpio", None)
    tower = TowerLight.real(SETUP, events.put)
    health = events.get_nowait()
    assert isinstance(health, DeviceHealth)
    assert (health.ok, health.simulated) == (False, False)
    assert health.detail.startswith("Tower light: no GPIO, because the lgpio pin driver cannot "
                                    "be loaded (")
    assert health.detail.endswith("Staff are not called by the tower light; the screen still "
                                  "shows help requests.")
    assert tower.pin_factory is None
    assert tower.set_pattern("help") is False
    assert tower.pattern == "help"  # remembered, so `kiosk devices` can say what it would show
    tower.close()

