"""Catalogue sync's vocabulary: settings, the events the machine takes, the actions it returns,
and the acknowledgement it sends. Pure data; the rules are in :mod:`kiosk.sync.catalogue_state`.

Ack body (schema 1), sent on ``kiosk/v1/{store}/{kiosk}/catalogue/ack`` inside the outbox
envelope: ``status`` (applied, staged, rejected), ``code`` (a stable word for programs: e.g.
bad-signature, bad-digest, missing-parts, base-mismatch, replayed), ``reason`` (for a person),
``version``, ``kind`` (what was applied: full or delta), ``base``, ``issued_at``,
``effective_at`` and ``source`` (store or kiosk: which manifest topic it came from).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.store.chain import canonical_json, utc_text
from kiosk.sync import manifest as mf
from kiosk.sync.manifest import Manifest

STORE = "store"
KIOSK = "kiosk"
APPLIED, STAGED, REJECTED = "applied", "staged", "rejected"
ACK_SCHEMA = 1


@dataclass(frozen=True, slots=True)
class SyncSettings:
    store: str
    kiosk: str
    currency: str
    vat_codes: frozenset[str] | None = None
    parts_timeout_s: float = 120.0
    refetch_after_s: float = 5.0  # parts still missing then: ask the broker to resend them
    cache_bytes: int = 64 * 1024 * 1024  # parts kept before (or beside) their manifest


# -- events -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ManifestArrived:
    at: datetime
    source: str  # STORE or KIOSK: which topic it came on
    payload: bytes


@dataclass(frozen=True, slots=True)
class PartArrived:
    at: datetime
    version: str
    name: str
    payload: bytes


@dataclass(frozen=True, slots=True)
class Tick:
    at: datetime


@dataclass(frozen=True, slots=True)
class Connected:
    """A (re)connect: the retained manifests and parts are on their way again."""

    at: datetime


@dataclass(frozen=True, slots=True)
class Applied:
    """The mirror's answer to :class:`ApplyUpdate`."""

    at: datetime
    accepted: bool
    version: str | None  # current after the call
    reason: str = ""


# -- actions ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ApplyUpdate:
    update: dict[str, Any]
    manifest: Manifest
    full: bool


@dataclass(frozen=True, slots=True)
class SendAck:
    record_id: str
    body: dict[str, Any]

    @property
    def status(self) -> str:
        return str(self.body["status"])


@dataclass(frozen=True, slots=True)
class Remember:
    """Persist the high-water mark: the newest manifest applied survives a restart."""

    version: str
    issued_at: datetime


@dataclass(frozen=True, slots=True)
class Refetch:
    """Have the broker resend these retained parts (they were evicted or never came)."""

    version: str
    names: tuple[str, ...]


Action = ApplyUpdate | SendAck | Remember | Refetch

def ack(status: str, manifest: Manifest | None, source: str, *, code: str = "",
        reason: str = "", full: bool | None = None) -> SendAck:
    """An ack whose record id is its content's hash: the same ack is recorded once."""
    body: dict[str, Any] = {
        "schema": ACK_SCHEMA, "status": status, "source": source, "code": code,
        "reason": reason[:500], "version": None, "kind": None, "base": None,
        "issued_at": None, "effective_at": None}
    if manifest is not None:
        body.update(version=manifest.version, base=manifest.base,
                    kind=mf.FULL if full else manifest.kind,
                    issued_at=utc_text(manifest.issued_at),
                    effective_at=utc_text(manifest.effective_at) if manifest.effective_at
                    else None)
    digest = hashlib.sha256(canonical_json(body).encode("utf-8")).hexdigest()[:24]
    return SendAck(f"catalogue-ack:{status}:{body['version'] or '-'}:{digest}", body)
