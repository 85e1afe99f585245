"""A pushed staff file on the kiosk: verified, written, reloaded and acknowledged, or refused.

The fleet retains a signed staff file per store (:mod:`kiosk.sync.staff_push`). When one
arrives, the MQTT thread only hands it to the journal writer's thread, where it is judged and
applied in order with the kiosk's records:

1. the signature, by a fleet key this kiosk trusts now (the same :class:`TrustedKeys` the
   catalogue and commands use, so a key rotation applies to all three), the addressee, the
   digest, and every member as the kiosk's own start-up would check them (its roles);
2. newer than the file in use (a replay of an older file is refused; the same file again,
   as the broker resends its retained message at every reconnect, is simply nothing new);
3. written over ``staff.file`` atomically (:mod:`kiosk.store.atomic`): a power cut leaves the
   old file or the new one, never half of each;
4. read back from disk and handed to the kiosk (``on_change``), so what the PIN pad checks
   is what the disk holds;
5. answered on ``.../events`` through the journal: ``staff-file-applied`` with its digest, or
   ``staff-file-rejected`` with the reason. A refused file changes nothing: the old staff
   keep signing in.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.clock import Clock, utc_now
from kiosk.core.staff import Roles, StaffError, StaffMember, parse_staff_file
from kiosk.store.atomic import atomic_write_bytes
from kiosk.store.journal import Journal
from kiosk.store.writer import JournalWriter
from kiosk.sync import staff_push as sp
from kiosk.sync.link import Incoming, MqttLink
from kiosk.sync.messages import MessageRejected, utc_text
from kiosk.sync.signing import SignatureError

log = logging.getLogger(__name__)


def _refused(code: str, reason: str) -> MessageRejected:
    return MessageRejected(code, reason, what=sp.WHAT)


class StaffSync:
    """See the module docstring. Registers its handler on ``link`` when built."""

    def __init__(self, *, link: MqttLink, writer: JournalWriter, store: str, roles: Roles,
                 path: Path, trusted: Callable[[], Mapping[str, Ed25519PublicKey]],
                 on_change: Callable[[dict[str, StaffMember]], None], clock: Clock = utc_now,
                 kick: Callable[[], None] | None = None) -> None:
        self.writer = writer
        self.store = store
        self.roles = roles
        self.path = path
        self._trusted = trusted
        self._on_change = on_change
        self._clock = clock
        self._kick = kick
        self.current = self._mark_on_disk()
        link.add_handler(link.topics.store_staff, self._on_message)

    def _mark_on_disk(self) -> tuple[datetime, str] | None:
        try:
            return sp.read_mark(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return None  # no file, or one the start-up already refused: any push is newer

    # -- network thread: hand over only ---------------------------------------------------------
    def _on_message(self, message: Incoming) -> None:
        if not message.payload:
            return  # the fleet cleared the retained file: the kiosk keeps the one it has
        future = self.writer.submit(self.receive, message.payload)
        future.add_done_callback(self._done)

    def _done(self, future: Future[Any]) -> None:
        error = future.exception()
        if error is not None:
            log.error("staff file: could not record the answer to a push: %s", error)
        elif self._kick is not None:
            self._kick()

    # -- the writer's thread --------------------------------------------------------------------
    def receive(self, journal: Journal, payload: bytes) -> str:
        """Judge, apply and answer one push; ``applied``, ``rejected`` or ``unchanged``."""
        at = self._clock()
        try:
            push = self._judge(payload)
            if push is None:
                return "unchanged"
            members = self._apply(push)
        except MessageRejected as exc:
            log.warning("staff file push refused (%s): %s", exc.code, exc.reason)
            self._answer(journal, at, sp.REJECTED, {"code": exc.code, "reason": exc.reason})
            return "rejected"
        self.current = (push.issued_at, push.digest)
        self._on_change(members)
        log.info("staff file %s issued %s applied: %d members", push.digest[:19],
                 utc_text(push.issued_at), len(members))
        self._answer(journal, at, sp.APPLIED, {"digest": push.digest, "members": len(members),
                                               "issued_at": utc_text(push.issued_at)})
        return "applied"

    def _judge(self, payload: bytes) -> sp.StaffPush | None:
        try:
            push = sp.read_push(payload, self._trusted(), store=self.store, roles=self.roles)
        except SignatureError as exc:
            raise _refused("signature", exc.reason) from None
        current = self.current
        if current is not None and (push.issued_at, push.digest) == current:
            return None
        if current is not None and push.issued_at <= current[0]:
            raise _refused("replayed", f"it was issued at {utc_text(push.issued_at)}, not after "
                          f"the staff file in use ({utc_text(current[0])})")
        return push

    def _apply(self, push: sp.StaffPush) -> dict[str, StaffMember]:
        """Write the file atomically, then read it back as the kiosk's start-up would."""
        try:
            atomic_write_bytes(self.path, sp.file_bytes(push), tag="staff")
            members = parse_staff_file(json.loads(self.path.read_text(encoding="utf-8")),
                                       self.roles)
        except OSError as exc:
            raise _refused("storage", f"cannot write the staff file {self.path}: "
                          f"{exc.strerror or exc}") from None
        except (ValueError, StaffError) as exc:  # only if the disk gave back something else
            raise _refused("storage", f"the staff file {self.path} did not read back: {exc}") \
                from None
        return members

    def _answer(self, journal: Journal, at: datetime, kind: str, detail: dict[str, Any]) -> None:
        record_id = f"event:{kind}:{utc_text(at)}:{secrets.token_hex(4)}"
        journal.commit("event", record_id, {"kind": kind, **detail}, at=at)
