"""Staff ids are case-insensitive by one rule: normalised where they enter (kiosk.core.staff).

A badge QR code carries upper case (``KSK1|S|A01|...``, so a person can type it back), the PIN
pad's keyboard types lower case, a staff file may say either: all are the same member, and the
kiosk records the lower-case id.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.core import events as ev
from kiosk.core.codes import KioskCodeKind
from kiosk.core.effects import ShowMessage
from kiosk.core.kioskqr import encode_kiosk_code
from kiosk.core.staff import (
    DEFAULT_ROLES,
    LockoutPolicy,
    PinAttempts,
    StaffError,
    check_pin,
    hash_pin,
    parse_staff_file,
    staff_id_key,
)
from kiosk.screens.staff_pin_model import PinEntry, Stage

T0 = datetime(2026, 3, 14, 9, 0, tzinfo=UTC)
FAST = {"n": 2**4, "r": 1, "p": 1}  # the hash's own parameters: quick to verify in a test
DEMO_STAFF = Path(__file__).parents[2] / "config" / "demo-staff.json"


def _members(staff_id: str) -> dict:
    return parse_staff_file({"staff": [{"id": staff_id, "name": "Camille", "role": "attendant",
                                        "pin": hash_pin("1234", bytes(range(16)), **FAST)}]},
                            DEFAULT_ROLES)


def test_the_demo_badge_matches_the_demo_staff_file() -> None:
    members = parse_staff_file(json.loads(DEMO_STAFF.read_text()), DEFAULT_ROLES)
    badge = encode_kiosk_code(KioskCodeKind.STAFF, "A01")
    assert badge.startswith("KSK1|S|A01|")
    result = check_pin(members, "A01", "1234", attempts=PinAttempts(), at=T0,
                       policy=LockoutPolicy())
    assert result.ok
    assert result.member is not None
    assert result.member.staff_id == "a01"


@pytest.mark.parametrize("written", ["a01", "A01", " A01 "])
@pytest.mark.parametrize("typed", ["a01", "A01"])
def test_any_case_in_the_file_or_at_the_pad_is_one_member(written: str, typed: str) -> None:
    members = _members(written)
    assert list(members) == ["a01"]
    result = check_pin(members, typed, "1234", attempts=PinAttempts(), at=T0,
                       policy=LockoutPolicy())
    assert result.ok
    assert result.member is not None
    assert result.member.staff_id == "a01"


def test_the_same_id_in_two_cases_is_the_same_person_twice() -> None:
    entry = {"role": "attendant", "pin": hash_pin("1234", bytes(range(16)), **FAST)}
    with pytest.raises(StaffError, match="'a01' appears twice"):
        parse_staff_file({"staff": [{"id": "A01", **entry}, {"id": "a01", **entry}]},
                         DEFAULT_ROLES)


def test_an_id_that_cannot_go_on_a_badge_is_refused_with_the_reason() -> None:
    with pytest.raises(StaffError) as caught:
        _members("Camille Durand")
    assert caught.value.what == "staff 'Camille Durand' has an id that cannot be used"
    assert "so that it fits on a badge" in caught.value.why
    assert staff_id_key("  S-017 ") == "s-017"


def test_a_badge_scan_asks_for_the_pin_of_the_member_it_names() -> None:
    from test_session_kit import Kiosk

    kiosk = Kiosk()
    badge = kiosk.send(ev.ItemScanned, encode_kiosk_code(KioskCodeKind.STAFF, "A01"), "qrcode")
    assert badge.effects == (ShowMessage("staff-pin", {"staff_id": "A01"}),)
    entry = PinEntry.from_badge("A01")
    assert entry.stage is Stage.PIN
    assert entry.badge
    for digit in "1234":
        entry = entry.key(digit)
    members = parse_staff_file(json.loads(DEMO_STAFF.read_text()), DEFAULT_ROLES)
    result = check_pin(members, entry.staff_id, entry.pin, attempts=PinAttempts(), at=T0,
                       policy=LockoutPolicy())
    assert result.ok
    assert result.member is not None
    unlocked = kiosk.send(ev.StaffUnlocked, result.member.staff_id, result.member.role)
    assert unlocked.session.staff is not None
    assert unlocked.session.staff.staff_id == "a01"
