"""Every MQTT topic name the kiosk, the fleet tools and the broker ACLs use, built in one place.

The topic tree is the contract between kiosks, brokers (their ACLs and bridges) and the central
consumers; spelling a topic by hand in a second place is how a kiosk ends up publishing where
nobody listens. Ids are checked here because a ``/``, ``+`` or ``#`` in an id would silently
widen a subscription or an ACL to other kiosks' data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk.errors import ConfigError

ROOT = "kiosk/v1"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
# A kiosk named like a store-level downlink word would make two topics collide:
# kiosk/v1/{store}/catalogue (store manifest) vs kiosk/v1/{store}/{kiosk}.
_RESERVED_KIOSK_IDS = frozenset({"catalogue", "staff"})
STORE_STAFF = "staff"  # kiosk/v1/{store}/staff: the signed staff file, retained

# Uplink suffixes under kiosk/v1/{store}/{kiosk}/ : the only topics a kiosk may publish on.
STATUS = "status"
SALES = "sales"
STOCK = "stock"
EVENTS = "events"
CATALOGUE_ACK = "catalogue/ack"
UPLINK_SUFFIXES: tuple[str, ...] = (STATUS, SALES, STOCK, EVENTS, CATALOGUE_ACK)

# Downlink suffixes under kiosk/v1/{store}/{kiosk}/ : read by the kiosk, written by the fleet.
CMD = "cmd"
KIOSK_CATALOGUE = "catalogue"
KIOSK_DOWNLINK_SUFFIXES: tuple[str, ...] = (CMD, KIOSK_CATALOGUE)


def check_id(value: str, what: str) -> str:
    """Reject an id that cannot be one topic level (and so could reach other kiosks' topics)."""
    if not isinstance(value, str) or not _ID.match(value):
        raise ConfigError(
            f"{what} {value!r} cannot be used in MQTT topics",
            "ids are 1-32 letters, digits, '-' or '_', starting with a letter or digit",
            f"Set a plain {what} in the [store] section of the configuration.",
        )
    return value


def check_kiosk_id(value: str) -> str:
    check_id(value, "kiosk id")
    if value in _RESERVED_KIOSK_IDS:
        raise ConfigError(
            f"kiosk id {value!r} is reserved",
            "it would collide with the store's catalogue topic",
            "Choose another kiosk id.",
        )
    return value


def mqtt_identity(store: str, kiosk: str) -> str:
    """The kiosk's broker username and client-certificate CN: ``{store}/{kiosk}``.

    Mosquitto's pattern ACLs substitute it for ``%u``, so ``kiosk/v1/%u/sales`` is exactly this
    kiosk's sales topic; the ``/`` cannot appear in an id, so the split is unambiguous.
    """
    return f"{check_id(store, 'store id')}/{check_kiosk_id(kiosk)}"


def client_id(store: str, kiosk: str) -> str:
    """A stable client id so the broker resumes the kiosk's session after a reconnect."""
    return f"kiosk-{check_id(store, 'store id')}-{check_kiosk_id(kiosk)}"


@dataclass(frozen=True, slots=True)
class KioskTopics:
    """The topics of one kiosk, uplink and downlink."""

    store: str
    kiosk: str

    def __post_init__(self) -> None:
        check_id(self.store, "store id")
        check_kiosk_id(self.kiosk)

    @property
    def prefix(self) -> str:
        return f"{ROOT}/{self.store}/{self.kiosk}"

    @property
    def store_prefix(self) -> str:
        return f"{ROOT}/{self.store}"

    def uplink(self, suffix: str) -> str:
        if suffix not in UPLINK_SUFFIXES:
            raise ValueError(f"{suffix!r} is not an uplink topic; one of {UPLINK_SUFFIXES}")
        return f"{self.prefix}/{suffix}"

    @property
    def status(self) -> str:
        return f"{self.prefix}/{STATUS}"

    @property
    def sales(self) -> str:
        return f"{self.prefix}/{SALES}"

    @property
    def stock(self) -> str:
        return f"{self.prefix}/{STOCK}"

    @property
    def events(self) -> str:
        return f"{self.prefix}/{EVENTS}"

    @property
    def catalogue_ack(self) -> str:
        return f"{self.prefix}/{CATALOGUE_ACK}"

    @property
    def cmd(self) -> str:
        return f"{self.prefix}/{CMD}"

    @property
    def kiosk_catalogue(self) -> str:
        """The per-kiosk manifest (staged rollout); it wins over the store's."""
        return f"{self.prefix}/{KIOSK_CATALOGUE}"

    @property
    def store_catalogue(self) -> str:
        return store_catalogue(self.store)

    @property
    def store_catalogue_parts(self) -> str:
        """Filter for every part of every version of the store's catalogue updates."""
        return f"{store_catalogue(self.store)}/+/+"

    def catalogue_part(self, version: str, part: str) -> str:
        return catalogue_part(self.store, version, part)

    @property
    def store_staff(self) -> str:
        """The store's staff file, signed and retained (kiosk.sync.staff_sync)."""
        return store_staff(self.store)

    def downlink_filters(self) -> tuple[str, ...]:
        """What the kiosk subscribes to; exactly what the broker ACL lets it read."""
        return (self.cmd, self.kiosk_catalogue, self.store_catalogue, self.store_catalogue_parts,
                self.store_staff)


def store_catalogue(store: str) -> str:
    return f"{ROOT}/{check_id(store, 'store id')}/catalogue"


def store_staff(store: str) -> str:
    return f"{ROOT}/{check_id(store, 'store id')}/{STORE_STAFF}"


def catalogue_part(store: str, version: str, part: str) -> str:
    for level, what in ((version, "catalogue version"), (part, "catalogue part")):
        if not level or any(c in level for c in "/+#\0"):
            raise ValueError(f"{what} {level!r} cannot be one MQTT topic level")
    return f"{store_catalogue(store)}/{version}/{part}"


def uplink_filter(suffix: str, store: str = "+") -> str:
    """A central consumer's filter for one uplink kind over all kiosks (of one store or all)."""
    if suffix not in UPLINK_SUFFIXES:
        raise ValueError(f"{suffix!r} is not an uplink topic; one of {UPLINK_SUFFIXES}")
    return f"{ROOT}/{store}/+/{suffix}"


def shared(group: str, topic_filter: str) -> str:
    """A shared subscription (MQTT 5) so several central consumers split the load."""
    check_id(group, "shared subscription group")
    return f"$share/{group}/{topic_filter}"


def parse_kiosk_topic(topic: str) -> tuple[str, str, str] | None:
    """``kiosk/v1/{store}/{kiosk}/{suffix}`` -> (store, kiosk, suffix) for a kiosk topic."""
    parts = topic.split("/")
    if len(parts) < 5 or "/".join(parts[:2]) != ROOT:
        return None
    store, kiosk, suffix = parts[2], parts[3], "/".join(parts[4:])
    if kiosk == "catalogue" or suffix not in UPLINK_SUFFIXES + KIOSK_DOWNLINK_SUFFIXES:
        return None
    return store, kiosk, suffix
