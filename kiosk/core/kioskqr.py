"""The kiosk's own QR codes: loyalty cards, coupons and staff badges.

Format: ``KSK1|<kind>|<payload>|<check>``, e.g. ``KSK1|L|4000123456|D94C1DC3``.

- ``KSK1``: the prefix and format version, so a shopper's random QR code is never mistaken
  for one of ours and a later format can live beside this one.
- ``<kind>``: ``L`` loyalty card, ``C`` coupon, ``S`` staff badge.
- ``<payload>``: 1 to 64 characters from ``A-Z 0-9 - . _``. The set is closed so that no
  payload can carry the ``|`` separator (and smuggle in a field), and upper case only so the
  text is the same whichever way a person types it from a printed card.
- ``<check>``: CRC-32 of everything before the last ``|``, as 8 upper-case hex digits. It is
  compared as text, so a misread that only changes the letter case of the check is caught too.

The checksum is against misreads and typing slips only, not against forgery: anyone can
compute a CRC. Coupons get a real signature in a later issue; until then a coupon's payload is
looked up, never trusted for its value.
"""

from __future__ import annotations

import re
import zlib

from kiosk.core.codes import KioskCode, KioskCodeKind, Rejected

PREFIX = "KSK1"
SEPARATOR = "|"
MAX_PAYLOAD = 64
KIND_LETTERS: dict[KioskCodeKind, str] = {
    KioskCodeKind.LOYALTY: "L",
    KioskCodeKind.COUPON: "C",
    KioskCodeKind.STAFF: "S",
}
_KINDS_BY_LETTER = {letter: kind for kind, letter in KIND_LETTERS.items()}
_PAYLOAD = re.compile(rf"[A-Z0-9._-]{{1,{MAX_PAYLOAD}}}")
_CHECK = re.compile(r"[0-9A-F]{8}")


def _checksum(body: str) -> str:
    return f"{zlib.crc32(body.encode('ascii')):08X}"


def payload_problem(payload: str) -> str | None:
    """Why ``payload`` cannot be put in a kiosk code, or None when it can."""
    if not payload:
        return "the payload is empty"
    if len(payload) > MAX_PAYLOAD:
        return f"the payload has {len(payload)} characters, at most {MAX_PAYLOAD} fit"
    if not _PAYLOAD.fullmatch(payload):
        bad = next(c for c in payload if not _PAYLOAD.fullmatch(c))
        return f"the payload holds {bad!r}; only A-Z, 0-9, '-', '.' and '_' are allowed"
    return None


def encode_kiosk_code(kind: KioskCodeKind | str, payload: str) -> str:
    """The text to put in a QR code; ValueError for an unknown kind or a payload that can't go."""
    try:
        letter = KIND_LETTERS[KioskCodeKind(kind)]
    except ValueError:
        raise ValueError(f"unknown kiosk code kind {kind!r}, use one of "
                         f"{[k.value for k in KioskCodeKind]}") from None
    problem = payload_problem(payload)
    if problem is not None:
        raise ValueError(problem)
    body = SEPARATOR.join((PREFIX, letter, payload))
    return f"{body}{SEPARATOR}{_checksum(body)}"


def is_kiosk_code(text: str) -> bool:
    """Whether text claims to be ours (any version), so it gets our reasons when it is wrong."""
    return text.startswith("KSK")


def parse_kiosk_code(text: str) -> KioskCode | Rejected:
    """Read one of our QR codes; never raises."""
    fields = text.split(SEPARATOR)
    if fields[0] != PREFIX:
        return Rejected("unknown-version", f"{fields[0][:12]!r} is not a kiosk code version this "
                        f"kiosk reads (it reads {PREFIX})")
    if len(fields) != 4:
        return Rejected("bad-format", f"a kiosk code has 4 fields {PREFIX}|kind|payload|check, "
                        f"this one has {len(fields)}")
    _, letter, payload, check = fields
    kind = _KINDS_BY_LETTER.get(letter)
    if kind is None:
        return Rejected("unknown-kind", f"kind {letter[:8]!r} is not L (loyalty), C (coupon) "
                        "or S (staff)")
    problem = payload_problem(payload)
    if problem is not None:
        return Rejected("bad-payload", problem)
    expected = _checksum(text[: len(text) - len(check) - 1])
    if check != expected:
        shape = "" if _CHECK.fullmatch(check) else " (it must be 8 upper-case hex digits)"
        return Rejected("bad-checksum", f"the checksum is {check[:12]!r} but the code's content "
                        f"gives {expected}{shape}: the code was misread or mistyped")
    return KioskCode(kind=kind, payload=payload)
