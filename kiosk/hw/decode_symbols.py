"""What one decoder pass read, in the kiosk's words: symbology names, text, and where it was.

Both decoders report in their own dialects: zbar calls a UPC-A an ``EAN13`` with 13 digits,
zxing-cpp calls it ``UPCA`` and also gives 13 digits; zbar hands QR payloads over as bytes;
DataBar arrives as ``01`` plus a GTIN. This module turns each reading into one :class:`Read`
with a kiosk symbology name and the text the symbol holds, so that everything after it
(agreement between decoders, the confirmation rules, the session's barcode parser) compares
like with like. It is pure: no decoder library is imported here.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core import gtin
from kiosk.core.codes import Rejected
from kiosk.core.gs1 import split_raw

# The symbologies a kiosk reads, by the names the configuration, logs and the core use.
RETAIL = ("ean13", "ean8", "upca", "upce")
LINEAR = (*RETAIL, "code128", "databar", "databar-expanded")
MATRIX = ("qrcode", "datamatrix")
SYMBOLOGIES = (*LINEAR, *MATRIX)
GS1_128 = "gs1-128"  # Code 128 with FNC1 first: enabled by "code128", read as GS1 by the core

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in frame pixels


@dataclass(frozen=True, slots=True)
class Placement:
    """Where the image a pass decodes sits in the frame, so every box lands in frame pixels.

    The pass image is the frame region from (``x0``, ``y0``), resized by ``scale``, and
    transposed (rows become columns) when ``transposed``: a crop turned so its bars stand up.
    """

    variant: str = "plain"
    scale: float = 1.0
    x0: float = 0.0
    y0: float = 0.0
    transposed: bool = False

    def box(self, points: list[tuple[float, float]]) -> Box:
        if self.transposed:
            points = [(y, x) for x, y in points]
        xs = [self.x0 + p[0] / self.scale for p in points]
        ys = [self.y0 + p[1] / self.scale for p in points]
        return (min(xs), min(ys), max(xs), max(ys))

    def across(self, along_rows: bool | None) -> bool | None:
        return along_rows if along_rows is None or not self.transposed else not along_rows


WHOLE_FRAME = Placement()


@dataclass(frozen=True, slots=True)
class Read:
    """One symbol read by one decoder on one variant of a frame.

    ``box`` is in the frame's coordinates whatever scale the pass worked at. ``across`` is
    True when a linear symbol was read along the frame's rows (bars upright), False when read
    along its columns, None when the decoder could not say (matrix codes).
    """

    text: str
    symbology: str
    decoder: str
    variant: str
    scale: float
    box: Box
    across: bool | None = None
    gs1: bool = False

    @property
    def key(self) -> str:
        return read_key(self.text, self.symbology)

    @property
    def unit(self) -> tuple[str, str]:
        """What makes two readings independent: another decoder, or another resolution."""
        return self.decoder, "crop" if self.variant.startswith("crop") else f"{self.scale:g}"


def decode_text(data: bytes) -> str:
    """The text of a symbol's bytes: UTF-8, else Shift-JIS where it looks Japanese, else Latin-1.

    zbar is asked for the raw bytes of QR codes, because its own character-set guess turns
    Shift-JIS half-width katakana into Chinese; this is ZXing's guess instead. UTF-8 first
    (ASCII is UTF-8; a Shift-JIS or Latin-1 text is almost never valid UTF-8). Shift-JIS when
    the bytes are valid Shift-JIS and either hold a run of three Japanese characters or would
    give C1 control characters as Latin-1 (Shift-JIS lead bytes 0x81-0x9F): Japanese QR codes
    without an ECI header are common, while "Crème" in Latin-1 is also valid Shift-JIS but not
    Japanese. Latin-1 otherwise: the QR default, and it decodes any byte string, so a scan is
    never lost over its character set.
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        japanese = data.decode("shift_jis")
    except UnicodeDecodeError:
        return data.decode("latin-1")
    c1 = any(0x80 <= byte <= 0x9F for byte in data)
    return japanese if c1 or _japanese_run(japanese) else data.decode("latin-1")


def _japanese_run(text: str) -> bool:
    run = 0
    for char in text:
        run = run + 1 if char >= "\u3000" else 0  # kana, kanji, full- and half-width forms
        if run >= 3:
            return True
    return False


def spelled(text: str, symbology: str) -> tuple[str, str] | None:
    """The reading as a person writes it, or None when its GTIN check digit is wrong.

    Both decoders give a UPC-A as 13 digits with a leading 0 (zbar even labels it EAN-13):
    an EAN-13 that starts with 0 *is* a UPC-A, so it is given back as its 12 digits. A UPC-E
    stays its 8 digits when the decoder kept them. Every EAN/UPC, and the GTIN of a DataBar,
    must pass the GS1 check digit (kiosk.core.gtin), so a misread that breaks it never
    leaves the decoder layer.
    """
    if not text:
        return None
    if len(text) == 13 and text.startswith("0") and symbology in ("ean13", "upca", "upce"):
        text = text[1:]  # the UPC-A (for a UPC-E: its expansion) without the extra 0
        symbology = "upce" if symbology == "upce" else "upca"
    if symbology in RETAIL:
        parse = {"ean13": gtin.ean13, "ean8": gtin.ean8, "upca": gtin.upca,
                 "upce": gtin.upce if len(text) == 8 else gtin.upca}[symbology]
        return None if isinstance(parse(text), Rejected) else (text, symbology)
    if symbology == "databar" and len(text) == 16 and text.startswith("01"):
        return None if isinstance(gtin.gtin14(text[2:]), Rejected) else (text, symbology)
    return text, symbology


def read_key(text: str, symbology: str) -> str:
    """What two readings must share to be the same code: the GTIN-14 for trade items.

    A UPC-E, its UPC-A expansion and the 13-digit form are one product, so EAN/UPC and GS1
    DataBar compare as GTIN-14; everything else compares exactly as read.
    """
    if symbology in RETAIL:
        key = gtin.upce(text) if symbology == "upce" and len(text) == 8 else \
            gtin.normalise(text)
        return text if isinstance(key, Rejected) else key
    if symbology == "databar" and len(text) == 16 and text.startswith("01"):
        return text[2:]
    return text


def human_text(text: str, gs1: bool) -> str:
    """The text as a person reads it: a GS1 element string with its AIs in parentheses,
    control characters named (``<GS>``) rather than printed."""
    if gs1:
        elements = split_raw(text)
        if not isinstance(elements, Rejected):
            return "".join(f"({ai}){value}" for ai, value in elements)
    return "".join(f"<{ord(c):02X}>" if c < " " and c not in "\r\n" else c for c in text)


def is_linear(symbology: str) -> bool:
    return symbology in LINEAR or symbology == GS1_128


def enabled(symbology: str, wanted: frozenset[str]) -> bool:
    """Whether a reading's symbology is one the configuration enables."""
    return (symbology if symbology != GS1_128 else "code128") in wanted


def union(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


