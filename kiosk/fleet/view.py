"""The fleet as the broker's retained messages show it: stores, kiosks, manifests. Pure.

A kiosk's retained ``status`` (or its last will) says whether it is online and which app and
catalogue versions it runs; the retained manifests say which version each store, and each
kiosk in a staged rollout, should run. Reading them back is how ``push`` finds the stores and
kiosks it addresses and what it replaces, and how ``status`` shows who is behind.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiosk.sync import manifest as mf
from kiosk.sync import topics
from kiosk.sync.manifest import Manifest
from kiosk.sync.messages import MessageRejected, parse_time, parse_uplink
from kiosk.sync.signing import SignatureError, parse_json_object


@dataclass(frozen=True, slots=True)
class KioskStatus:
    store: str
    kiosk: str
    online: bool
    app_version: str
    catalogue_version: str | None
    at: datetime | None  # when the kiosk published it (None for a last will)
    locked: bool = False
    health: Mapping[str, Any] = field(default_factory=dict)
    reason: str = ""


@dataclass(slots=True)
class StoreView:
    store: str
    manifest: Manifest | None = None
    kiosk_manifests: dict[str, Manifest] = field(default_factory=dict)
    kiosks: dict[str, KioskStatus] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def target(self, kiosk: str) -> Manifest | None:
        """The manifest this kiosk should follow: its own, else the store's."""
        return self.kiosk_manifests.get(kiosk) or self.manifest


def retained_filters(store: str = "+") -> list[str]:
    root = f"{topics.ROOT}/{store}"
    return [f"{root}/catalogue", f"{root}/+/{topics.KIOSK_CATALOGUE}", f"{root}/+/{topics.STATUS}"]


def read_manifest(payload: bytes) -> Manifest:
    """The body of a (fleet-signed) manifest, for display and bookkeeping: not verified here."""
    data = parse_json_object(payload)
    return mf.parse_manifest(data.get("body"))


def read_status(payload: bytes) -> KioskStatus:
    data = parse_uplink(payload)
    at = data.get("at")
    catalogue = data.get("catalogue_version")
    return KioskStatus(
        store=data["store"], kiosk=data["kiosk"], online=data.get("online") is True,
        app_version=str(data.get("app_version", "")),
        catalogue_version=catalogue if isinstance(catalogue, str) else None,
        at=parse_time(at, "at", "status") if at is not None else None,
        locked=data.get("locked") is True,
        health=data.get("health") if isinstance(data.get("health"), dict) else {},
        reason=str(data.get("reason", "")))


def build_views(retained: Mapping[str, bytes]) -> dict[str, StoreView]:
    """Retained messages (topic -> payload) -> one view per store found in them."""
    views: dict[str, StoreView] = {}
    for topic, payload in sorted(retained.items()):
        levels = topic.split("/")
        if len(levels) < 4 or "/".join(levels[:2]) != topics.ROOT or not payload:
            continue
        view = views.setdefault(levels[2], StoreView(levels[2]))
        try:
            if len(levels) == 4 and levels[3] == "catalogue":
                view.manifest = read_manifest(payload)
            elif len(levels) == 5 and levels[4] == topics.KIOSK_CATALOGUE:
                view.kiosk_manifests[levels[3]] = read_manifest(payload)
            elif len(levels) == 5 and levels[4] == topics.STATUS:
                view.kiosks[levels[3]] = read_status(payload)
        except (MessageRejected, SignatureError) as exc:
            view.problems.append(f"{topic}: {exc.reason}")
    return views
