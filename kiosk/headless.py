"""Headless kiosk: the same session and devices, driven by typed commands instead of touches.

DESIGN.md: everything a shopper can do on screen can be done headless through the same events.
Commands come from a script file (demos, tests) or a terminal, one per line; ``#`` starts a
comment. Each prints what a shopper or staff member would see change. ``help`` lists them.
A script stops at the first command that fails (exit status 1), so a scripted demo or test can
never silently skip a step.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from kiosk.app import Kiosk
from kiosk.core import effects as fx
from kiosk.core import events as ev
from kiosk.core.session import Outcome, Session
from kiosk.errors import DeviceError, KioskError
from kiosk.hw.camera import ImageError, SimulatedScanner

COMMANDS = """\
  scan CODE [SYMBOLOGY]   a code read by the scanner (e.g. scan 4006381333931)
  scan-image PATH         hold a photo up to the simulated camera (decoded as its frames)
  scan-next               hold up the simulated camera's next photo from its folder
  plu PLU [GRAMS]         produce by PLU, with its weight for weighed items
  pick GTIN               a quick-pick button (carrier bag)
  qty LINE N | void LINE  change a line's quantity, or remove it
  pay | cancel-pay        pay by card, or ask to stop the payment
  help | help-cancel      call staff, or cancel the call
  staff ID PIN            unlock assisted mode (staff-exit locks it again)
  approve-age | refuse-age | override LINE PRICE_MINOR | cancel-sale
  resolve ATTEMPT approved|declined   staff settle an unknown payment
  lock [REASON] | unlock  the kiosk's own lock
  wait STATE [SECONDS]    run until the session is in STATE (default 30 s)
  sleep SECONDS           let the kiosk run (timers, devices)
  basket | status         show the basket / the state and devices
  quit"""


class CommandError(KioskError, ValueError):
    """A headless command was malformed or did not do what it asked."""


class Headless:
    def __init__(self, kiosk: Kiosk, out: Callable[[str], None] = print) -> None:
        self.kiosk = kiosk
        self.out = out
        self.staff_id: str | None = None
        self._last_shown: tuple[str, object] | None = None
        kiosk.loop.subscribe(self._report)

    # -- running ----------------------------------------------------------------------------

    def run_lines(self, lines: Iterable[str], *, stop_on_error: bool) -> int:
        for raw in lines:
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            self.out(f"> {line}")
            if line == "quit":
                break
            try:
                self.execute(shlex.split(line))
            except CommandError as exc:
                self.out(f"! {exc}")
                if stop_on_error:
                    return 1
        self.settle()
        return 0

    def pump(self, seconds: float) -> None:
        """Let the loop run for a while, ticking the session's clock once a second."""
        end = time.monotonic() + seconds
        next_tick = 0.0
        while time.monotonic() < end:
            if time.monotonic() >= next_tick:
                self.kiosk.loop.post(ev.Tick(at=self.kiosk.clock()))
                next_tick = time.monotonic() + 1.0
            self.kiosk.loop.run_once(timeout=0.05)

    def settle(self, limit: float = 10.0) -> None:
        """Run until nothing is queued and no journal write is outstanding."""
        end = time.monotonic() + limit
        while time.monotonic() < end:
            self.kiosk.loop.drain()
            if self.kiosk.loop.idle:
                return
            self.kiosk.loop.run_once(timeout=0.05)

    @property
    def session(self) -> Session:
        return self.kiosk.loop.session

    def send(self, event: ev.Event) -> None:
        self.kiosk.loop.post(event)
        self.settle()

    # -- commands ---------------------------------------------------------------------------

    def execute(self, words: list[str]) -> None:
        name, args = words[0], words[1:]
        at = self.kiosk.clock()
        for family in (self._shopper, self._staff, self._control):
            event = family(name, args, at)
            if event is True:
                return
            if event is not None and event is not False:
                self.send(event)
                return
        raise CommandError(f"not a command: {' '.join(words)!r}", "",
                           "Type ? for the list of commands.")

    def _shopper(self, name: str, args: list[str], at: datetime) -> ev.Event | bool:  # noqa: PLR0911
        match name, args:
            case "scan", [code, *sym]:
                return ev.ItemScanned(at=at, code=code, symbology=sym[0] if sym else None)
            case "plu", [plu, *grams]:
                return ev.PluEntered(at=at, plu=plu, weight_g=int(grams[0]) if grams else None)
            case "pick", [gtin]:
                return ev.QuickPickChosen(at=at, gtin=gtin)
            case "qty", [line_id, quantity]:
                return ev.QuantityChanged(at=at, line_id=int(line_id), quantity=int(quantity))
            case "void", [line_id]:
                return ev.LineVoided(at=at, line_id=int(line_id))
            case "pay", []:
                return ev.PayPressed(at=at)
            case "cancel-pay", []:
                return ev.CancelPaymentPressed(at=at)
            case "help", []:
                return ev.HelpPressed(at=at)
            case "help-cancel", []:
                return ev.HelpCancelled(at=at)
        return False

    def _staff(self, name: str, args: list[str], at: datetime) -> ev.Event | bool:  # noqa: PLR0911
        staff = self.staff_id or ""
        match name, args:
            case "staff", [staff_id, pin]:
                self._unlock(staff_id, pin)
                return True
            case "staff-exit", []:
                self.staff_id = None
                return ev.AssistedExited(at=at, staff_id=staff)
            case "approve-age", []:
                return ev.AgeApproved(at=at, staff_id=staff)
            case "refuse-age", []:
                return ev.AgeRefused(at=at, staff_id=staff)
            case "override", [line_id, price]:
                return ev.PriceOverridden(at=at, line_id=int(line_id), new_price=int(price),
                                          staff_id=staff)
            case "cancel-sale", []:
                return ev.SaleCancelled(at=at, staff_id=staff)
            case "resolve", [attempt, ("approved" | "declined") as outcome]:
                return ev.PaymentResolved(at=at, attempt_id=attempt, staff_id=staff,
                                          outcome=ev.PaymentOutcome(outcome))
            case "lock", [*reason]:
                return ev.KioskLocked(at=at, by=staff or "local", reason=" ".join(reason))
            case "unlock", []:
                return ev.KioskUnlocked(at=at, by=staff or "local")
        return False

    def _control(self, name: str, args: list[str], at: datetime) -> bool:
        match name, args:
            case "scan-image", [path]:
                self._scan_image(Path(path))
            case "scan-next", []:
                self._scan_image(None)
            case "wait", [state, *limit]:
                self._wait(state, float(limit[0]) if limit else 30.0)
            case "sleep", [seconds]:
                self.pump(float(seconds))
            case "basket", []:
                self._show_basket()
            case "status", []:
                self._show_status()
            case "?", []:
                self.out(COMMANDS)
            case _:
                return False
        return True

    def _scan_image(self, path: Path | None) -> None:
        """A photo held up to the simulated camera: the real frames-to-scan path decides."""
        scanner = self.kiosk.devices.scanner
        if not isinstance(scanner, SimulatedScanner):
            raise CommandError("scan-image needs the simulated camera",
                                "the camera is real or off in this configuration")
        try:
            found = scanner.scan_image(path) if path is not None else scanner.scan_next()
        except (ImageError, DeviceError) as exc:
            raise CommandError(exc.what, exc.why, exc.action) from None
        if not found:
            raise CommandError(f"no barcode confirmed in {path or 'the photo'}",
                                "the camera decoder read nothing it could confirm",
                                "Try another photo, or type the code with scan CODE.")
        self.out(f"  camera read {', '.join(f'{d.shown()} ({d.symbology})' for d in found)}")
        self.settle()

    def _unlock(self, staff_id: str, pin: str) -> None:
        result = self.kiosk.check_staff_pin(staff_id, pin)
        if not result.ok or result.member is None:
            raise CommandError("staff unlock refused", result.reason)
        self.staff_id = staff_id
        self.send(ev.StaffUnlocked(at=self.kiosk.clock(), staff_id=staff_id,
                                   role=result.member.role))

    def _wait(self, state: str, limit: float) -> None:
        end = time.monotonic() + limit
        while str(self.session.state) != state:
            if time.monotonic() > end:
                raise CommandError(f"the kiosk did not reach {state!r} within {limit:g} s",
                                    f"it is in {self.session.state!s}")
            self.pump(0.1)
        self.settle()

    # -- what a person sees -----------------------------------------------------------------

    def _report(self, event: object, session: Session, outcome: Outcome) -> None:
        if outcome.rejected is not None:
            self.out(f"  refused: {outcome.rejected.reason}")
        if outcome.refused is not None:
            self.out(f"  not done: {outcome.refused.reason}")
        for effect in outcome.effects:
            if isinstance(effect, fx.ShowMessage):
                params = ", ".join(f"{k}={v}" for k, v in effect.params.items())
                self.out(f"  screen: {effect.key}" + (f" ({params})" if params else ""))
            elif isinstance(effect, fx.RecordSale):
                sale = effect.sale
                self.out(f"  sale {sale.sale_id} {sale.status.value}: "
                         f"{sale.total.format()} ({sale.basket.item_count} items)")
            elif isinstance(effect, fx.SetLight):
                self.out(f"  light: {effect.pattern}")
        shown = (str(session.state), session.basket.total)
        if shown != self._last_shown:
            self._last_shown = shown
            self.out(f"  state: {session.state!s}; total {session.basket.total.format()}")

    def _show_basket(self) -> None:
        lang = self.session.language
        basket = self.session.basket
        for line in basket.lines:
            name = line.names.get(lang) or line.names.get("en", line.gtin)
            qty = f"{line.weight_g} g" if line.weight_g is not None else f"x{line.quantity}"
            self.out(f"  [{line.line_id}] {name:<34} {qty:>8} {line.amount.format():>10}")
        for discount in basket.discounts:
            label = discount.names.get(lang) or discount.promotion_id
            self.out(f"      {label:<43} {discount.amount.format():>10}")
        self.out(f"  TOTAL {basket.total.format()}  ({basket.item_count} items)")

    def _show_status(self) -> None:
        self.out(f"  state: {self.session.state!s}; sale number {self.session.sale_number}")
        for name, health in sorted(self.kiosk.devices.health().items()):
            kind = "simulated" if health.simulated else "real"
            self.out(f"  {name}: {kind}, {'ok' if health.ok else 'FAILED'} - {health.detail}")
