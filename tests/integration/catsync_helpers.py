"""Shared by the test_catsync_* and test_fleet_* files: a kiosk's catalogue side and a fleet
manager, both against a real Mosquitto (kiosk.sync.broker.LocalMosquitto); nothing is mocked.

The kiosk runs what the product runs: CatalogueMirror, JournalWriter, MqttLink, OutboxPump and
CatalogueSync. The fleet side is kiosk-fleet's own code (FleetClient, AckWatcher, Pusher).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.fleet import catgen
from kiosk.fleet import publication as pub
from kiosk.fleet.acks import Ack, AckWatcher
from kiosk.fleet.broker_client import BrokerSettings, FleetClient
from kiosk.fleet.keys import SigningKey
from kiosk.fleet.push import Pusher, PushPlan
from kiosk.store.catalogue import CatalogueMirror
from kiosk.store.journal import Journal
from kiosk.store.writer import JournalWriter
from kiosk.sync.broker import LocalMosquitto
from kiosk.sync.catalogue_events import SyncSettings
from kiosk.sync.catalogue_sync import CatalogueSync
from kiosk.sync.delivery import OutboxPump
from kiosk.sync.link import MqttLink
from kiosk.sync.link_config import LinkSettings
from kiosk.sync.messages import Status
from kiosk.sync.signing import generate_key, key_id_for

T0 = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
WAIT_S = 30.0  # generous: 8 helpers share 2 cores; never a speed assertion


def wait_until(condition: Callable[[], Any], timeout: float = WAIT_S, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.02)


def signing_key(key: Ed25519PrivateKey | None = None) -> SigningKey:
    key = key or generate_key()
    return SigningKey(key, key_id_for(key))


def catalogue(products: int = 40, version: str = "v1", seed: int = 1) -> dict[str, Any]:
    return catgen.generate_snapshot(products, seed=seed, version=version, promotions=3)


class SyncedKiosk:
    """One kiosk's catalogue side, started; ``stop`` ends it cleanly, data stays on disk."""

    def __init__(self, broker: LocalMosquitto, data: Path, trusted: Sequence[SigningKey], *,
                 store: str = "s1", kiosk: str = "k1", parts_timeout_s: float = 3.0,
                 initial: dict[str, Any] | None = None, clock: Callable[[], datetime] | None
                 = None, start: bool = True) -> None:
        self.store, self.kiosk = store, kiosk
        self.mirror = CatalogueMirror(data / "catalogue", currency="EUR")
        if initial is not None and self.mirror.version is None:
            assert self.mirror.apply(initial).accepted
        self.writer = JournalWriter(data / "journal.sqlite3")
        self.writer.start()
        username, password = broker.credentials(store, kiosk)
        settings = LinkSettings(store=store, kiosk=kiosk, host="127.0.0.1", port=broker.port,
                                username=username, password=password, reconnect_min_s=0.05,
                                reconnect_max_s=0.5, keepalive_s=5, app_version="test")
        self.link = MqttLink(settings, status=lambda: Status(True, "test", self.mirror.version,
                                                             {}))
        self.pump = OutboxPump(self.writer, self.link, window=20, idle_poll_s=0.2)
        keys = {k.key_id: k.key.public_key() for k in trusted}
        extra = {"clock": clock} if clock is not None else {}
        self.sync = CatalogueSync(
            link=self.link, mirror=self.mirror, writer=self.writer,
            settings=SyncSettings(store, kiosk, "EUR", parts_timeout_s=parts_timeout_s,
                                  refetch_after_s=1.0),
            trusted=lambda: keys, state_file=data / "catalogue-sync.json", tick_s=0.05,
            kick=self.pump.kick, on_change=self.link.publish_status, **extra)
        if start:
            self.start()

    def start(self) -> None:
        self.sync.start()
        self.link.start()
        self.pump.start()
        assert self.link.wait_connected(WAIT_S)

    def acks(self, status: str | None = None) -> list[dict[str, Any]]:
        return [a for a in self.sync.acks if status in (None, a["status"])]

    def stop(self) -> None:
        self.pump.stop()
        self.link.stop()
        self.sync.stop()
        self.writer.close()
        self.mirror.close()


