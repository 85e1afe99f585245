"""Ed25519 signed envelopes for everything the fleet sends down: manifests, commands, keys.

A kiosk must never act on a downlink message the fleet did not write, and a central tool in any
language must be able to check the same signature, so the signed text has exactly one spelling:
the journal's canonical JSON of the body (:func:`kiosk.store.chain.canonical_json`: sorted keys,
no floats, UTF-8). The envelope on the wire is::

    {"schema": 1, "key_id": "<id>", "body": {...}, "sig": "<128 hex chars>"}

The key id only picks which trusted public key to try; it is not trusted itself (a forged id
just finds no key, or a key that does not verify). Bodies name their own purpose (a manifest,
a command) so a signed body of one kind is never accepted as another: that check belongs to
the reader of the body, after :func:`open_message` returned it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from kiosk.errors import ConfigError, JournalError, KioskError
from kiosk.store.atomic import atomic_write_bytes
from kiosk.store.chain import canonical_json
from kiosk.sync.messages import MessageRejected, decode_json

SCHEMA = 1
ENVELOPE_KEYS = frozenset({"schema", "key_id", "body", "sig"})
MAX_MESSAGE_BYTES = 256 * 1024  # a manifest or command is small; parts travel unsigned by digest
_KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_HEX_KEY = re.compile(r"^[0-9a-fA-F]{64}$")
_HEX_SIG = re.compile(r"^[0-9a-f]{128}$")


class SignatureError(KioskError, ValueError):
    """A signed message was malformed, signed by an unknown key, or its signature is wrong.

    ``reason`` is the short text that goes into a rejection ack or event (``why``).
    """

    @property
    def reason(self) -> str:
        return self.why or self.what


def _reject(why: str) -> SignatureError:
    return SignatureError("rejected a signed message", why,
                          "It was not applied; check the fleet key and the sender.")


def check_key_id(key_id: str) -> str:
    if not isinstance(key_id, str) or not _KEY_ID.match(key_id):
        raise ValueError(f"key id {key_id!r}: 1-64 letters, digits, '.', '_' or '-'")
    return key_id


def signed_text(body: Mapping[str, Any]) -> bytes:
    """The exact bytes the signature covers; floats and non-JSON values are refused."""
    try:
        return canonical_json(body).encode("utf-8")
    except JournalError as exc:
        raise _reject(f"the body has no canonical form ({exc.why or exc.what})") from None
    except RecursionError:
        raise _reject("the body is nested too deeply") from None


def sign_message(body: Mapping[str, Any], key: Ed25519PrivateKey, key_id: str) -> bytes:
    """The wire bytes of ``body`` signed by ``key``, announced as ``key_id``."""
    text = signed_text(body)
    envelope = {"schema": SCHEMA, "key_id": check_key_id(key_id),
                "body": json.loads(text), "sig": key.sign(text).hex()}
    return json.dumps(envelope, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def parse_json_object(payload: bytes, *, max_bytes: int = MAX_MESSAGE_BYTES) -> dict[str, Any]:
    """Bytes -> a JSON object (the link's strict decoder), failing as a SignatureError."""
    try:
        return decode_json(payload, max_bytes=max_bytes, what="signed message")
    except MessageRejected as exc:
        raise _reject(exc.reason) from None


def _envelope_parts(data: dict[str, Any]) -> tuple[str, dict[str, Any], bytes]:
    missing = sorted(ENVELOPE_KEYS - data.keys())
    extra = sorted(data.keys() - ENVELOPE_KEYS)
    if missing or extra:
        named = [f"missing {', '.join(missing)}"] if missing else []
        named += [f"unexpected {', '.join(extra)}"] if extra else []
        raise _reject(f"the envelope has {'; '.join(named)}")
    schema = data["schema"]
    if type(schema) is not int or schema != SCHEMA:
        raise _reject(f"schema version {schema!r} is not supported (this kiosk reads {SCHEMA})")
    key_id, body, sig = data["key_id"], data["body"], data["sig"]
    if not isinstance(key_id, str) or not _KEY_ID.match(key_id):
        raise _reject("the key id is not a short plain name")
    if not isinstance(body, dict):
        raise _reject("the body is not a JSON object")
    if not isinstance(sig, str) or not _HEX_SIG.match(sig):
        raise _reject("the signature is not 128 lowercase hex characters")
    return key_id, body, bytes.fromhex(sig)


def open_message(payload: bytes, trusted: Mapping[str, Ed25519PublicKey], *,
                 max_bytes: int = MAX_MESSAGE_BYTES) -> dict[str, Any]:
    """The verified body of a signed message, or :class:`SignatureError` saying why not."""
    key_id, body, sig = _envelope_parts(parse_json_object(payload, max_bytes=max_bytes))
    public = trusted.get(key_id)
    if public is None:
        raise _reject(f"it is signed with key {key_id!r}, which this kiosk does not trust")
    try:
        public.verify(sig, signed_text(body))
    except InvalidSignature:
        raise _reject(f"the signature does not match the content (key {key_id!r})") from None
    return body


# --- keys ------------------------------------------------------------------------------------

def generate_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def public_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_hex(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """The 64-hex-character form that goes into a kiosk's config."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public_raw(public).hex()


def key_id_for(key: Ed25519PublicKey | Ed25519PrivateKey) -> str:
    """A stable short id derived from the public key, so config and sender need not agree on
    a name: ``ed25519-`` and the first 16 hex characters of its SHA-256."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return "ed25519-" + hashlib.sha256(public_raw(public)).hexdigest()[:16]


def parse_public_key(text: str, where: str = "the fleet public key") -> Ed25519PublicKey:
    """A public key from its 64 hex characters or a PEM ``PUBLIC KEY`` block."""
    stripped = text.strip() if isinstance(text, str) else ""
    if _HEX_KEY.match(stripped):
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(stripped))
    if stripped.startswith("-----BEGIN PUBLIC KEY-----"):
        try:
            loaded = serialization.load_pem_public_key(stripped.encode("ascii"))
        except (ValueError, UnicodeEncodeError) as exc:
            raise ConfigError(f"cannot read {where}", f"the PEM block is damaged ({exc})") from None
        if isinstance(loaded, Ed25519PublicKey):
            return loaded
        raise ConfigError(f"cannot use {where}", "it is not an Ed25519 key",
                          "Run 'kiosk-fleet keygen' and use the key it prints.")
    raise ConfigError(f"cannot read {where}",
                      "it is neither 64 hex characters nor a PEM public key block",
                      "Copy the public key 'kiosk-fleet keygen' printed.")


def trust_map(keys: Iterable[Ed25519PublicKey | str]) -> dict[str, Ed25519PublicKey]:
    """Trusted keys by their derived id, from key objects or hex/PEM texts (e.g. config)."""
    trusted: dict[str, Ed25519PublicKey] = {}
    for index, key in enumerate(keys):
        public = parse_public_key(key, f"fleet key {index + 1}") if isinstance(key, str) else key
        trusted[key_id_for(public)] = public
    return trusted


def write_private_key(path: Path, key: Ed25519PrivateKey) -> None:
    """PKCS#8 PEM, readable by its owner only (0600), written atomically; never overwritten."""
    if path.exists():
        raise ConfigError(f"will not overwrite the private key {path}",
                          "replacing a fleet key locks out every kiosk that trusts the old one",
                          "Choose another file name, or remove the old key on purpose.")
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    old_umask = os.umask(0o077)
    try:
        atomic_write_bytes(path, pem, tag="key")
    finally:
        os.umask(old_umask)
    os.chmod(path, 0o600)


def write_public_key(path: Path, key: Ed25519PublicKey | Ed25519PrivateKey, *,
                     pem: bool = False) -> None:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    data = (public.public_bytes(serialization.Encoding.PEM,
                                serialization.PublicFormat.SubjectPublicKeyInfo)
            if pem else (public_key_hex(public) + "\n").encode("ascii"))
    atomic_write_bytes(path, data, tag="key")


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read the fleet private key {path}", exc.strerror or str(exc),
                          "Run 'kiosk-fleet keygen' or pass the right --key.") from None
    if os.stat(path).st_mode & 0o077:
        raise ConfigError(f"refusing the fleet private key {path}",
                          "other users can read it (it must be mode 0600)",
                          f"Run: chmod 600 {path}")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"cannot read the fleet private key {path}", str(exc)) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"cannot use the private key {path}", "it is not an Ed25519 key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the fleet public key {path}", str(exc)) from None
    return parse_public_key(text, str(path))
