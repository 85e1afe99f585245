"""One simulated kiosk for ``kiosk-fleet simulate`` and the benchmarks: the real parts, headless.

Each simulated kiosk has its own data directory, catalogue mirror, sales journal and MQTT
connection, and runs the kiosk's own code for everything the fleet sees: the pure checkout
session (:mod:`kiosk.core.session`) sells the baskets, the journal records them durably, the
outbox pump (:mod:`kiosk.sync.delivery`) delivers them, the catalogue sync applies and acks
pushed catalogues. Only the devices are left out: a shopper "scans" a random product from the
current catalogue and the card terminal approves at once. The open basket is not journaled
between scans (a simulated kiosk has no power cut to survive), which keeps a thousand of
them within one machine's disk.
"""

from __future__ import annotations

import heapq
import logging
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from kiosk.clock import Clock, utc_now
from kiosk.core import effects as fx
from kiosk.core import events as ev
from kiosk.core.product import Product
from kiosk.core.session import SessionContext, new_session, step
from kiosk.core.session_model import Session
from kiosk.errors import KioskError
from kiosk.store.catalogue import CatalogueMirror
from kiosk.store.journal import Journal
from kiosk.store.stock import StockMove
from kiosk.store.writer import JournalWriter
from kiosk.sync.catalogue_events import SyncSettings
from kiosk.sync.catalogue_sync import CatalogueSync
from kiosk.sync.delivery import OutboxPump
from kiosk.sync.link import MqttLink
from kiosk.sync.link_config import LinkSettings
from kiosk.sync.messages import Status

log = logging.getLogger(__name__)
VAT_BP = {"standard": 2000, "intermediate": 1000, "reduced": 550, "super-reduced": 210}
APP_VERSION = "simulated"


@dataclass(frozen=True, slots=True)
class SimSettings:
    """What every simulated kiosk of a run shares."""

    host: str
    port: int
    trusted: Mapping[str, Ed25519PublicKey]
    currency: str = "EUR"
    basket_max: int = 5
    tick_s: float = 1.0
    parts_timeout_s: float = 120.0
    tls_ca: Path | None = None
    # A few hundred kiosks share this machine's cores with the broker: a CONNACK takes longer
    # than it does for a kiosk on its own, and giving up early only adds reconnects.
    connect_timeout_s: float = 30.0


class Shoppers:
    """Shoppers for many kiosks from one thread: each kiosk sells about every ``every_s``
    seconds (jittered, so kiosks do not sell in step), from when it is added or, for kiosks
    added before :meth:`start`, from the start. One thread per process instead of one per
    kiosk keeps a thousand simulated kiosks on one machine."""

    def __init__(self, every_s: float, rng: random.Random) -> None:
        self.every_s, self.rng = every_s, rng
        self._cond = threading.Condition()
        self._queue: list[tuple[float, int, SimKiosk]] = []
        self._waiting: list[SimKiosk] = []  # added before start()
        self._started = False
        self._added = 0
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="shoppers", daemon=True)

    def start(self) -> None:
        with self._cond:
            if self._started:
                return
            self._started = True
            waiting, self._waiting = self._waiting, []
            for kiosk in waiting:
                self._schedule(kiosk)
        self._thread.start()

    def add(self, kiosk: SimKiosk) -> None:
        with self._cond:
            if self._started:
                self._schedule(kiosk)
            else:
                self._waiting.append(kiosk)

    def _schedule(self, kiosk: SimKiosk) -> None:
        first = time.monotonic() + self.rng.uniform(0, self.every_s)
        heapq.heappush(self._queue, (first, self._added, kiosk))
        self._added += 1
        self._cond.notify()

    def _next(self) -> tuple[float, int, SimKiosk] | None:
        with self._cond:
            while not self._stopping:
                wait = self._queue[0][0] - time.monotonic() if self._queue else None
                if wait is not None and wait <= 0:
                    return heapq.heappop(self._queue)
                self._cond.wait(wait)
            return None

    def _run(self) -> None:
        while (turn := self._next()) is not None:
            due, number, kiosk = turn
            kiosk.sell_once()
            with self._cond:
                later = due + self.every_s * self.rng.uniform(0.5, 1.5)
                heapq.heappush(self._queue, (later, number, kiosk))

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join(60)


