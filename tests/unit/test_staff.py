"""Staff PINs, the keypad lockout, roles and the staff file (kiosk.core.staff)."""

from __future__ import annotations

import base64
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core import staff as staff_mod
from kiosk.core.staff import (
    DEFAULT_ROLES,
    LockoutPolicy,
    Permission,
    PinAttempts,
    Roles,
    StaffError,
    check_pin,
    hash_pin,
    parse_pin_hash,
    parse_staff_file,
    pin_problem,
    record_failure,
    verify_pin,
)

SALT = bytes(range(16))
FAST = {"n": 2**8, "r": 8, "p": 1}  # cheap parameters so the suite stays fast
T0 = datetime(2025, 3, 14, 9, 30, tzinfo=UTC)
POLICY = LockoutPolicy(max_attempts=5, window=timedelta(minutes=5), lockout=timedelta(minutes=10))


def test_hash_has_the_documented_form_and_verifies() -> None:
    encoded = hash_pin("4821", SALT, **FAST)
    scheme, n, r, p, salt, digest = encoded.split("$")
    assert (scheme, n, r, p) == ("scrypt", "256", "8", "1")
    assert base64.b64decode(salt) == SALT
    assert len(base64.b64decode(digest)) == 32
    assert verify_pin("4821", encoded)
    assert not verify_pin("4822", encoded)


def test_default_cost_is_the_documented_one() -> None:
    encoded = hash_pin("4821", SALT)
    assert encoded.startswith("scrypt$16384$8$1$")
    assert verify_pin("4821", encoded)


def test_the_salt_makes_equal_pins_hash_differently() -> None:
    one = hash_pin("4821", SALT, **FAST)
    two = hash_pin("4821", bytes(range(1, 17)), **FAST)
    assert one != two
    assert verify_pin("4821", one)
    assert verify_pin("4821", two)


def test_verification_compares_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = staff_mod.hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(staff_mod.hmac, "compare_digest", spy)
    assert verify_pin("4821", hash_pin("4821", SALT, **FAST))
    assert len(calls) == 1


@pytest.mark.parametrize(("pin", "reason"), [
    ("12a4", "a PIN may contain digits only"),
    ("１２３４", "a PIN may contain digits only"),  # full-width digits are not keypad digits
    ("123", "a PIN has 4 to 12 digits, this one has 3"),
    ("1234567890123", "a PIN has 4 to 12 digits, this one has 13"),
    ("7777", "a PIN of one repeated digit is too easy to guess"),
])
def test_unusable_pins_are_refused_with_the_reason(pin: str, reason: str) -> None:
    assert pin_problem(pin) == reason
    with pytest.raises(StaffError) as caught:
        hash_pin(pin, SALT, **FAST)
    assert caught.value.why == reason


def test_a_short_salt_is_refused() -> None:
    with pytest.raises(StaffError, match="needs at least 16"):
        hash_pin("4821", b"short", **FAST)


@pytest.mark.parametrize(("n", "message"), [
    (1000, "n must be a power of two"),
    (2**18, "n must be a power of two from 2 to 131072"),
])
def test_scrypt_costs_are_bounded(n: int, message: str) -> None:
    with pytest.raises(StaffError, match=message):
        hash_pin("4821", SALT, n=n)


@pytest.mark.parametrize(("encoded", "what"), [
    ("bcrypt$12$abc", "not in the expected form"),
    ("scrypt$x$8$1$AAAA$AAAA", "bad scrypt parameters"),
    ("scrypt$256$8$1$!!!$AAAA", "bad base64"),
    (f"scrypt$256$8$1${base64.b64encode(b'short').decode()}$"
     f"{base64.b64encode(bytes(32)).decode()}", "wrong sizes"),
    ("scrypt$4194304$8$1$AAAA$AAAA", "scrypt cost n is not usable"),
])
def test_malformed_stored_hashes_say_what_is_wrong(encoded: str, what: str) -> None:
    with pytest.raises(StaffError) as caught:
        parse_pin_hash(encoded)
    assert what in caught.value.what


@settings(max_examples=25, deadline=None)
@given(pin=st.text("0123456789", min_size=4, max_size=12).filter(lambda p: len(set(p)) > 1),
       other=st.text("0123456789", min_size=4, max_size=12),
       salt=st.binary(min_size=16, max_size=32))
def test_a_hash_accepts_its_pin_and_only_it(pin: str, other: str, salt: bytes) -> None:
    encoded = hash_pin(pin, salt, n=16, r=1, p=1)
    assert verify_pin(pin, encoded)
    assert verify_pin(other, encoded) == (other == pin)


# --- lockout -----------------------------------------------------------------------------------

def _fail(attempts: PinAttempts, *minutes: float) -> PinAttempts:
    for minute in minutes:
        attempts = record_failure(attempts, T0 + timedelta(minutes=minute), POLICY)
    return attempts


