"""The help button's edges turned into what a person meant: a press, or a held press.

Pure logic (times are passed in), so each rule is tested with exact times, and the gpiozero
wiring in :mod:`kiosk.hw.light` stays a few lines.

* Bounce: a mechanical contact chatters for a few milliseconds. An edge within ``bounce_s``
  of the last one that counted is chatter and is ignored. On a Pi, gpiozero also passes
  ``bounce_s`` to the pin driver; gpiozero's MockFactory has no debounce, and software
  debouncing here gives one behaviour on both.
* Held press: when ``held_is_distinct`` is off, every press posts :class:`HelpButtonPressed`
  at once. When it is on, a press becomes :class:`HelpButtonPressed` when it is released
  before ``hold_s``, and :class:`HelpButtonHeld` (posted once, at ``hold_s``) when it is not:
  the two cannot both come from one press. gpiozero's own hold timer says when ``hold_s``
  has passed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class HelpButtonPressed:
    """Posted when the physical help button on the tower is pressed."""


@dataclass(frozen=True, slots=True)
class HelpButtonHeld:
    """Posted when the help button was held for ``hold_s`` (and the config says it counts)."""


@dataclass(frozen=True, slots=True)
class ButtonSettings:
    hold_s: float = 3.0
    held_is_distinct: bool = False
    bounce_s: float = 0.05


Report = HelpButtonPressed | HelpButtonHeld


class PressTracker:
    """Edges in (with a monotonic time in seconds), at most one report out per edge.

    Called from gpiozero's callback threads (edges on the pin's thread, the hold on its hold
    thread); :class:`~kiosk.hw.light.TowerLight` serialises the calls.
    """

    def __init__(self, settings: ButtonSettings) -> None:
        self.settings = settings
        self._down = False
        self._held = False
        self._last_edge: float | None = None

    def _chatter(self, t: float) -> bool:
        last = self._last_edge
        return last is not None and t - last < self.settings.bounce_s

    def pressed(self, t: float) -> Report | None:
        # A press while we think the button is down means its release was lost in chatter
        # (a tap shorter than ``bounce_s``): this is a new press, not a stuck one.
        if self._chatter(t):
            return None
        self._down, self._held, self._last_edge = True, False, t
        return None if self.settings.held_is_distinct else HelpButtonPressed()

    def released(self, t: float) -> Report | None:
        if not self._down or self._chatter(t):
            return None
        self._down, self._last_edge = False, t
        if self.settings.held_is_distinct and not self._held:
            return HelpButtonPressed()
        return None

    def held(self) -> Report | None:
        """gpiozero's hold timer fired: the button has been down for ``hold_s``."""
        if not self._down or self._held:
            return None
        self._held = True
        return HelpButtonHeld() if self.settings.held_is_distinct else None
