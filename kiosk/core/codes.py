"""What a scanned code turned out to be: the typed results of barcode parsing.

:func:`kiosk.core.barcode.parse_scan` returns exactly one of these and never raises. A
:class:`Rejected` carries a stable ``code`` for tests and logs and a ``reason`` a person can read.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class KioskCodeKind(StrEnum):
    LOYALTY = "loyalty"
    COUPON = "coupon"
    STAFF = "staff"


@dataclass(frozen=True, slots=True)
class ProductCode:
    """A code that names a trade item.

    ``gtin`` is the normalised GTIN-14 used for catalogue lookup. For variable-measure labels
    (prefixes 20-29) it is the label with its price/weight digits zeroed and the check digit
    recomputed, which is how such items are keyed in the catalogue.
    """

    gtin: str
    source: str  # "ean13", "ean8", "upca", "upce", "gtin14", "label", "gs1", "digital-link"
    price: int | None = None  # embedded price in minor units (label or AI 392x)
    weight_g: int | None = None  # embedded net weight in grams (label or AI 310x)
    batch: str | None = None  # AI 10
    expiry: str | None = None  # AI 17, ISO date "YYYY-MM-DD"
    serial: str | None = None  # AI 21
    raw: str = ""


@dataclass(frozen=True, slots=True)
class KioskCode:
    """One of the kiosk's own QR codes (loyalty card, coupon, staff badge)."""

    kind: KioskCodeKind
    payload: str
    raw: str = ""


@dataclass(frozen=True, slots=True)
class Rejected:
    """A code that cannot be used, with why."""

    code: str  # stable identifier, e.g. "bad-check-digit"
    reason: str  # sentence for a person, e.g. "the check digit is 3 but should be 7"
    raw: str = ""


ScanResult = ProductCode | KioskCode | Rejected
