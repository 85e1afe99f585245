"""Light patterns, beeps and quiet hours as data, and how the configuration is checked."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from kiosk.config import REPO_CONFIG, LightConfig, load_config
from kiosk.core.light_patterns import (
    DEFAULT_BEEPS,
    DEFAULT_PATTERNS,
    BeepPattern,
    BuzzerPolicy,
    LightPattern,
    LightPatternError,
    QuietHours,
    beeps_with,
    describe_pattern,
    patterns_with,
)
from kiosk.core.light_signals import PRECEDENCE
from kiosk.errors import ConfigError
from kiosk.hw.light import BlinkTiming, LightPins, LightSetup
from kiosk.hw.light_button import ButtonSettings


def test_a_configured_pattern_replaces_the_default_whole() -> None:
    patterns = patterns_with({"help": {"amber": "flash", "buzzer": "attention"}})
    assert patterns["help"] == LightPattern(amber="flash", buzzer="attention")
    assert patterns["ready"] == DEFAULT_PATTERNS["ready"]


@pytest.mark.parametrize(("overrides", "what", "why"), [
    ({"party": {"green": "on"}}, "unknown light patterns ['party']", "the patterns are approval"),
    ({"help": {"blue": "on"}}, "light pattern 'help' names ['blue']",
     "its channels are red, amber, green, buzzer"),
    ({"help": {"red": "beep"}}, "light pattern 'help' sets red to 'beep'",
     "red may be on, off, blink, flash"),
    ({"fault": {"buzzer": "blink"}}, "light pattern 'fault' sets buzzer to 'blink'",
     "buzzer may be off, ok, error, attention"),
])
def test_bad_patterns_are_refused_with_the_reason(overrides: dict[str, dict[str, str]],
                                                  what: str, why: str) -> None:
    with pytest.raises(LightPatternError) as caught:
        patterns_with(overrides)
    assert caught.value.what == what
    assert caught.value.why.startswith(why)


def test_beeps_are_replaced_by_kind_and_checked() -> None:
    assert beeps_with({"ok": BeepPattern(2, 0.05, 0.05)})["ok"] == BeepPattern(2, 0.05, 0.05)
    assert beeps_with({})["error"] == DEFAULT_BEEPS["error"]
    with pytest.raises(LightPatternError, match="unknown beeps \\['siren'\\]"):
        beeps_with({"siren": BeepPattern(1, 1, 1)})
    with pytest.raises(LightPatternError, match="a beep is 1 to 10 tones"):
        beeps_with({"ok": BeepPattern(50, 0.1, 0.1)})


def test_the_default_beeps_are_short_for_a_scan_and_longer_for_trouble() -> None:
    ok, error, attention = (DEFAULT_BEEPS[kind] for kind in ("ok", "error", "attention"))
    assert (ok.count, error.count, attention.count) == (1, 2, 3)
    assert ok.on_s < error.on_s < attention.on_s


@pytest.mark.parametrize(("local", "quiet"), [
    (time(21, 59), False), (time(22, 0), True), (time(23, 59), True), (time(0, 0), True),
    (time(6, 59), True), (time(7, 0), False), (time(12, 0), False),
])
def test_quiet_hours_may_run_past_midnight(local: time, quiet: bool) -> None:
    assert QuietHours(time(22), time(7)).covers(local) is quiet


@pytest.mark.parametrize(("local", "quiet"), [
    (time(12, 59), False), (time(13, 0), True), (time(13, 59), True), (time(14, 0), False),
])
def test_quiet_hours_within_a_day(local: time, quiet: bool) -> None:
    assert QuietHours(time(13), time(14)).covers(local) is quiet


def test_empty_quiet_hours_are_refused() -> None:
    with pytest.raises(LightPatternError, match="quiet hours 22:00-22:00 are empty"):
        QuietHours(time(22), time(22))


def test_the_buzzer_policy_mutes_what_the_store_turned_off_and_everything_at_night() -> None:
    policy = BuzzerPolicy(frozenset({"error", "attention"}), QuietHours(time(22), time(7)))
    assert not policy.allows("ok", time(12))
    assert policy.allows("error", time(12))
    assert not policy.allows("attention", time(3))
    assert policy.allows("attention", None)  # no clock, no quiet hours (self-tests)
    with pytest.raises(LightPatternError, match="unknown beep 'siren'"):
        policy.allows("siren", time(12))


# -- the configuration ----------------------------------------------------------------------------

def _load(tmp_path: Path, light_toml: str) -> LightConfig:
    site = tmp_path / "site.toml"
    site.write_text(f"[devices.light]\n{light_toml}\n", encoding="utf-8")
    return load_config(site, environ={}, system=Path("/nonexistent/kiosk.toml")).config.devices.light


def test_the_site_file_sets_everything_the_light_does(tmp_path: Path) -> None:
    cfg = _load(tmp_path, """\
