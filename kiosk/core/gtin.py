"""GTINs: the GS1 mod-10 check digit, the retail symbologies, and GTIN-14 for lookup.

The catalogue keys every trade item by its GTIN-14 (zero-padded on the left), because the same
item reaches the kiosk in several spellings: an EAN-13 ``4006381333931``, a UPC-A
``036000291452`` that pyzbar reports as the 13-digit ``0036000291452``, a UPC-E ``04252614``
that stands for the UPC-A ``042100005264``, or a GTIN-14 out of a GS1 DataBar. Padding every one
of them to 14 digits makes them the same key without a table of special cases.

Each validator returns the GTIN-14 or a :class:`~kiosk.core.codes.Rejected` whose ``code`` says
what is wrong ("not-digits", "bad-length", "bad-check-digit", "bad-number-system") and whose
``reason`` names the digit found and the digit expected, so staff keying in a damaged code
can see which digit to look at again.
"""

from __future__ import annotations

from kiosk.core.codes import Rejected

GTIN14_LENGTH = 14

# UPC-E can only stand for UPC-A numbers whose number system is 0 or 1 (GS1 General
# Specifications, UPC-E zero suppression).
UPCE_NUMBER_SYSTEMS = ("0", "1")


def is_ascii_digits(text: str) -> bool:
    """True for a non-empty run of 0-9 only.

    ``str.isdigit`` alone is not enough: Arabic-Indic ``"٤"`` and superscript ``"²"`` are digits
    to Unicode, and ``int()`` reads the former, so a forged or garbled read could slip through.
    """
    return text.isascii() and text.isdigit()


def check_digit(body: str) -> int:
    """The GS1 mod-10 check digit for ``body``, the digits that precede it.

    Weights 3 and 1 alternate from the rightmost digit of the body, which is why the same
    function serves GTIN-8, -12, -13, -14, SSCC and GLN: left zero-padding changes nothing.
    """
    if not is_ascii_digits(body):
        raise ValueError(f"a check digit is computed over ASCII digits only, got {body!r}")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return -total % 10


def with_check_digit(body: str) -> str:
    """``body`` followed by its check digit: how test vectors and label lookups are built."""
    return body + str(check_digit(body))


def _first_non_digit(code: str) -> str:
    return next(c for c in code if not ("0" <= c <= "9"))


def _validated(code: str, name: str, length: int) -> str | Rejected:
    """Digits, length and check digit of a GTIN spelling; the GTIN-14 when all hold."""
    if not code:
        return Rejected("bad-length", f"expected the {length} digits of {name}, got nothing")
    if not is_ascii_digits(code):
        bad = _first_non_digit(code)
        return Rejected(
            "not-digits", f"{name} {code!r} holds {bad!r}, but only the digits 0-9 belong in it"
        )
    if len(code) != length:
        return Rejected("bad-length", f"{name} has {length} digits, {code} has {len(code)}")
    return _checked(code, name, code)


def _checked(code: str, name: str, full: str) -> str | Rejected:
    """``full`` (the code itself, or a UPC-E's expansion) as GTIN-14 if its check digit holds."""
    expected = check_digit(full[:-1])
    found = int(code[-1])
    if found != expected:
        return Rejected(
            "bad-check-digit",
            f"the {name} {code} ends in check digit {found} but its digits give {expected}: "
            "a digit was misread or mistyped",
        )
    return full.zfill(GTIN14_LENGTH)


def ean13(code: str) -> str | Rejected:
    """An EAN-13 (or a UPC-A read as 13 digits with a leading 0) as GTIN-14."""
    return _validated(code, "EAN-13", 13)


def ean8(code: str) -> str | Rejected:
    """An EAN-8 as GTIN-14."""
    return _validated(code, "EAN-8", 8)


def gtin14(code: str) -> str | Rejected:
    """A GTIN-14 (DataBar, ITF-14, AI 01), validated."""
    return _validated(code, "GTIN-14", 14)


