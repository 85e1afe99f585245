"""Watching catalogue acks as they arrive: who applied, staged or rejected which version.

The push command subscribes before it publishes anything, so no ack is missed, and waits
until every kiosk it addressed has given a final answer (or the time is up). An ack is final
when the kiosk has nothing more to do for that version: applied, staged (for a scheduled
update), or rejected for a reason it cannot work around itself. "base-mismatch" and
"delta-refused" are not final: the kiosk goes on to take the full snapshot.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass

import paho.mqtt.client as mqtt

from kiosk.sync.messages import MessageRejected, parse_uplink

NOT_FINAL = frozenset({"base-mismatch", "delta-refused"})
Who = tuple[str, str]  # (store, kiosk)


@dataclass(frozen=True, slots=True)
class Ack:
    store: str
    kiosk: str
    status: str
    version: str | None
    code: str
    reason: str
    issued_at: str | None

    @property
    def final(self) -> bool:
        return self.status != "rejected" or self.code not in NOT_FINAL


def parse_ack(payload: bytes) -> Ack:
    """An uplink ``catalogue/ack`` message (outbox envelope around the ack body)."""
    data = parse_uplink(payload)
    body = data.get("body")
    if data.get("type") != "catalogue_ack" or not isinstance(body, dict):
        raise MessageRejected("wrong-type", "it is not a catalogue ack", what="ack")
    return Ack(data["store"], data["kiosk"], str(body.get("status", "")), body.get("version"),
               str(body.get("code", "")), str(body.get("reason", "")), body.get("issued_at"))


class AckWatcher:
    """Collects acks from the network thread; :meth:`wait` blocks the command's thread."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._acks: dict[Who, list[Ack]] = {}

    def on_message(self, message: mqtt.MQTTMessage) -> None:
        try:
            ack = parse_ack(bytes(message.payload))
        except MessageRejected:
            return  # not an ack (another uplink on a wide filter): not ours to judge
        with self._cond:
            self._acks.setdefault((ack.store, ack.kiosk), []).append(ack)
            self._cond.notify_all()

    def final(self, who: Who, version: str, issued_at: str | None = None) -> Ack | None:
        """The latest final ack of ``who`` for ``version`` (and issue time, when given)."""
        with self._cond:
            for ack in reversed(self._acks.get(who, [])):
                if ack.version == version and ack.final and issued_at in (None, ack.issued_at):
                    return ack
        return None

    def all_for(self, who: Who) -> list[Ack]:
        with self._cond:
            return list(self._acks.get(who, []))

    def wait(self, kiosks: Iterable[Who], version: str, timeout: float,
             issued_at: str | None = None) -> dict[Who, Ack | None]:
        """Each kiosk's final ack for ``version`` (None: none came within ``timeout``)."""
        wanted = sorted(set(kiosks))
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = {who: self.final(who, version, issued_at) for who in wanted}
                left = deadline - time.monotonic()
                if all(found.values()) or left <= 0:
                    return found
                self._cond.wait(min(left, 0.5))
