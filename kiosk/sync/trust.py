"""The fleet keys this kiosk trusts, persisted so a rotation outlives restarts and config.

The configuration names the fleet's public keys a kiosk starts with. After that, signed
key-rotation commands (:mod:`kiosk.sync.commands`) add a key or retire one, so a leaked key is
revoked from the office rather than by visiting every kiosk. The list is kept in one JSON file
in the data directory, replaced atomically (:mod:`kiosk.store.atomic`), so a power cut leaves
either the old list or the new one.

A retired key stays retired even when the configuration still names it: otherwise the next
restart would trust the leaked key again. A key that appears in the configuration later (store
IT deploying a new one) is added. The last trusted key cannot be retired, because nothing could
then sign the command that fixes it.

Everything that checks a fleet signature (commands here, catalogue manifests) reads
:meth:`TrustedKeys.current`, so a rotation applies to both at once.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.errors import ConfigError, KioskError
from kiosk.store.atomic import atomic_write_bytes
from kiosk.sync.signing import key_id_for, parse_public_key, public_key_hex

TRUST_FILE = "fleet-keys.json"
_SCHEMA = 1


class KeyRotationError(KioskError, ValueError):
    """A key change that was refused; ``why`` is the reason reported to the fleet."""


class TrustedKeys:
    """Thread-safe: the MQTT thread rotates while the catalogue code verifies."""

    def __init__(self, path: Path, configured: Iterable[Ed25519PublicKey | str]) -> None:
        self.path = path
        self._lock = threading.Lock()
        keys, retired = self._load()
        for entry in configured:
            key = parse_public_key(entry) if isinstance(entry, str) else entry
            key_id = key_id_for(key)
            if key_id not in retired:
                keys.setdefault(key_id, key)
        self._keys, self._retired = keys, retired
        self._save()

    def _load(self) -> tuple[dict[str, Ed25519PublicKey], set[str]]:
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}, set()
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read the trusted fleet keys {self.path}", str(exc),
                              "Restore it from backup, or delete it to trust only the keys in "
                              "the configuration again.") from None
        if not isinstance(data, dict) or data.get("schema") != _SCHEMA:
            raise ConfigError(f"cannot read the trusted fleet keys {self.path}",
                              "it is not a schema 1 key list")
        keys = {str(k): parse_public_key(str(v), f"key {k} in {self.path}")
                for k, v in dict(data.get("keys", {})).items()}
        return keys, {str(k) for k in data.get("retired", [])}

    def _save(self) -> None:
        data = {"schema": _SCHEMA, "retired": sorted(self._retired),
                "keys": {k: public_key_hex(v) for k, v in sorted(self._keys.items())}}
        atomic_write_bytes(self.path, json.dumps(data, indent=1).encode("utf-8"), tag="trust")

    def current(self) -> dict[str, Ed25519PublicKey]:
        """A snapshot by key id, for :func:`kiosk.sync.signing.open_message`."""
        with self._lock:
            return dict(self._keys)

    @property
    def retired(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._retired)

    def add(self, public_key: str) -> str:
        """Trust one more key (hex or PEM); returns its id. Adding a known key is a no-op."""
        try:
            key = parse_public_key(public_key, "the new fleet key")
        except ConfigError as exc:
            raise KeyRotationError("refused to add a fleet key", exc.why or exc.what) from None
        key_id = key_id_for(key)
        with self._lock:
            if key_id in self._retired:
                raise KeyRotationError("refused to add a fleet key",
                                       f"key {key_id} was retired and stays retired")
            if key_id not in self._keys:
                self._keys[key_id] = key
                self._save_or_undo(lambda: self._keys.pop(key_id))
        return key_id

    def retire(self, key_id: str) -> None:
        with self._lock:
            if key_id not in self._keys:
                raise KeyRotationError("refused to retire a fleet key",
                                       f"key {key_id!r} is not trusted here")
            if len(self._keys) == 1:
                raise KeyRotationError("refused to retire a fleet key",
                                       f"{key_id} is the last trusted key; add its successor "
                                       "first")
            removed = self._keys.pop(key_id)
            self._retired.add(key_id)

            def undo() -> None:
                self._keys[key_id] = removed
                self._retired.discard(key_id)

            self._save_or_undo(undo)

    def _save_or_undo(self, undo: Any) -> None:
        try:
            self._save()
        except OSError as exc:
            undo()
            raise KeyRotationError("could not store the fleet key change",
                                   exc.strerror or str(exc)) from None
