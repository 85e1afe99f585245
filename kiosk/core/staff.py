"""Staff: PIN hashes, the PIN lockout, roles and what each role may do.

Pure on purpose. The salt is passed in (the shell draws it from ``os.urandom(16)``) and every
time comes in as an argument, so the lockout can be tested to the second without a clock.

PINs are short, so the hash must be slow and memory-hard: scrypt, salted per member, stored as
``"scrypt$n$r$p$salt_b64$hash_b64"`` so the cost can be raised later without invalidating the
hashes already in a staff file (each hash carries its own parameters). Comparison is constant
time. A keypad is easy to brute-force, hence the lockout: after ``max_attempts`` wrong PINs
within ``window`` the keypad refuses every PIN, right or wrong, until ``locked_until``.

Staff ids are case-insensitive, and one rule makes them so: an id is normalised where it
enters (:func:`staff_id_key`: the staff file when it is read, the id given to
:func:`check_pin`), so the kiosk stores, compares and records only the lower-case form. A badge
prints ``A01`` (kiosk QR codes are upper case so a person can type one back), the PIN pad's
keyboard types ``a01``, the staff file may say either: all three are member ``a01`` and the
journal says ``a01``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from kiosk.errors import KioskError

SCHEME = "scrypt"
DEFAULT_N = 2**14  # 16 MiB with r=8: about 50 ms on a Raspberry Pi 4, per guess
DEFAULT_R = 8
DEFAULT_P = 1
MAX_N = 2**17  # a hash from a staff file may not ask for more memory than a Pi can spare
MAX_R = 32
MAX_P = 16
MIN_SALT_BYTES = 16
HASH_BYTES = 32
PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 12
STAFF_ID_MAX = 32
_STAFF_ID = re.compile(rf"[a-z0-9._-]{{1,{STAFF_ID_MAX}}}")


class StaffError(KioskError, ValueError):
    """A PIN, a stored PIN hash, a role table or a staff file is not usable."""


class Permission(StrEnum):
    """What assisted mode lets a staff member do; roles are sets of these (config data)."""

    APPROVE_AGE = "approve_age"
    VOID_LINE = "void_line"
    SUSPEND_SALE = "suspend_sale"  # set a basket aside for later, and recall it
    RESOLVE_PAYMENT = "resolve_payment"
    KEY_IN_CODE = "key_in_code"
    REPRINT = "reprint"
    OVERRIDE_PRICE = "override_price"
    CANCEL_SALE = "cancel_sale"
    REPORTS = "reports"
    REFUND = "refund"
    TAKE_CASH = "take_cash"


@dataclass(frozen=True, slots=True)
class Roles:
    """Role name -> permissions. Built from config by :meth:`from_config`, which checks names."""

    permissions: Mapping[str, frozenset[Permission]]

    @classmethod
    def from_config(cls, table: Mapping[str, Iterable[str]]) -> Roles:
        """Read ``[staff.roles]``; an unknown permission is an error, never silently dropped."""
        known = {p.value for p in Permission}
        built: dict[str, frozenset[Permission]] = {}
        for role, listed in table.items():
            names = tuple(listed)
            unknown = sorted(set(names) - known)
            if unknown:
                raise StaffError(f"role {role!r} names unknown permissions {unknown}",
                                 f"the known permissions are {sorted(known)}",
                                 "Fix the role in [staff.roles].")
            built[role] = frozenset(Permission(name) for name in names)
        return cls(built)

    def exists(self, role: str) -> bool:
        return role in self.permissions

    def allows(self, role: str, permission: Permission) -> bool:
        return permission in self.permissions.get(role, frozenset())

    def any_allows(self, permission: Permission) -> bool:
        """Whether some role has ``permission``: e.g. is there a staff cash path at all."""
        return any(permission in perms for perms in self.permissions.values())


DEFAULT_ROLES = Roles.from_config({
    "attendant": ("approve_age", "void_line", "resolve_payment", "key_in_code", "reprint",
                  "suspend_sale"),
    "supervisor": ("approve_age", "void_line", "resolve_payment", "key_in_code", "reprint",
                   "suspend_sale", "override_price", "cancel_sale", "reports", "refund"),
})


def staff_id_key(staff_id: str) -> str:
    """The one form of a staff id the kiosk keeps: trimmed and lower case (module docstring)."""
    return staff_id.strip().lower()


def staff_id_problem(staff_id: str) -> str | None:
    """Why ``staff_id`` (already normalised) cannot be a staff id, or None. The set is what a
    badge can carry (kiosk.core.kioskqr, folded to lower case) and the length what a badge and
    the pad hold."""
    if _STAFF_ID.fullmatch(staff_id):
        return None
    return (f"a staff id is 1 to {STAFF_ID_MAX} letters, digits, '.', '_' or '-', "
            "so that it fits on a badge")


def pin_problem(pin: str) -> str | None:
    """Why ``pin`` cannot be a PIN, or None. Digits only, so any keypad can enter it."""
    if not (pin.isascii() and pin.isdigit()):
        return "a PIN may contain digits only"
    if not PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS:
        return f"a PIN has {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits, this one has {len(pin)}"
    if len(set(pin)) == 1:
        return "a PIN of one repeated digit is too easy to guess"
    return None


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    # maxmem must cover 128 * r * n bytes plus scrypt's own overhead.
    return hashlib.scrypt(pin.encode("ascii"), salt=salt, n=n, r=r, p=p, dklen=HASH_BYTES,
                          maxmem=129 * r * n + 2**20)


def hash_pin(pin: str, salt: bytes, *, n: int = DEFAULT_N, r: int = DEFAULT_R,
             p: int = DEFAULT_P) -> str:
    """Hash a new PIN with ``salt`` (at least 16 random bytes from the shell)."""
    problem = pin_problem(pin)
    if problem:
        raise StaffError("this PIN cannot be used", problem, "Choose another PIN.")
    if len(salt) < MIN_SALT_BYTES:
        raise StaffError("the PIN salt is too short",
                         f"it has {len(salt)} bytes and needs at least {MIN_SALT_BYTES}")
    _check_cost(n, r, p)
    digest = _scrypt(pin, salt, n, r, p)
    return f"{SCHEME}${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def _check_cost(n: int, r: int, p: int) -> None:
    if n < 2 or n & (n - 1) or n > MAX_N:
        raise StaffError("the scrypt cost n is not usable",
                         f"n must be a power of two from 2 to {MAX_N}, got {n}")
    if not (1 <= r <= MAX_R and 1 <= p <= MAX_P):
        raise StaffError("the scrypt parameters are not usable",
                         f"r must be 1..{MAX_R} and p 1..{MAX_P}, got r={r} p={p}")


@dataclass(frozen=True, slots=True)
class PinHash:
    """A parsed ``scrypt$n$r$p$salt$hash`` string."""

    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes


def parse_pin_hash(encoded: str) -> PinHash:
    """Read a stored hash; :class:`StaffError` says which part is wrong."""
    parts = encoded.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise StaffError("a stored PIN hash is not in the expected form",
                         "it must look like scrypt$n$r$p$salt_b64$hash_b64")
    if not all(part.isdigit() for part in parts[1:4]):
        raise StaffError("a stored PIN hash has bad scrypt parameters",
                         "n, r and p must be whole numbers")
    n, r, p = (int(part) for part in parts[1:4])
    _check_cost(n, r, p)
    try:
        salt = base64.b64decode(parts[4], validate=True)
        digest = base64.b64decode(parts[5], validate=True)
    except binascii.Error:
        raise StaffError("a stored PIN hash has bad base64", "salt or hash is not base64") from None
    if len(salt) < MIN_SALT_BYTES or len(digest) != HASH_BYTES:
        raise StaffError("a stored PIN hash has the wrong sizes",
                         f"the salt needs {MIN_SALT_BYTES}+ bytes and the hash {HASH_BYTES}")
    return PinHash(n, r, p, salt, digest)


def verify_pin(pin: str, encoded: str | PinHash) -> bool:
    """Whether ``pin`` matches; constant-time compare. A malformed hash raises StaffError."""
    stored = parse_pin_hash(encoded) if isinstance(encoded, str) else encoded
    if not pin.isascii():
        return False
    candidate = _scrypt(pin, stored.salt, stored.n, stored.r, stored.p)
    return hmac.compare_digest(candidate, stored.digest)


@dataclass(frozen=True, slots=True)
class LockoutPolicy:
    """From ``[staff]``: ``max_pin_attempts`` wrong PINs within ``window`` lock for ``lockout``."""

    max_attempts: int = 5
    window: timedelta = timedelta(minutes=5)
    lockout: timedelta = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class PinAttempts:
    """The keypad's recent failures. The shell keeps one, passes it in and stores what returns."""

    failures: tuple[datetime, ...] = ()
    locked_until: datetime | None = None

    def locked(self, at: datetime) -> bool:
        return self.locked_until is not None and at < self.locked_until


