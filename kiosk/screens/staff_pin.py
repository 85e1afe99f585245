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
from kiosk.screens.staff_pin_layout import PAGE, PadPlan, Space, plan
from kiosk.screens.staff_pin_model import PinEntry, Stage, pin_pad_view
from kiosk.screens.view import ScreenView
from kiosk.screens.widgets import KButton


class PinScreen(KioskScreen):
    """Widgets: ``ids.title``, ``ids.who``, ``ids.dots``, ``ids.message`` (in ``ids.info``),
    ``ids.pin_keys`` (the keys, rebuilt per stage, page and screen size), ``ids.back``,
    ``ids.cancel``, ``ids.ok`` (in ``ids.controls``). Where they go follows
    :func:`kiosk.screens.staff_pin_layout.plan`."""

    screen_name: ClassVar[str] = PIN
    pad = ObjectProperty(None, allownone=True)  # the PinPadView on screen, for tests to read

    def __init__(self, shell: Any, **kwargs: Any) -> None:
        super().__init__(shell, **kwargs)
        self.entry = PinEntry()
        self.key_buttons: dict[str, KButton] = {}
        self._ticker: Any = None
        self._built: tuple[object, ...] | None = None
        self.page = 0  # of the id keyboard, where it has two
        self.plan: PadPlan | None = None
        # kv ids are weak: a block taken out of the tree while the pad is laid out another
        # way would be collected, so the screen holds them itself
        self.blocks = {name: self.ids[name].__self__ for name in
                       ("frame", "info", "pin_keys", "spacer", "controls", "column")}
        self.shell.kiosk.loop.subscribe(self._outcome)
        self.bind(size=lambda *_: self.refresh())

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
        self.page = 0

    # -- drawing ----------------------------------------------------------------------------

    def refresh(self) -> None:
        kiosk = self.shell.kiosk
        pad = pin_pad_view(self.entry, kiosk.pin_attempts, self.now(), kiosk.lockout)
        self.pad = pad
        self._lay_out(pad.stage)
        self.ids.title.text = self.tr("staff.pin.title")
        self.ids.who.text = (self.tr("staff.pin.who", staff_id=pad.staff_id)
                             if pad.stage is not Stage.STAFF_ID
                             else self.tr("staff.pin.id_typed", staff_id=pad.staff_id or "-"))
        self.ids.dots.text = pad.dots if pad.stage is not Stage.STAFF_ID else pad.staff_id
        self.ids.message.text = self.tr(pad.message, **pad.values)
        self.ids.message.color = self.shell.theme.danger if (pad.locked or self.entry.wrong) \
            else self.shell.theme.fg
        for char, button in self.key_buttons.items():
            button.disabled = not pad.keys_enabled or not char or char.startswith(" ")
        self.ids.ok.disabled = not pad.ok_enabled
        self.ids.back.disabled = not pad.back_enabled
        self.ids.ok.text = self.tr("staff.pin.next" if pad.stage is Stage.STAFF_ID
                                   else "staff.pin.ok")
        self.ids.back.text = self.tr("staff.pin.back")
        self.ids.cancel.text = self.tr("staff.pin.cancel")

    def _lay_out(self, stage: Stage) -> None:
        """Plan the pad for this screen and stage (staff_pin_layout); rebuild what changed."""
        theme = self.shell.theme
        ids = self.ids
        texts = ids.info.minimum_height
        pad_plan = plan(stage is not Stage.STAFF_ID,
                        Space(self.width, self.height, theme.target, theme.gap, texts))
        page = self.page % len(pad_plan.pages)
        built = (stage is Stage.STAFF_ID, pad_plan, page)
        if built == self._built:
            return
        self._built, self.plan = built, pad_plan
        self._place(pad_plan.side)
        self._build_keys(pad_plan, page)

    def _place(self, side: bool) -> None:
        """The texts and buttons above and below the keys, or in a column beside them."""
        b = self.blocks
        frame, column = b["frame"], b["column"]
        for widget in (b["info"], b["pin_keys"], b["spacer"], b["controls"], column):
            if widget.parent is not None:  # the column: at first the screen's own child
                widget.parent.remove_widget(widget)
        b["controls"].orientation = "vertical" if side else "horizontal"
        frame.orientation = "horizontal" if side else "vertical"
        if side:
            for widget in (b["info"], b["spacer"], b["controls"]):
                column.add_widget(widget)
            frame.add_widget(column)
            frame.add_widget(b["pin_keys"])
        else:
            for widget in (b["info"], b["pin_keys"], b["spacer"], b["controls"]):
                frame.add_widget(widget)

    def _build_keys(self, pad_plan: PadPlan, page: int) -> None:
        grid = self.ids.pin_keys
        grid.clear_widgets()
        self.key_buttons = {}
        grid.cols = pad_plan.cols
        for index, char in enumerate(pad_plan.pages[page]):
            label = self.tr("staff.pin.page_digits" if page == 0 else "staff.pin.page_letters") \
                if char == PAGE else char
            button = KButton(text=label)
            button.key = f"pin.key.{char}"
            if char:
                button.bind(on_release=lambda _b, c=char: self.press(c))
                self.key_buttons[char] = button
            else:
                self.key_buttons[f" {index}"] = button  # a blank of the keypad's last row
            grid.add_widget(button)

    # -- touches ----------------------------------------------------------------------------

    def press(self, char: str) -> None:
        if char == PAGE:
            self.page += 1
        else:
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
