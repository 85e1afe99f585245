"""The MQTT link's settings, taken from the kiosk's configuration once at start.

Separate from :mod:`kiosk.sync.link` so the settings (and the secrets they read from files)
are checked before any thread starts: a missing password file or CA is a start-up error that
names the file, not a reconnect loop that fails forever in the background.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from kiosk import __version__
from kiosk.errors import ConfigError
from kiosk.sync import topics

MqttProtocol = Literal["auto", "5", "3.1.1"]
Resolve = Callable[[str], Path]


class MqttOptions(Protocol):
    """The ``[mqtt]`` settings the link reads (``kiosk.config.MqttConfig``; sync does not
    import the config layer, DESIGN.md's direction of dependencies)."""

    host: str
    port: int
    username: str
    password_file: str
    tls_ca: str
    tls_cert: str
    tls_key: str
    keepalive_s: int
    protocol: MqttProtocol
    reconnect_min_s: float
    reconnect_max_s: float
    connect_timeout_s: float
    session_expiry_s: int
    status_interval_s: float


@dataclass(frozen=True, slots=True)
class LinkSettings:
    store: str
    kiosk: str
    host: str
    port: int
    username: str
    password: str | None = None
    tls_ca: Path | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    keepalive_s: int = 30
    protocol: MqttProtocol = "auto"
    reconnect_min_s: float = 1.0
    reconnect_max_s: float = 60.0
    connect_timeout_s: float = 10.0
    session_expiry_s: int = 86400
    status_interval_s: float = 300.0
    app_version: str = __version__

    def __post_init__(self) -> None:
        topics.check_id(self.store, "store id")
        topics.check_kiosk_id(self.kiosk)
        if self.reconnect_min_s <= 0 or self.reconnect_max_s < self.reconnect_min_s:
            raise ConfigError("bad MQTT reconnect delays",
                              "reconnect_min_s must be > 0 and <= reconnect_max_s")
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ConfigError("incomplete MQTT client certificate",
                              "tls_cert and tls_key must be given together")

    @property
    def tls(self) -> bool:
        return self.tls_ca is not None

    @property
    def client_id(self) -> str:
        return topics.client_id(self.store, self.kiosk)

    @property
    def topics(self) -> topics.KioskTopics:
        return topics.KioskTopics(self.store, self.kiosk)

    @classmethod
    def from_options(cls, mqtt: MqttOptions, *, store: str, kiosk: str,
                     resolve: Resolve) -> LinkSettings:
        """Settings from ``[store]`` and ``[mqtt]``; reads the password file, checks TLS files."""
        files = {name: _existing(resolve, name, getattr(mqtt, name))
                 for name in ("tls_ca", "tls_cert", "tls_key")}
        return cls(
            store=store, kiosk=kiosk, host=mqtt.host, port=mqtt.port,
            username=mqtt.username or topics.mqtt_identity(store, kiosk),
            password=read_password(resolve(mqtt.password_file)) if mqtt.password_file else None,
            tls_ca=files["tls_ca"], tls_cert=files["tls_cert"], tls_key=files["tls_key"],
            keepalive_s=mqtt.keepalive_s, protocol=mqtt.protocol,
            reconnect_min_s=mqtt.reconnect_min_s, reconnect_max_s=mqtt.reconnect_max_s,
            connect_timeout_s=mqtt.connect_timeout_s, session_expiry_s=mqtt.session_expiry_s,
            status_interval_s=mqtt.status_interval_s,
        )


def _existing(resolve: Resolve, name: str, value: str) -> Path | None:
    if not value:
        return None
    path = resolve(value)
    if not path.is_file():
        raise ConfigError(f"the MQTT {name} file {path} does not exist",
                          f"mqtt.{name} names it", f"Install the file or fix mqtt.{name}.")
    return path


def read_password(path: Path) -> str:
    """The broker password: the first line of the file ``mqtt.password_file`` names."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read the MQTT password file {path}", exc.strerror or str(exc),
                          "Create it (readable by the kiosk user only) or fix "
                          "mqtt.password_file.") from None
    password = text.splitlines()[0].strip() if text.strip() else ""
    if not password:
        raise ConfigError(f"the MQTT password file {path} is empty",
                          action="Write the kiosk's broker password on its first line.")
    return password


def backoff_delay(attempt: int, low: float, high: float, rng: random.Random) -> float:
    """Exponential backoff with "equal jitter": between half and all of ``low * 2**attempt``
    (capped at ``high``), so a store's kiosks do not all reconnect in the same instant after
    the broker comes back, yet none retries faster than ``low / 2``."""
    ceiling = min(high, low * (2 ** min(attempt, 30)))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)
