"""Epson's ESC t character code tables, and how the preview reads bytes through them.

The numbers are Epson's (ESC/POS reference, "ESC t: select character code table"); they are
written out here rather than taken from python-escpos's printer profiles on purpose: the kiosk
*encodes* receipts with python-escpos, and a decoder built from the same table could not catch a
wrong entry in it. Tables Python has no codec for (Katakana, Thai, TCVN-3, PC851, PC853, PC1098,
PC1118/1119, the Indic pages) are listed by name so a warning can say which table the receipt
asked for; their upper half is drawn as empty boxes.

Bytes 0x20-0x7E are ASCII in every table (the international character sets of ESC R, which
replace a dozen of them, are not drawn; the parser warns). 0x7F prints as a blank.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MISSING = "\ufffd"  # a code the table has no character for: drawn as an empty box


@dataclass(frozen=True, slots=True)
class CodePage:
    number: int
    name: str
    codec: str | None  # Python codec for the upper half, None when Python has none


_TABLES: tuple[tuple[int, str, str | None], ...] = (
    (0, "CP437", "cp437"),
    (1, "Katakana", None),
    (2, "CP850", "cp850"),
    (3, "CP860", "cp860"),
    (4, "CP863", "cp863"),
    (5, "CP865", "cp865"),
    (6, "Hiragana", None),
    (7, "Kanji one-pass 1", None),
    (8, "Kanji one-pass 2", None),
    (11, "CP851", None),
    (12, "CP853", None),
    (13, "CP857", "cp857"),
    (14, "CP737", "cp737"),
    (15, "ISO-8859-7", "iso8859_7"),
    (16, "WPC1252", "cp1252"),
    (17, "CP866", "cp866"),
    (18, "CP852", "cp852"),
    (19, "CP858", "cp858"),
    (20, "Thai 42", None),
    (21, "Thai 11", None),
    (22, "Thai 13", None),
    (23, "Thai 14", None),
    (24, "Thai 16", None),
    (25, "Thai 17", None),
    (26, "Thai 18", None),
    (30, "TCVN-3", None),
    (31, "TCVN-3 capitals", None),
    (32, "CP720", "cp720"),
    (33, "WPC775", "cp775"),
    (34, "CP855", "cp855"),
    (35, "CP861", "cp861"),
    (36, "CP862", "cp862"),
    (37, "CP864", "cp864"),
    (38, "CP869", "cp869"),
    (39, "ISO-8859-2", "iso8859_2"),
    (40, "ISO-8859-15", "iso8859_15"),
    (41, "CP1098", None),
    (42, "CP1118", None),
    (43, "CP1119", None),
    (44, "CP1125", "cp1125"),
    (45, "WPC1250", "cp1250"),
    (46, "WPC1251", "cp1251"),
    (47, "WPC1253", "cp1253"),
    (48, "WPC1254", "cp1254"),
    (49, "WPC1255", "cp1255"),
    (50, "WPC1256", "cp1256"),
    (51, "WPC1257", "cp1257"),
    (52, "WPC1258", "cp1258"),
    (53, "KZ-1048", "kz1048"),
    (66, "Devanagari", None),
    (67, "Bengali", None),
    (68, "Tamil", None),
    (69, "Telugu", None),
    (70, "Assamese", None),
    (71, "Oriya", None),
    (72, "Kannada", None),
    (73, "Malayalam", None),
    (74, "Gujarati", None),
    (75, "Punjabi", None),
    (82, "Marathi", None),
    (254, "User-defined 254", None),
    (255, "User-defined 255", None),
)

CODE_PAGES: dict[int, CodePage] = {n: CodePage(n, name, codec) for n, name, codec in _TABLES}
DEFAULT = CODE_PAGES[0]


def code_page(number: int) -> CodePage | None:
    """The table ESC t ``number`` selects, or None when Epson defines no such table."""
    return CODE_PAGES.get(number)


def decode(raw: bytes, page: CodePage) -> str:
    """How the printer reads ``raw`` (bytes 0x20-0xFF) in ``page``, one character per byte."""
    return "".join(_char(b, page) for b in raw)


def _char(byte: int, page: CodePage) -> str:
    if byte < 0x7F:
        return chr(byte)
    text = _upper(byte, page.codec) if byte > 0x7F else " "
    category = unicodedata.category(text)
    if text == "\xad":  # soft hyphen: printers show their hyphen glyph
        return "-"
    if category == "Zs":  # no-break space and friends print as a blank
        return " "
    return MISSING if category.startswith("C") else text


def _upper(byte: int, codec: str | None) -> str:
    if codec is None:
        return MISSING
    try:
        return bytes((byte,)).decode(codec)
    except UnicodeDecodeError:  # an unassigned code in this table, e.g. 0x81 in WPC1252
        return MISSING
