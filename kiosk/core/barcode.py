"""The one entry point for a scan: decoder text in, a typed :data:`ScanResult` out, never a raise.

The camera adapter hands over what pyzbar or zxing-cpp decoded and, when it knows it, the
symbology. With a symbology the text is read as that symbology says (an ``EAN13`` is 13 digits,
a ``DATABAR_EXP`` is a GS1 element string, even without a symbology identifier); without one,
the content decides, in this order: a kiosk QR code (``KSK``), a web address (GS1 Digital Link),
a GS1 element string (symbology identifier, leading GS, ``(AI)`` form, or ``01`` and a GTIN
running on), then all digits by length: 8 EAN-8 (else UPC-E when only that check digit fits),
12 UPC-A, 13 EAN-13, 14 GTIN-14. EAN-13 and UPC-A codes in the in-store ranges are then read
through the label templates (:mod:`kiosk.core.labels`).

Text is trimmed of the blanks and CR/LF that keyboard-wedge scanners and some QR codes add;
anything else that no code of ours holds (other control characters, non-ASCII, over
:data:`MAX_SCAN_LENGTH` characters) is rejected before any parser sees it. Non-ASCII digits
such as Arabic-Indic ``٤`` are rejected by name: Python's ``isdigit`` and ``int`` accept them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from kiosk.core import gtin
from kiosk.core.codes import ProductCode, Rejected, ScanResult
from kiosk.core.gs1 import (
    GS,
    is_digital_link,
    is_element_string,
    parse_digital_link,
    parse_element_string,
)
from kiosk.core.kioskqr import is_kiosk_code, parse_kiosk_code
from kiosk.core.labels import LabelTemplate, read_label

MAX_SCAN_LENGTH = 512
_TRIM = " \t\r\n"
_AIM_ID = re.compile(r"\][A-Za-z][0-9A-Za-z]")  # ISO/IEC 15424 symbology identifier

# Decoder symbology names (pyzbar, zxing-cpp, ZXing Java), upper case without _ - or spaces,
# to the way their text is read.
_FAMILIES: dict[str, str] = {
    **dict.fromkeys(("EAN13", "ISBN13", "ISBN", "JAN"), "ean13"),
    "EAN8": "ean8", "UPCA": "upca", "UPCE": "upce", "EANUPC": "digits",
    **dict.fromkeys(("ITF", "ITF14", "I25", "INTERLEAVED2OF5"), "itf"),
    **dict.fromkeys(("DATABAR", "DATABAROMNI", "DATABARSTK", "DATABARSTKOMNI", "DATABARSTACKED",
                     "DATABARSTACKEDOMNI", "DATABARLTD", "DATABARLIMITED", "RSS14", "RSSLIMITED",
                     "GS1DATABAR"), "databar"),
    **dict.fromkeys(("DATABAREXP", "DATABAREXPANDED", "DATABAREXPSTK", "DATABAREXPANDEDSTACKED",
                     "RSSEXPANDED", "GS1DATABAREXPANDED", "GS1128"), "gs1"),
    **dict.fromkeys(("CODE128", "QRCODE", "QR", "MICROQRCODE", "MICROQR", "RMQRCODE",
                     "DATAMATRIX", "AZTEC", "AZTECCODE", "PDF417", "MICROPDF417", "DOTCODE"),
                    "content"),
}


@dataclass(frozen=True, slots=True)
class _Options:
    templates: Sequence[LabelTemplate]
    currency_decimals: int
    currency: str | None
    reference_year: int | None


def parse_scan(
    text: str,
    *,
    symbology: str | None = None,
    templates: Sequence[LabelTemplate] = (),
    currency_decimals: int = 2,
    reference_year: int | None = None,
    currency: str | None = None,
) -> ScanResult:
    """Read what a scanner returned. Never raises; a Rejected says why in words.

    ``currency`` (ISO 4217, e.g. ``"EUR"``) is only needed to accept GS1 prices that state
    their currency (AI 393n); ``reference_year`` is the current year, for GS1 dates.
    """
    if not isinstance(text, str):
        return Rejected("unrecognised", f"the scanner gave {type(text).__name__}, not text")
    options = _Options(templates, currency_decimals, currency, reference_year)
    result = _screen(text)
    if result is None:
        body = text.strip(_TRIM)
        result = _by_content(body, options) if symbology is None else \
            _by_symbology(body, str(symbology), options)
    return replace(result, raw=text[:MAX_SCAN_LENGTH])


def _screen(text: str) -> Rejected | None:
    """Refuse what no code of ours can be, before any parser sees it."""
    body = text.strip(_TRIM)
    if not body:
        return Rejected("empty", "the scanner returned no characters, or only blanks")
    if len(text) > MAX_SCAN_LENGTH:
        return Rejected("too-long", f"it has {len(text)} characters, more than the "
                        f"{MAX_SCAN_LENGTH} any code the kiosk reads can hold")
    if not body.isascii():
        bad = next(c for c in body if not c.isascii())
        if body.isdigit():
            return Rejected("not-digits", f"it holds {bad!r} (U+{ord(bad):04X}), a digit but "
                            "not one of the ASCII digits 0-9 that barcodes carry")
        return Rejected("unrecognised", f"it holds {bad!r} (U+{ord(bad):04X}), a character "
                        "that no product or kiosk code uses")
    control = next((c for c in body if (c < " " or c == "\x7f") and c != GS), None)
    if control is not None:
        return Rejected("control-characters", f"it holds the control character "
                        f"U+{ord(control):04X}, which no product or kiosk code uses")
    return None


def symbology_family(symbology: str) -> str | None:
    """How text from a symbology is read; None for a symbology the kiosk does not read.

    Accepts pyzbar's ``"DATABAR_EXP"``, zxing's ``"DataBarExpanded"`` or ``"BarcodeFormat.EAN13"``
    alike: case, ``_``, ``-`` and spaces do not matter.
    """
    name = symbology.rpartition(".")[2].upper()
    for char in "_- ":
        name = name.replace(char, "")
    return _FAMILIES.get(name)


def _by_symbology(body: str, symbology: str, options: _Options) -> ScanResult:
    family = symbology_family(symbology)
    if family is None:
        return Rejected("unsupported-symbology", f"the kiosk does not read {symbology[:40]!r} "
                        "codes: only EAN/UPC, ITF-14, GS1 DataBar, Code 128, QR, DataMatrix and "
                        "other 2D codes")
    return _FAMILY_READERS[family](body, options)


def _without_aim(body: str, *ids: str) -> str:
    return body[3:] if body.startswith(ids) else body


def _retail(checked: str | Rejected, source: str, options: _Options) -> ScanResult:
    """A checked EAN-13 or UPC-A, read through the label templates when one applies."""
    if isinstance(checked, Rejected):
        return checked
    label = read_label(checked[1:], options.templates, options.currency_decimals)
    return label if label is not None else ProductCode(gtin=checked, source=source)


def _plain(checked: str | Rejected, source: str) -> ScanResult:
    return checked if isinstance(checked, Rejected) else ProductCode(gtin=checked, source=source)


def _read_ean13(body: str, options: _Options) -> ScanResult:
    return _retail(gtin.ean13(_without_aim(body, "]E0", "]E3")), "ean13", options)


def _read_ean8(body: str, options: _Options) -> ScanResult:
    return _plain(gtin.ean8(_without_aim(body, "]E4")), "ean8")


def _read_upca(body: str, options: _Options) -> ScanResult:
    return _retail(gtin.upca(_without_aim(body, "]E0", "]E3")), "upca", options)


def _read_upce(body: str, options: _Options) -> ScanResult:
    """UPC-E as 8 digits, or already expanded (zxing-cpp and pyzbar give the 12/13-digit UPC-A)."""
    body = _without_aim(body, "]E0", "]E3")
    if len(body) in (12, 13):
        return _plain(gtin.upca(body), "upce")
    return _plain(gtin.upce(body), "upce")


def _read_itf(body: str, options: _Options) -> ScanResult:
    return _plain(gtin.gtin14(_without_aim(body, "]I0", "]I1")), "gtin14")


def _read_databar(body: str, options: _Options) -> ScanResult:
    """GS1 DataBar: zxing gives ``(01)...``, pyzbar ``01...``, some readers the bare GTIN-14."""
    if len(body) == 14 and gtin.is_ascii_digits(body):
        return _plain(gtin.gtin14(body), "gtin14")
    return _read_gs1(body, options)


def _read_gs1(body: str, options: _Options) -> ScanResult:
    return parse_element_string(body, currency_decimals=options.currency_decimals,
                                currency=options.currency, reference_year=options.reference_year)


def _read_eight(body: str) -> ScanResult:
    """8 digits and no symbology: EAN-8 if its check digit fits, else UPC-E if that one fits."""
    as_ean8 = gtin.ean8(body)
    if not isinstance(as_ean8, Rejected):
        return ProductCode(gtin=as_ean8, source="ean8")
    if body[0] not in gtin.UPCE_NUMBER_SYSTEMS:
        return as_ean8
    as_upce = gtin.upce(body)
    if not isinstance(as_upce, Rejected):
        return ProductCode(gtin=as_upce, source="upce")
    return Rejected("bad-check-digit", f"{as_ean8.reason}; read as UPC-E instead, {as_upce.reason}")


def _read_digits(body: str, options: _Options) -> ScanResult:
    """All digits, read by length."""
    if not gtin.is_ascii_digits(body):
        return gtin.normalise(body)  # a Rejected naming the character that is not a digit
    if len(body) == 8:
        return _read_eight(body)
    if len(body) == 12:
        return _read_upca(body, options)
    if len(body) == 13:
        return _read_ean13(body, options)
    return _plain(gtin.gtin14(body), "gtin14") if len(body) == 14 else Rejected(
        "bad-length", f"{len(body)} digits is not a product code: GTINs have 8, 12, 13 or 14")


def _read_digital_link(body: str, options: _Options) -> ScanResult:
    return parse_digital_link(body, currency_decimals=options.currency_decimals,
                              currency=options.currency, reference_year=options.reference_year)


def _read_after_aim(body: str, options: _Options) -> ScanResult:
    """A symbology identifier that adds no meaning (e.g. ``]Q1``, ``]C0``) is dropped."""
    rest = body[3:]
    if not rest or rest.startswith("]"):
        return Rejected("unrecognised", "a symbology identifier with no code after it")
    return _by_content(rest, options)


Reader = Callable[[str, _Options], ScanResult]

# Without a symbology, the first rule whose test holds reads the text.
_CONTENT_RULES: tuple[tuple[Callable[[str], bool], Reader], ...] = (
    (is_kiosk_code, lambda body, _: parse_kiosk_code(body)),
    (is_digital_link, _read_digital_link),
    (is_element_string, _read_gs1),
    (lambda body: body.startswith(("]E0", "]E3")), lambda body, o: _read_digits(body[3:], o)),
    (lambda body: body.startswith("]E4"), _read_ean8),
    (lambda body: _AIM_ID.match(body) is not None, _read_after_aim),
    (gtin.is_ascii_digits, _read_digits),
)


def _by_content(body: str, options: _Options) -> ScanResult:
    """No symbology given: the content says what it is."""
    for claims, read in _CONTENT_RULES:
        if claims(body):
            return read(body, options)
    return Rejected("unrecognised", "this is not a product barcode, GS1 code, GS1 Digital Link "
                    "or kiosk code")


_FAMILY_READERS: dict[str, Reader] = {
    "ean13": _read_ean13, "ean8": _read_ean8, "upca": _read_upca, "upce": _read_upce,
    "itf": _read_itf, "databar": _read_databar, "gs1": _read_gs1, "digits": _read_digits,
    "content": _by_content,
}
