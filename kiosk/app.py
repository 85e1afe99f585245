"""Composition root: configuration -> stores -> adapters (real or simulated) -> the event loop.

Everything stateful is created here and only here, in dependency order, and closed in reverse.
The kiosk says at start which devices are real and which are simulated, how the catalogue came
up and where the open basket went; a device that fails is reported and the session degrades,
it never takes the kiosk down and is never swapped for a simulator.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from argparse import Namespace
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kiosk import __version__
from kiosk.clock import Clock, utc_now
from kiosk.config import KioskConfig, LoadedConfig
from kiosk.core import effects as fx
from kiosk.core.events import DeviceHealthChanged, KioskLocked, KioskUnlocked
from kiosk.core.money import Money
from kiosk.core.receipt import ReceiptHeader
from kiosk.core.rules import SaleRules
from kiosk.core.sale import line_from_dict
from kiosk.core.session import (
    Session,
    SessionContext,
    SessionState,
    new_session,
    restore_session,
    step,
)
from kiosk.core.staff import (
    LockoutPolicy,
    Permission,
    PinAttempts,
    PinCheck,
    Roles,
    StaffMember,
    check_pin,
    parse_staff_file,
    staff_id_key,
)
from kiosk.device_events import DeviceEvents
from kiosk.effect_handlers import EffectHandlers
from kiosk.errors import CatalogueError, ConfigError, KioskError
from kiosk.hw.factory import Devices, SimulatorOptions, build_devices, describe
from kiosk.hw.terminal import TerminalReport
from kiosk.loop import DurableWriteFailed, EventLoop
from kiosk.store.catalogue import CatalogueMirror
from kiosk.store.suspended_sales import FILE as SUSPENDED_FILE
from kiosk.store.suspended_sales import SuspendedSales
from kiosk.store.writer import JournalWriter

if TYPE_CHECKING:  # the MQTT link is imported when it is enabled (_start_sync): not at start
    from kiosk.sync.messages import Status
    from kiosk.sync.service import SyncService

log = logging.getLogger(__name__)
JOURNAL_FILE = "journal.sqlite3"


def catalogue_mirror(cfg: KioskConfig, data_dir: Path) -> CatalogueMirror:
    """The mirror as it is on disk, judged with the kiosk's currency and VAT codes."""
    return CatalogueMirror(data_dir / "catalogue", currency=cfg.locale.currency,
                           vat_codes=cfg.vat.keys())


def open_catalogue(cfg: KioskConfig, data_dir: Path, say: Callable[[str], None]) -> CatalogueMirror:
    """The mirror, seeded from ``paths.initial_catalogue`` on first boot only."""
    mirror = catalogue_mirror(cfg, data_dir)
    say(f"catalogue: {mirror.status.message}")
    seed = cfg.paths.initial_catalogue
    if mirror.version is None and seed:
        path = cfg.resolve(seed)
        try:
            update = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CatalogueError(f"cannot read the initial catalogue {path}", str(exc)) from None
        result = mirror.apply(update)
        if not result.accepted:
            raise CatalogueError(f"the initial catalogue {path} was refused", result.reason)
        say(f"catalogue: seeded version {mirror.version} ({len(mirror)} products) from {path}")
    return mirror


def load_staff(cfg: KioskConfig, roles: Roles) -> dict[str, StaffMember]:
    path = cfg.resolve(cfg.staff.file)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}  # no staff file: assisted mode cannot be unlocked; `kiosk devices` says so
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the staff file {path}", str(exc),
                          "Fix the file named by staff.file.") from None
    return parse_staff_file(data, roles)


