"""The pure parts of the MQTT side: payload checks, commands, topics, ACL text, backoff, and the
two small stores (used nonces, trusted keys) on a real temporary directory."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.config import MqttConfig
from kiosk.errors import ConfigError
from kiosk.store.outbox import OutboxMessage
from kiosk.sync import broker_conf, topics
from kiosk.sync.commands import CommandPolicy, command_body, parse_command
from kiosk.sync.link_config import LinkSettings, backoff_delay
from kiosk.sync.messages import (
    MessageRejected,
    Status,
    decode_json,
    outbox_payload,
    require_fields,
    status_payload,
)
from kiosk.sync.nonces import NonceStore
from kiosk.sync.signing import key_id_for, public_key_hex
from kiosk.sync.trust import KeyRotationError, TrustedKeys

NOW = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)


# -- payloads -------------------------------------------------------------------------------------

@given(st.binary(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_bytes_are_an_object_or_a_typed_rejection(payload: bytes) -> None:
    try:
        decoded: object = decode_json(payload, max_bytes=200)
    except MessageRejected as exc:
        decoded = exc
    if isinstance(decoded, MessageRejected):
        assert decoded.code in {"too-large", "empty", "not-utf8", "not-json", "not-object"}
        assert decoded.reason
    else:
        assert isinstance(decoded, dict)


@pytest.mark.parametrize(("payload", "code", "reason"), [
    (b"", "empty", "the payload is empty"),
    (b"x" * 101, "too-large", "it is 101 bytes, more than the 100 allowed"),
    (b"\xc3\x28", "not-utf8", "it is not UTF-8 text (byte 0)"),
    (b"{'a': 1}", "not-json", "it is not JSON"),
    (b'{"a": NaN}', "not-json", "NaN is not allowed"),
    (b'"text"', "not-object", "it is a JSON str, not an object"),
])
def test_downlink_rejections_say_why(payload: bytes, code: str, reason: str) -> None:
    with pytest.raises(MessageRejected) as caught:
        decode_json(payload, max_bytes=100)
    assert caught.value.code == code
    assert reason in caught.value.reason
    assert isinstance(caught.value, ValueError)


def test_a_bool_is_never_taken_for_a_number() -> None:
    with pytest.raises(MessageRejected, match="'seq' must be int, not bool"):
        require_fields({"seq": True}, {"seq": int})


def test_an_outbox_row_is_sent_with_its_stable_id() -> None:
    row = OutboxMessage(42, 7, "sales", '{"record_id":"sale:S1","schema":1,"seq":7,'
                                        '"type":"record"}', "2026-03-14T09:00:00Z")
    sent = json.loads(outbox_payload(row, "s1", "k1"))
    assert sent == {"schema": 1, "type": "record", "record_id": "sale:S1", "seq": 7,
                    "store": "s1", "kiosk": "k1", "outbox_id": 42, "msg_id": "s1/k1/42"}


def test_status_payload_is_canonical_json() -> None:
    payload = status_payload(Status(True, "1.2.0", None, {}), "s1", "k1", NOW)
    assert payload == (b'{"app_version":"1.2.0","at":"2026-03-14T09:00:00.000Z",'
                       b'"catalogue_version":null,"health":{},"kiosk":"k1","locked":false,'
                       b'"online":true,"outbox_blocked":"","schema":1,"store":"s1",'
                       b'"type":"status"}')


# -- commands -------------------------------------------------------------------------------------

def parse(body: dict, now: datetime = NOW) -> object:
    return parse_command(body, store="s1", kiosk="k1", now=now,
                         policy=CommandPolicy(max_lifetime=timedelta(hours=1)))


def test_a_well_formed_command_parses() -> None:
    command = parse(command_body("lock", "s1", "k1", now=NOW, nonce="n" * 20,
                                 args={"reason": "audit"}))
    assert command.name == "lock"
    assert command.args == {"reason": "audit"}
    assert command.expires_at == NOW + timedelta(minutes=10)


@pytest.mark.parametrize(("change", "code"), [
    ({"schema": 2}, "schema"),
    ({"type": "catalogue_manifest"}, "wrong-type"),
    ({"kiosk": "k2"}, "wrong-kiosk"),
    ({"store": "s9"}, "wrong-kiosk"),
    ({"nonce": "short"}, "bad-field"),
    ({"issued_at": "yesterday"}, "bad-field"),
    ({"expires_at": "2026-03-14T09:05:00"}, "bad-field"),  # no zone: never guessed
    ({"expires_at": "2026-03-14T08:59:59Z"}, "expired"),
    ({"issued_at": "2026-03-14T09:06:00Z"}, "not-yet-valid"),
    ({"expires_at": "2026-03-14T11:00:00Z"}, "bad-lifetime"),
    ({"args": []}, "bad-field"),
    ({"command": "format-disk"}, "unknown-command"),
])
def test_command_rejections(change: dict, code: str) -> None:
    body = command_body("lock", "s1", "k1", now=NOW, nonce="n" * 20) | change
    with pytest.raises(MessageRejected) as caught:
        parse(body)
    assert caught.value.code == code


def test_a_missing_field_is_named() -> None:
    body = command_body("lock", "s1", "k1", now=NOW)
    del body["nonce"]
    with pytest.raises(MessageRejected, match="the field 'nonce' is missing"):
        parse(body)


# -- topics, ACLs, backoff ------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["", "a/b", "+", "#", "k 1", "x" * 33, "é"])
def test_ids_that_would_widen_a_topic_are_refused(bad: str) -> None:
    with pytest.raises(ConfigError):
        topics.KioskTopics("s1", bad)


def test_a_kiosk_cannot_be_named_like_the_store_catalogue_topic() -> None:
    with pytest.raises(ConfigError, match="reserved"):
        topics.KioskTopics("s1", "catalogue")


def test_kiosk_topics() -> None:
    t = topics.KioskTopics("s1", "k1")
    assert t.sales == "kiosk/v1/s1/k1/sales"
    assert t.catalogue_ack == "kiosk/v1/s1/k1/catalogue/ack"
    assert t.downlink_filters() == ("kiosk/v1/s1/k1/cmd", "kiosk/v1/s1/k1/catalogue",
                                    "kiosk/v1/s1/catalogue", "kiosk/v1/s1/catalogue/+/+",
                                    "kiosk/v1/s1/staff")
    assert topics.parse_kiosk_topic("kiosk/v1/s1/k1/catalogue/ack") == ("s1", "k1",
                                                                        "catalogue/ack")
    assert topics.parse_kiosk_topic("kiosk/v1/s1/catalogue/v2/p0") is None
    assert topics.shared("collect", topics.uplink_filter("sales")) == \
        "$share/collect/kiosk/v1/+/+/sales"


def test_the_acl_gives_each_kiosk_its_own_tree() -> None:
    text = broker_conf.render_acl([("s1", "k1")], ["fleet"], [("bridge/s1", "s1")])
    blocks = text.split("\n\n")
    assert blocks[1].splitlines() == [
        "pattern write kiosk/v1/%u/status", "pattern write kiosk/v1/%u/sales",
        "pattern write kiosk/v1/%u/stock", "pattern write kiosk/v1/%u/events",
        "pattern write kiosk/v1/%u/catalogue/ack", "pattern read kiosk/v1/%u/cmd",
        "pattern read kiosk/v1/%u/catalogue"]
    assert blocks[2].splitlines() == ["user s1/k1", "topic read kiosk/v1/s1/catalogue",
                                      "topic read kiosk/v1/s1/catalogue/+/+",
                                      "topic read kiosk/v1/s1/staff"]
    assert "topic write kiosk/v1/+/+/cmd" in blocks[3]
    assert "topic write kiosk/v1/s1/+/sales" in blocks[4]


def test_the_shipped_example_acl_matches_what_the_tests_prove() -> None:
    shipped = (Path(__file__).parents[2] / "config" / "mosquitto" / "acl").read_text()
    for line in broker_conf.kiosk_acl_patterns() + broker_conf.fleet_acl_block("central"):
        assert line in shipped.splitlines()


@given(st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=2**32))
@settings(max_examples=200, deadline=None)
def test_backoff_grows_with_jitter_and_is_capped(attempt: int, seed: int) -> None:
    delay = backoff_delay(attempt, 1.0, 60.0, random.Random(seed))
    ceiling = min(60.0, 2.0 ** attempt)
    assert ceiling / 2 <= delay <= ceiling


# -- the stores -----------------------------------------------------------------------------------

def test_a_nonce_is_used_once_and_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "nonces.json"
    store = NonceStore(path)
    assert store.use("a" * 16, NOW + timedelta(minutes=5), NOW)
    assert not store.use("a" * 16, NOW + timedelta(minutes=5), NOW)
    assert not NonceStore(path).use("a" * 16, NOW + timedelta(minutes=5), NOW)


def test_expired_nonces_are_dropped_from_the_file(tmp_path: Path) -> None:
    store = NonceStore(tmp_path / "nonces.json")
    store.use("old-nonce-0000000", NOW + timedelta(minutes=1), NOW)
    store.use("new-nonce-0000000", NOW + timedelta(hours=1), NOW + timedelta(minutes=2))
    assert json.loads((tmp_path / "nonces.json").read_text()) == {
        "new-nonce-0000000": "2026-03-14T10:00:00.000Z"}


def test_a_damaged_nonce_file_stops_start_up(tmp_path: Path) -> None:
    (tmp_path / "nonces.json").write_text("{not json")
    with pytest.raises(ConfigError, match="let a recorded command be replayed"):
        NonceStore(tmp_path / "nonces.json")


def test_trusted_keys_rotate_and_a_retired_key_stays_retired(tmp_path: Path) -> None:
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    path = tmp_path / "keys.json"
    keys = TrustedKeys(path, [public_key_hex(old)])
    with pytest.raises(KeyRotationError, match="last trusted key"):
        keys.retire(key_id_for(old))
    assert keys.add(public_key_hex(new)) == key_id_for(new)
    keys.retire(key_id_for(old))
    with pytest.raises(KeyRotationError, match="stays retired"):
        keys.add(public_key_hex(old))
    with pytest.raises(KeyRotationError, match="neither 64 hex characters"):
        keys.add("not a key")
    again = TrustedKeys(path, [public_key_hex(old)])
    assert list(again.current()) == [key_id_for(new)]
    assert again.retired == {key_id_for(old)}


# -- settings from the configuration --------------------------------------------------------------

def test_link_settings_read_the_password_file_and_default_the_identity(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text("s3cret\nignored\n")
    mqtt = MqttConfig(enabled=True, password_file=str(tmp_path / "secret"))
    link = LinkSettings.from_options(mqtt, store="s1", kiosk="k1", resolve=Path)
    assert (link.username, link.password, link.client_id) == ("s1/k1", "s3cret", "kiosk-s1-k1")
    assert not link.tls


@pytest.mark.parametrize(("field", "message"), [
    ("password_file", "cannot read the MQTT password file"),
    ("tls_ca", "the MQTT tls_ca file"),
])
def test_a_missing_secret_file_stops_start_up_naming_it(tmp_path: Path, field: str,
                                                        message: str) -> None:
    mqtt = MqttConfig(enabled=True, **{field: str(tmp_path / "nowhere")})
    with pytest.raises(ConfigError, match=message) as caught:
        LinkSettings.from_options(mqtt, store="s1", kiosk="k1", resolve=Path)
    assert str(tmp_path / "nowhere") in str(caught.value)
