"""GS1 element strings and GS1 Digital Link URIs, read into a :class:`ProductCode`.

GS1 DataBar, GS1-128, GS1 DataMatrix and GS1 QR codes carry a chain of *elements*, each an
application identifier (AI) and its value: ``(01)09506000134352(17)260101(10)ABC``. Decoders
hand them over in three spellings, all accepted here:

- raw, with an optional symbology identifier (``]C1``, ``]e0``, ``]d2``, ``]Q3``, ``]J1``) and
  the group separator GS (``\\x1d``, FNC1) after each variable-length value;
- the human-readable form with each AI in parentheses (zxing's default text);
- a GS1 Digital Link URI: ``https://any.host/optional/prefix/01/{gtin}/10/{batch}?17=260101``.

Where a variable-length value ends is only known from the AI, so an AI missing from the table
below rejects the read ("unknown-ai") rather than guess. The table holds the AIs of retail and
logistics labels; values are checked against it (digits or GS1's 82-character set, length).

Quantities are converted with exact integer arithmetic: net weight 310n (kg) and 320n (lb) to
grams, rounded half up; price 392n (and 393n when its ISO 4217 currency is the kiosk's) to the
currency's minor units. Dates (11, 13, 15, 16, 17) are checked, with day 00 meaning the last day
of the month where GS1 allows it (12, 15, 16, 17).

Century of a two-digit year (GS1 General Specifications 7.12): the year lies from 49 years
before to 50 years after ``reference_year``, which the session passes as the current year
because the core reads no clock. Without one, ``YY`` is read as ``20YY``: right for every date
printed this century, and deterministic in tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlsplit

from kiosk.core.codes import ProductCode, Rejected
from kiosk.core.gtin import check_digit, is_ascii_digits
from kiosk.core.labels import GRAM_DECIMALS, rescale
from kiosk.core.money import round_half_up

GS = "\x1d"
GS1_SYMBOLOGY_IDS = ("]C1", "]e0", "]d2", "]Q3", "]J1")
GRAMS_PER_LB_E5 = 45359237  # 1 lb is exactly 453.59237 g: this is grams x 10**5

# AIs whose first two digits fix the element's total length (AI + value): no GS follows them.
PREDEFINED_LENGTH = {
    "00": 20, "01": 16, "02": 16, "03": 16, "04": 18, "11": 8, "12": 8, "13": 8, "14": 8,
    "15": 8, "16": 8, "17": 8, "18": 8, "19": 8, "20": 4, "31": 10, "32": 10, "33": 10,
    "34": 10, "35": 10, "36": 10, "41": 16,
}

# AI, then N (digits) or X (GS1 character set 82), then a fixed length or [min]..max.
_TABLE_TEXT = """
00 N18 01 N14 02 N14 10 X..20 11 N6 12 N6 13 N6 15 N6 16 N6 17 N6 20 N2 21 X..20 22 X..20
235 X..28 240 X..30 241 X..30 242 N..6 243 X..20 250 X..30 251 X..30 253 X13..30 254 X..20
255 N13..25 30 N..8 37 N..8 400 X..30 401 X..30 402 N17 403 X..30 410 N13 411 N13 412 N13
413 N13 414 N13 415 N13 416 N13 417 N13 420 X..20 421 X3..12 422 N3 423 N3..15 424 N3
425 N3..15 426 N3 427 X..3 710 X..20 711 X..20 712 X..20 713 X..20 714 X..20 715 X..20
7001 N13 7002 X..30 7003 N10 7004 N..4 7005 X..12 7006 N6 7007 N6..12 7008 X..3 7009 X..10
7010 X..2 7020 X..20 7021 X..20 7022 X..20 7023 X..30 7240 X..20 8001 N14 8002 X..20
8003 X14..30 8004 X..30 8005 N6 8006 N18 8007 X..34 8008 N8..12 8009 X..50 8010 X..30
8011 N..12 8012 X..20 8013 X..25 8017 N18 8018 N18 8019 N..10 8020 X..25 8026 N18 8110 X..70
8111 N4 8112 X..70 8200 X..70 90 X..30
"""
_MEASURE_FAMILIES = ("310", "311", "312", "313", "314", "315", "316", "320", "321", "322",
                     "323", "324", "325", "326", "327", "328", "329", "330", "331", "332", "333",
                     "334", "335", "336", "337", "340", "341", "342", "343", "344", "345", "346",
                     "347", "348", "349", "350", "351", "352", "353", "354", "355", "356", "357",
                     "360", "361", "362", "363", "364", "365", "366", "367", "368", "369")
_CSET82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
_DATE_AIS = ("11", "12", "13", "15", "16", "17")
_DAY_ZERO_OK = ("12", "15", "16", "17")
_WEIGHT_FAMILIES = ("310", "320")
_PRICE_FAMILIES = ("392", "393")
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
# ISO 4217 numeric codes for the currencies kiosk.core.money knows (AI 393n states one).
ISO_NUMERIC = {
    "EUR": "978", "GBP": "826", "USD": "840", "CHF": "756", "CNY": "156", "SEK": "752",
    "NOK": "578", "DKK": "208", "PLN": "985", "CZK": "203", "HUF": "348", "CAD": "124",
    "AUD": "036", "NZD": "554", "HKD": "344", "SGD": "702", "JPY": "392", "KRW": "410",
    "ISK": "352", "KWD": "414", "BHD": "048", "TND": "788",
}
_PAREN_AI = re.compile(r"\(([0-9]{2,4})\)")


@dataclass(frozen=True, slots=True)
class AiSpec:
    """What one AI's value may hold: digits only or CSET 82, and how many characters."""

    numeric: bool
    min_len: int
    max_len: int


