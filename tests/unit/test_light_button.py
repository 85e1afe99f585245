"""The help button: a press, a held press and contact bounce, as rules on exact times and as
edges on gpiozero MockFactory pins (``drive_low`` presses a pull-up button)."""

from __future__ import annotations

import queue
import time
from collections.abc import Iterator

import pytest
from light_helpers import LIMIT_S, SETUP, pin, simulated
from test_session_kit import T0, Kiosk

from kiosk.core import events as ev
from kiosk.core.effects import ShowMessage
from kiosk.core.session_model import S
from kiosk.device_events import DeviceEvents
from kiosk.hw.health import DeviceHealth
from kiosk.hw.light import TowerLight
from kiosk.hw.light_button import ButtonSettings, HelpButtonHeld, HelpButtonPressed, PressTracker

PLAIN = ButtonSettings(hold_s=3.0, held_is_distinct=False, bounce_s=0.05)
DISTINCT = ButtonSettings(hold_s=3.0, held_is_distinct=True, bounce_s=0.05)


# -- the rules, on exact times -------------------------------------------------------------------

def test_a_press_is_help_at_once_when_a_held_press_means_nothing_more() -> None:
    button = PressTracker(PLAIN)
    assert button.pressed(10.0) == HelpButtonPressed()
    assert button.held() is None
    assert button.released(14.0) is None


def test_with_a_distinct_held_press_a_short_press_is_help_on_release() -> None:
    button = PressTracker(DISTINCT)
    assert button.pressed(10.0) is None
    assert button.released(10.3) == HelpButtonPressed()


def test_with_a_distinct_held_press_a_long_press_is_only_the_held_event() -> None:
    button = PressTracker(DISTINCT)
    assert button.pressed(10.0) is None
    assert button.held() == HelpButtonHeld()
    assert button.held() is None  # once per press
    assert button.released(14.0) is None  # never both events from one press


def test_contact_chatter_counts_once() -> None:
    button = PressTracker(PLAIN)
    reports = [button.pressed(10.000), button.released(10.002), button.pressed(10.004),
               button.released(10.009), button.pressed(10.011)]
    assert reports == [HelpButtonPressed(), None, None, None, None]
    assert button.released(10.5) is None
    assert button.pressed(11.0) == HelpButtonPressed()  # the next real press counts


def test_a_tap_shorter_than_the_bounce_time_does_not_swallow_the_next_press() -> None:
    button = PressTracker(DISTINCT)
    button.pressed(10.0)
    assert button.released(10.01) is None  # lost as chatter: the button seems still down
    assert button.pressed(12.0) is None  # a new press, not a stuck one...
    assert button.released(12.2) == HelpButtonPressed()  # ...so its release is help


def test_a_release_without_a_press_is_ignored() -> None:
    button = PressTracker(DISTINCT)
    assert button.released(10.0) is None
    assert button.held() is None


# -- the same on gpiozero pins ------------------------------------------------------------------

@pytest.fixture
def reports() -> queue.Queue[object]:
    return queue.Queue()


def _tower(reports: queue.Queue[object], settings: ButtonSettings) -> Iterator[TowerLight]:
    tower = simulated(reports.put, button=settings)
    assert isinstance(reports.get_nowait(), DeviceHealth)
    yield tower
    tower.close()


@pytest.fixture
def plain(reports: queue.Queue[object]) -> Iterator[TowerLight]:
    yield from _tower(reports, SETUP.button)


@pytest.fixture
def distinct(reports: queue.Queue[object]) -> Iterator[TowerLight]:
    yield from _tower(reports, ButtonSettings(hold_s=0.05, held_is_distinct=True,
                                              bounce_s=0.02))


@pytest.fixture
def distinct_slow_hold(reports: queue.Queue[object]) -> Iterator[TowerLight]:
    yield from _tower(reports, ButtonSettings(hold_s=30, held_is_distinct=True, bounce_s=0.02))


def _posted(reports: queue.Queue[object]) -> list[object]:
    return list(reports.queue)


def test_pressing_the_button_posts_help(plain: TowerLight, reports: queue.Queue[object]) -> None:
    pin(plain, "help_button").drive_low()
    assert _posted(reports) == [HelpButtonPressed()]
    pin(plain, "help_button").drive_high()
    assert _posted(reports) == [HelpButtonPressed()]


def test_a_bouncing_contact_posts_help_once(plain: TowerLight,
                                            reports: queue.Queue[object]) -> None:
    button = pin(plain, "help_button")
    for _ in range(5):  # microseconds apart, well inside the bounce time
        button.drive_low()
        button.drive_high()
    button.drive_low()
    assert _posted(reports) == [HelpButtonPressed()]


def test_a_short_press_posts_help_on_release_when_held_is_distinct(
        distinct_slow_hold: TowerLight, reports: queue.Queue[object]) -> None:
    button = pin(distinct_slow_hold, "help_button")
    button.drive_low()
    assert _posted(reports) == []
    time.sleep(0.05)  # the finger stays on the button past the bounce time, not to hold_s
    button.drive_high()
    assert _posted(reports) == [HelpButtonPressed()]


def test_a_held_press_posts_the_held_event_and_nothing_else(
        distinct: TowerLight, reports: queue.Queue[object]) -> None:
    button = pin(distinct, "help_button")
    button.drive_low()
    assert reports.get(timeout=LIMIT_S) == HelpButtonHeld()  # from gpiozero's hold thread
    button.drive_high()
    assert _posted(reports) == []


def test_a_bouncing_short_press_with_held_distinct_posts_help_once(
        distinct_slow_hold: TowerLight, reports: queue.Queue[object]) -> None:
    button = pin(distinct_slow_hold, "help_button")
    for _ in range(3):
        button.drive_low()
        button.drive_high()
    button.drive_low()
    time.sleep(0.05)  # the finger stays on the button past the bounce time
    for _ in range(3):
        button.drive_high()
        button.drive_low()
    button.drive_high()
    assert _posted(reports) == [HelpButtonPressed()]


# -- what the session makes of them -------------------------------------------------------------

def test_the_shell_turns_the_reports_into_session_events() -> None:
    seen: list[object] = []
    translate = DeviceEvents(seen.append, clock=lambda: T0)
    translate(HelpButtonPressed())
    translate(HelpButtonHeld())
    assert seen == [ev.HelpPressed(at=T0), ev.HelpHeld(at=T0)]


def test_a_held_press_asks_staff_to_sign_in_and_leaves_any_help_call_as_it_was() -> None:
    kiosk = Kiosk()
    kiosk.send(ev.HelpPressed)
    held = kiosk.send(ev.HelpHeld)
    assert held.rejected is None
    assert held.effects == (ShowMessage("staff-pin", {}),)
    assert held.session.state is S.HELP
    kiosk.staff()
    refused = kiosk.send(ev.HelpHeld).rejected
    assert refused is not None
    assert refused.code == "staff-present"
