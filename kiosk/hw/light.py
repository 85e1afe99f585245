"""The tower light (red, amber, green lamps), its buzzer and the help button, on gpiozero.

The seam is gpiozero's own: every device takes a pin factory, and the factory is chosen
explicitly at start, never from gpiozero's global default. ``real`` opens lgpio's factory
(the Linux gpiochip driver that Raspberry Pi OS bookworm uses). On a machine without it, that
fails, and the light reports "no GPIO" as a health failure; it is never quietly swapped for
gpiozero's :class:`~gpiozero.pins.mock.MockFactory`, which only the ``simulated`` mode uses
(its pins record every state change, which is what the tests read).

What the light shows is data (kiosk.core.light_patterns); which pattern the session wants is
decided by kiosk.core.light_signals. This module only drives pins: ``LED.blink`` for blinking,
``Buzzer.beep`` for a beep, ``Button`` with gpiozero's hold timer for the help button.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import time as wall_time

from gpiozero import LED, Button, Buzzer, GPIOZeroError
from gpiozero.pins import Factory
from gpiozero.pins.mock import MockFactory

from kiosk.config import LightConfig
from kiosk.core.light_patterns import (
    DEFAULT_BEEPS,
    DEFAULT_PATTERNS,
    BeepPattern,
    BuzzerPolicy,
    LightPattern,
    LightPatternError,
    beeps_with,
    describe_pattern,
    patterns_with,
)
from kiosk.errors import DeviceError
from kiosk.hw.health import LIGHT, DeviceHealth, HealthReporter, Post
from kiosk.hw.light_button import (
    ButtonSettings,
    HelpButtonHeld,
    HelpButtonPressed,
    PressTracker,
    Report,
)

__all__ = [
    "BlinkTiming", "HelpButtonHeld", "HelpButtonPressed", "LightPatternError", "LightPins",
    "LightSetup", "TowerLight", "lgpio_factory",
]

log = logging.getLogger(__name__)
NO_GPIO_ACTION = "Staff are not called by the tower light; the screen still shows help requests."


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
    """Seconds on and off for ``blink`` (slow, seen across a store) and ``flash`` (urgent)."""

    blink_on_s: float = 0.5
    blink_off_s: float = 0.5
    flash_on_s: float = 0.15
    flash_off_s: float = 0.15


@dataclass(frozen=True, slots=True)
class LightSetup:
    """Everything the tower needs, as checked values (:meth:`from_config`)."""

    pins: LightPins = LightPins()
    active_high: bool = True  # lamps; relay boards are often active-low
    buzzer_active_high: bool = True
    button_pull_up: bool = True  # the button connects the pin to ground
    patterns: Mapping[str, LightPattern] = field(default_factory=lambda: DEFAULT_PATTERNS)
    beeps: Mapping[str, BeepPattern] = field(default_factory=lambda: DEFAULT_BEEPS)
    buzzer: BuzzerPolicy = field(default_factory=BuzzerPolicy)
    timing: BlinkTiming = BlinkTiming()
    button: ButtonSettings = field(default_factory=ButtonSettings)

    @classmethod
    def from_config(cls, cfg: LightConfig) -> LightSetup:
        return cls(
            pins=LightPins(cfg.red_pin, cfg.amber_pin, cfg.green_pin, cfg.buzzer_pin,
                           cfg.help_button_pin),
            active_high=cfg.active_high, buzzer_active_high=cfg.buzzer_active_high,
            button_pull_up=cfg.help_button_pull_up,
            patterns=patterns_with(cfg.patterns),
            beeps=beeps_with({kind: b.beep() for kind, b in cfg.beeps.items()}),
            buzzer=cfg.buzzer_policy(),
            timing=BlinkTiming(cfg.blink_s, cfg.blink_s, cfg.flash_s, cfg.flash_s),
            button=ButtonSettings(cfg.help_hold_s, cfg.help_held_is_distinct,
                                  cfg.help_bounce_s),
        )


def lgpio_factory() -> Factory:
    """gpiozero's lgpio factory on this machine's GPIO chip, or a "no GPIO" DeviceError."""
    try:
        import lgpio  # noqa: PLC0415 - only a Pi has it, and only a real light needs it
        from gpiozero.pins.lgpio import LGPIOFactory  # noqa: PLC0415
    except ImportError as exc:
        raise DeviceError("Tower light: no GPIO",
                          f"the lgpio pin driver cannot be loaded ({exc})",
                          NO_GPIO_ACTION) from None
    try:
        return LGPIOFactory()
    except (lgpio.error, GPIOZeroError, OSError) as exc:
        raise DeviceError("Tower light: no GPIO", f"lgpio cannot open the GPIO chip ({exc})",
                          "Check that this is a Raspberry Pi and that the kiosk user may use "
                          "/dev/gpiochip* (group gpio). " + NO_GPIO_ACTION) from None


class TowerLight:
    """Three lamps, a buzzer and the help button, driven by named patterns.

    Build it with :meth:`real` or :meth:`simulated`. When the pins cannot be claimed the object
    still exists, reports the failure as its health, and :meth:`set_pattern` and :meth:`beep`
    return False, so the kiosk carries on without a light instead of crashing over one.

    ``at`` on :meth:`set_pattern` and :meth:`beep` is the store's local time from the shell's
    clock, for quiet hours; a caller without a clock (a self-test) passes None and the
    quiet hours do not apply.
    """

    def __init__(self, setup: LightSetup, post: Post, *, pin_factory: Factory | None,
                 simulated: bool, failure: DeviceError | None = None) -> None:
        self.setup = setup
        self.pins = setup.pins
        self.pin_factory = pin_factory
        self.pattern: str | None = None
        self._post = post
        self._health = HealthReporter(LIGHT, post, simulated=simulated)
        self._lamps: dict[str, LED] = {}
        self._buzzer: Buzzer | None = None
        self._button: Button | None = None
        self._tracker = PressTracker(setup.button)
        self._button_lock = threading.Lock()
        if failure is None and pin_factory is not None:
            failure = self._claim_pins(pin_factory)
        if failure is not None:
            self._health.failed(failure)
        else:
            pins = setup.pins
            kind = "simulated pins (gpiozero MockFactory)" if simulated else "GPIO (lgpio)"
            self._health.ok(f"Tower light ready on {kind}: red {pins.red}, amber {pins.amber}, "
                            f"green {pins.green}, buzzer {pins.buzzer}, "
                            f"help button {pins.help_button}")

    @classmethod
    def real(cls, setup: LightSetup, post: Post) -> TowerLight:
        try:
            factory = lgpio_factory()
        except DeviceError as exc:
            return cls(setup, post, pin_factory=None, simulated=False, failure=exc)
        return cls(setup, post, pin_factory=factory, simulated=False)

    @classmethod
    def simulated(cls, setup: LightSetup, post: Post) -> TowerLight:
        """Its own MockFactory, so two simulated lights (or tests) never share pins."""
        return cls(setup, post, pin_factory=MockFactory(), simulated=True)

    def _claim_pins(self, factory: Factory) -> DeviceError | None:
        setup, pins = self.setup, self.setup.pins
        try:
            for lamp in ("red", "amber", "green"):
                self._lamps[lamp] = LED(getattr(pins, lamp), active_high=setup.active_high,
                                        pin_factory=factory)
            self._buzzer = Buzzer(pins.buzzer, active_high=setup.buzzer_active_high,
                                  pin_factory=factory)
            self._button = Button(pins.help_button, pull_up=setup.button_pull_up,
                                  bounce_time=setup.button.bounce_s or None,
                                  hold_time=setup.button.hold_s, pin_factory=factory)
        except (GPIOZeroError, OSError) as exc:
            self._release()
            return DeviceError("Tower light cannot use its pins", str(exc) or type(exc).__name__,
                               "Check [devices.light] pin numbers and that no other program "
                               "holds them. " + NO_GPIO_ACTION)
        self._button.when_pressed = lambda: self._edge(self._tracker.pressed)
        self._button.when_released = lambda: self._edge(self._tracker.released)
        self._button.when_held = lambda: self._report(self._tracker.held)
        return None

    def _edge(self, tracker_edge: Callable[[float], Report | None]) -> None:
        self._report(lambda: tracker_edge(time.monotonic()))

    def _report(self, decide: Callable[[], Report | None]) -> None:
        with self._button_lock:  # edges and the hold timer come from different threads
            report = decide()
        if report is not None:
            self._post(report)

    def health(self) -> DeviceHealth:
        return self._health.current

    def set_pattern(self, name: str, at: wall_time | None = None) -> bool:
        """Show pattern ``name``; False when the light is unavailable (its health says why).

        An unknown name is a mistake in code or configuration and raises
        :class:`LightPatternError` whether or not the light works, so it is found on the demo
        machine, not in the store. The lamps change; a beep already sounding is not cut short
        (the session's "item added" beep comes just before the light's change).
        """
        pattern = self.setup.patterns.get(name)
        if pattern is None:
            raise LightPatternError(f"unknown light pattern {name!r}",
                                    f"the patterns are {sorted(self.setup.patterns)}",
                                    "Use a name from kiosk.core.light_signals.")
        self.pattern = name
        if not self._lamps:
            return False
        log.info("tower light: %s (%s)", name, describe_pattern(pattern))
        for lamp, state in pattern.lamps():
            self._drive(self._lamps[lamp], state)
        if pattern.buzzer != "off":
            self.beep(pattern.buzzer, at)
        return True

    def _drive(self, lamp: LED, state: str) -> None:
        timing = self.setup.timing
        if state == "on":
            lamp.on()
        elif state == "off":
            lamp.off()
        elif state == "blink":
            lamp.blink(on_time=timing.blink_on_s, off_time=timing.blink_off_s)
        else:
            lamp.blink(on_time=timing.flash_on_s, off_time=timing.flash_off_s)

    def beep(self, kind: str, at: wall_time | None = None) -> bool:
        """Sound beep ``kind`` once; False when the store muted it or there is no buzzer."""
        if not self.setup.buzzer.allows(kind, at) or self._buzzer is None:
            return False
        spec = self.setup.beeps[kind]
        self._buzzer.beep(on_time=spec.on_s, off_time=spec.off_s, n=spec.count)
        return True

    def _release(self) -> None:
        devices: list[LED | Buzzer | Button | None] = [*self._lamps.values(), self._buzzer,
                                                       self._button]
        for device in devices:
            if device is not None:
                device.close()
        self._lamps, self._buzzer, self._button = {}, None, None

    def close(self) -> None:
        """Release the pins (lamps and buzzer go dark) and the GPIO chip."""
        self._release()
        if self.pin_factory is not None:
            self.pin_factory.close()
