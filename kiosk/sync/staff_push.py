"""The staff file as the fleet pushes it: a signed, retained message per store. Pure.

Staff come and go, and PINs change; the fleet manager replaces a store's staff file on every
kiosk at once with ``kiosk-fleet push-staff FILE`` instead of visiting each. The message is
retained on ``kiosk/v1/{store}/staff`` (:func:`kiosk.sync.topics.store_staff`), so a kiosk
that was off gets it when it connects, and signed with the fleet key exactly like catalogue
manifests and commands (:mod:`kiosk.sync.signing`, keys from :mod:`kiosk.sync.trust`). Body,
schema 1::

    {"type": "staff_file", "schema": 1, "store": S, "issued_at": T,
     "digest": "sha256:<hex of the canonical JSON of {"staff": [...]}>",
     "staff": [{"id", "name", "role", "pin": "scrypt$..."}, ...]}

- ``store`` binds the signature to its addressee, so a file signed for one store and replayed
  on another's topic is refused.
- ``issued_at`` orders pushes: a kiosk refuses one issued before the file it runs (a replayed
  old file would bring back a PIN the store revoked). It is kept in the staff file itself
  (``pushed``), so the order survives a restart with no second file to keep in step.
- The staff list is checked as the kiosk checks its own file (:func:`kiosk.core.staff.
  parse_staff_file`: ids, roles of this kiosk's configuration, scrypt hashes only). The PINs
  travel as salted scrypt hashes, never in clear; the broker's ACL lets only that store's
  kiosks and the fleet read the topic.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.core.staff import Roles, StaffError, StaffMember, parse_staff_file
from kiosk.store.chain import canonical_json
from kiosk.sync.manifest import DIGEST_PREFIX
from kiosk.sync.messages import (
    MessageRejected,
    parse_time,
    parse_uplink,
    require_fields,
    require_schema,
    utc_text,
)
from kiosk.sync.signing import open_message

TYPE = "staff_file"
SCHEMA = 1
WHAT = "staff file"
APPLIED = "staff-file-applied"  # the kiosk's answers, as alerts on .../events
REJECTED = "staff-file-rejected"


@dataclass(frozen=True, slots=True)
class StaffPush:
    """A verified push: its identity and the members it holds (already checked)."""

    store: str
    issued_at: datetime
    digest: str
    entries: tuple[Mapping[str, Any], ...]
    members: Mapping[str, StaffMember]
    key_id: str = ""

    @property
    def mark(self) -> dict[str, str]:
        """What the kiosk keeps of it in the staff file, to refuse older pushes later."""
        return {"issued_at": utc_text(self.issued_at), "digest": self.digest,
                "key_id": self.key_id}


def staff_digest(entries: Sequence[Any]) -> str:
    """Of the canonical JSON of ``{"staff": entries}``, the file as the kiosk reads it."""
    text = canonical_json({"staff": list(entries)})
    return DIGEST_PREFIX + hashlib.sha256(text.encode()).hexdigest()


def staff_entries(data: Any) -> list[Any]:
    """The list of a staff file as people write it: ``{"staff": [...]}``."""
    entries = data.get("staff") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise StaffError("the staff file has no 'staff' list",
                         'it must look like {"staff": [{"id": ..., "role": ..., "pin": ...}]}')
    return entries


def push_body(entries: Sequence[Any], store: str, issued_at: datetime) -> dict[str, Any]:
    """The body the fleet signs (:func:`kiosk.sync.signing.sign_message`) for one store."""
    return {"type": TYPE, "schema": SCHEMA, "store": store, "issued_at": utc_text(issued_at),
            "digest": staff_digest(entries), "staff": list(entries)}


def read_push(payload: bytes, trusted: Mapping[str, Ed25519PublicKey], *, store: str,
              roles: Roles) -> StaffPush:
    """A retained message -> a verified :class:`StaffPush`; SignatureError or
    MessageRejected (``code``, ``reason``) saying why not. Nothing is applied here."""
    body = open_message(payload, trusted)
    envelope = json.loads(payload)  # open_message parsed it already: the key id is there
    require_schema(body, expected=SCHEMA, what=WHAT)
    require_fields(body, {"type": str, "store": str, "issued_at": str, "digest": str,
                          "staff": list}, what=WHAT)
    if body["type"] != TYPE:
        raise MessageRejected("wrong-type", f"a signed {body['type'][:40]!r} is not a staff "
                              "file", what=WHAT)
    if body["store"] != store:
        raise MessageRejected("wrong-addressee", f"it was signed for store "
                              f"{body['store'][:40]!r}, not {store!r}", what=WHAT)
    issued = parse_time(body["issued_at"], "issued_at", WHAT)
    entries = body["staff"]
    if staff_digest(entries) != body["digest"]:
        raise MessageRejected("bad-digest", "the staff list does not match its digest",
                              what=WHAT)
    try:
        members = parse_staff_file({"staff": entries}, roles)
    except StaffError as exc:
        raise MessageRejected("bad-staff-file", exc.message, what=WHAT) from None
    return StaffPush(store, issued, body["digest"], tuple(entries), members,
                     str(envelope.get("key_id", "")))


def read_mark(data: Any) -> tuple[datetime, str] | None:
    """The ``pushed`` mark of a staff file written by a push: (issued_at, digest), or None
    for a file store IT wrote by hand (any valid push then replaces it)."""
    mark = data.get("pushed") if isinstance(data, dict) else None
    if not isinstance(mark, dict) or not isinstance(mark.get("digest"), str):
        return None
    try:
        return parse_time(mark.get("issued_at"), "issued_at", WHAT), mark["digest"]
    except MessageRejected:
        return None


def file_bytes(push: StaffPush) -> bytes:
    """The staff file a push becomes on the kiosk: what :func:`parse_staff_file` reads, plus
    the mark."""
    data = {"schema": SCHEMA, "pushed": push.mark, "staff": list(push.entries)}
    return (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


@dataclass(frozen=True, slots=True)
class StaffAck:
    """A kiosk's answer to a push, as the fleet reads it on ``.../events``."""

    store: str
    kiosk: str
    applied: bool
    digest: str
    reason: str


def parse_ack(payload: bytes) -> StaffAck | None:
    """An uplink event that answers a staff push, or None for any other event."""
    data = parse_uplink(payload)
    body = data.get("payload")
    if data.get("kind") != "event" or not isinstance(body, dict) \
            or body.get("kind") not in (APPLIED, REJECTED):
        return None
    return StaffAck(data["store"], data["kiosk"], body["kind"] == APPLIED,
                    str(body.get("digest", "")), str(body.get("reason", "")))