def _build_table() -> dict[str, AiSpec]:
    words = _TABLE_TEXT.split()
    table: dict[str, AiSpec] = {}
    for ai, fmt in zip(words[::2], words[1::2], strict=True):
        low, dots, high = fmt[1:].partition("..")
        if dots:
            table[ai] = AiSpec(fmt[0] == "N", int(low or 1), int(high))
        else:
            table[ai] = AiSpec(fmt[0] == "N", int(low), int(low))
    table.update({f"{fam}{n}": AiSpec(True, 6, 6) for fam in _MEASURE_FAMILIES for n in range(6)})
    for n in range(10):
        table[f"390{n}"] = table[f"392{n}"] = AiSpec(True, 1, 15)
        table[f"391{n}"] = table[f"393{n}"] = AiSpec(True, 4, 18)
    table.update({f"394{n}": AiSpec(True, 4, 4) for n in range(4)})
    table.update({f"395{n}": AiSpec(True, 6, 6) for n in range(6)})
    table.update({f"703{n}": AiSpec(False, 4, 30) for n in range(10)})
    table.update({str(ai): AiSpec(False, 1, 90) for ai in range(91, 100)})
    return table


AI_TABLE: dict[str, AiSpec] = _build_table()
Elements = list[tuple[str, str]]


def _ai_at(text: str, pos: int) -> str | None:
    """The AI starting at ``pos``; GS1 AIs are prefix-free, so at most one length fits."""
    return next((text[pos:pos + n] for n in (2, 3, 4) if text[pos:pos + n] in AI_TABLE), None)


def split_raw(text: str) -> Elements | Rejected:
    """Split a raw element string (no symbology identifier) into (AI, value) pairs."""
    elements: Elements = []
    pos = 0
    while pos < len(text):
        ai = _ai_at(text, pos)
        if ai is None:
            return Rejected("unknown-ai", f"no GS1 application identifier this kiosk knows "
                            f"starts at {text[pos:pos + 4]!r} (character {pos + 1})")
        start = pos + len(ai)
        total = PREDEFINED_LENGTH.get(ai[:2])
        if total is not None:
            end = pos + total
            if end > len(text) or GS in text[start:end]:
                return Rejected("truncated-element", f"AI ({ai}) needs {total - len(ai)} "
                                f"characters but only {text[start:end].partition(GS)[0]!r} follows")
            pos = end + 1 if text[end:end + 1] == GS else end  # tolerate a needless GS
        else:
            end = text.find(GS, start)
            end = len(text) if end < 0 else end
            pos = end + 1
        elements.append((ai, text[start:end]))
    return elements


def split_parenthesised(text: str) -> Elements | Rejected:
    """Split ``(01)...(10)...`` into (AI, value) pairs."""
    parts = _PAREN_AI.split(text)
    if parts[0]:
        return Rejected("unrecognised", f"{parts[0]!r} comes before the first (AI)")
    elements = list(zip(parts[1::2], parts[2::2], strict=True))
    unknown = next((ai for ai, _ in elements if ai not in AI_TABLE), None)
    if unknown is not None:
        return Rejected("unknown-ai", f"({unknown}) is not a GS1 application identifier "
                        "this kiosk knows")
    return elements


def _check_value(ai: str, value: str) -> Rejected | None:
    spec = AI_TABLE[ai]
    if len(value) < spec.min_len:
        need = spec.min_len if spec.min_len == spec.max_len else f"at least {spec.min_len}"
        return Rejected("truncated-element",
                        f"AI ({ai}) needs {need} characters, got {len(value)}: {value!r}")
    if len(value) > spec.max_len:
        return Rejected("bad-element", f"AI ({ai}) holds at most {spec.max_len} characters, got "
                        f"{len(value)} (a missing separator?)")
    if spec.numeric and not is_ascii_digits(value):
        return Rejected("bad-element", f"AI ({ai}) holds digits only, got {value!r}")
    bad = next((c for c in value if c not in _CSET82), None)
    if bad is not None:
        return Rejected("bad-element", f"AI ({ai}) may not hold the character {bad!r}")
    return None


