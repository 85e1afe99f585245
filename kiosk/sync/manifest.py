"""Catalogue update manifests and their parts: the schema, the encoder, the assembler. Pure.

A catalogue update travels as a signed manifest (retained on ``kiosk/v1/{store}/catalogue``,
or on ``kiosk/v1/{store}/{kiosk}/catalogue`` for a staged rollout) that names compressed parts,
each retained on its own topic ``kiosk/v1/{store}/catalogue/{version}/{part}``. The manifest is
small and signed; the parts are large and need no signature, because the signed manifest names
each part's SHA-256 and size and the digest of the whole uncompressed update.

Manifest body (inside the signed envelope of :mod:`kiosk.sync.signing`), schema 1::

    {"type": "catalogue_manifest", "schema": 1, "store": S, "kiosk": K or null,
     "version": V, "kind": "full" | "delta", "base": B or null,
     "issued_at": T, "effective_at": T or null,
     "digest": "sha256:<hex of the uncompressed update>", "size": N, "encoding": "zlib",
     "parts": [{"name": "full-000", "sha256": "<hex>", "size": n}, ...],
     "snapshot": null or {"digest", "size", "encoding", "parts"}}

- ``store`` and ``kiosk`` bind the signature to its addressee: a manifest signed for one store
  or kiosk and replayed on another's topic is refused.
- ``issued_at`` orders manifests: a kiosk never accepts one issued before the one it already
  accepted (a replayed or older update). Versions themselves are opaque labels.
- ``snapshot`` (deltas only): the full snapshot of the same version, retained beside the delta,
  which a kiosk whose catalogue is not the delta's base takes instead.
- The compressed stream of the whole update is cut into parts in order; the update is the
  concatenation, decompressed, and must match ``digest`` and ``size`` exactly.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.store.chain import utc_text
from kiosk.sync.messages import MessageRejected, parse_time, require_fields, require_schema

MANIFEST_TYPE = "catalogue_manifest"
SCHEMA = 1
FULL = "full"
DELTA = "delta"
UPDATE_KIND = {FULL: "snapshot", DELTA: "delta"}  # manifest kind -> catalogue update kind
ENCODINGS = {"zlib": 15, "gzip": 31}  # zlib window bits for each wire encoding
DIGEST_PREFIX = "sha256:"
MAX_PARTS = 512
MAX_PART_BYTES = 4 * 1024 * 1024
MAX_UPDATE_BYTES = 256 * 1024 * 1024  # a 100k-product snapshot is about 30 MB
DEFAULT_PART_BYTES = 256 * 1024
_WHAT = "catalogue manifest"
_LEVEL = re.compile(r"^[A-Za-z0-9._:~=-]{1,64}$")  # one topic level, safe in ids and file names
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_FIELDS = frozenset({"type", "schema", "store", "kiosk", "version", "kind", "base", "issued_at",
                     "effective_at", "digest", "size", "encoding", "parts", "snapshot"})
_PAYLOAD_FIELDS = frozenset({"digest", "size", "encoding", "parts"})


def _bad(reason: str, code: str = "bad-manifest") -> MessageRejected:
    return MessageRejected(code, reason, what=_WHAT)


@dataclass(frozen=True, slots=True)
class PartRef:
    name: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class Encoded:
    """One update on the wire: the digest of its JSON and the compressed parts that carry it."""

    digest: str
    size: int
    encoding: str
    parts: tuple[PartRef, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"digest": self.digest, "size": self.size, "encoding": self.encoding,
                "parts": [{"name": p.name, "sha256": p.sha256, "size": p.size}
                          for p in self.parts]}


@dataclass(frozen=True, slots=True)
class Manifest:
    store: str
    kiosk: str | None
    version: str
    kind: str
    base: str | None
    issued_at: datetime
    effective_at: datetime | None
    update: Encoded  # what ``kind`` names: the full snapshot or the delta
    snapshot: Encoded | None = None  # a delta's fallback: the full snapshot of ``version``

    @property
    def full(self) -> Encoded:
        """The full snapshot of this version, whatever the kind."""
        return self.update if self.kind == FULL else self.snapshot or self.update

    def describe(self) -> str:
        base = f" on base {self.base}" if self.base else ""
        return f"{self.kind} version {self.version}{base} issued {utc_text(self.issued_at)}"

    def to_body(self) -> dict[str, Any]:
        return {"type": MANIFEST_TYPE, "schema": SCHEMA, "store": self.store,
                "kiosk": self.kiosk, "version": self.version, "kind": self.kind,
                "base": self.base, "issued_at": utc_text(self.issued_at),
                "effective_at": utc_text(self.effective_at) if self.effective_at else None,
                **self.update.to_dict(),
                "snapshot": self.snapshot.to_dict() if self.snapshot else None}


# -- reading ------------------------------------------------------------------------------------

def check_level(value: Any, field: str) -> str:
    """Versions and part names become topic levels: nothing that widens a filter or a path."""
    if not isinstance(value, str) or not _LEVEL.match(value):
        raise _bad(f"{field} {str(value)[:40]!r} is not 1-64 letters, digits or . _ : ~ = -")
    return value


def _parts(items: Any) -> tuple[PartRef, ...]:
    if not isinstance(items, list) or not items:
        raise _bad("parts must be a non-empty list")
    if len(items) > MAX_PARTS:
        raise _bad(f"it lists {len(items)} parts, more than the {MAX_PARTS} allowed")
    refs: list[PartRef] = []
    for number, item in enumerate(items):
        if not isinstance(item, dict) or set(item) != {"name", "sha256", "size"}:
            raise _bad(f"parts[{number}] is not an object with name, sha256 and size")
        name, digest, size = item["name"], item["sha256"], item["size"]
        check_level(name, f"parts[{number}].name")
        if not isinstance(digest, str) or not _HEX64.match(digest):
            raise _bad(f"parts[{number}].sha256 is not 64 lowercase hex characters")
        if type(size) is not int or not 0 < size <= MAX_PART_BYTES:
            raise _bad(f"parts[{number}].size must be 1 to {MAX_PART_BYTES} bytes")
        refs.append(PartRef(name, digest, size))
    if len({ref.name for ref in refs}) != len(refs):
        raise _bad("a part name is listed twice")
    return tuple(refs)


def _encoded(data: Mapping[str, Any], where: str) -> Encoded:
    digest, size, encoding = data.get("digest"), data.get("size"), data.get("encoding")
    if not (isinstance(digest, str) and digest.startswith(DIGEST_PREFIX)
            and _HEX64.match(digest[len(DIGEST_PREFIX):])):
        raise _bad(f"{where}digest is not 'sha256:' and 64 lowercase hex characters")
    if type(size) is not int or not 0 < size <= MAX_UPDATE_BYTES:
        raise _bad(f"{where}size must be 1 to {MAX_UPDATE_BYTES} bytes")
    if not isinstance(encoding, str) or encoding not in ENCODINGS:
        raise _bad(f"{where}encoding {str(encoding)[:20]!r} is not one of "
                   f"{', '.join(ENCODINGS)}")
    return Encoded(digest, size, encoding, _parts(data.get("parts")))


def _snapshot(value: Any, kind: str) -> Encoded | None:
    if kind == FULL:
        if value is not None:
            raise _bad("a full update carries no separate snapshot")
        return None
    if not isinstance(value, dict) or set(value) != _PAYLOAD_FIELDS:
        raise _bad("a delta must name its version's full snapshot (digest, size, encoding, "
                   "parts) for kiosks that are not on its base")
    return _encoded(value, "snapshot.")


def _optional_time(data: Mapping[str, Any], field: str) -> datetime | None:
    value = data.get(field)
    return None if value is None else parse_time(value, field, _WHAT)


def parse_manifest(body: Any) -> Manifest:
    """A verified envelope's body -> :class:`Manifest`, or :class:`MessageRejected` saying why."""
    if not isinstance(body, dict):
        raise _bad("the manifest is not a JSON object")
    require_schema(body, expected=SCHEMA, what=_WHAT)
    unknown = sorted(str(key) for key in body if key not in _FIELDS)
    if unknown:
        raise _bad(f"unknown field {unknown[0][:40]!r}")
    require_fields(body, {"type": str, "store": str, "kiosk": (str, type(None)), "version": str,
                          "kind": str, "base": (str, type(None)), "issued_at": str,
                          "effective_at": (str, type(None))}, what=_WHAT)
    if body["type"] != MANIFEST_TYPE:
        raise _bad(f"it is a {body['type'][:40]!r}, not a {MANIFEST_TYPE}", "wrong-type")
    kind = body["kind"]
    if kind not in UPDATE_KIND:
        raise _bad(f"kind {kind[:20]!r} is neither 'full' nor 'delta'")
    version = check_level(body["version"], "version")
    base = None if body["base"] is None else check_level(body["base"], "base")
    if (kind == DELTA) != (base is not None):
        raise _bad("a delta needs a base version and a full update has none")
    if base == version:
        raise _bad("a delta's base equals its version")
    return Manifest(store=body["store"], kiosk=body["kiosk"], version=version, kind=kind,
                    base=base, issued_at=parse_time(body["issued_at"], "issued_at", _WHAT),
                    effective_at=_optional_time(body, "effective_at"),
                    update=_encoded(body, ""), snapshot=_snapshot(body.get("snapshot"), kind))


