"""The staff PIN pad: the id (typed, or from a scanned staff badge) and the PIN.

The pad is a view of :class:`kiosk.screens.staff_pin_model.PinEntry` and of the kiosk's PIN
lockout state (``Kiosk.pin_attempts`` and ``Kiosk.lockout``). The PIN is checked by
``Kiosk.check_staff_pin`` (scrypt, deliberately slow) on a thread of its own so the screen keeps
drawing; the answer comes back through Kivy's Clock. A right PIN becomes a ``StaffUnlocked``
event for the session; a wrong one is shown with the attempts left, and the fifth locks the pad
(the kiosk journals and publishes the lockout) with the time left counting down.
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from kivy.clock import Clock
from kivy.properties import ObjectProperty

from kiosk.core.effects import ShowMessage
from kiosk.core.events import StaffUnlocked
from kiosk.core.staff import PinCheck
from kiosk.screens.base import KioskScreen
from kiosk.screens.routing import PIN
from kiosk.screens.staff_pin_model import (
    ID_KEYS,
    PinEntry,
    Stage,
    pin_pad_view,
)
from kiosk.screens.view import ScreenView
from kiosk.screens.widgets import KButton

PIN_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", "")


class PinScreen(KioskScreen):
    """Widgets: ``ids.title``, ``ids.who``, ``ids.dots``, ``ids.message``, ``ids.pin_keys`` (the
    keypad, rebuilt per stage), ``ids.back``, ``ids.cancel``, ``ids.ok``."""

    screen_name: ClassVar[str] = PIN
    pad = ObjectProperty(None, allownone=True)  # the PinPadView on screen, for tests to read

    def __init__(self, shell: Any, **kwargs: Any) -> None:
        super().__init__(shell, **kwargs)
        self.entry = PinEntry()
        self.key_buttons: dict[str, KButton] = {}
        self._ticker: Any = None
        self._built_stage: Stage | None = None
        self.shell.kiosk.loop.subscribe(self._outcome)

    # -- the session's view -----------------------------------------------------------------

    def show(self, view: ScreenView) -> None:
        super().show(view)
        self.refresh()

    def _outcome(self, _event: object, _session: object, outcome: Any) -> None:
        """A scanned staff badge (or the tower's help button held) asks for the PIN pad: the
        session says so with ``ShowMessage("staff-pin")``; a badge names who signs in, so only
        the PIN is asked."""
        for effect in outcome.effects:
            if isinstance(effect, ShowMessage) and effect.key == "staff-pin":
                badge = str(effect.params.get("staff_id", ""))
                self.entry = PinEntry.from_badge(badge) if badge else PinEntry()
                self.shell.set_local(pin_pad=True)

    def on_enter(self, *args: Any) -> None:
        self._ticker = Clock.schedule_interval(lambda _dt: self.refresh(), 1.0)

    def on_leave(self, *args: Any) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None
        if self.entry.stage is not Stage.CHECKING:
            self.entry = PinEntry()

    # -- drawing ----------------------------------------------------------------------------

    def refresh(self) -> None:
        kiosk = self.shell.kiosk
        pad = pin_pad_view(self.entry, kiosk.pin_attempts, self.now(), kiosk.lockout)
        self.pad = pad
        if pad.stage is not self._built_stage:
            self._build_keys(pad.stage)
        self.ids.title.text = self.tr("staff.pin.title")
        self.ids.who.text = (self.tr("staff.pin.who", staff_id=pad.staff_id)
                             if pad.stage is not Stage.STAFF_ID
                             else self.tr("staff.pin.id_typed", staff_id=pad.staff_id or "-"))
        self.ids.dots.text = pad.dots if pad.stage is not Stage.STAFF_ID else pad.staff_id
        self.ids.message.text = self.tr(pad.message, **pad.values)
        self.ids.message.color = self.shell.theme.danger if (pad.locked or self.entry.wrong) \
            else self.shell.theme.fg
        for char, button in self.key_buttons.items():
            button.disabled = not pad.keys_enabled or not char
        self.ids.ok.disabled = not pad.ok_enabled
        self.ids.back.disabled = not pad.back_enabled
        self.ids.ok.text = self.tr("staff.pin.next" if pad.stage is Stage.STAFF_ID
                                   else "staff.pin.ok")
        self.ids.back.text = self.tr("staff.pin.back")
        self.ids.cancel.text = self.tr("staff.pin.cancel")

    def _build_keys(self, stage: Stage) -> None:
        grid = self.ids.pin_keys
        grid.clear_widgets()
        self.key_buttons = {}
        self._built_stage = stage
        chars: tuple[str, ...] = PIN_KEYS if stage is not Stage.STAFF_ID else tuple(
            "".join(ID_KEYS))
        grid.cols = 3 if stage is not Stage.STAFF_ID else len(ID_KEYS[0])
        for index, char in enumerate(chars):
            button = KButton(text=char)
            button.key = f"pin.key.{char}"
            if char:
                button.bind(on_release=lambda _b, c=char: self.press(c))
                self.key_buttons[char] = button
            else:
                button.disabled = True
                self.key_buttons[f" {index}"] = button
            grid.add_widget(button)

    # -- touches ----------------------------------------------------------------------------

    def press(self, char: str) -> None:
        self.entry = self.entry.key(char)
        self.refresh()

    def back(self) -> None:
        self.entry = self.entry.back()
        self.refresh()

    def cancel(self) -> None:
        self.entry = PinEntry()
        self.shell.set_local(pin_pad=False)

    def ok(self) -> None:
        before = self.entry
        self.entry = before.next()
        self.refresh()
        if self.entry.stage is Stage.CHECKING and before.stage is Stage.PIN:
            staff_id, pin = self.entry.staff_id, self.entry.pin
            threading.Thread(target=self._check, args=(staff_id, pin), name="pin-check",
                             daemon=True).start()

    def _check(self, staff_id: str, pin: str) -> None:
        """Off the UI thread: scrypt takes a noticeable moment by design."""
        result = self.shell.kiosk.check_staff_pin(staff_id, pin)
        Clock.schedule_once(lambda _dt: self._answered(result))

    def _answered(self, result: PinCheck) -> None:
        self.entry = self.entry.answered(result)
        if result.ok and result.member is not None:
            self.send(StaffUnlocked(at=self.now(), staff_id=result.member.staff_id,
                                    role=result.member.role))
        self.refresh()


SCREENS = (PinScreen,)
