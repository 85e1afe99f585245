"""Configuration: layers, validation messages a person can act on, and a fuzzed loader."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.config import load_config
from kiosk.errors import ConfigError

NO_SYSTEM = Path("/nonexistent/kiosk.toml")


def load(tmp_path: Path, text: str | None = None, env: dict[str, str] | None = None):
    site = None
    if text is not None:
        site = tmp_path / "site.toml"
        site.write_text(text, encoding="utf-8")
    return load_config(site, environ=env or {}, system=NO_SYSTEM)


def test_defaults_alone_are_a_valid_configuration(tmp_path: Path) -> None:
    config = load(tmp_path).config
    assert config.locale.currency == "EUR"
    assert config.vat == {"standard": 2000, "intermediate": 1000, "reduced": 550,
                          "super-reduced": 210}
    assert config.devices.terminal.mode == "real"


def test_site_file_overrides_defaults_and_environment_overrides_both(tmp_path: Path) -> None:
    loaded = load(tmp_path, '[store]\nkiosk_id = "k07"\n[mqtt]\nhost = "site-broker"\n',
                  env={"KIOSK__MQTT__HOST": "env-broker", "KIOSK__MQTT__PORT": "8883",
                       "KIOSK__SALE__VOID_NEEDS_STAFF": "false", "UNRELATED": "x"})
    config = loaded.config
    assert config.store.kiosk_id == "k07"
    assert config.store.store_id == "store-0001"  # from the defaults, untouched
    assert config.mqtt.host == "env-broker"
    assert config.mqtt.port == 8883
    assert config.sale.void_needs_staff is False
    assert loaded.sources[-1] == "environment variables"


def test_demo_configuration_simulates_every_device() -> None:
    demo = Path(__file__).parents[2] / "config" / "demo.toml"
    devices = load_config(demo, environ={}, system=NO_SYSTEM).config.devices
    assert {devices.camera.mode, devices.printer.mode, devices.light.mode,
            devices.terminal.mode} == {"simulated"}


def test_appliance_configuration_simulates_nothing() -> None:
    appliance = Path(__file__).parents[2] / "config" / "appliance.toml"
    devices = load_config(appliance, environ={}, system=NO_SYSTEM).config.devices
    assert "simulated" not in {devices.camera.mode, devices.printer.mode, devices.light.mode,
                               devices.terminal.mode}


def test_system_file_is_used_when_no_file_is_given(tmp_path: Path) -> None:
    system = tmp_path / "etc.toml"
    system.write_text('[store]\nkiosk_id = "k42"\n', encoding="utf-8")
    assert load_config(None, environ={}, system=system).config.store.kiosk_id == "k42"


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ('[locale]\ncurrency = "EURO"\n', {}, "site.toml: locale.currency = 'EURO': expected an ISO 4217"),
        ('[locale]\ntimezone = "Mars/Olympus"\n', {}, "locale.timezone = 'Mars/Olympus': expected an IANA"),
        ('[vat]\nstandard = "twenty"\n', {}, "vat = {'standard': 'twenty'}: expected a VAT rate in percent"),
        ('[vat]\nstandard = 5.555\n', {}, "at most 2 decimals"),
        ('[store]\nkiosk_id = "k 1"\n', {}, "store.kiosk_id = 'k 1': expected String should match"),
        ('[devices.printer]\ncolumns = 10\n', {}, "devices.printer.columns = 10: expected Input should be greater than or equal to 24"),
        ('[devices.terminal]\nmode = "maybe"\n', {}, "devices.terminal.mode = 'maybe': expected Input should be 'real', 'simulated' or 'off'"),
        ('[sale.category_hours]\nalcohol = "8-22"\n', {}, "expected a local time window such as '06:00-22:00'"),
        ('[mqtt]\nprot = 1883\n', {}, "mqtt.prot = 1883: expected Extra inputs are not permitted"),
        ('[[barcode.templates]]\nname = "x"\npattern = "21IIIII"\nkind = "price"\n', {}, "barcode.templates.0 = {'name': 'x', 'pattern': '21IIIII', 'kind': 'price'}: expected label template 'x': bad pattern '21IIIII': it has 7 characters"),
        ('[staff.roles]\nattendant = ["approve_age", "void_lines"]\n', {}, "site.toml: staff.roles = {'attendant': ['approve_age', 'void_lines'], 'supervisor': ["),
        (None, {"KIOSK__MQTT__PORT": "99999"}, "environment variables: mqtt.port = 99999: expected Input should be less than 65536"),
    ],
)
def test_bad_values_name_the_file_the_key_and_what_was_expected(
    tmp_path: Path, text: str | None, env: dict[str, str], expected: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text, env)
    assert expected in str(caught.value)
    assert "the kiosk does not start with a bad configuration" in str(caught.value)


def test_broken_toml_names_the_file_and_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"site.toml is not valid TOML.*line 2"):
        load(tmp_path, '[store]\nkiosk_id = "unterminated\n')


def test_missing_config_file_is_an_error_not_a_silent_default(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml", environ={}, system=NO_SYSTEM)


toml_scalars = st.one_of(
    st.integers(-(2**40), 2**40), st.booleans(),
    st.text(string.printable, max_size=12).map(lambda s: '"' + s.replace("\\", "").replace('"', "") + '"'),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
)
keys = st.sampled_from(["store_id", "kiosk_id", "currency", "timezone", "mode", "port", "columns",
                        "standard", "alcohol", "host", "void_needs_staff", "fps", "bogus"])
sections = st.sampled_from(["store", "locale", "vat", "devices.printer", "devices.terminal",
                            "mqtt", "sale", "sale.category_hours", "staff", "nowhere"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(sections, keys, toml_scalars), max_size=6) | st.text(max_size=200))
def test_fuzzed_site_files_load_or_fail_with_a_config_error(tmp_path: Path, doc) -> None:
    if isinstance(doc, str):
        text = doc
    else:
        text = "".join(f"[{section}]\n{key} = {value}\n" for section, key, value in doc)
    error = None
    try:
        load(tmp_path, text)
    except ConfigError as exc:
        error = exc
    if error is not None:  # a rejection must say what and why; anything else escapes and fails
        assert error.what
        assert error.why
