"""The tower light on gpiozero's MockFactory: what the pins do for each configured pattern."""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator

import pytest
from gpiozero import Device
from gpiozero.pins.mock import MockFactory, MockPin

from kiosk.hw.health import DeviceHealth
from kiosk.hw.light import (
    BlinkTiming,
    HelpButtonPressed,
    LightPatternError,
    LightPins,
    TowerLight,
    parse_patterns,
)

PATTERNS = {
    "idle": {"green": "on", "amber": "off", "red": "off", "buzzer": "off"},
    "help": {"green": "off", "amber": "blink", "red": "off", "buzzer": "off"},
    "error": {"red": "blink", "buzzer": "beep"},
    "locked": {"red": "on"},
}
FAST = BlinkTiming(blink_on_s=0.01, blink_off_s=0.01, beep_on_s=0.005, beep_off_s=0.02,
                   button_bounce_s=None)
PINS = LightPins(red=17, amber=27, green=22, buzzer=23, help_button=24)


@pytest.fixture
def events() -> queue.Queue[object]:
    return queue.Queue()


@pytest.fixture
def light(events: queue.Queue[object]) -> Iterator[TowerLight]:
    tower = TowerLight.simulated(PINS, PATTERNS, events.put, FAST)
    yield tower
    tower.close()


def pin(light: TowerLight, number: int) -> MockPin:
    assert isinstance(light.pin_factory, MockFactory)
    found = light.pin_factory.pin(number)
    assert isinstance(found, MockPin)
    return found


def wait_for_changes(mock: MockPin, count: int, limit_s: float = 5.0) -> list[bool]:
    """The pin's recorded states once it changed ``count`` times (bounded, never timed)."""
    deadline = time.monotonic() + limit_s
    while len(mock.states) <= count and time.monotonic() < deadline:
        time.sleep(0.005)
    return [state.state for state in mock.states]


def test_simulated_light_reports_it_is_simulated(light: TowerLight,
                                                 events: queue.Queue[object]) -> None:
    health = events.get_nowait()
    assert isinstance(health, DeviceHealth)
    assert (health.device, health.ok, health.simulated) == ("light", True, True)
    assert "MockFactory" in health.detail


def test_idle_lights_green_only(light: TowerLight) -> None:
    assert light.set_pattern("idle") is True
    assert [pin(light, n).state for n in (17, 27, 22, 23)] == [False, False, True, False]


def test_help_blinks_amber_and_nothing_else(light: TowerLight) -> None:
    light.set_pattern("help")
    states = wait_for_changes(pin(light, 27), 4)
    assert states[:5] == [False, True, False, True, False]
    assert not pin(light, 22).state
    assert not pin(light, 17).state


def test_channels_a_pattern_does_not_name_are_off(light: TowerLight) -> None:
    light.set_pattern("idle")
    light.set_pattern("locked")
    assert pin(light, 17).state is True
    assert pin(light, 22).state is False  # green was on under "idle"


def test_error_beeps_the_buzzer_and_blinks_red(light: TowerLight) -> None:
    light.set_pattern("error")
    assert wait_for_changes(pin(light, 23), 3)[:4] == [False, True, False, True]
    assert wait_for_changes(pin(light, 17), 3)[:4] == [False, True, False, True]


def test_a_short_beep_sounds_then_stops(light: TowerLight) -> None:
    buzzer = pin(light, 23)
    assert light.beep("error") is True  # two beeps
    states = wait_for_changes(buzzer, 4)
    assert states[:5] == [False, True, False, True, False]


def test_unknown_pattern_is_a_clear_error(light: TowerLight) -> None:
    with pytest.raises(LightPatternError, match="unknown light pattern 'party'") as caught:
        light.set_pattern("party")
    assert "error" in caught.value.why
    assert "help" in caught.value.why
    assert isinstance(caught.value, ValueError)


def test_help_button_press_posts_help(light: TowerLight, events: queue.Queue[object]) -> None:
    events.get_nowait()  # health at start
    pin(light, 24).drive_low()
    assert events.get(timeout=5) == HelpButtonPressed()


@pytest.mark.parametrize(("patterns", "message"), [
    ({"x": {"blue": "on"}}, "unknown channels ['blue']"),
    ({"x": {"red": "flash"}}, "unknown states ['red=flash']"),
])
def test_malformed_patterns_are_rejected_with_reason(patterns: dict[str, dict[str, str]],
                                                     message: str) -> None:
    with pytest.raises(LightPatternError, match=message.replace("[", r"\[")):
        parse_patterns(patterns)


def test_pins_that_cannot_be_claimed_are_a_health_failure(events: queue.Queue[object]) -> None:
    tower = TowerLight.simulated(LightPins(red=99), PATTERNS, events.put, FAST)
    health = tower.health()
    assert not health.ok
    assert "cannot use its pins" in health.detail
    assert "[devices.light]" in health.detail
    assert tower.set_pattern("idle") is False
    tower.close()


def test_real_light_without_gpio_is_a_health_failure_not_a_simulator(
        events: queue.Queue[object], monkeypatch: pytest.MonkeyPatch) -> None:
    # A pin driver that cannot load, as on a PC (and the same on a Pi, so the test is stable).
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "kiosk-test-no-such-driver")
    monkeypatch.setattr(Device, "pin_factory", None)
    tower = TowerLight.real(PINS, PATTERNS, events.put, FAST)
    health = events.get_nowait()
    assert isinstance(health, DeviceHealth)
    assert (health.ok, health.simulated) == (False, False)
    assert health.detail == (
        "Tower light: no GPIO, because no pin driver could be loaded (Unable to find pin "
        "factory 'kiosk-test-no-such-driver'). Staff are not called by the tower light; the "
        "screen still shows help requests.")
    assert tower.pin_factory is None
    assert tower.set_pattern("help") is False
    tower.close()


def test_real_light_refuses_gpiozero_mock_pins(events: queue.Queue[object],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "mock")
    monkeypatch.setattr(Device, "pin_factory", None)
    tower = TowerLight.real(PINS, PATTERNS, events.put, FAST)
    assert not tower.health().ok
    assert "GPIOZERO_PIN_FACTORY" in tower.health().detail
    assert Device.pin_factory is not None
    Device.pin_factory.close()
