"""``kiosk-fleet push-staff FILE``: sign a staff file and retain it for one store or several.

The file is the kiosk's own staff file format (``{"staff": [{"id", "name", "role", "pin"}]}``
with scrypt PIN hashes, never PINs in clear) and is checked here as a kiosk would check it
(ids, hashes; the roles are each kiosk's to judge, from its configuration). For each store:

1. read the retained staff file, so the new one is issued later than it (kiosks refuse an
   older one as a replay, and the fleet machine's clock may be behind the last signer's);
2. with ``--wait``, subscribe to the store's events first, so no kiosk's answer is missed;
3. publish the signed file retained on ``kiosk/v1/{store}/staff`` and wait for the broker;
4. with ``--wait``, list each kiosk's answer (applied, or rejected with its reason) until every
   kiosk the broker knows of (their retained status) has answered or the time is up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import paho.mqtt.client as mqtt

from kiosk.clock import Clock, utc_now
from kiosk.core.staff import Roles, parse_staff_file
from kiosk.errors import ConfigError
from kiosk.sync import staff_push as sp
from kiosk.sync import topics
from kiosk.sync.messages import MessageRejected, parse_time
from kiosk.sync.signing import SignatureError, parse_json_object, sign_message

from .broker_client import FleetClient
from .keys import SigningKey
from .updates import load_json
from .view import build_views, retained_filters

TICK = timedelta(milliseconds=1)


@dataclass(frozen=True, slots=True)
class StaffFile:
    """A checked staff file: its entries and their digest, as the kiosks will compute it."""

    entries: tuple[object, ...]
    digest: str

    @classmethod
    def load(cls, path: Path) -> StaffFile:
        entries = sp.staff_entries(load_json(path))
        roles = {e["role"] for e in entries if isinstance(e, dict) and isinstance(e.get("role"),
                                                                                 str)}
        parse_staff_file({"staff": entries}, Roles.from_config({role: () for role in roles}))
        return cls(tuple(entries), sp.staff_digest(entries))


class Answers:
    """The kiosks' answers as they arrive (network thread); :meth:`wait` blocks the command."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.got: dict[tuple[str, str], sp.StaffAck] = {}

    def on_message(self, message: mqtt.MQTTMessage) -> None:
        try:
            ack = sp.parse_ack(bytes(message.payload))
        except MessageRejected:
            return  # not an uplink message at all: not ours to judge here
        if ack is not None:
            with self._cond:
                self.got[(ack.store, ack.kiosk)] = ack
                self._cond.notify_all()

    def wait(self, kiosks: set[tuple[str, str]], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not kiosks <= set(self.got) and time.monotonic() < deadline:
                self._cond.wait(min(0.5, max(deadline - time.monotonic(), 0.0)))


def issue_time(retained: bytes | None, now: datetime) -> datetime:
    """Later than the staff file already retained (read, not verified: only its time)."""
    if not retained:
        return now
    try:
        body = parse_json_object(retained).get("body")
        issued = parse_time(body.get("issued_at"), "issued_at", sp.WHAT) \
            if isinstance(body, dict) else None
    except (SignatureError, MessageRejected):
        return now  # an unreadable retained message: the kiosks refused it anyway
    return max(now, issued + TICK) if issued is not None else now


def push_staff(client: FleetClient, answers: Answers, staff: StaffFile, key: SigningKey,
               stores: Sequence[str], *, wait_s: float = 0.0, clock: Clock = utc_now,
               say: Callable[[str], None] = print) -> int:
    """Publish to ``stores``; 0 when every answer that came is "applied", else 1."""
    if not stores:
        raise ConfigError("no store named", "a staff file goes to --store S (repeatable)",
                          "Name the stores.")
    if wait_s > 0:
        client.subscribe([topics.uplink_filter(topics.EVENTS, store) for store in stores])
    found = client.retained([topics.store_staff(store) for store in stores])
    messages = []
    for store in stores:
        body = sp.push_body(staff.entries, store,
                            issue_time(found.get(topics.store_staff(store)), clock()))
        messages.append((topics.store_staff(store), sign_message(body, key.key, key.key_id),
                         True))
    client.publish_many(messages)
    say(f"staff file {staff.digest[:23]} ({len(staff.entries)} members) retained for "
        f"{', '.join(stores)}")
    if wait_s <= 0:
        return 0
    views = build_views(client.retained([f for s in stores for f in retained_filters(s)]))
    kiosks = {(store, kiosk) for store in stores
              for kiosk in (views[store].kiosks if store in views else {})}
    answers.wait(kiosks, wait_s)
    failed = False
    for who in sorted(kiosks | set(answers.got)):
        ack = answers.got.get(who)
        if ack is not None and ack.applied and ack.digest == staff.digest:
            say(f"{who[0]}/{who[1]}: applied")
            continue
        failed = True
        say(f"{who[0]}/{who[1]}: " + ("no answer" if ack is None else
                                     f"rejected: {ack.reason}" if not ack.applied
                                     else f"applied another file {ack.digest[:23]}"))
    return 1 if failed else 0