def _century(yy: int, reference_year: int | None) -> int:
    if reference_year is None:
        return 2000 + yy
    base = reference_year - reference_year % 100
    diff = yy - reference_year % 100
    if diff >= 51:
        base -= 100
    elif diff <= -50:
        base += 100
    return base + yy


def gs1_date(ai: str, yymmdd: str, reference_year: int | None = None) -> str | Rejected:
    """Six digits YYMMDD as ISO ``YYYY-MM-DD``; day 00 is the last of the month where allowed.

    The caller has checked that ``yymmdd`` is six ASCII digits (the AI table says so).
    """
    yy, mm, dd = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:6])
    year = _century(yy, reference_year)
    if not 1 <= mm <= 12:
        return Rejected("bad-date", f"AI ({ai}) date {yymmdd} has month {mm:02d}")
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    last = 29 if mm == 2 and leap else _DAYS[mm - 1]
    if dd == 0 and ai in _DAY_ZERO_OK:
        dd = last
    if not 1 <= dd <= last:
        return Rejected("bad-date", f"AI ({ai}) date {yymmdd} has day {dd:02d}, but "
                        f"{year}-{mm:02d} has days 01 to {last}")
    return f"{year:04d}-{mm:02d}-{dd:02d}"


def _grams(ai: str, value: str) -> int:
    decimals = int(ai[3])
    if ai.startswith("320"):  # pounds
        return round_half_up(int(value) * GRAMS_PER_LB_E5, 10 ** (decimals + 5))
    return rescale(int(value), decimals, GRAM_DECIMALS)


def _price(ai: str, value: str, currency_decimals: int, currency: str | None) -> int | Rejected:
    decimals = int(ai[3])
    if ai.startswith("393"):
        code, value = value[:3], value[3:]
        if currency is None or ISO_NUMERIC.get(currency) != code:
            ours = f"the kiosk sells in {currency}" if currency else "the kiosk's own currency " \
                "was not given"
            return Rejected("wrong-currency", f"AI ({ai}) states its price in ISO 4217 currency "
                            f"{code}, but {ours}")
    return rescale(int(value), decimals, currency_decimals)


def _single(elements: Elements) -> dict[str, str] | Rejected:
    """Elements by AI, refusing an AI twice with different values, or two weights or prices."""
    found: dict[str, str] = {}
    for ai, value in elements:
        if found.get(ai, value) != value:
            return Rejected("duplicate-ai", f"AI ({ai}) appears twice with different values "
                            f"{found[ai]!r} and {value!r}")
        found[ai] = value
    for families, what in ((_WEIGHT_FAMILIES, "net weights"), (_PRICE_FAMILIES, "prices")):
        several = [ai for ai in found if ai[:3] in families]
        if len(several) > 1:
            return Rejected("duplicate-ai", f"the code holds two {what}: "
                            + " and ".join(f"({ai}) {found[ai]}" for ai in several))
    return found


def _checked_keys(found: dict[str, str]) -> Rejected | None:
    """Check digits of the identification keys the kiosk uses: SSCC (00) and GTINs (01, 02)."""
    for ai in ("00", "01", "02"):
        if ai not in found:
            continue
        key = found[ai]
        expected = check_digit(key[:-1])
        if int(key[-1]) != expected:
            return Rejected("bad-check-digit", f"AI ({ai}) {key} ends in check digit {key[-1]} "
                            f"but its digits give {expected}: a digit was misread")
    return None


def _validated(elements: Elements) -> dict[str, str] | Rejected:
    """Every value fits its AI, no AI conflicts, and the key check digits hold."""
    for ai, value in elements:
        problem = _check_value(ai, value)
        if problem is not None:
            return problem
    found = _single(elements)
    if isinstance(found, Rejected):
        return found
    return _checked_keys(found) or found