def upca(code: str) -> str | Rejected:
    """A UPC-A as GTIN-14; also the 13-digit form with a leading 0 that pyzbar and zxing return.

    A 13-digit read that does not start with 0 is an EAN-13, not a UPC-A, and is refused here so
    a decoder that mislabels symbologies is noticed rather than trusted.
    """
    if len(code) == 13 and is_ascii_digits(code):
        if code[0] != "0":
            return Rejected(
                "bad-length",
                f"a UPC-A has 12 digits (13 with a leading 0), {code} has 13 and starts with "
                f"{code[0]}",
            )
        code = code[1:]
    return _validated(code, "UPC-A", 12)


def expand_upce(code: str) -> str:
    """The 12-digit UPC-A that an 8-digit UPC-E stands for (the check digit is carried over).

    The last of the six middle digits says where the zeros were suppressed: 0-2 after the
    first two manufacturer digits (and it is the third manufacturer digit), 3 after three, 4
    after four, 5-9 after all five (and it is the last product digit). ValueError for anything
    that is not 8 ASCII digits with number system 0 or 1; :func:`upce` is the validating parser.
    """
    if not (len(code) == 8 and is_ascii_digits(code) and code[0] in UPCE_NUMBER_SYSTEMS):
        raise ValueError(f"a UPC-E is 8 digits starting with 0 or 1, got {code!r}")
    ns, d, check = code[0], code[1:7], code[7]
    last = d[5]
    if last in "012":
        body = d[0:2] + last + "0000" + d[2:5]
    elif last == "3":
        body = d[0:3] + "00000" + d[3:5]
    elif last == "4":
        body = d[0:4] + "00000" + d[4]
    else:
        body = d[0:5] + "0000" + last
    return ns + body + check


def compress_upca(code: str) -> str | None:
    """The canonical 8-digit UPC-E for a 12-digit UPC-A, or None where zero suppression can't.

    Used to print the short form on shelf labels and to test that expansion is right: every
    UPC-E expands to a UPC-A that compresses back to a UPC-E with the same expansion.
    """
    if not (len(code) == 12 and is_ascii_digits(code) and code[0] in UPCE_NUMBER_SYSTEMS):
        return None
    ns, maker, item, check = code[0], code[1:6], code[6:11], code[11]
    if maker[2] in "012" and maker[3:] == "00" and item[:2] == "00":
        middle = maker[:2] + item[2:] + maker[2]
    elif maker[3:] == "00" and item[:3] == "000":
        middle = maker[:3] + item[3:] + "3"
    elif maker[4] == "0" and item[:4] == "0000":
        middle = maker[:4] + item[4] + "4"
    elif item[:4] == "0000" and item[4] in "56789":
        middle = maker + item[4]
    else:
        return None
    return ns + middle + check


def upce(code: str) -> str | Rejected:
    """An 8-digit UPC-E, expanded to UPC-A and returned as GTIN-14.

    Its check digit is that of the expanded UPC-A, so it is checked after expansion.
    """
    if is_ascii_digits(code) and len(code) == 8 and code[0] not in UPCE_NUMBER_SYSTEMS:
        return Rejected(
            "bad-number-system",
            f"a UPC-E starts with number system 0 or 1, {code} starts with {code[0]}",
        )
    if not (is_ascii_digits(code) and len(code) == 8):
        return _validated(code, "UPC-E", 8)  # a Rejected: digits or length are wrong
    return _checked(code, "UPC-E", expand_upce(code))


def normalise(code: str) -> str | Rejected:
    """Any GTIN spelling to GTIN-14, chosen by length: 8 EAN-8, 12 UPC-A, 13 EAN-13, 14 GTIN-14.

    An 8-digit code is read as EAN-8 here; UPC-E needs :func:`upce` (the scanner says which).
    """
    by_length = {8: ean8, 12: upca, 13: ean13, 14: gtin14}
    if not is_ascii_digits(code):
        return _validated(code, "GTIN", 14)
    parse = by_length.get(len(code))
    if parse is None:
        return Rejected("bad-length", f"a GTIN has 8, 12, 13 or 14 digits, {code} has {len(code)}")
    return parse(code)