class Fleet:
    """The fleet manager's connection, watching every ack of store ``s1`` (and others)."""

    def __init__(self, broker: LocalMosquitto, key: SigningKey) -> None:
        self.key = key
        self.watcher = AckWatcher()
        user, password = broker.fleet_credentials()
        self.client = FleetClient(BrokerSettings("127.0.0.1", broker.port, user, password),
                                  handler=self.watcher.on_message).connect()
        # A central consumer takes the kiosks' events too: an outbox holds back what no one
        # subscribes to (PUBACK "no matching subscribers"), and the ack's record is an event.
        self.client.subscribe(["kiosk/v1/+/+/catalogue/ack", "kiosk/v1/+/+/events"])
        self.lines: list[str] = []

    def push(self, snapshot: dict[str, Any], delta: dict[str, Any] | None = None,
             **plan: Any) -> int:
        enc = pub.encode(snapshot, delta, part_bytes=plan.pop("part_bytes", 4096))
        plan.setdefault("stores", ("s1",))
        pusher = Pusher(self.client, self.watcher, PushPlan(enc, self.key, **plan),
                        say=self.lines.append)
        return pusher.run()

    def publish(self, messages: list[tuple[str, bytes, bool]]) -> None:
        self.client.publish_many(messages)

    def ack(self, kiosk: str, version: str | None, status: str, store: str = "s1",
            code: str | None = None) -> Ack:
        def found() -> Ack | None:
            for ack in self.watcher.all_for((store, kiosk)):
                if ack.version == version and ack.status == status \
                        and code in (None, ack.code):
                    return ack
            return None
        return wait_until(found, what=f"{store}/{kiosk} ack {status} {version} {code or ''}")

    def close(self) -> None:
        self.client.close()


def sale(number: int) -> dict:
    return {"sale_id": f"S{number}", "status": "completed", "currency": "EUR",
            "total": 250 * number, "item_count": 1, "completed_at": "2026-03-14T09:00:00+00:00",
            "lines": [{"gtin": "04006381333931", "names": {"en": "Pencil"}, "quantity": 1,
                       "amount": 250 * number}],
            "payments": [{"method": "card", "outcome": "approved", "amount": 250 * number}]}


def kiosk_sells(broker: LocalMosquitto, data: Path, count: int, *,
                lost: tuple[int, ...] = ()) -> None:
    """A kiosk's journal and outbox pump; the outbox rows of records ``lost`` are marked
    delivered without being sent, as if deleted: the central side sees the hole."""
    data.mkdir(parents=True, exist_ok=True)
    writer = JournalWriter(data / "journal.sqlite3")
    writer.start()
    for number in range(1, count + 1):
        writer.submit(Journal.record_sale, f"S{number}", number, sale(number), at=T0).result()
    for seq in lost:
        rows = writer.submit(Journal.pending, 1000).result()
        writer.submit(Journal.mark_delivered, next(r.id for r in rows if r.record_seq == seq),
                      at=T0).result()
    user, password = broker.credentials("s1", "k1")
    link = MqttLink(LinkSettings(store="s1", kiosk="k1", host="127.0.0.1", port=broker.port,
                                 username=user, password=password, reconnect_min_s=0.05,
                                 reconnect_max_s=0.5),
                    status=lambda: Status(True, "test", None, {}))
    pump = OutboxPump(writer, link, window=10, idle_poll_s=0.1)
    link.start()
    pump.start()
    try:
        wait_until(lambda: writer.submit(Journal.outbox_counts).result().pending == 0,
                   what="the outbox drained")
    finally:
        pump.stop()
        link.stop()
        writer.close()