def session_context(cfg: KioskConfig, catalogue: CatalogueMirror, roles: Roles) -> SessionContext:
    sale = cfg.sale
    return SessionContext(
        catalogue=catalogue, store_id=cfg.store.store_id, kiosk_id=cfg.store.kiosk_id,
        currency=cfg.locale.currency, vat_rates=cfg.vat, timezone=ZoneInfo(cfg.locale.timezone),
        promotions=catalogue.promotions,
        templates=tuple(t.template() for t in cfg.barcode.templates),
        reference_year=cfg.barcode.reference_year,
        rules=SaleRules(category_hours=sale.hours(),
                        max_quantity_per_line=sale.max_quantity_per_line,
                        max_items_per_sale=sale.max_items_per_sale,
                        quick_picks=sale.quick_picks),
        roles=roles, languages=cfg.locale.languages, default_language=cfg.locale.language,
        void_needs_staff=sale.void_needs_staff,
        assisted_timeout=timedelta(seconds=cfg.staff.assisted_timeout_s),
        receipt_timeout=timedelta(seconds=sale.receipt_timeout_s),
        approval_timeout=timedelta(seconds=sale.approval_timeout_s),
        payment_timeout=timedelta(seconds=sale.payment_timeout_s),
        print_timeout=timedelta(seconds=sale.print_timeout_s),
        idle_timeout=timedelta(seconds=sale.idle_timeout_s),
        accessible_time_factor=cfg.ui.accessible_time_factor,
        accessible_by_default=cfg.ui.large_text or cfg.ui.high_contrast or cfg.ui.speech,
        max_suspended=sale.max_suspended,
    )