def check_addressee(manifest: Manifest, store: str, kiosk: str | None) -> Manifest:
    """The topic it came on must be the one it was signed for (``kiosk`` None: the store's)."""
    if manifest.store != store:
        raise _bad(f"it was signed for store {manifest.store[:40]!r}, not {store!r}",
                   "wrong-addressee")
    if manifest.kiosk != kiosk:
        meant = f"kiosk {manifest.kiosk!r}" if manifest.kiosk else "the whole store"
        here = f"kiosk {kiosk!r}'s topic" if kiosk else "the store topic"
        raise _bad(f"it was signed for {meant} but came on {here}", "wrong-addressee")
    return manifest


# -- parts ------------------------------------------------------------------------------------

def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_part(encoded: Encoded, name: str, data: bytes) -> None:
    """One received part against the manifest: its size and SHA-256."""
    ref = next((p for p in encoded.parts if p.name == name), None)
    if ref is None:
        raise _bad(f"part {name!r} is not in the manifest", "bad-digest")
    if len(data) != ref.size or _sha256(data) != ref.sha256:
        raise _bad(f"part {name!r} does not match its digest in the signed manifest "
                   f"({len(data)} bytes, expected {ref.size})", "bad-digest")


def _inflate(encoded: Encoded, parts: Mapping[str, bytes]) -> bytes:
    inflater = zlib.decompressobj(ENCODINGS[encoded.encoding])
    chunks: list[bytes] = []
    total = 0
    try:
        for ref in encoded.parts:
            chunk = inflater.decompress(parts[ref.name], encoded.size + 1 - total)
            total += len(chunk)
            chunks.append(chunk)
            if total > encoded.size or inflater.unconsumed_tail:
                raise _bad(f"the update inflates to more than the {encoded.size} bytes its "
                           "manifest announced", "bad-digest")
        chunks.append(inflater.flush())
    except zlib.error as exc:
        raise _bad(f"the parts do not decompress ({exc})", "bad-digest") from None
    if not inflater.eof:
        raise _bad("the compressed update ends early", "bad-digest")
    return b"".join(chunks)


