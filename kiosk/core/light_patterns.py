"""What each tower-light pattern and each beep does, as data, and when the buzzer may sound.

A pattern gives each lamp a state (``on``, ``off``, ``blink`` slow, ``flash`` fast) and the
buzzer either ``off`` or a beep (``ok``, ``error``, ``attention``) sounded once as the pattern is
entered: a buzzer that kept sounding would go on all night over a kiosk left out of order,
while the lamp keeps saying it. Lamps a pattern does not name are off.

The defaults below are the store's starting point; ``[devices.light.patterns]`` and
``[devices.light.beeps]`` replace single entries (a replaced pattern is exactly what is
written). The configuration is checked by :func:`patterns_with` and :func:`beeps_with`, the
same functions that build what the light uses, so a typo stops start-up with its reason.
config/kiosk.toml lists the defaults in its comments (a test keeps that list true).

The session beeps by itself where a person must act (an age check, an unknown payment), so
those patterns stay silent rather than beep twice. Quiet hours (local time, passed in by the
shell; a window may run past midnight) mute every beep; the lamps still show everything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import time
from types import MappingProxyType

from kiosk.core.light_signals import PATTERN_NAMES
from kiosk.errors import KioskError

LAMPS = ("red", "amber", "green")
CHANNELS = (*LAMPS, "buzzer")
LAMP_STATES = ("on", "off", "blink", "flash")
BEEP_KINDS = ("ok", "error", "attention")  # kiosk.core.effects.Beep kinds
BUZZER_STATES = ("off", *BEEP_KINDS)
FIX = "Fix [devices.light] in the configuration."


class LightPatternError(KioskError, ValueError):
    """A pattern or beep that is not known, or is malformed."""


@dataclass(frozen=True, slots=True)
class LightPattern:
    """Each lamp's state, and the beep sounded as the pattern is entered (``off``: none)."""

    red: str = "off"
    amber: str = "off"
    green: str = "off"
    buzzer: str = "off"

    def lamps(self) -> tuple[tuple[str, str], ...]:
        """(lamp, state) for each lamp, red first."""
        return tuple((lamp, getattr(self, lamp)) for lamp in LAMPS)


@dataclass(frozen=True, slots=True)
class BeepPattern:
    """``count`` tones of ``on_s`` seconds with ``off_s`` of silence between them."""

    count: int
    on_s: float
    off_s: float


DEFAULT_PATTERNS: Mapping[str, LightPattern] = MappingProxyType({
    "ready": LightPattern(green="on"),
    "busy": LightPattern(green="blink"),
    "assisted": LightPattern(green="on", amber="on"),
    "approval": LightPattern(amber="on"),
    "help": LightPattern(amber="blink"),
    "payment-unknown": LightPattern(red="flash"),
    "fault": LightPattern(red="blink", buzzer="attention"),
    "out-of-order": LightPattern(red="on", buzzer="attention"),
    "locked": LightPattern(red="on", amber="on"),
})

# "ok" is short so it never lags the next scan; "error" and "attention" are long enough to
# be heard across a busy store and told apart by their rhythm.
DEFAULT_BEEPS: Mapping[str, BeepPattern] = MappingProxyType({
    "ok": BeepPattern(1, 0.08, 0.05),
    "error": BeepPattern(2, 0.3, 0.15),
    "attention": BeepPattern(3, 0.5, 0.25),
})


def parse_pattern(name: str, channels: Mapping[str, str]) -> LightPattern:
    """One configured pattern; channels it does not name are off."""
    unknown = sorted(set(channels) - set(CHANNELS))
    if unknown:
        raise LightPatternError(f"light pattern {name!r} names {unknown}",
                                f"its channels are {', '.join(CHANNELS)}", FIX)
    for channel, state in channels.items():
        allowed = BUZZER_STATES if channel == "buzzer" else LAMP_STATES
        if state not in allowed:
            raise LightPatternError(f"light pattern {name!r} sets {channel} to {state!r}",
                                    f"{channel} may be {', '.join(allowed)}", FIX)
    return LightPattern(**{channel: str(state) for channel, state in channels.items()})


def patterns_with(overrides: Mapping[str, Mapping[str, str]]) -> dict[str, LightPattern]:
    """The default patterns with the configured ones in their place."""
    unknown = sorted(set(overrides) - PATTERN_NAMES)
    if unknown:
        raise LightPatternError(f"unknown light patterns {unknown}",
                                f"the patterns are {', '.join(sorted(PATTERN_NAMES))}", FIX)
    patterns = dict(DEFAULT_PATTERNS)
    patterns.update({name: parse_pattern(name, channels) for name, channels in overrides.items()})
    return patterns


def beeps_with(overrides: Mapping[str, BeepPattern]) -> dict[str, BeepPattern]:
    """The default beeps with the configured ones in their place."""
    unknown = sorted(set(overrides) - set(BEEP_KINDS))
    if unknown:
        raise LightPatternError(f"unknown beeps {unknown}",
                                f"the beeps are {', '.join(BEEP_KINDS)}", FIX)
    for kind, beep in overrides.items():
        if not (1 <= beep.count <= 10 and 0 < beep.on_s <= 5 and 0 <= beep.off_s <= 5):
            raise LightPatternError(f"beep {kind!r} is {beep}",
                                    "a beep is 1 to 10 tones of up to 5 s each", FIX)
    return {**DEFAULT_BEEPS, **overrides}


@dataclass(frozen=True, slots=True)
class QuietHours:
    """A local time window, start included, end excluded; it may run past midnight."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise LightPatternError(f"quiet hours {self.start:%H:%M}-{self.end:%H:%M} are empty",
                                    "the start and the end are the same time", FIX)

    def covers(self, local: time) -> bool:
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end


@dataclass(frozen=True, slots=True)
class BuzzerPolicy:
    """Which beeps the store wants, and when the buzzer keeps quiet whatever it wants."""

    kinds: frozenset[str] = frozenset(BEEP_KINDS)
    quiet: QuietHours | None = None

    def allows(self, kind: str, local: time | None) -> bool:
        """``local`` is the store's wall-clock time from the shell's clock; without one (a
        self-test) the quiet hours cannot apply."""
        if kind not in BEEP_KINDS:
            raise LightPatternError(f"unknown beep {kind!r}",
                                    f"the beeps are {', '.join(BEEP_KINDS)}")
        quiet = self.quiet is not None and local is not None and self.quiet.covers(local)
        return kind in self.kinds and not quiet


def describe_pattern(pattern: LightPattern) -> str:
    """``green blink, buzzer attention`` — for logs and ``kiosk devices``; ``dark`` if all off."""
    named = [f"{f.name} {getattr(pattern, f.name)}" for f in fields(pattern)
             if getattr(pattern, f.name) != "off"]
    return ", ".join(named) or "dark"
