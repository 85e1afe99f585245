"""The tower light (red, amber, green), its buzzer and the help button, on gpiozero.

The seam is gpiozero's own: every device takes a pin factory, chosen explicitly at start.
``real`` asks gpiozero for its default factory (lgpio on a Raspberry Pi). On a machine without
GPIO that fails, and the light reports "no GPIO" as a health failure; it is never quietly
swapped for gpiozero's :class:`~gpiozero.pins.mock.MockFactory`, which only the ``simulated``
mode uses (and whose pins record every state change, which is what the tests read).

What each light does in each situation is data (``[devices.light.patterns]`` in the config),
not branches here: a pattern names, per channel, ``on``, ``off``, ``blink`` or ``beep``, and a
channel the pattern does not name is off.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from gpiozero import LED, Button, Buzzer, Device, GPIOZeroError
from gpiozero.pins import Factory
from gpiozero.pins.mock import MockFactory

from kiosk.errors import DeviceError, KioskError
from kiosk.hw.health import LIGHT, DeviceHealth, HealthReporter, Post

CHANNELS = ("red", "amber", "green", "buzzer")
STATES = ("on", "off", "blink", "beep")
NO_GPIO_ACTION = "Staff are not called by the tower light; the screen still shows help requests."

# Beep kinds the session asks for (kiosk.core.effects.Beep): (count, on seconds, off seconds).
BEEPS: Mapping[str, tuple[int, float, float]] = MappingProxyType({
    "ok": (1, 0.08, 0.05),
    "error": (2, 0.25, 0.15),
    "attention": (3, 0.4, 0.2),
})


class LightPatternError(KioskError, ValueError):
    """A pattern that is not in the configuration, or a pattern that is malformed."""


@dataclass(frozen=True, slots=True)
class LightPins:
    """BCM GPIO numbers, as in ``[devices.light]``."""

    red: int = 17
    amber: int = 27
    green: int = 22
    buzzer: int = 23
    help_button: int = 24


@dataclass(frozen=True, slots=True)
class BlinkTiming:
    """Seconds on/off for ``blink`` (slow, visible across a store) and ``beep`` (short)."""

    blink_on_s: float = 0.5
    blink_off_s: float = 0.5
    beep_on_s: float = 0.15
    beep_off_s: float = 0.85
    button_bounce_s: float | None = 0.05


@dataclass(frozen=True, slots=True)
class HelpButtonPressed:
    """Posted when the physical help button on the tower is pressed."""


def parse_patterns(patterns: Mapping[str, Mapping[str, str]]) -> dict[str, dict[str, str]]:
    """Check the configured patterns once, at start, and fill unnamed channels with ``off``."""
    parsed: dict[str, dict[str, str]] = {}
    for name, channels in patterns.items():
        unknown = sorted(set(channels) - set(CHANNELS))
        if unknown:
            raise LightPatternError(f"light pattern {name!r} names unknown channels {unknown}",
                                    f"the channels are {', '.join(CHANNELS)}",
                                    "Fix [devices.light.patterns] in the configuration.")
        bad = sorted(f"{ch}={st}" for ch, st in channels.items() if st not in STATES)
        if bad:
            raise LightPatternError(f"light pattern {name!r} has unknown states {bad}",
                                    f"the states are {', '.join(STATES)}",
                                    "Fix [devices.light.patterns] in the configuration.")
        parsed[name] = {ch: str(channels.get(ch, "off")) for ch in CHANNELS}
    return parsed


def real_pin_factory() -> Factory:
    """gpiozero's default factory (honours ``GPIOZERO_PIN_FACTORY``), or a "no GPIO" error.

    gpiozero warns once per factory it could not load and then raises; the warnings are the
    reasons a person needs, so they are collected into the error instead of escaping.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            Device.ensure_pin_factory()
        except (GPIOZeroError, ImportError, OSError) as exc:
            reasons = "; ".join(str(w.message) for w in caught) or str(exc)
            raise DeviceError("Tower light: no GPIO", f"no pin driver could be loaded ({reasons})",
                              NO_GPIO_ACTION) from None
    factory = Device.pin_factory
    if factory is None or isinstance(factory, MockFactory):
        chosen = os.environ.get("GPIOZERO_PIN_FACTORY", "a mock factory")
        raise DeviceError("Tower light: no GPIO",
                          f"gpiozero is set to {chosen}, which drives no real pins",
                          "Unset GPIOZERO_PIN_FACTORY, or set devices.light.mode = 'simulated'.")
    return factory