class Seller:
    """Sells random baskets through the pure session; durable effects go to the journal."""

    def __init__(self, mirror: CatalogueMirror, writer: JournalWriter, store: str, kiosk: str,
                 *, rng: random.Random, clock: Clock, basket_max: int = 5) -> None:
        self.mirror, self.writer, self.rng, self.clock = mirror, writer, rng, clock
        self.basket_max = basket_max
        self.store, self.kiosk = store, kiosk
        self._pool: tuple[str | None, list[Product]] = (None, [])
        self.sold = 0
        self.next_number = writer.submit(Journal.next_sale_number).result()

    def _items(self) -> list[Product]:
        version = self.mirror.version
        if self._pool[0] != version:
            found = [p for c in self.mirror.categories() for p in self.mirror.products_in(c)
                     if not p.weighed and p.min_age == 0 and p.price > 0]
            self._pool = (version, found)
        return self._pool[1]

    def _context(self) -> SessionContext:
        return SessionContext(catalogue=self.mirror, store_id=self.store, kiosk_id=self.kiosk,
                              currency=self.mirror.currency, vat_rates=VAT_BP,
                              timezone=ZoneInfo("Europe/Paris"),
                              promotions=self.mirror.promotions, required_devices=frozenset())

    def sell_one(self) -> bool:
        """One basket from scan to receipt; False when there is nothing to sell yet."""
        items = self._items()
        if not items:
            return False
        ctx, at = self._context(), self.clock()
        session = new_session(ctx, self.next_number)
        count = min(len(items), self.rng.randint(1, self.basket_max))
        for product in self.rng.sample(items, count):
            session = self._feed(session, ev.ItemScanned(at=at, code=product.gtin), ctx)
        outcome = step(session, ev.PayPressed(at=at), ctx)
        self._run(outcome.effects)
        start = next((e for e in outcome.effects if isinstance(e, fx.StartPayment)), None)
        if start is None:
            return False
        result = ev.PaymentResult(at=self.clock(), attempt_id=start.attempt_id,
                                  outcome=ev.PaymentOutcome.APPROVED, amount=start.amount,
                                  auth={"terminal": "simulated"})
        self._feed(outcome.session, result, ctx)
        self.next_number += 1
        self.sold += 1
        return True

    def _feed(self, session: Session, event: ev.Event, ctx: SessionContext) -> Session:
        outcome = step(session, event, ctx)
        self._run(outcome.effects)
        return outcome.session

    def _run(self, effects: tuple[fx.Effect, ...]) -> None:
        for effect in effects:
            if isinstance(effect, fx.RecordPaymentAttempt):
                self.writer.submit(Journal.record_payment_attempt, effect.sale_id,
                                   effect.attempt_id, effect.outcome, at=effect.at,
                                   amount_minor=effect.amount.minor,
                                   currency=effect.amount.currency,
                                   detail={"method": effect.method, **effect.detail}).result()
            elif isinstance(effect, fx.RecordSale):
                sale = effect.sale
                stock = [StockMove(m.gtin, m.delta, self._threshold(m.gtin))
                         for m in sale.stock if m.unit != "pack"]
                self.writer.submit(Journal.record_sale, sale.sale_id, sale.sale_number,
                                   sale.to_dict(), at=sale.completed_at, stock=stock).result()

    def _threshold(self, gtin: str) -> int | None:
        product = self.mirror.by_gtin(gtin)
        return product.low_stock if product is not None and product.low_stock else None


class SimKiosk:
    """One kiosk; ``start`` connects it, ``stop`` ends it cleanly (its data stays)."""

    def __init__(self, sim: SimSettings, store: str, kiosk: str, password: str, data: Path,
                 *, seed: int = 0, clock: Clock = utc_now,
                 initial: Mapping[str, Any] | None = None,
                 work_lock: threading.Lock | None = None) -> None:
        self.sim, self.store, self.kiosk = sim, store, kiosk
        data.mkdir(parents=True, exist_ok=True)
        self.mirror = CatalogueMirror(data / "catalogue", currency=sim.currency)
        self.writer = JournalWriter(data / "journal.sqlite3")
        try:
            if initial is not None and self.mirror.version is None:  # first start: seed it
                seeded = self.mirror.apply(dict(initial))
                if not seeded.accepted:
                    raise KioskError(f"{store}/{kiosk}: the initial catalogue was refused",
                                     seeded.reason)
            self.writer.start(timeout=120.0)  # a thousand kiosks opening on one disk
        except BaseException:
            self.mirror.close()
            raise
        settings = LinkSettings(store=store, kiosk=kiosk, host=sim.host, port=sim.port,
                                username=f"{store}/{kiosk}", password=password,
                                tls_ca=sim.tls_ca, app_version=APP_VERSION,
                                reconnect_min_s=0.5, reconnect_max_s=10.0,
                                connect_timeout_s=sim.connect_timeout_s)
        self.link = MqttLink(settings, status=self._status, inflight_limit=50, clock=clock)
        self.pump = OutboxPump(self.writer, self.link, window=50, idle_poll_s=5.0, clock=clock)
        self.sync = CatalogueSync(
            link=self.link, mirror=self.mirror, writer=self.writer,
            settings=SyncSettings(store, kiosk, sim.currency,
                                  parts_timeout_s=sim.parts_timeout_s),
            trusted=lambda: dict(sim.trusted), state_file=data / "catalogue-sync.json",
            clock=clock, tick_s=sim.tick_s, kick=self.pump.kick,
            on_change=self.link.publish_status, work_lock=work_lock)
        rng = random.Random(seed)  # noqa: S311 - shoppers' choices, not secrets
        self.seller = Seller(self.mirror, self.writer, store, kiosk, rng=rng, clock=clock,
                             basket_max=sim.basket_max)

    def _status(self) -> Status:
        return Status(True, APP_VERSION, self.mirror.version, {})

    def start(self) -> None:
        self.sync.start()
        self.link.start()
        self.pump.start()

    def sell_once(self) -> bool:
        """One shopper's basket now; a failure is logged (the kiosk goes on selling)."""
        try:
            sold = self.seller.sell_one()
        except KioskError as exc:
            log.error("%s/%s: a simulated sale failed: %s", self.store, self.kiosk, exc)
            return False
        if sold:
            self.pump.kick()
        return sold

    def pending(self) -> int:
        return self.writer.submit(Journal.outbox_counts).result().pending

    def stop(self) -> None:
        self.pump.stop()
        self.link.stop()
        self.sync.stop()
        self.writer.close()
        self.mirror.close()

