"""The UI shell: drives the kiosk's EventLoop from Kivy's Clock and shows the routed screen.

Nothing here blocks: device threads post events; each frame the shell handles what is queued
(within a small time budget, so a burst of events never freezes a frame), posts a ``Tick``
every second for the session's timers, and re-renders when the session, a screen message or
the terminal's status changed. The view is built by the pure :func:`kiosk.screens.view.build_view`.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk.core import events as ev
from kiosk.core.effects import ShowMessage
from kiosk.core.session_model import Session, SessionState
from kiosk.errors import ConfigError
from kiosk.screens import registry
from kiosk.screens.base import KioskScreen
from kiosk.screens.routing import ATTRACT, SHOPPER_SCREENS, STAFF_SCREENS, LocalUi
from kiosk.screens.speech import Speaker
from kiosk.screens.theme import THEME, Theme
from kiosk.screens.view import Accessibility, Inputs, MessageView, ScreenView, build_view

if TYPE_CHECKING:
    from kiosk.app import Kiosk
    from kiosk.config import UiConfig

log = logging.getLogger(__name__)
FRAME_BUDGET_S = 0.02  # event handling per frame; the rest of the frame is for drawing
STICKY = frozenset({"receipt-qr", "paid", "take-receipt", "payment-unknown", "out-of-order"})


class UiShell:
    """Owns the ScreenManager; see the module docstring. ``require`` lists the screens that
    must be registered (``kiosk run``: all of routing's)."""

    def __init__(self, kiosk: Kiosk, ui: UiConfig, *,
                 require: tuple[str, ...] = SHOPPER_SCREENS + STAFF_SCREENS) -> None:
        self.kiosk = kiosk
        self.ui = ui
        self.theme: Theme = THEME
        self.local = LocalUi()
        self.access = self._default_access()
        self.speaker = Speaker.for_ui(ui, say=kiosk.say, resolve=kiosk.config.resolve)
        self.manager = ScreenManager(transition=NoTransition())
        self._message: tuple[MessageView, float] | None = None
        self._receipt_qr: str | None = None
        self._terminal_key: str | None = None
        self._dirty = False
        self._phase = kiosk.loop.session.phase
        self._unbuilt = self._screen_classes(require)
        self._pumped = 0
        kiosk.loop.subscribe(self._after_step)
        self.configure_theme()
        self._events = [Clock.schedule_interval(self.pump, 0),
                        Clock.schedule_interval(self._tick, 1.0)]
        self._take_messages()
        self.render()  # builds the one screen the first frame shows (see pump)

    # -- ShellPort --------------------------------------------------------------------------

    def post(self, event: ev.Event) -> None:
        self.kiosk.loop.post(event)

    def now(self) -> datetime:
        return self.kiosk.clock()

    def set_local(self, **changes: bool) -> None:
        self.local = replace(self.local, **changes)
        self._dirty = True

    def speak(self, text: str) -> None:
        if self.access.speech:
            self.speaker.say(text, self.session.language)

    # -- what screens ask of the shell besides the port --------------------------------------

    def set_access(self, **changes: bool) -> None:
        """The shopper's accessibility choice; it lasts until the sale ends."""
        self.access = replace(self.access, **changes)
        self.configure_theme()
        self._dirty = True

    def configure_theme(self) -> None:
        width, height = self.ui.window_size()
        cjk = self.session.language in self.ui.cjk_languages
        self.theme.configure(dpi=self.ui.dpi, height_px=min(width, height),
                             large_text=self.access.large_text,
                             high_contrast=self.access.high_contrast,
                             font_name=self.ui.cjk_font if cjk else self.ui.font,
                             cjk_font_name=self.ui.cjk_font)

    def time_factor(self) -> float:
        return self.ui.accessible_time_factor if self.access.on else 1.0

    @property
    def session(self) -> Session:
        return self.kiosk.loop.session

    def screen(self, name: str) -> KioskScreen:
        """The screen called ``name``, built now if it was not yet (see :meth:`pump`)."""
        if name in self._unbuilt:
            self.manager.add_widget(self._unbuilt.pop(name)(self))
        widget = self.manager.get_screen(name)
        assert isinstance(widget, KioskScreen)  # only KioskScreens are added
        return widget

    def close(self) -> None:
        for event in self._events:
            event.cancel()
        self.speaker.close()

    # -- the loop ---------------------------------------------------------------------------

    def pump(self, _dt: float = 0.0) -> None:
        """Handle queued events within the frame budget, then render if anything changed.

        Start-up draws first: the shell is made with only the screen the session shows, and
        the first call here comes before Kivy draws that first frame, so it does nothing. The
        second, after the frame is on the display, builds every other screen, before any event
        is handled: a screen that listens to the loop (the PIN pad opening on a staff badge)
        misses nothing, and events wait one frame at start, not a shopper at every scan.
        """
        if self._unbuilt:
            self._pumped += 1
            if self._pumped < 2:
                return
            for name in list(self._unbuilt):
                self.screen(name)
        end = time.monotonic() + FRAME_BUDGET_S
        while time.monotonic() < end and self.kiosk.loop.run_once(0):
            pass
        self._take_messages()
        status = self.kiosk.device_events.terminal_status
        key = status.message_key if status is not None else None
        if key != self._terminal_key:
            self._terminal_key = key
            self._dirty = True
            if key is not None:
                self.speak(self.view().tr(f"terminal.{key}"))
        if self._message is not None and time.monotonic() > self._message[1]:
            self._message = None
            self._dirty = True
        if self._dirty:
            self._dirty = False
            self.render()

    def _tick(self, _dt: float) -> None:
        self.post(ev.Tick(at=self.now()))

    def _after_step(self, event: object, session: Session, outcome: Any) -> None:
        self._dirty = True
        if isinstance(event, ev.StaffUnlocked) and session.top is SessionState.ASSISTED:
            self.local = replace(self.local, pin_pad=False)
        if session.top is not SessionState.ASSISTED and self.local.report:
            self.local = replace(self.local, report=False)
        if session.phase is SessionState.ATTRACT and self._phase is not SessionState.ATTRACT:
            self.access = self._default_access()  # the sale ended: its choices end with it
            self._receipt_qr = None
            self.configure_theme()
        self._phase = session.phase
        if isinstance(event, ev.LanguageChosen):
            self.configure_theme()

    def _take_messages(self) -> None:
        """Screen messages arrive through the kiosk's ``messages`` list (the ShowMessage
        handler); the shell keeps the newest and empties the list so it never grows."""
        if not self.kiosk.messages:
            return
        shown: ShowMessage = self.kiosk.messages[-1]
        for message in self.kiosk.messages:
            if message.key == "receipt-qr" and "qr" in message.params:
                self._receipt_qr = str(message.params["qr"])
        del self.kiosk.messages[:]
        factor = self.time_factor() * (10 if shown.key in STICKY else 1)
        self._message = (MessageView(shown.key, dict(shown.params)),
                         time.monotonic() + self.ui.message_s * factor)
        self._dirty = True

    def view(self) -> ScreenView:
        terminal = self.kiosk.devices.terminal
        return build_view(self.session, self.kiosk.ctx, Inputs(
            message=self._message[0] if self._message else None,
            terminal_status=self._terminal_key,
            health={name: (False, detail) for name, detail in self.session.devices_down.items()},
            terminal_can_cancel=terminal is not None and terminal.capabilities.cancel,
            access=self.access, local=self.local, receipt_qr=self._receipt_qr))

    def render(self) -> None:
        view = self.view()
        shown = self.manager.current or ATTRACT  # before any screen is built: the greeting
        screen = self.screen(view.screen)
        if shown != view.screen:
            self.manager.current = view.screen
            self.speak(screen.tr(f"speak.{view.route.phase_screen}")
                       if view.screen in SHOPPER_SCREENS else "")
        screen.show(view)

    # -- building ---------------------------------------------------------------------------

    def _screen_classes(self, require: tuple[str, ...]) -> dict[str, type[KioskScreen]]:
        """Every registered screen class by name, checked now (``kiosk run`` refuses to start
        without a routed screen), built when first shown or after the first frame."""
        classes: dict[str, type[KioskScreen]] = {}
        for cls in registry.shopper_screen_classes() + registry.staff_screen_classes():
            if cls.screen_name in classes:
                raise ConfigError(f"two screens are called {cls.screen_name!r}",
                                  f"{classes[cls.screen_name].__name__} and {cls.__name__} "
                                  "both register it", "Install the complete kiosk package.")
            classes[cls.screen_name] = cls
        missing = registry.missing(set(classes), require)
        if missing:
            raise ConfigError(f"the touch screen lacks the screens {', '.join(missing)}",
                              "no module in kiosk/screens registers them",
                              "Install the complete kiosk package.")
        return classes

    def _default_access(self) -> Accessibility:
        return Accessibility(large_text=self.ui.large_text,
                             high_contrast=self.ui.high_contrast, speech=self.ui.speech)