mode = "simulated"
red_pin = 5
amber_pin = 6
green_pin = 13
buzzer_pin = 19
help_button_pin = 26
active_high = false
blink_s = 0.4
flash_s = 0.1
beep_on_scan = false
quiet_hours = "21:30-07:15"
help_hold_s = 2.5
help_held_is_distinct = true
patterns.help = { amber = "flash" }
beeps.error = { count = 4, on_s = 0.1, off_s = 0.1 }
""")
    setup = LightSetup.from_config(cfg)
    assert setup.pins == LightPins(red=5, amber=6, green=13, buzzer=19, help_button=26)
    assert setup.active_high is False
    assert setup.timing == BlinkTiming(0.4, 0.4, 0.1, 0.1)
    assert setup.patterns["help"] == LightPattern(amber="flash")
    assert setup.beeps["error"] == BeepPattern(4, 0.1, 0.1)
    assert setup.buzzer == BuzzerPolicy(frozenset({"error", "attention"}),
                                        QuietHours(time(21, 30), time(7, 15)))
    assert setup.button == ButtonSettings(hold_s=2.5, held_is_distinct=True, bounce_s=0.05)


@pytest.mark.parametrize("name", ["kiosk.toml", "demo.toml", "appliance.toml"])
def test_the_shipped_configurations_give_the_default_light(name: str) -> None:
    loaded = load_config(REPO_CONFIG / name, environ={}, system=Path("/nonexistent/kiosk.toml"))
    setup = LightSetup.from_config(loaded.config.devices.light)
    assert setup.patterns == dict(DEFAULT_PATTERNS)
    assert setup.buzzer == BuzzerPolicy()
    assert setup.button == ButtonSettings()


@pytest.mark.parametrize(("light_toml", "message"), [
    ('patterns.help = { amber = "strobe" }',
     "devices.light.patterns = {'help': {'amber': 'strobe'}}: expected amber may be on, off, "
     "blink, flash; light pattern 'help' sets amber to 'strobe'"),
    ('patterns.idle = { green = "on" }',
     "devices.light.patterns = {'idle': {'green': 'on'}}: expected the patterns are approval, "
     "assisted, busy, fault, help, locked, out-of-order, payment-unknown, ready; unknown light "
     "patterns ['idle']"),
    ('quiet_hours = "22h-7h"',
     "devices.light.quiet_hours = '22h-7h': expected a local time window such as "
     "'06:00-22:00'"),
    ('quiet_hours = "22:00-22:00"',
     "devices.light.quiet_hours = '22:00-22:00': expected the start and the end are the same "
     "time; quiet hours 22:00-22:00 are empty"),
    ("help_button_pin = 27",
     "devices.light.help_button_pin = 27: expected a GPIO pin of its own; 27 is the amber pin"),
    ("red_pin = 28", "devices.light.red_pin = 28: expected Input should be less than or equal "
     "to 27"),
    ('beeps.ok = { count = 0, on_s = 0.1, off_s = 0.1 }',
     "devices.light.beeps.ok.count = 0: expected Input should be greater than or equal to 1"),
])
def test_a_bad_light_configuration_stops_start_up_naming_the_key(
        tmp_path: Path, light_toml: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, light_toml)
    assert message in caught.value.why


def test_a_pattern_reads_as_a_person_would_say_it() -> None:
    assert describe_pattern(DEFAULT_PATTERNS["fault"]) == "red blink, buzzer attention"
    assert describe_pattern(LightPattern()) == "dark"


def test_the_defaults_file_documents_the_real_precedence_and_patterns() -> None:
    text = (REPO_CONFIG / "kiosk.toml").read_text(encoding="utf-8")
    assert "#   " + " > ".join(signal.value for signal in PRECEDENCE) + "\n" in text
    for name, pattern in DEFAULT_PATTERNS.items():
        assert f"#   {name:<16} {describe_pattern(pattern)}\n" in text
