"""Signed fleet commands on ``kiosk/v1/{store}/{kiosk}/cmd``: lock, unlock, reload catalogue,
request status, and fleet key rotation (add a key, retire one).

A command is applied only if every check passes, in this order: size and JSON shape, the
Ed25519 signature by a key the kiosk trusts now (:mod:`kiosk.sync.trust`), the body's schema
and fields, that it is addressed to this very store and kiosk (a command signed for another
kiosk and replayed here is refused), that it is not issued in the future, not expired and not
valid for longer than the kiosk allows, and that its nonce was never used before
(:mod:`kiosk.sync.nonces`, written durably before the command is applied). Whatever fails is
logged, reported as an event on ``.../events`` with its reason, and never applied; what passes
is reported too, so the fleet sees every outcome.

Lock and unlock become session events posted to the kiosk's event loop (the session decides
what locking means mid-sale); a status request and a catalogue reload are shell actions.

Command body (inside the signed envelope of :mod:`kiosk.sync.signing`), schema 1::

    {"type": "command", "schema": 1, "command": "lock", "store": S, "kiosk": K,
     "nonce": "<16-64 letters, digits, - or _>", "issued_at": T, "expires_at": T,
     "args": {...}}

``args``: lock ``{"reason": str}`` (optional), add-key ``{"public_key": hex or PEM}``,
retire-key ``{"key_id": id}``, the others ``{}``.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from kiosk.clock import Clock, utc_now
from kiosk.core.events import KioskLocked, KioskUnlocked
from kiosk.errors import KioskError
from kiosk.sync.link import Incoming
from kiosk.sync.messages import (
    MessageRejected,
    parse_time,
    require_fields,
    require_schema,
    utc_text,
)
from kiosk.sync.nonces import NonceStore
from kiosk.sync.signing import SignatureError, open_message
from kiosk.sync.topics import KioskTopics
from kiosk.sync.trust import KeyRotationError, TrustedKeys

log = logging.getLogger(__name__)

LOCK, UNLOCK, RELOAD, STATUS = "lock", "unlock", "reload-catalogue", "request-status"
ADD_KEY, RETIRE_KEY = "add-key", "retire-key"
COMMANDS = (LOCK, UNLOCK, RELOAD, STATUS, ADD_KEY, RETIRE_KEY)
_ARGS: dict[str, dict[str, type]] = {ADD_KEY: {"public_key": str}, RETIRE_KEY: {"key_id": str}}
_NONCE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_COMMAND_BYTES = 16 * 1024
WHAT = "command"


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    nonce: str
    issued_at: datetime
    expires_at: datetime
    args: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CommandPolicy:
    """How much clock difference and lifetime a command may have."""

    max_lifetime: timedelta = timedelta(hours=24)
    clock_skew: timedelta = timedelta(minutes=5)


def command_body(name: str, store: str, kiosk: str, *, now: datetime,
                 ttl: timedelta = timedelta(minutes=10), args: Mapping[str, Any] | None = None,
                 nonce: str | None = None) -> dict[str, Any]:
    """The body the fleet signs (``kiosk.sync.signing.sign_message``) to command one kiosk."""
    return {"type": "command", "schema": 1, "command": name, "store": store, "kiosk": kiosk,
            "nonce": nonce or secrets.token_urlsafe(18), "issued_at": utc_text(now),
            "expires_at": utc_text(now + ttl), "args": dict(args or {})}


def parse_command(body: Mapping[str, Any], *, store: str, kiosk: str, now: datetime,
                  policy: CommandPolicy = CommandPolicy()) -> Command:
    """A verified body -> a Command that may be applied now, or :class:`MessageRejected`."""
    require_schema(body, what=WHAT)
    require_fields(body, {"type": str, "command": str, "store": str, "kiosk": str,
                          "nonce": str, "issued_at": str, "expires_at": str, "args": dict},
                   what=WHAT)
    if body["type"] != "command":
        raise MessageRejected("wrong-type", f"a signed {str(body['type'])[:40]!r} is not a "
                              "command", what=WHAT)
    name = body["command"]
    if name not in COMMANDS:
        raise MessageRejected("unknown-command", f"{name[:40]!r} is not one of "
                              f"{', '.join(COMMANDS)}", what=WHAT)
    if (body["store"], body["kiosk"]) != (store, kiosk):
        raise MessageRejected("wrong-kiosk", f"it is addressed to {body['store'][:40]}/"
                              f"{body['kiosk'][:40]}, not {store}/{kiosk}", what=WHAT)
    if not _NONCE.match(body["nonce"]):
        raise MessageRejected("bad-field", "the nonce must be 16-64 letters, digits, - or _",
                              what=WHAT)
    issued = parse_time(body["issued_at"], "issued_at", WHAT)
    expires = parse_time(body["expires_at"], "expires_at", WHAT)
    _check_times(issued, expires, now, policy)
    require_fields(body["args"], _ARGS.get(name, {}), what=f"{name} command")
    return Command(name, body["nonce"], issued, expires, dict(body["args"]))


def _check_times(issued: datetime, expires: datetime, now: datetime,
                 policy: CommandPolicy) -> None:
    if issued > now + policy.clock_skew:
        raise MessageRejected("not-yet-valid", f"it was issued at {utc_text(issued)}, in the "
                              f"future (kiosk time {utc_text(now)})", what=WHAT)
    if expires <= now:
        raise MessageRejected("expired", f"it expired at {utc_text(expires)} (kiosk time "
                              f"{utc_text(now)})", what=WHAT)
    if expires <= issued or expires - issued > policy.max_lifetime:
        raise MessageRejected("bad-lifetime", "its validity must be positive and at most "
                              f"{policy.max_lifetime}", what=WHAT)


class CommandTarget(Protocol):
    """What commands act on: the event loop and the link (or a test's stand-in)."""

    def post(self, event: object) -> None: ...
    def publish_status(self) -> None: ...
    def reload_catalogue(self) -> None: ...


Report = Callable[[str, Mapping[str, Any]], None]
"""``report(kind, detail)``: an alert for ``.../events`` (the kiosk journals it first)."""


@dataclass(frozen=True, slots=True)
class CommandOutcome:
    applied: bool
    command: str | None
    reason: str = ""
    code: str = ""


class CommandHandler:
    """Judges and applies what arrives on the kiosk's ``cmd`` topic; a link handler."""

    def __init__(self, topics: KioskTopics, trusted: TrustedKeys, nonces: NonceStore,
                 target: CommandTarget, report: Report, *, clock: Clock = utc_now,
                 policy: CommandPolicy = CommandPolicy()) -> None:
        self.topics = topics
        self.trusted = trusted
        self.nonces = nonces
        self.target = target
        self.report = report
        self.clock = clock
        self.policy = policy

    def __call__(self, incoming: Incoming) -> CommandOutcome:
        now = self.clock()
        name: str | None = None
        try:
            if len(incoming.payload) > MAX_COMMAND_BYTES:
                raise MessageRejected("too-large", f"it is {len(incoming.payload)} bytes, more "
                                      f"than the {MAX_COMMAND_BYTES} allowed", what=WHAT)
            body = open_message(incoming.payload, self.trusted.current(),
                                max_bytes=MAX_COMMAND_BYTES)
            name = body.get("command") if isinstance(body.get("command"), str) else None
            command = parse_command(body, store=self.topics.store, kiosk=self.topics.kiosk,
                                    now=now, policy=self.policy)
            if not self.nonces.use(command.nonce, command.expires_at, now):
                raise MessageRejected("replayed", f"nonce {command.nonce} was already used",
                                      what=WHAT)
            detail = self._apply(command, now)
        except SignatureError as exc:
            return self._rejected(incoming, name, "signature", exc.reason)
        except MessageRejected as exc:
            return self._rejected(incoming, name, exc.code, exc.reason)
        except KeyRotationError as exc:
            return self._rejected(incoming, name, "key-rotation", exc.why or exc.what)
        except OSError as exc:  # the nonce could not be stored: refusing is the safe side
            return self._rejected(incoming, name, "storage", f"cannot record the nonce: {exc}")
        log.info("command %s applied (nonce %s)", command.name, command.nonce)
        self.report("command-applied", {"command": command.name, "nonce": command.nonce,
                                        **detail})
        return CommandOutcome(True, command.name)

    def _apply(self, command: Command, now: datetime) -> dict[str, str]:
        args = command.args
        if command.name == LOCK:
            reason = args.get("reason")
            self.target.post(KioskLocked(at=now, by="fleet",
                                         reason=reason if isinstance(reason, str) else ""))
        elif command.name == UNLOCK:
            self.target.post(KioskUnlocked(at=now, by="fleet"))
        elif command.name == STATUS:
            self.target.publish_status()
        elif command.name == RELOAD:
            self.target.reload_catalogue()
        elif command.name == ADD_KEY:
            return {"key_id": self.trusted.add(args["public_key"])}
        elif command.name == RETIRE_KEY:
            self.trusted.retire(args["key_id"])
            return {"key_id": args["key_id"]}
        return {}

    def _rejected(self, incoming: Incoming, name: str | None, code: str,
                  reason: str) -> CommandOutcome:
        digest = hashlib.sha256(incoming.payload).hexdigest()[:16]
        log.warning("command rejected (%s): %s [payload sha256 %s]", code, reason, digest)
        detail: dict[str, Any] = {"code": code, "reason": reason, "topic": incoming.topic,
                                  "payload_sha256": digest}
        if name is not None:
            detail["command"] = name[:40]
        try:
            self.report("command-rejected", detail)
        except KioskError as exc:
            log.error("could not report the rejected command: %s", exc)
        return CommandOutcome(False, name, reason, code)