class Kiosk:
    """A running kiosk. ``say`` receives the start-up banner and status lines."""

    def __init__(self, loaded: LoadedConfig, *, say: Callable[[str], None] = print,
                 clock: Clock = utc_now, simulators: SimulatorOptions | None = None) -> None:
        cfg = self.config = loaded.config
        self.say = say
        self.clock = clock
        self.messages: list[fx.ShowMessage] = []
        self.mqtt_problem = ""  # why the MQTT link could not start, if it could not
        self.data_dir = cfg.resolve(cfg.paths.data_dir)
        say(f"kiosk {cfg.store.store_id}/{cfg.store.kiosk_id}; config from "
            f"{', '.join(loaded.sources)}; data in {self.data_dir}")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._closers: list[Callable[[], None]] = []
        self._early: list[object] | None = []
        try:
            self._build(cfg, simulators or SimulatorOptions())
        except BaseException:
            self.close()
            raise

    def _build(self, cfg: KioskConfig, simulators: SimulatorOptions) -> None:
        self.roles = Roles.from_config(cfg.staff.roles)
        self.staff = load_staff(cfg, self.roles)
        self.pin_attempts = PinAttempts()
        self.lockout = LockoutPolicy(max_attempts=cfg.staff.max_pin_attempts,
                                     lockout=timedelta(seconds=cfg.staff.lockout_s))
        self.catalogue = open_catalogue(cfg, self.data_dir, self.say)
        self._closers.append(self.catalogue.close)
        self.writer = JournalWriter(self.data_dir / JOURNAL_FILE)
        self.writer.start()
        self._closers.append(self.writer.close)
        self.suspended = SuspendedSales(self.data_dir / SUSPENDED_FILE)
        self.ctx = session_context(cfg, self.catalogue, self.roles)
        self.device_events = DeviceEvents(self._post, self.clock)
        self.devices: Devices = build_devices(cfg.devices, data_dir=self.data_dir,
                                              post=self.device_events,
                                              base_dir=cfg.resolve("."), simulators=simulators)
        self._closers.append(self.devices.close)
        for line in describe(self.devices):
            self.say(f"device {line}")
        self.handlers = handlers = EffectHandlers(
            writer=self.writer, devices=self.devices, catalogue=self.catalogue, post=self._post,
            clock=self.clock, header=ReceiptHeader(cfg.store.name, cfg.store.address,
                                                   cfg.store.vat_number),
            tz=self.ctx.timezone, columns=cfg.devices.printer.layout_columns(),
            show=self.messages.append, qr_template=cfg.devices.printer.receipt_qr, say=self.say,
            suspended=self.suspended)
        self.loop = EventLoop(self._initial_session(), lambda s, e: step(s, e, self.ctx),
                              handlers.table(), on_failure=self._durable_failed)
        handlers.show_light(self.loop.session)  # SetLight comes only on a change: light it now
        self.device_events.on_terminal_report = self._terminal_report
        self._recover_payment()
        early, self._early = self._early, None
        for event in early or ():
            self.loop.post(event)
        self.sync = self._start_sync_or_say(cfg) if cfg.mqtt.enabled else None

    def _start_sync_or_say(self, cfg: KioskConfig) -> SyncService | None:
        """A broken link setting (a missing CA file, say) must not stop the lane from selling:
        sales wait in the outbox; the banner and ``kiosk devices`` say what is wrong."""
        try:
            return self._start_sync(cfg)
        except KioskError as exc:
            self.mqtt_problem = exc.message
            self.say(f"mqtt: NOT WORKING: {exc.message}")
            return None

    def _start_sync(self, cfg: KioskConfig) -> SyncService:
        """The MQTT link (kiosk.sync): outbox delivery, retained status, signed commands."""
        from kiosk.sync.catalogue_events import SyncSettings  # noqa: PLC0415 - see the imports
        from kiosk.sync.catalogue_sync import CatalogueSync  # noqa: PLC0415
        from kiosk.sync.service import SyncService  # noqa: PLC0415
        from kiosk.sync.staff_sync import StaffSync  # noqa: PLC0415

        sync = SyncService(cfg.mqtt, store=cfg.store.store_id, kiosk=cfg.store.kiosk_id,
                           resolve=cfg.resolve, data_dir=self.data_dir, writer=self.writer,
                           post=self._post, status=self._mqtt_status, clock=self.clock)
        self.loop.subscribe(lambda event, _session, outcome: _after_step(sync, event, outcome))
        catalogue_sync = CatalogueSync(
            link=sync.link, mirror=self.catalogue, writer=self.writer,
            settings=SyncSettings(cfg.store.store_id, cfg.store.kiosk_id, cfg.locale.currency,
                                  vat_codes=frozenset(cfg.vat),
                                  parts_timeout_s=cfg.mqtt.catalogue_parts_timeout_s),
            trusted=sync.trusted.current, state_file=self.data_dir / "catalogue-sync.json",
            clock=self.clock, kick=sync.kick,
            on_change=lambda: self._catalogue_changed(sync))
        StaffSync(link=sync.link, writer=self.writer, store=cfg.store.store_id, roles=self.roles,
                  path=cfg.resolve(cfg.staff.file), trusted=sync.trusted.current,
                  on_change=self._staff_pushed, clock=self.clock, kick=sync.kick)
        catalogue_sync.start()
        sync.start()
        self._closers.append(sync.stop)
        self._closers.append(catalogue_sync.stop)
        self.say(f"mqtt: {sync.settings.host}:{sync.settings.port} as "
                 f"{sync.settings.username}{' over TLS' if sync.settings.tls else ''}")
        return sync

    def _staff_pushed(self, members: dict[str, StaffMember]) -> None:
        """A signed staff file was written and read back (writer thread): the PIN pad checks
        the new members from its next PIN on; whoever is signed in stays until they leave."""
        self.staff = members
        self.say(f"staff: a pushed staff file replaced {self.config.staff.file} "
                 f"({len(members)} members)")

    def _catalogue_changed(self, sync: SyncService) -> None:
        """A pushed catalogue was applied (sync thread): new promotions for the next pricing."""
        self.ctx = dataclasses.replace(self.ctx, promotions=self.catalogue.promotions)
        sync.publish_status()

    def _mqtt_status(self) -> Status:
        """The retained status: called on the MQTT thread, reads immutable values only."""
        from kiosk.sync.messages import Status  # noqa: PLC0415 - only with the MQTT link

        health = {name: {"ok": h.ok, "detail": h.detail, "simulated": h.simulated}
                  for name, h in self.devices.health().items()}
        return Status(True, __version__, self.catalogue.version, health,
                      locked=self.loop.session.locked)

    def _post(self, event: object) -> None:
        """Devices report health while they are built, before the loop exists: keep those."""
        if self._early is not None:
            self._early.append(event)
        else:
            self.loop.post(event)

    def _devices_down(self) -> dict[str, str]:
        return {name: health.detail for name, health in self.devices.health().items()
                if not health.ok}

    def _initial_session(self) -> Session:
        """A fresh session, or the basket a power cut interrupted (voided with a record if it
        can no longer be priced)."""
        journal = self.writer.submit(lambda j: (j.next_sale_number(), j.open_basket())).result()
        number, basket = journal
        down = self._devices_down()
        held = self.suspended.waiting(self.writer, self.say)
        if basket is None:
            return new_session(self.ctx, number, devices_down=down, suspended=held)
        data = basket.payload
        try:
            attempts = self.writer.submit(lambda j: j.payment_attempts(basket.sale_id)).result()
            session = restore_session(
                self.ctx, sale_number=data["sale_number"],
                lines=[line_from_dict(line) for line in data["lines"]],
                links=[tuple(link) for link in data["links"]],
                started_at=datetime.fromisoformat(data["started_at"]),
                at=datetime.fromisoformat(data["at"]), age_approved=data["age_approved"],
                member=data["member"], next_attempt=data["next_attempt"],
                unanswered=_unanswered(attempts), devices_down=down, suspended=held)
        except (KioskError, KeyError, TypeError, ValueError) as exc:
            reason = f"not restorable: {exc}"
            self.writer.submit(lambda j: j.void_basket(at=self.clock(), reason=reason)).result()
            self.say(f"open basket of sale {basket.sale_id} could not be restored ({exc}); "
                     "voided with a record")
            return new_session(self.ctx, self.writer.submit(
                lambda j: j.next_sale_number()).result(), devices_down=down, suspended=held)
        self.say(f"open basket of sale {basket.sale_id} restored "
                 f"({len(session.lines)} lines, state {session.state})")
        return session

    def _recover_payment(self) -> None:
        """A payment the terminal never answered before the restart comes first: the shopper
        is told to wait for staff, the store is alerted, and the terminal is asked what became
        of it (ZVT: its last receipt); the session takes no new payment until staff resolve."""
        session = self.loop.session
        attempt = session.in_flight
        if session.phase is not SessionState.PAYMENT_UNKNOWN or attempt is None:
            return
        sale_id = self.ctx.sale_id(session.sale_number)
        detail = {"sale_id": sale_id, "attempt_id": attempt.attempt_id,
                  "amount": attempt.amount.minor, "reason": attempt.auth.get("reason", "")}
        self.say(f"payment {attempt.attempt_id} of sale {sale_id} has no answer from before the "
                 "restart: waiting for staff; asking the card terminal first")
        self.handlers.show_message(fx.ShowMessage("payment-unknown", detail))
        self.handlers.publish_event(fx.PublishEvent("payment-unknown", detail))
        if self.devices.terminal is not None:
            self.devices.terminal.recover(attempt.attempt_id, sale_id, attempt.amount)

    def terminal_action(self, action: str, *, attempt_id: str = "", receipt_no: str = "",
                        amount: Money | None = None) -> str:
        """A staff member's request to the card terminal, in assisted mode: ``status``,
        ``recover`` (ask what became of the unknown payment), ``reverse`` (a payment of today,
        by its receipt number) or ``refund``. The answer comes as a report (said and
        journaled); refused here, with the reason, when nobody allowed is signed in or the
        protocol cannot do it. Every request is audited before it goes out."""
        session, terminal = self.loop.session, self.devices.terminal
        staff = session.staff if session.top is SessionState.ASSISTED else None
        if staff is None or not self.roles.allows(staff.role, Permission.RESOLVE_PAYMENT):
            return "refused: a staff member allowed to resolve payments must be signed in"
        if terminal is None:
            return "refused: card payment is unavailable (no terminal)"
        can = {"status": terminal.capabilities.status_enquiry,
               "recover": terminal.capabilities.recovery,
               "reverse": terminal.capabilities.reversal,
               "refund": terminal.capabilities.refund}
        if not can.get(action, False):
            return f"refused: this terminal's protocol cannot {action}"
        known = next((a for a in session.attempts if a.attempt_id == attempt_id), None)
        if action == "recover":
            if known is None:
                return f"refused: {attempt_id or 'no attempt'} is not a payment of this sale"
            amount = known.amount
        detail = {"attempt_id": attempt_id, "receipt_no": receipt_no,
                  "amount": amount.minor if amount is not None else 0}
        self.handlers.record_staff_action(fx.RecordStaffAction(
            staff.staff_id, f"terminal-{action}", self.clock(), None, detail)).result()
        money = amount or Money.zero(self.ctx.currency)
        match action:
            case "status":
                terminal.enquire()
            case "recover":
                terminal.recover(attempt_id, self.ctx.sale_id(session.sale_number), money)
            case "reverse":
                terminal.reverse(attempt_id, receipt_no, money)
            case _:
                terminal.refund(attempt_id or f"refund:{self.clock().isoformat()}", money)
        return f"asked the card terminal: {action}"

    def _terminal_report(self, report: TerminalReport) -> None:
        """A recovery's or a staff action's answer (driver thread): journaled as an alert for
        the store and said on the console, for the staff member at the kiosk."""
        self.say(f"terminal {report.action}: {'ok' if report.ok else 'NOT OK'}: {report.detail}")
        self.handlers.publish_event(fx.PublishEvent(f"terminal-{report.action}", {
            "ok": report.ok, "detail": report.detail, "attempt_id": report.attempt_id,
            **report.fields}))

    def _durable_failed(self, failure: DurableWriteFailed) -> None:
        self.say(f"JOURNAL WRITE FAILED for {type(failure.effect).__name__}: {failure.error}; "
                 f"held back {len(failure.dropped)} effects")

    # -- staff ------------------------------------------------------------------------------

    def check_staff_pin(self, staff_id: str, pin: str) -> PinCheck:
        result = check_pin(self.staff, staff_id, pin, attempts=self.pin_attempts,
                           at=self.clock(), policy=self.lockout)
        self.pin_attempts = result.attempts
        if result.newly_locked:  # the id as the kiosk records ids (kiosk.core.staff)
            self._post_alert("pin-lockout", {"staff_id": staff_id_key(staff_id)})
        return result

    def _post_alert(self, kind: str, detail: dict[str, str]) -> None:
        self.handlers.publish_event(fx.PublishEvent(kind, detail))

    def close(self) -> None:
        while self._closers:
            closer = self._closers.pop()
            try:
                closer()
            except KioskError as exc:
                self.say(f"while closing: {exc}")