def record_failure(attempts: PinAttempts, at: datetime, policy: LockoutPolicy) -> PinAttempts:
    """Count a wrong PIN; the ``max_attempts``-th within the window locks the keypad."""
    recent = (*(t for t in attempts.failures if at - t < policy.window), at)
    if len(recent) >= policy.max_attempts:
        return PinAttempts(failures=(), locked_until=at + policy.lockout)
    return PinAttempts(failures=recent, locked_until=attempts.locked_until)


@dataclass(frozen=True, slots=True)
class StaffMember:
    staff_id: str
    name: str
    role: str
    pin_hash: PinHash


@dataclass(frozen=True, slots=True)
class PinCheck:
    """The answer to a PIN entry. ``member`` is set only when ``ok``; ``reason`` otherwise."""

    ok: bool
    attempts: PinAttempts
    member: StaffMember | None = None
    reason: str = ""
    newly_locked: bool = False  # this failure locked the keypad: the shell raises an alert


# Verified against when the staff id is unknown, so a wrong id costs the same time as a wrong
# PIN and the keypad does not reveal which ids exist. Fixed salt: it protects nothing secret.
_DUMMY = PinHash(DEFAULT_N, DEFAULT_R, DEFAULT_P, b"kiosk-dummy-salt", bytes(HASH_BYTES))