def test_the_fifth_wrong_pin_in_the_window_locks_the_keypad() -> None:
    four = _fail(PinAttempts(), 0, 1, 2, 3)
    assert not four.locked(T0 + timedelta(minutes=3))
    five = _fail(four, 4)
    assert five.locked_until == T0 + timedelta(minutes=14)
    assert five.locked(T0 + timedelta(minutes=13, seconds=59))
    assert not five.locked(T0 + timedelta(minutes=14))


def test_failures_older_than_the_window_do_not_count() -> None:
    spread = _fail(PinAttempts(), 0, 2, 4, 6, 8)  # never five within five minutes
    assert spread.locked_until is None
    assert len(spread.failures) == 3


@pytest.fixture
def members() -> dict[str, staff_mod.StaffMember]:
    data = {"staff": [
        {"id": "s-017", "name": "Amélie", "role": "attendant",
         "pin": hash_pin("4821", SALT, **FAST)},
        {"id": "s-002", "name": "Wei", "role": "supervisor",
         "pin": hash_pin("90210", bytes(range(2, 18)), **FAST)},
    ]}
    return parse_staff_file(data, DEFAULT_ROLES)


def test_a_right_pin_signs_in_and_clears_the_count(members: dict) -> None:
    attempts = _fail(PinAttempts(), 0, 1)
    result = check_pin(members, "s-017", "4821", attempts=attempts,
                       at=T0 + timedelta(minutes=2), policy=POLICY)
    assert result.ok
    assert result.member is not None
    assert result.member.role == "attendant"
    assert result.attempts == PinAttempts()


def test_wrong_pins_and_unknown_ids_count_alike_and_lock(members: dict) -> None:
    attempts = PinAttempts()
    reasons = []
    for minute, (staff_id, pin) in enumerate([("s-017", "1111"), ("nobody", "4821"),
                                              ("s-002", "4821"), ("s-017", "0000"),
                                              ("s-017", "4822")]):
        result = check_pin(members, staff_id, pin, attempts=attempts,
                           at=T0 + timedelta(minutes=minute), policy=POLICY)
        attempts = result.attempts
        reasons.append(result.reason)
    assert reasons[:4] == ["Staff id or PIN not recognised."] * 4
    assert reasons[4] == "Too many wrong PINs. The keypad is locked."
    assert result.newly_locked
    locked = check_pin(members, "s-017", "4821", attempts=attempts,
                       at=T0 + timedelta(minutes=5), policy=POLICY)
    assert not locked.ok
    assert locked.reason == "Too many wrong PINs. The keypad is locked until 09:44:00 UTC."
    later = check_pin(members, "s-017", "4821", attempts=attempts,
                      at=T0 + timedelta(minutes=14), policy=POLICY)
    assert later.ok


# --- roles and the staff file ------------------------------------------------------------------

def test_default_roles_give_supervisors_more() -> None:
    assert DEFAULT_ROLES.allows("attendant", Permission.APPROVE_AGE)
    assert not DEFAULT_ROLES.allows("attendant", Permission.OVERRIDE_PRICE)
    assert DEFAULT_ROLES.allows("supervisor", Permission.OVERRIDE_PRICE)
    assert DEFAULT_ROLES.allows("supervisor", Permission.CANCEL_SALE)
    assert not DEFAULT_ROLES.allows("cleaner", Permission.APPROVE_AGE)
    assert not DEFAULT_ROLES.any_allows(Permission.TAKE_CASH)


def test_the_shipped_configuration_roles_are_valid() -> None:
    path = Path(__file__).parents[2] / "config" / "kiosk.toml"
    table = tomllib.loads(path.read_text(encoding="utf-8"))["staff"]["roles"]
    roles = Roles.from_config(table)
    assert roles.allows("supervisor", Permission.REFUND)


def test_an_unknown_permission_in_a_role_is_an_error() -> None:
    with pytest.raises(StaffError) as caught:
        Roles.from_config({"attendant": ["approve_age", "aprove_refund"]})
    assert caught.value.what == "role 'attendant' names unknown permissions ['aprove_refund']"


@pytest.mark.parametrize(("data", "what"), [
    ({"people": []}, "the staff file has no 'staff' list"),
    ({"staff": ["s-1"]}, "staff entry 0 is not an object"),
    ({"staff": [{"id": "s-1", "role": "janitor", "pin": "x"}]},
     "staff 's-1' has an unknown role 'janitor'"),
    ({"staff": [{"id": "s-1", "role": "attendant"}]}, "staff 's-1' has no 'pin' hash"),
    ({"staff": [{"id": "s-1", "role": "attendant", "pin": "plain-1234"}]},
     "staff 's-1': a stored PIN hash is not in the expected form"),
])
def test_a_bad_staff_file_names_the_entry(data: dict, what: str) -> None:
    with pytest.raises(StaffError) as caught:
        parse_staff_file(data, DEFAULT_ROLES)
    assert caught.value.what == what


def test_a_staff_id_may_appear_once() -> None:
    entry = {"id": "s-1", "role": "attendant", "pin": hash_pin("4821", SALT, **FAST)}
    with pytest.raises(StaffError, match="appears twice"):
        parse_staff_file({"staff": [entry, entry]}, DEFAULT_ROLES)