def assemble(encoded: Encoded, parts: Mapping[str, bytes]) -> dict[str, Any]:
    """Verified parts (see :func:`check_part`) -> the update dict, checked against ``digest``."""
    missing = [p.name for p in encoded.parts if p.name not in parts]
    if missing:
        raise _bad(f"parts {', '.join(missing)} are missing", "missing-parts")
    for ref in encoded.parts:
        check_part(encoded, ref.name, parts[ref.name])
    raw = _inflate(encoded, parts)
    if len(raw) != encoded.size or DIGEST_PREFIX + _sha256(raw) != encoded.digest:
        raise _bad("the assembled update does not match the digest in the signed manifest",
                   "bad-digest")
    try:
        update = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise _bad(f"the assembled update is not JSON ({str(exc)[:60]})", "bad-update") from None
    if not isinstance(update, dict):
        raise _bad("the assembled update is not a JSON object", "bad-update")
    return update


def check_update_matches(manifest: Manifest, update: Mapping[str, Any], *, full: bool) -> None:
    """The update must be what the signed manifest says it is: kind, version and base."""
    kind = "snapshot" if full else UPDATE_KIND[manifest.kind]
    base = None if full else manifest.base
    found = (update.get("kind"), update.get("version"), update.get("base"))
    if found != (kind, manifest.version, base):
        raise _bad(f"the parts hold {found[0]!r} version {found[1]!r} on base {found[2]!r}, "
                   f"but the manifest announced {kind} {manifest.version!r}"
                   + (f" on base {base!r}" if base else ""), "bad-update")


# -- writing (the fleet side) -------------------------------------------------------------------

def encode_update(update: Mapping[str, Any], prefix: str, *, encoding: str = "zlib",
                  part_bytes: int = DEFAULT_PART_BYTES) -> tuple[Encoded, dict[str, bytes]]:
    """An update dict -> its :class:`Encoded` description and the part bytes by part name."""
    if encoding not in ENCODINGS or not 1 <= part_bytes <= MAX_PART_BYTES:
        raise ValueError(f"encoding {encoding!r} / part size {part_bytes} not supported")
    raw = json.dumps(update, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if len(raw) > MAX_UPDATE_BYTES:
        raise ValueError(f"the update is {len(raw)} bytes; kiosks accept {MAX_UPDATE_BYTES}")
    deflater = zlib.compressobj(6, zlib.DEFLATED, ENCODINGS[encoding])
    stream = deflater.compress(raw) + deflater.flush()
    chunks = [stream[at:at + part_bytes] for at in range(0, len(stream), part_bytes)]
    if len(chunks) > MAX_PARTS:
        raise ValueError(f"{len(chunks)} parts; raise part_bytes (kiosks accept {MAX_PARTS})")
    parts = {f"{prefix}-{n:03d}": chunk for n, chunk in enumerate(chunks)}
    refs = tuple(PartRef(name, _sha256(data), len(data)) for name, data in parts.items())
    return Encoded(DIGEST_PREFIX + _sha256(raw), len(raw), encoding, refs), parts
