"""``kiosk-fleet push``: publish a signed catalogue update to one store, several, or all.

Order matters, so that no kiosk ever sees a manifest whose parts are not there yet and no
kiosk of a staged rollout ever falls back to an older manifest:

1. read what is retained (manifests, kiosk statuses) for the stores addressed;
2. publish the parts, retained (the full snapshot of the version, and the delta if any);
3. with ``--first``: publish per-kiosk manifests to that share of each store's kiosks and wait
   for their acks; if one rejects it, or one does not answer in time, stop there (the rest
   keep the old version; the output says how to go on or back);
4. publish the store manifest, then clear the per-kiosk manifests;
5. clear the retained parts of versions no manifest names any more;
6. with ``--wait``: wait for every known kiosk's ack and print who applied what.

Each manifest is issued later than every manifest already retained for the store, so kiosks
refuse none of them as a replay.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.clock import Clock, utc_now
from kiosk.errors import CatalogueError
from kiosk.store.chain import utc_text
from kiosk.sync import topics
from kiosk.sync.manifest import Manifest

from . import publication as pub
from .acks import Ack, AckWatcher, Who
from .broker_client import FleetClient
from .keys import SigningKey
from .view import StoreView, build_views, retained_filters

TICK = timedelta(milliseconds=1)


@dataclass(frozen=True, slots=True)
class PushPlan:
    encodings: pub.Encodings
    key: SigningKey
    stores: tuple[str, ...] = ()  # empty: every store the broker knows of
    effective_at: datetime | None = None
    first: str | None = None  # "10%" or "3": a share of each store's kiosks first
    first_only: bool = False
    first_wait_s: float = 300.0
    wait_s: float = 0.0  # after the store manifest: wait this long for every kiosk's ack


def share_of(kiosks: Iterable[str], share: str, store: str) -> list[str]:
    """A stable, spread-out choice of kiosks: ``"10%"`` (at least one) or a count."""
    ordered = sorted(kiosks, key=lambda k: hashlib.sha256(f"{store}/{k}".encode()).hexdigest())
    text = share.strip()
    try:
        count = (math.ceil(len(ordered) * float(text[:-1]) / 100) if text.endswith("%")
                 else int(text))
    except ValueError:
        raise CatalogueError(f"--first {share!r} is not a share", "use e.g. 10% or 3") from None
    if count < 1 and ordered:
        count = 1
    return sorted(ordered[:count])


def next_issue(views: Iterable[StoreView], now: datetime) -> datetime:
    """Later than every retained manifest, so no kiosk takes the new one for a replay."""
    latest = [m.issued_at for v in views for m in (v.manifest, *v.kiosk_manifests.values()) if m]
    return max([now, *(t + TICK for t in latest)])


def old_part_topics(view: StoreView, keep: str) -> list[str]:
    """Retained part topics of the manifests being replaced (not of version ``keep``)."""
    found: set[str] = set()
    for m in (view.manifest, *view.kiosk_manifests.values()):
        if m is None or m.version == keep:
            continue
        for encoded in {m.update, m.full}:
            found.update(topics.catalogue_part(view.store, m.version, p.name)
                         for p in encoded.parts)
    return sorted(found)


class Pusher:
    """One push; ``say`` gets the lines a fleet manager reads."""

    def __init__(self, client: FleetClient, watcher: AckWatcher, plan: PushPlan, *,
                 clock: Clock = utc_now, say: Callable[[str], None] = print) -> None:
        self.client, self.watcher, self.plan = client, watcher, plan
        self.clock, self.say = clock, say

    def run(self) -> int:
        plan, enc = self.plan, self.plan.encodings
        filters = [f for s in plan.stores or ("+",) for f in retained_filters(s)]
        views = build_views(self.client.retained(filters))
        stores = list(plan.stores) or sorted(views)
        if not stores:
            raise CatalogueError("no store to push to", "the broker knows of no kiosk yet",
                                 "Name the stores with --store.")
        views = {s: views.get(s) or StoreView(s) for s in stores}
        self.client.subscribe([f"{topics.ROOT}/{s}/+/{topics.CATALOGUE_ACK}" for s in stores])
        for view in views.values():
            for problem in view.problems:
                self.say(f"warning: {problem}")
        issued = next_issue(views.values(), self.clock())
        sent = self.client.publish_many(m for s in stores for m in pub.part_messages(s, enc))
        self.say(f"{enc.kind} {enc.version}: {sent} parts ({enc.size} bytes) retained for "
                 f"{len(stores)} store(s)")
        if plan.first:
            if not self._first_phase(views, issued):
                return 1
            if plan.first_only:
                return 0
            issued = max(self.clock(), issued + TICK)
        return self._rest(views, issued)

    def _manifest(self, store: str, kiosk: str | None, issued: datetime) -> Manifest:
        return pub.manifest(self.plan.encodings, store, kiosk, issued_at=issued,
                            effective_at=self.plan.effective_at)

    def _first_phase(self, views: dict[str, StoreView], issued: datetime) -> bool:
        plan = self.plan
        assert plan.first is not None
        chosen = [(s, k) for s, v in views.items() for k in share_of(v.kiosks, plan.first, s)]
        if not chosen:
            self.say("no kiosk has reported its status yet; nothing to roll out first")
            return False
        self.client.publish_many(pub.manifest_message(self._manifest(s, k, issued), plan.key)
                                 for s, k in chosen)
        self.say(f"first: {len(chosen)} kiosk(s): "
                 f"{', '.join(f'{s}/{k}' for s, k in chosen)}; waiting for their acks")
        acks = self.watcher.wait(chosen, plan.encodings.version, plan.first_wait_s,
                                 utc_text(issued))
        self._table(acks)
        bad = [who for who, ack in acks.items() if ack is None or ack.status == "rejected"]
        if bad:
            self.say(f"stopped: {len(bad)} of the first kiosks did not apply "
                     f"{plan.encodings.version}; the others keep their version. Push again "
                     "without --first to go on, or push the previous catalogue to go back.")
            return False
        if plan.first_only:
            self.say("first kiosks done; push again without --first for the rest")
        return True

    def _rest(self, views: dict[str, StoreView], issued: datetime) -> int:
        plan, enc = self.plan, self.plan.encodings
        store_manifests = [pub.manifest_message(self._manifest(s, None, issued), plan.key)
                           for s in views]
        self.client.publish_many(store_manifests)
        stale = [pub.manifest_topic(s, k) for s, v in views.items() for k in v.kiosk_manifests]
        cleared = self.client.publish_many(pub.clear(stale))
        old = [t for v in views.values() for t in old_part_topics(v, enc.version)]
        self.client.publish_many(pub.clear(old))
        when = f", effective {utc_text(plan.effective_at)}" if plan.effective_at else ""
        self.say(f"published {enc.kind} {enc.version} to store(s) {', '.join(views)}{when}; "
                 f"cleared {cleared} per-kiosk manifest(s) and {len(old)} old part(s)")
        if plan.wait_s <= 0:
            return 0
        everyone = [(s, k) for s, v in views.items() for k in v.kiosks]
        acks = self.watcher.wait(everyone, enc.version, plan.wait_s, utc_text(issued))
        self._table(acks)
        return 0 if all(a is not None and a.status != "rejected" for a in acks.values()) else 1

    def _table(self, acks: dict[Who, Ack | None]) -> None:
        for (store, kiosk), ack in sorted(acks.items()):
            if ack is None:
                self.say(f"  {store}/{kiosk}: no answer")
            else:
                why = f" ({ack.code}: {ack.reason})" if ack.status == "rejected" else ""
                self.say(f"  {store}/{kiosk}: {ack.status} {ack.version}{why}")
        if any(ack is None for ack in acks.values()):
            self.say("no answer: the kiosk is offline, or its messages wait for a central "
                     "consumer (is 'kiosk-fleet collect' running?); it catches up from the "
                     "retained messages when it can")


def counts(acks: dict[Who, Ack | None]) -> dict[str, int]:
    found: dict[str, int] = {}
    for ack in acks.values():
        status = ack.status if ack else "no answer"
        found[status] = found.get(status, 0) + 1
    return found

