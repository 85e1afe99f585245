"""Signed envelopes and key files (kiosk.sync.signing): what verifies, what is refused and why."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.errors import ConfigError, KioskError
from kiosk.sync.signing import (
    SignatureError,
    generate_key,
    key_id_for,
    load_private_key,
    load_public_key,
    open_message,
    parse_public_key,
    public_key_hex,
    sign_message,
    trust_map,
    write_private_key,
    write_public_key,
)

KEY = generate_key()
KEY_ID = key_id_for(KEY)
TRUSTED = {KEY_ID: KEY.public_key()}
BODY = {"type": "catalogue_manifest", "version": "v2", "名前": "café", "n": 3}


def test_a_signed_body_opens_to_the_same_body() -> None:
    payload = sign_message(BODY, KEY, KEY_ID)
    assert open_message(payload, TRUSTED) == BODY
    envelope = json.loads(payload)
    assert sorted(envelope) == ["body", "key_id", "schema", "sig"]
    assert envelope["schema"] == 1
    assert len(envelope["sig"]) == 128


def test_the_signature_covers_the_canonical_body_not_its_spelling() -> None:
    envelope = json.loads(sign_message(BODY, KEY, KEY_ID))
    respaced = json.dumps(envelope, indent=3, sort_keys=False).encode()
    assert open_message(respaced, TRUSTED) == BODY


@pytest.mark.parametrize(("change", "reason"), [
    (lambda e: e["body"].update(version="v3"), "the signature does not match the content"),
    (lambda e: e.update(key_id="someone-else"), "which this kiosk does not trust"),
    (lambda e: e.update(sig="ab" * 64), "the signature does not match"),
    (lambda e: e.update(sig="AB" * 64), "128 lowercase hex"),
    (lambda e: e.update(schema=2), "schema version 2 is not supported"),
    (lambda e: e.update(schema=True), "schema version True"),
    (lambda e: e.pop("sig"), "the envelope has missing sig"),
    (lambda e: e.update(extra=1), "unexpected extra"),
    (lambda e: e.update(body=[1, 2]), "the body is not a JSON object"),
    (lambda e: e["body"].update(price=1.5), "it is a float"),
])
def test_every_tampering_is_refused_with_a_reason(change: object, reason: str) -> None:
    envelope = json.loads(sign_message(BODY, KEY, KEY_ID))
    change(envelope)  # type: ignore[operator]
    with pytest.raises(SignatureError) as caught:
        open_message(json.dumps(envelope).encode(), TRUSTED)
    assert reason in caught.value.reason
    assert isinstance(caught.value, KioskError)
    assert isinstance(caught.value, ValueError)


def test_a_key_that_was_not_trusted_cannot_sign() -> None:
    other = generate_key()
    forged = sign_message(BODY, other, KEY_ID)  # claims the trusted key's id
    with pytest.raises(SignatureError, match="does not match"):
        open_message(forged, TRUSTED)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_are_refused_never_crash(payload: bytes) -> None:
    with pytest.raises(SignatureError):
        open_message(payload, TRUSTED)


def test_key_files_private_0600_public_hex_and_pem(tmp_path: Path) -> None:
    private = tmp_path / "fleet.key"
    write_private_key(private, KEY)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert key_id_for(load_private_key(private)) == KEY_ID
    write_public_key(tmp_path / "fleet.pub", KEY)
    assert (tmp_path / "fleet.pub").read_text().strip() == public_key_hex(KEY)
    write_public_key(tmp_path / "fleet.pem", KEY, pem=True)
    for name in ("fleet.pub", "fleet.pem"):
        assert key_id_for(load_public_key(tmp_path / name)) == KEY_ID
    assert list(trust_map([public_key_hex(KEY)])) == [KEY_ID]


def test_a_private_key_is_never_overwritten_nor_read_when_others_can(tmp_path: Path) -> None:
    private = tmp_path / "fleet.key"
    write_private_key(private, KEY)
    with pytest.raises(ConfigError, match="will not overwrite"):
        write_private_key(private, generate_key())
    private.chmod(0o644)
    with pytest.raises(ConfigError, match="other users can read it"):
        load_private_key(private)


@pytest.mark.parametrize("text", ["", "abc", "zz" * 32, "-----BEGIN PUBLIC KEY-----\nxx\n"])
def test_a_bad_public_key_in_config_is_named(text: str) -> None:
    with pytest.raises(ConfigError, match="cannot read the fleet public key"):
        parse_public_key(text)