class TowerLight:
    """Three lamps, a buzzer and the help button, driven by named patterns.

    Build it with :meth:`real` or :meth:`simulated`. When the pins cannot be claimed the object
    still exists, reports the failure as its health, and :meth:`set_pattern` returns False, so
    the kiosk carries on without a light instead of crashing over one.
    """

    def __init__(self, pins: LightPins, patterns: Mapping[str, Mapping[str, str]], post: Post,
                 *, pin_factory: Factory | None, simulated: bool,
                 timing: BlinkTiming = BlinkTiming(), failure: DeviceError | None = None) -> None:
        self.pins = pins
        self.patterns = parse_patterns(patterns)
        self.pin_factory = pin_factory
        self.timing = timing
        self.pattern: str | None = None
        self._post = post
        self._health = HealthReporter(LIGHT, post, simulated=simulated)
        self._outputs: dict[str, LED | Buzzer] = {}
        self._button: Button | None = None
        if failure is None and pin_factory is not None:
            failure = self._claim_pins(pin_factory)
        if failure is not None:
            self._health.failed(failure)
        else:
            kind = "simulated pins (gpiozero MockFactory)" if simulated else "GPIO"
            self._health.ok(f"Tower light ready on {kind}: red {pins.red}, amber {pins.amber}, "
                            f"green {pins.green}, buzzer {pins.buzzer}, "
                            f"help button {pins.help_button}")

    @classmethod
    def real(cls, pins: LightPins, patterns: Mapping[str, Mapping[str, str]], post: Post,
             timing: BlinkTiming = BlinkTiming()) -> TowerLight:
        try:
            factory = real_pin_factory()
        except DeviceError as exc:
            return cls(pins, patterns, post, pin_factory=None, simulated=False, timing=timing,
                       failure=exc)
        return cls(pins, patterns, post, pin_factory=factory, simulated=False, timing=timing)

    @classmethod
    def simulated(cls, pins: LightPins, patterns: Mapping[str, Mapping[str, str]], post: Post,
                  timing: BlinkTiming = BlinkTiming()) -> TowerLight:
        """Its own MockFactory, so two simulated lights (or tests) never share pins."""
        return cls(pins, patterns, post, pin_factory=MockFactory(), simulated=True, timing=timing)

    def _claim_pins(self, factory: Factory) -> DeviceError | None:
        pins = self.pins
        try:
            self._outputs = {
                "red": LED(pins.red, pin_factory=factory),
                "amber": LED(pins.amber, pin_factory=factory),
                "green": LED(pins.green, pin_factory=factory),
                "buzzer": Buzzer(pins.buzzer, pin_factory=factory),
            }
            self._button = Button(pins.help_button, bounce_time=self.timing.button_bounce_s,
                                  pin_factory=factory)
        except (GPIOZeroError, OSError) as exc:
            self.close()
            return DeviceError("Tower light cannot use its pins", str(exc) or type(exc).__name__,
                               "Check [devices.light] pin numbers and that no other program "
                               "holds them. " + NO_GPIO_ACTION)
        self._button.when_pressed = self._pressed
        return None

    def _pressed(self) -> None:
        self._post(HelpButtonPressed())

    def health(self) -> DeviceHealth:
        return self._health.current

    def set_pattern(self, name: str) -> bool:
        """Show pattern ``name``; False when the light is unavailable (its health says why).

        An unknown name is a configuration mistake and raises :class:`LightPatternError`
        whether or not the light works, so it is found on the demo machine, not in the store.
        """
        if name not in self.patterns:
            raise LightPatternError(f"unknown light pattern {name!r}",
                                    f"the configured patterns are {sorted(self.patterns)}",
                                    "Add it to [devices.light.patterns].")
        self.pattern = name
        if not self._outputs:
            return False
        for channel, state in self.patterns[name].items():
            self._drive(self._outputs[channel], state)
        return True

    def _drive(self, output: LED | Buzzer, state: str) -> None:
        timing = self.timing
        if state == "on":
            output.on()
        elif state == "off":
            output.off()
        elif state == "blink":
            output.blink(on_time=timing.blink_on_s, off_time=timing.blink_off_s)
        else:
            output.blink(on_time=timing.beep_on_s, off_time=timing.beep_off_s)

    def beep(self, kind: str) -> bool:
        """A short signal (``ok``, ``error``, ``attention``); False when there is no buzzer.

        It takes over the buzzer: a continuous buzzer state of the current pattern resumes at
        the next :meth:`set_pattern`, which the session issues on every change of state.
        """
        if kind not in BEEPS:
            raise LightPatternError(f"unknown beep {kind!r}", f"the beeps are {sorted(BEEPS)}")
        if "buzzer" not in self._outputs:
            return False
        count, on_s, off_s = BEEPS[kind]
        self._outputs["buzzer"].blink(on_time=on_s, off_time=off_s, n=count)
        return True

    def close(self) -> None:
        """Release the pins (lamps and buzzer go dark)."""
        devices: list[Callable[[], None]] = [out.close for out in self._outputs.values()]
        if self._button is not None:
            devices.append(self._button.close)
        for close in devices:
            close()
        self._outputs = {}
        self._button = None