def check_pin(staff: Mapping[str, StaffMember], staff_id: str, pin: str, *,
              attempts: PinAttempts, at: datetime, policy: LockoutPolicy) -> PinCheck:
    """Authenticate a staff id and PIN, honouring and updating the lockout."""
    until = attempts.locked_until
    if until is not None and at < until:
        return PinCheck(False, attempts, reason=(
            f"Too many wrong PINs. The keypad is locked until {until:%H:%M:%S} UTC."))
    member = staff.get(staff_id_key(staff_id))
    matched = verify_pin(pin, member.pin_hash if member else _DUMMY)
    if member is not None and matched:
        return PinCheck(True, PinAttempts(), member=member)  # a right PIN clears the count
    after = record_failure(attempts, at, policy)
    locked = after.locked(at)
    reason = ("Too many wrong PINs. The keypad is locked." if locked
              else "Staff id or PIN not recognised.")
    return PinCheck(False, after, reason=reason, newly_locked=locked)


def parse_staff_file(data: Any, roles: Roles) -> dict[str, StaffMember]:
    """Read the staff file's JSON (already loaded): ``{"staff": [{"id", "name", "role", "pin"}]}``.

    Every entry is checked, so a typo in one member stops start-up with its id rather than
    locking that person out at the till. Ids are keyed by :func:`staff_id_key`, so ``A01`` and
    ``a01`` in one file are the same person twice, which is refused.
    """
    entries = data.get("staff") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise StaffError("the staff file has no 'staff' list",
                         'it must look like {"staff": [{"id": ..., "role": ..., "pin": ...}]}')
    members: dict[str, StaffMember] = {}
    for index, entry in enumerate(entries):
        member = _staff_entry(entry, index, roles)
        if member.staff_id in members:
            raise StaffError(f"staff id {member.staff_id!r} appears twice in the staff file")
        members[member.staff_id] = member
    return members


def _staff_entry(entry: Any, index: int, roles: Roles) -> StaffMember:
    if not isinstance(entry, dict):
        raise StaffError(f"staff entry {index} is not an object")
    staff_id, role, pin = entry.get("id"), entry.get("role"), entry.get("pin")
    name = entry.get("name", staff_id)
    where = f"staff entry {index}" if not isinstance(staff_id, str) else f"staff {staff_id!r}"
    if not (isinstance(staff_id, str) and staff_id and isinstance(name, str)):
        raise StaffError(f"{where} has no usable 'id' or 'name'", "they must be non-empty text")
    problem = staff_id_problem(staff_id_key(staff_id))
    if problem:
        raise StaffError(f"{where} has an id that cannot be used", problem)
    if not (isinstance(role, str) and roles.exists(role)):
        raise StaffError(f"{where} has an unknown role {role!r}",
                         f"the configured roles are {sorted(roles.permissions)}")
    if not isinstance(pin, str):
        raise StaffError(f"{where} has no 'pin' hash", "it must be a scrypt$... string")
    try:
        pin_hash = parse_pin_hash(pin)
    except StaffError as exc:
        raise StaffError(f"{where}: {exc.what}", exc.why) from None
    return StaffMember(staff_id_key(staff_id), name, role, pin_hash)
