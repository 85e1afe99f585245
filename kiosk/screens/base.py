"""The contract every screen codes against (kiosk/screens/README.md).

A screen is a view: :meth:`KioskScreen.show` receives a pure :class:`ScreenView` whenever
anything it shows may have changed, and the screen turns taps into events with
:meth:`KioskScreen.send`, which only posts them to the kiosk's one event loop. A screen never
changes session state itself and holds no business rule: whether a tap is allowed is the
session's decision, which comes back as the next view.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from kivy.uix.screenmanager import Screen

from kiosk.core.events import Event
from kiosk.screens.view import ScreenView

if TYPE_CHECKING:
    from kiosk.app import Kiosk
    from kiosk.screens.theme import Theme


class ShellPort(Protocol):
    """What a screen may use of the UI shell (kiosk.screens.shell.UiShell)."""

    kiosk: Kiosk
    theme: Theme

    def post(self, event: Event) -> None:
        """Queue ``event`` for the event loop; returns at once (the loop runs on Clock)."""

    def now(self) -> datetime:
        """The kiosk's clock (aware UTC), for the ``at`` of events."""

    def set_local(self, **changes: bool) -> None:
        """Open or close UI-only state: ``pin_pad=True``, ``report=False`` (routing.LocalUi)."""

    def speak(self, text: str) -> None:
        """Spoken guidance when the shopper turned it on; a no-op otherwise."""

    def time_factor(self) -> float:
        """How much longer UI timeouts last: >1 in accessibility mode."""


class KioskScreen(Screen):
    """Base of every kiosk screen. Subclasses set ``screen_name`` (one of routing's names) and
    override :meth:`show`, calling ``super().show(view)`` first."""

    screen_name: ClassVar[str] = ""

    def __init__(self, shell: ShellPort, **kwargs: Any) -> None:
        if not self.screen_name:
            raise TypeError(f"{type(self).__name__} has no screen_name")
        super().__init__(name=self.screen_name, **kwargs)
        self.shell = shell
        self.view: ScreenView | None = None

    def show(self, view: ScreenView) -> None:
        """Render ``view``; called on every session change while this screen is current."""
        self.view = view

    def send(self, event: Event) -> None:
        self.shell.post(event)

    def now(self) -> datetime:
        return self.shell.now()

    def tr(self, key: str, **values: Any) -> str:
        """``key`` in the sale's language (the view's); English before the first view."""
        if self.view is None:
            from kiosk.screens.i18n import tr  # noqa: PLC0415 - rare path, before any view

            return tr(key, "en", **values)
        return self.view.tr(key, **values)
