"""The PIN pad as a value: what is typed, what the pad says, which keys work. No Kivy.

Two stages: the staff id (skipped when a staff badge was scanned: the session's
``ShowMessage("staff-pin", {"staff_id": ...})``) and the PIN. The PIN is checked by the shell
(``Kiosk.check_staff_pin``, which owns the lockout, kiosk.core.staff); this module only turns
the answer and the lockout state into what a person reads: "wrong PIN, 3 attempts left", or
"locked, try again in 4:47". The digits typed are never shown, only one dot per digit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from kiosk.core.staff import PIN_MAX_DIGITS, LockoutPolicy, PinAttempts, PinCheck

ID_MAX = 16
# The on-screen keyboard of the staff id stage: staff ids are short lower-case ids ("a01").
ID_KEYS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")


class Stage(StrEnum):
    STAFF_ID = "staff_id"
    PIN = "pin"
    CHECKING = "checking"  # the shell is hashing the PIN off the UI thread


@dataclass(frozen=True, slots=True)
class PinEntry:
    """What the person at the pad has typed so far, and the last answer's reason key."""

    staff_id: str = ""
    pin: str = ""
    stage: Stage = Stage.STAFF_ID
    badge: bool = False  # the id came from a scanned badge: it cannot be edited
    wrong: bool = False  # the last PIN was refused (shown until the next key)

    @classmethod
    def from_badge(cls, staff_id: str) -> PinEntry:
        return cls(staff_id=staff_id, stage=Stage.PIN, badge=True)

    def key(self, char: str) -> PinEntry:
        """One key of the pad; keys that cannot apply now are ignored (they are disabled)."""
        if self.stage is Stage.STAFF_ID and len(self.staff_id) < ID_MAX and char.isalnum():
            return replace(self, staff_id=self.staff_id + char, wrong=False)
        if self.stage is Stage.PIN and len(self.pin) < PIN_MAX_DIGITS and char.isdigit():
            return replace(self, pin=self.pin + char, wrong=False)
        return self

    def back(self) -> PinEntry:
        if self.stage is Stage.PIN and self.pin:
            return replace(self, pin=self.pin[:-1], wrong=False)
        if self.stage is Stage.PIN and not self.badge:
            return replace(self, stage=Stage.STAFF_ID, wrong=False)
        if self.stage is Stage.STAFF_ID:
            return replace(self, staff_id=self.staff_id[:-1], wrong=False)
        return self

    def next(self) -> PinEntry:
        """OK on the id stage moves to the PIN; on the PIN stage the shell checks it."""
        if self.stage is Stage.STAFF_ID and self.staff_id:
            return replace(self, stage=Stage.PIN, wrong=False)
        if self.stage is Stage.PIN and self.pin:
            return replace(self, stage=Stage.CHECKING)
        return self

    def answered(self, check: PinCheck) -> PinEntry:
        """After a refused PIN the pad clears the digits and says so."""
        return replace(self, pin="", stage=Stage.PIN, wrong=not check.ok)


@dataclass(frozen=True, slots=True)
class PinPadView:
    """What the pad shows. ``message`` is an i18n key, ``values`` its placeholders."""

    stage: Stage
    staff_id: str
    dots: str
    message: str
    values: dict[str, int]
    locked: bool
    keys_enabled: bool
    ok_enabled: bool
    back_enabled: bool


def attempts_left(attempts: PinAttempts, at: datetime, policy: LockoutPolicy) -> int:
    """Wrong PINs still allowed before the pad locks (the policy's own window)."""
    recent = sum(1 for t in attempts.failures if at - t < policy.window)
    return max(policy.max_attempts - recent, 0)


def lock_seconds(attempts: PinAttempts, at: datetime) -> int:
    """Whole seconds until the pad opens again, rounded up (0 when it is open)."""
    if not attempts.locked(at) or attempts.locked_until is None:
        return 0
    return math.ceil((attempts.locked_until - at).total_seconds())


def _message(entry: PinEntry, left: int, policy: LockoutPolicy) -> tuple[str, dict[str, int]]:
    if entry.stage is Stage.CHECKING:
        return "staff.pin.checking", {}
    if entry.wrong:
        return "staff.pin.wrong", {"left": left}
    if entry.stage is Stage.STAFF_ID:
        return "staff.pin.enter_id", {}
    if left < policy.max_attempts:
        return "staff.pin.enter_pin_left", {"left": left}
    return "staff.pin.enter_pin", {}


def pin_pad_view(entry: PinEntry, attempts: PinAttempts, at: datetime,
                 policy: LockoutPolicy) -> PinPadView:
    """The pad for ``entry`` at ``at``: locked pads refuse every key and show the time left."""
    seconds = lock_seconds(attempts, at)
    dots = "\u25cf" * len(entry.pin)
    if seconds:
        return PinPadView(entry.stage, entry.staff_id, dots, "staff.pin.locked",
                          {"minutes": seconds // 60, "seconds": seconds % 60}, locked=True,
                          keys_enabled=False, ok_enabled=False, back_enabled=False)
    message, values = _message(entry, attempts_left(attempts, at, policy), policy)
    typing = entry.stage is not Stage.CHECKING
    typed = entry.staff_id if entry.stage is Stage.STAFF_ID else entry.pin
    return PinPadView(entry.stage, entry.staff_id, dots, message, values, locked=False,
                      keys_enabled=typing, ok_enabled=typing and bool(typed),
                      back_enabled=typing and (bool(typed) or not entry.badge))