def to_product(elements: Elements, source: str, *, currency_decimals: int = 2,
               currency: str | None = None, reference_year: int | None = None
               ) -> ProductCode | Rejected:
    """Check the elements and read what the kiosk uses from them into one ProductCode."""
    found = _validated(elements)
    if isinstance(found, Rejected):
        return found
    dates = {ai: gs1_date(ai, found[ai], reference_year) for ai in _DATE_AIS if ai in found}
    bad_date = next((d for d in dates.values() if isinstance(d, Rejected)), None)
    if bad_date is not None:
        return bad_date
    if "01" not in found:
        held = ", ".join(f"({ai})" for ai in found)
        return Rejected("missing-gtin", f"the code holds {held} but no GTIN (01), so it names "
                        "no product")
    weight = next((_grams(ai, v) for ai, v in found.items() if ai[:3] in _WEIGHT_FAMILIES), None)
    price = next((_price(ai, v, currency_decimals, currency)
                  for ai, v in found.items() if ai[:3] in _PRICE_FAMILIES), None)
    if isinstance(price, Rejected):
        return price
    expiry = dates.get("17")
    return ProductCode(gtin=found["01"], source=source, price=price, weight_g=weight,
                       batch=found.get("10"), serial=found.get("21"),
                       expiry=expiry if isinstance(expiry, str) else None)


def is_element_string(text: str) -> bool:
    """Whether text is spelled as GS1 elements (symbology id, leading GS or FNC1, or parens)."""
    if text.startswith(GS1_SYMBOLOGY_IDS) or text.startswith(GS):
        return True
    if _PAREN_AI.match(text):
        return True
    leading = text[:16]
    return (GS in text and is_ascii_digits(text[:2])) or (
        len(leading) == 16 and leading.startswith("01") and is_ascii_digits(leading))


def parse_element_string(text: str, *, currency_decimals: int = 2, currency: str | None = None,
                         reference_year: int | None = None) -> ProductCode | Rejected:
    """A GS1 element string in any of its spellings, read into a ProductCode."""
    body = text[3:] if text.startswith(GS1_SYMBOLOGY_IDS) else text
    body = body.removeprefix(GS)
    if not body:
        return Rejected("truncated-element", "the GS1 code holds no elements")
    elements = split_parenthesised(body) if body.startswith("(") else split_raw(body)
    if isinstance(elements, Rejected):
        return elements
    return to_product(elements, "gs1", currency_decimals=currency_decimals, currency=currency,
                      reference_year=reference_year)


def is_digital_link(text: str) -> bool:
    return text[:8].lower() == "https://" or text[:7].lower() == "http://"


def _path_elements(segments: list[str]) -> Elements | Rejected | None:
    """The (AI, value) pairs at the end of a Digital Link path; None when there are none."""
    starts = [i for i, s in enumerate(segments) if s == "01"]
    starts += [i for i, s in enumerate(segments) if s in AI_TABLE and i not in starts]
    for i in starts:
        keys = segments[i::2]
        if not all(is_ascii_digits(k) for k in keys):
            continue
        if (len(segments) - i) % 2:
            return Rejected("truncated-element", f"the Digital Link path ends with /{keys[-1]}/ "
                            "and no value after it")
        unknown = next((k for k in keys if k not in AI_TABLE), None)
        if unknown is not None:
            return Rejected("unknown-ai", f"/{unknown}/ in the Digital Link path is not a GS1 "
                            "application identifier this kiosk knows")
        return list(zip(keys, segments[i + 1::2], strict=True))
    return None


def parse_digital_link(text: str, *, currency_decimals: int = 2, currency: str | None = None,
                       reference_year: int | None = None) -> ProductCode | Rejected:
    """A GS1 Digital Link URI (any host, any path prefix) read into a ProductCode.

    Path segments are split before percent-decoding, so an encoded ``%2F`` stays inside its
    value; query keys that are not all digits (``linkType``, tracking tags) are not AIs and are
    ignored, as the Digital Link standard says.
    """
    try:
        parts = urlsplit(text)
        segments = [unquote(s, errors="strict") for s in parts.path.split("/")[1:]]
        query = parse_qsl(parts.query, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return Rejected("bad-element", "the web address has percent-escapes that are not UTF-8")
    except ValueError as error:
        return Rejected("unrecognised", f"the web address is malformed: {error}")
    while segments and not segments[-1]:
        segments.pop()
    elements = _path_elements(segments)
    if elements is None:
        return Rejected("unrecognised", "a web address that is not a GS1 Digital Link: its path "
                        "holds no /01/ and GTIN")
    if isinstance(elements, Rejected):
        return elements
    elements += [(key, value) for key, value in query if is_ascii_digits(key)]
    unknown = next((ai for ai, _ in elements if ai not in AI_TABLE), None)
    if unknown is not None:
        return Rejected("unknown-ai", f"?{unknown}= in the Digital Link is not a GS1 "
                        "application identifier this kiosk knows")
    elements = [(ai, v.zfill(14) if ai == "01" and len(v) in (8, 12, 13) else v)
                for ai, v in elements]
    return to_product(elements, "digital-link", currency_decimals=currency_decimals,
                      currency=currency, reference_year=reference_year)
