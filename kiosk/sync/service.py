"""The kiosk's MQTT side as one unit: link, outbox pump and command handler, built from config.

The composition root (:mod:`kiosk.app`) creates one :class:`SyncService` when ``mqtt.enabled``,
registers any further downlink handlers on :attr:`SyncService.link` (the catalogue updates),
starts it after the event loop exists, and stops it first on the way down: the pump marks what
the broker already acknowledged, then the link publishes "offline" and disconnects cleanly.

Alerts the sync side raises itself (a rejected command, an applied one) go through the journal
like every other alert, so they reach ``.../events`` by the same durable, ordered path.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

from kiosk.clock import Clock, utc_now
from kiosk.store.writer import JournalWriter
from kiosk.sync.commands import CommandHandler, CommandPolicy
from kiosk.sync.delivery import OutboxPump
from kiosk.sync.link import MqttLink
from kiosk.sync.link_config import LinkSettings, MqttOptions, Resolve
from kiosk.sync.messages import Status, utc_text
from kiosk.sync.nonces import NONCE_FILE, NonceStore
from kiosk.sync.trust import TRUST_FILE, TrustedKeys

log = logging.getLogger(__name__)


class SyncOptions(MqttOptions, Protocol):
    """The rest of ``[mqtt]`` (``kiosk.config.MqttConfig``) that the sync side reads."""

    outbox_window: int
    outbox_poll_s: float
    fleet_public_key: str
    fleet_public_keys: tuple[str, ...]
    command_max_lifetime_s: int
    command_clock_skew_s: int


class SyncService:
    """See the module docstring. Also the :class:`~kiosk.sync.commands.CommandTarget`."""

    def __init__(self, mqtt: SyncOptions, *, store: str, kiosk: str, resolve: Resolve,
                 data_dir: Path, writer: JournalWriter, post: Callable[[object], None],
                 status: Callable[[], Status], clock: Clock = utc_now) -> None:
        self.settings = LinkSettings.from_options(mqtt, store=store, kiosk=kiosk,
                                                  resolve=resolve)
        self.writer = writer
        self._post = post
        self.clock = clock
        configured = [k for k in (mqtt.fleet_public_key, *mqtt.fleet_public_keys) if k]
        self.trusted = TrustedKeys(data_dir / TRUST_FILE, configured)
        self.nonces = NonceStore(data_dir / NONCE_FILE)
        self._status = status
        self.link = MqttLink(self.settings, status=self.status, inflight_limit=mqtt.outbox_window,
                             clock=clock)
        self.pump = OutboxPump(writer, self.link, window=mqtt.outbox_window,
                               idle_poll_s=mqtt.outbox_poll_s, clock=clock,
                               on_blocked=lambda _why: self.link.publish_status())
        policy = CommandPolicy(max_lifetime=timedelta(seconds=mqtt.command_max_lifetime_s),
                               clock_skew=timedelta(seconds=mqtt.command_clock_skew_s))
        self.commands = CommandHandler(self.link.topics, self.trusted, self.nonces, self,
                                       self.report, clock=clock, policy=policy)
        self.link.add_handler(self.link.topics.cmd, self.commands)

    def status(self) -> Status:
        """The kiosk's status plus what only the sync side knows: a held-up outbox."""
        return replace(self._status(), outbox_blocked=self.pump.blocked)

    def start(self) -> None:
        self.link.start()
        self.pump.start()

    def stop(self, drain_s: float = 5.0) -> None:
        """Deliver what is pending (briefly), then offline status and a clean disconnect."""
        if self.link.connected and not self.pump.drain(drain_s):
            log.info("MQTT: stopping with messages still in the outbox; they go at next start")
        self.pump.stop()
        self.link.stop()

    def kick(self) -> None:
        """Something was committed: deliver it now rather than at the next idle poll."""
        self.pump.kick()

    # -- CommandTarget --------------------------------------------------------------------------
    def post(self, event: object) -> None:
        self._post(event)

    def publish_status(self) -> None:
        self.link.publish_status()

    def reload_catalogue(self) -> None:
        """Have the broker resend the retained manifests; the catalogue handler judges them."""
        topics = self.link.topics
        if not self.link.resubscribe((topics.kiosk_catalogue, topics.store_catalogue)):
            log.warning("catalogue reload requested while the broker is unreachable; the "
                        "retained manifests arrive anyway when the link reconnects")

    # -- alerts -----------------------------------------------------------------------------------
    def report(self, kind: str, detail: Mapping[str, Any]) -> Future[Any]:
        """An alert on ``.../events``, journalled first like every alert of the kiosk."""
        at = self.clock()
        record_id = f"event:{kind}:{utc_text(at)}:{secrets.token_hex(4)}"
        future = self.writer.commit("event", record_id, {"kind": kind, **detail}, at=at)
        future.add_done_callback(self._committed)
        return future

    def _committed(self, future: Future[Any]) -> None:
        error = future.exception()
        if error is not None:
            log.error("could not journal an MQTT alert: %s", error)
        else:
            self.pump.kick()
