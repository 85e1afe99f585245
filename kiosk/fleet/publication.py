"""The messages of one catalogue push, built before anything is sent. Pure.

For version V of a store (see :mod:`kiosk.sync.manifest` for the formats):

- the full snapshot of V, compressed, as retained parts ``kiosk/v1/{store}/catalogue/V/full-NNN``;
  a delta push sends them too, because they are what a kiosk not on the delta's base (or
  offline for days, or new) takes instead;
- for a delta, its parts ``.../V/delta-NNN``;
- the signed manifest, retained on the store topic, or on each chosen kiosk's own topic for
  the first phase of a staged rollout.

Parts go out before the manifest that names them, so a kiosk that reads the manifest finds
its parts already retained. Clearing is publishing an empty retained message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.sync import manifest as mf
from kiosk.sync import topics
from kiosk.sync.manifest import Encoded, Manifest
from kiosk.sync.signing import sign_message

from .keys import SigningKey

Message = tuple[str, bytes, bool]  # topic, payload, retain


@dataclass(frozen=True, slots=True)
class Encodings:
    """A version's update(s) encoded once, whatever the number of stores it goes to."""

    version: str
    kind: str  # mf.FULL or mf.DELTA
    base: str | None
    full: Encoded
    full_parts: Mapping[str, bytes]
    delta: Encoded | None = None
    delta_parts: Mapping[str, bytes] | None = None

    @property
    def size(self) -> int:
        parts = [*self.full_parts.values(), *(self.delta_parts or {}).values()]
        return sum(len(p) for p in parts)


def encode(snapshot: Mapping[str, Any], delta: Mapping[str, Any] | None = None, *,
           part_bytes: int = mf.DEFAULT_PART_BYTES) -> Encodings:
    version = mf.check_level(snapshot["version"], "version")
    full, full_parts = mf.encode_update(snapshot, "full", part_bytes=part_bytes)
    if delta is None:
        return Encodings(version, mf.FULL, None, full, full_parts)
    if delta["version"] != version:
        raise ValueError(f"the delta leads to {delta['version']!r}, the snapshot is {version!r}")
    encoded, parts = mf.encode_update(delta, "delta", part_bytes=part_bytes)
    return Encodings(version, mf.DELTA, mf.check_level(delta["base"], "base"), full,
                     full_parts, encoded, parts)


def part_messages(store: str, enc: Encodings) -> list[Message]:
    every = {**enc.full_parts, **(enc.delta_parts or {})}
    return [(topics.catalogue_part(store, enc.version, name), data, True)
            for name, data in every.items()]


def manifest(enc: Encodings, store: str, kiosk: str | None, *, issued_at: datetime,
             effective_at: datetime | None = None) -> Manifest:
    if enc.kind == mf.FULL:
        return Manifest(store, kiosk, enc.version, mf.FULL, None, issued_at, effective_at,
                        enc.full)
    assert enc.delta is not None
    return Manifest(store, kiosk, enc.version, mf.DELTA, enc.base, issued_at, effective_at,
                    enc.delta, enc.full)


def manifest_topic(store: str, kiosk: str | None) -> str:
    if kiosk is None:
        return topics.store_catalogue(store)
    return topics.KioskTopics(store, kiosk).kiosk_catalogue


def manifest_message(m: Manifest, key: SigningKey) -> Message:
    return (manifest_topic(m.store, m.kiosk), sign_message(m.to_body(), key.key, key.key_id),
            True)


def clear(topic_names: Iterable[str]) -> list[Message]:
    return [(topic, b"", True) for topic in topic_names]
