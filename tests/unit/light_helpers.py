"""Reading a simulated tower light's pins (gpiozero MockFactory), shared by the test_light_*
files and test_hw_light.py.

Nothing here measures time: a blinking lamp is one whose pin went on and off several times,
a steady lamp is one whose pin did not change while the blinking ones did.
"""

from __future__ import annotations

import time
from dataclasses import replace

from gpiozero.pins.mock import MockFactory, MockPin

from kiosk.core.light_patterns import DEFAULT_BEEPS, LAMPS, BeepPattern
from kiosk.hw.health import Post
from kiosk.hw.light import BlinkTiming, LightSetup, TowerLight
from kiosk.hw.light_button import ButtonSettings

LIMIT_S = 10.0  # a bound against a hung thread, never a speed assertion
FAST = BlinkTiming(blink_on_s=0.01, blink_off_s=0.01, flash_on_s=0.004, flash_off_s=0.004)
# The default beeps' rhythms (how many tones) at a few milliseconds a tone.
FAST_BEEPS = {kind: BeepPattern(beep.count, 0.003, 0.003) for kind, beep in DEFAULT_BEEPS.items()}
SETUP = LightSetup(timing=FAST, beeps=FAST_BEEPS,
                   button=ButtonSettings(hold_s=0.05, bounce_s=0.02))


def simulated(post: Post, setup: LightSetup = SETUP, **changes: object) -> TowerLight:
    return TowerLight.simulated(replace(setup, **changes) if changes else setup, post)


def pin(light: TowerLight, channel: str) -> MockPin:
    """The MockPin behind ``red``/``amber``/``green``/``buzzer``/``help_button``."""
    assert isinstance(light.pin_factory, MockFactory)
    found = light.pin_factory.pin(getattr(light.pins, channel))
    assert isinstance(found, MockPin)
    return found


def states(mock: MockPin) -> list[bool]:
    return [state.state for state in mock.states]


def wait_for_changes(mock: MockPin, count: int) -> list[bool]:
    """The pin's recorded states once it has changed at least ``count`` times."""
    deadline = time.monotonic() + LIMIT_S
    while len(mock.states) <= count and time.monotonic() < deadline:
        time.sleep(0.002)
    return states(mock)


def show(light: TowerLight, pattern: str) -> dict[str, str]:
    """Set ``pattern`` and say how each lamp looks: ``on``, ``off`` or ``blinking``.

    Lamps that blink are watched until each has changed four times; a lamp counts as steady
    only if its pin did not change at all in that time (apart from the switch itself).
    """
    pins = {lamp: pin(light, lamp) for lamp in LAMPS}
    for mock in pins.values():
        mock.clear_states()
    assert light.set_pattern(pattern)
    blinking = {lamp for lamp, state in light.setup.patterns[pattern].lamps()
                if state in ("blink", "flash")}
    for lamp in blinking:
        wait_for_changes(pins[lamp], 4)
    looks = {}
    for lamp, mock in pins.items():
        changes = len(mock.states) - 1
        if changes >= 4:
            looks[lamp] = "blinking"
        elif changes <= 1:
            looks[lamp] = "on" if mock.state else "off"
        else:
            looks[lamp] = f"changed {changes} times"
    return looks
