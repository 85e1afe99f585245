"""MQTT payloads: the JSON envelope of everything the kiosk sends, and the checks on what it gets.

Pure functions, bytes in and values out. Every uplink payload is canonical JSON (sorted keys,
compact, UTF-8) carrying ``schema`` so the central side can evolve the format without guessing,
and identifying its kiosk, so a message read from a bridge, a shared subscription or a dump file
still says where it came from.

Downlink payloads come from the network and are judged before anything reads them: too big,
not UTF-8, not JSON, not an object, a schema we do not speak, a missing or mistyped field. Each
is a :class:`MessageRejected` whose ``code`` a program can count and whose text a person can
read; nothing downstream ever sees a payload that failed here.

Uplink envelope of an outbox message (topic ``kiosk/v1/{store}/{kiosk}/{sales|stock|events|
catalogue/ack}``): the journal's own message (``schema``, ``type``, ``record_id``, ``seq``,
``created_at`` and, for records, ``kind``/``payload``/``prev_hash``/``hash``/``stock``, see
:mod:`kiosk.store.outbox`) plus ``store``, ``kiosk``, ``outbox_id`` and ``msg_id``
(``{store}/{kiosk}/{outbox_id}``): ``msg_id`` is the same on every redelivery, so the central
side deduplicates on it; ``seq`` is the journal's gap-free record sequence.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kiosk.errors import KioskError
from kiosk.store.outbox import OUTBOX_SCHEMA, OutboxMessage

SCHEMA = OUTBOX_SCHEMA  # the uplink envelope is the outbox message plus identity
MAX_DOWNLINK_BYTES = 64 * 1024  # commands and manifests are small; parts have their own limit


class MessageRejected(KioskError, ValueError):  # noqa: N818 - names what befell the message
    """A payload that will not be used. ``code`` is short and stable (for counts and events),
    ``reason`` the human sentence that goes into the log and the rejection event."""

    def __init__(self, code: str, reason: str, *, what: str = "message") -> None:
        self.code = code
        self.reason = reason
        super().__init__(f"rejected {what}", reason)


def encode(data: Mapping[str, Any]) -> bytes:
    """Canonical JSON: the bytes depend only on the content (stable for signatures and tests)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def utc_text(at: datetime) -> str:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"an aware UTC datetime is needed, got {at!r}")
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(value: object, field: str, what: str) -> datetime:
    if not isinstance(value, str):
        raise MessageRejected("bad-field", f"{field} must be an ISO 8601 time text", what=what)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise MessageRejected("bad-field", f"{field} {value[:40]!r} is not an ISO 8601 time",
                              what=what) from None
    if parsed.tzinfo is None:
        raise MessageRejected("bad-field", f"{field} {value[:40]!r} has no time zone", what=what)
    return parsed.astimezone(UTC)


# -- downlink -----------------------------------------------------------------------------------

def decode_json(payload: bytes, *, max_bytes: int = MAX_DOWNLINK_BYTES,
                what: str = "message") -> dict[str, Any]:
    """The payload as a JSON object, or a rejection saying which rule it broke."""
    if not isinstance(payload, bytes | bytearray):
        raise MessageRejected("not-bytes", "the payload is not bytes", what=what)
    if len(payload) > max_bytes:
        raise MessageRejected("too-large", f"it is {len(payload)} bytes, more than the "
                              f"{max_bytes} allowed", what=what)
    if not payload:
        raise MessageRejected("empty", "the payload is empty", what=what)
    try:
        text = bytes(payload).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MessageRejected("not-utf8", f"it is not UTF-8 text (byte {exc.start})",
                              what=what) from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise MessageRejected("not-json", f"it is not JSON ({str(exc)[:80]})", what=what) from None
    if not isinstance(data, dict):
        raise MessageRejected("not-object", f"it is a JSON {type(data).__name__}, not an object",
                              what=what)
    return data


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed")


def require_schema(data: Mapping[str, Any], *, expected: int = SCHEMA,
                   what: str = "message") -> None:
    version = data.get("schema")
    if "schema" not in data:
        raise MessageRejected("missing-field", "it has no schema version", what=what)
    if type(version) is not int or version != expected:
        raise MessageRejected("schema", f"schema version {str(version)[:20]!r} is not "
                              f"{expected}, the one this kiosk speaks", what=what)


FieldSpec = Mapping[str, type | tuple[type, ...]]


def require_fields(data: Mapping[str, Any], spec: FieldSpec, *, what: str = "message") -> None:
    """Each named field present with the right JSON type (a bool is never taken for an int)."""
    for name, kinds in spec.items():
        if name not in data:
            raise MessageRejected("missing-field", f"the field {name!r} is missing", what=what)
        value = data[name]
        allowed = kinds if isinstance(kinds, tuple) else (kinds,)
        if isinstance(value, bool) and bool not in allowed:
            ok = False
        else:
            ok = isinstance(value, allowed)
        if not ok:
            names = " or ".join(k.__name__ for k in allowed)
            raise MessageRejected("bad-field", f"the field {name!r} must be {names}, not "
                                  f"{type(value).__name__}", what=what)


# -- uplink -------------------------------------------------------------------------------------

def message_id(store: str, kiosk: str, outbox_id: int) -> str:
    return f"{store}/{kiosk}/{outbox_id}"


def outbox_payload(message: OutboxMessage, store: str, kiosk: str) -> bytes:
    """The bytes published for one outbox row: the journal's message plus who and which id."""
    data = json.loads(message.payload)
    data.update(store=store, kiosk=kiosk, outbox_id=message.id,
                msg_id=message_id(store, kiosk, message.id))
    return encode(data)


@dataclass(frozen=True, slots=True)
class Status:
    """What the retained status says about a kiosk; the last will is the same with online off."""

    online: bool
    app_version: str
    catalogue_version: str | None
    health: Mapping[str, Mapping[str, Any]]
    locked: bool = False
    outbox_blocked: str = ""  # why delivery is held up (kiosk.sync.delivery), "" when it flows


def status_payload(status: Status, store: str, kiosk: str, at: datetime) -> bytes:
    return encode({
        "schema": SCHEMA, "type": "status", "store": store, "kiosk": kiosk,
        "online": status.online, "app_version": status.app_version,
        "catalogue_version": status.catalogue_version, "locked": status.locked,
        "health": {name: dict(value) for name, value in status.health.items()},
        "outbox_blocked": status.outbox_blocked, "at": utc_text(at),
    })


def offline_payload(store: str, kiosk: str, app_version: str) -> bytes:
    """The last will: set once at connect, so it cannot carry the time of the failure."""
    return encode({"schema": SCHEMA, "type": "status", "store": store, "kiosk": kiosk,
                   "online": False, "app_version": app_version, "reason": "connection lost"})


def parse_uplink(payload: bytes, *, max_bytes: int = 4 * 1024 * 1024) -> dict[str, Any]:
    """For central consumers: an uplink message checked for envelope and identity fields."""
    data = decode_json(payload, max_bytes=max_bytes, what="uplink message")
    require_schema(data, what="uplink message")
    require_fields(data, {"type": str, "store": str, "kiosk": str}, what="uplink message")
    if data["type"] != "status":
        require_fields(data, {"msg_id": str, "record_id": str, "seq": int},
                       what="uplink message")
    return data