def _after_step(sync: SyncService, event: object, outcome: object) -> None:
    """Deliver what the step committed now, and refresh the status when it changed."""
    if getattr(outcome, "effects", ()):
        sync.kick()
    if isinstance(event, DeviceHealthChanged | KioskLocked | KioskUnlocked):
        sync.publish_status()


def _unanswered(attempts: list) -> tuple[str, Money] | None:
    """The last attempt that was sent and never settled, from the journal's payment steps.

    Settled means a clear answer or a staff resolution; a late answer (``late-*``) recorded
    after ``unknown`` is evidence for staff, not a settlement, so it keeps the attempt open.
    """
    final: dict[str, str] = {}
    amounts: dict[str, Money] = {}
    for record in attempts:
        body = record.data()
        final[body["attempt_id"]] = body["status"]
        amounts[body["attempt_id"]] = Money(body["amount_minor"], body["currency"])
    open_ones = [a for a, status in final.items()
                 if status in ("started", "unknown") or status.startswith("late-")]
    return (open_ones[-1], amounts[open_ones[-1]]) if open_ones else None


def dispatch(args: Namespace, loaded: LoadedConfig) -> int:
    """Run one ``kiosk`` sub-command."""
    from kiosk import commands  # noqa: PLC0415 - keeps `kiosk --help` light

    return commands.run(args, loaded)
