"""What an ESC/POS byte stream asks the printer to do, as plain typed values.

The parser turns bytes into these; the drawing layer turns these into dots. Keeping the two apart
means a test can check what the bytes *say* (a bold run in CP858, a QR code of this data) without
looking at pixels, and the pixels without caring how the bytes were split.

Every distance is in printer dots (203 dpi): the parser converts motion units (``GS P``) once,
so nothing downstream needs to know them. Text and symbols carry the style and justification in
force when they were received, because that is what the printer applies to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Align = Literal["left", "center", "right"]
FontName = Literal["A", "B"]
QrLevel = Literal["L", "M", "Q", "H"]


@dataclass(frozen=True, slots=True)
class TextStyle:
    """Character modes that change how glyphs look (ESC !, ESC E/G, ESC -, ESC M, GS !, GS B).

    ``width``/``height`` are the magnifications 1-8 of ``GS !`` (``ESC !`` sets 1 or 2);
    ``underline`` is the line thickness in dots (0 = off); ``spacing`` is the right-side
    character spacing of ``ESC SP`` in dots, before magnification.
    """

    font: FontName = "A"
    bold: bool = False
    underline: int = 0
    width: int = 1
    height: int = 1
    inverted: bool = False
    spacing: int = 0


PLAIN = TextStyle()


@dataclass(frozen=True, slots=True)
class Text:
    """A run of printable bytes received under one style, justification and code page.

    ``raw`` is what came over the wire; ``text`` is how the selected code page reads it, with
    U+FFFD where the page has no character at that code (drawn as an empty box).
    """

    text: str
    raw: bytes
    code_page: str
    style: TextStyle = PLAIN
    align: Align = "left"


@dataclass(frozen=True, slots=True)
class Init:
    """ESC @: every mode back to its default; unprinted data in the line buffer is discarded."""


@dataclass(frozen=True, slots=True)
class LineFeed:
    """LF: print the line buffer and feed one line."""


@dataclass(frozen=True, slots=True)
class Feed:
    """ESC d n: print the line buffer and feed ``lines`` lines."""

    lines: int


@dataclass(frozen=True, slots=True)
class FeedDots:
    """ESC J n: print the line buffer and feed ``dots`` dots."""

    dots: int


@dataclass(frozen=True, slots=True)
class LineSpacing:
    """ESC 2 / ESC 3 n: the feed of one line from now on."""

    dots: int


@dataclass(frozen=True, slots=True)
class Tab:
    """HT: move to the next of ``stops`` (dots from the left margin) past the current position."""

    stops: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class MoveTo:
    """ESC $: next data at ``x`` dots from the left margin (ignored when outside the area)."""

    x: int


@dataclass(frozen=True, slots=True)
class MoveBy:
    """ESC \\: next data ``dx`` dots right (negative: left) of the current position."""

    dx: int


@dataclass(frozen=True, slots=True)
class PrintArea:
    """GS L / GS W: the left margin and the printing area width (None: to the paper's edge)."""

    left: int
    width: int | None


@dataclass(frozen=True, slots=True)
class Cut:
    """GS V: feed ``feed_dots`` (function B) and cut; ``partial`` leaves one point uncut."""

    partial: bool
    feed_dots: int = 0


@dataclass(frozen=True, slots=True)
class QrCode:
    """GS ( k function 181: print the stored symbol data as a QR code.

    ``module`` is the module size in dots (function 167), ``level`` the error correction
    (function 169), ``model`` 1, 2 or 3 for micro QR (function 165).
    """

    data: bytes
    module: int = 3
    level: QrLevel = "L"
    model: int = 2
    align: Align = "left"


@dataclass(frozen=True, slots=True)
class Bitmap:
    """A monochrome image as the printer receives it: rows of bits, first bit leftmost, 1 = dot.

    ``scale_x``/``scale_y`` are how many printer dots one image bit covers (low density modes).
    """

    width: int
    height: int
    rows: bytes
    scale_x: int = 1
    scale_y: int = 1

    @property
    def row_bytes(self) -> int:
        return (self.width + 7) // 8


@dataclass(frozen=True, slots=True)
class RasterImage:
    """GS v 0 or GS ( L graphics: a block image printed on its own lines, justified."""

    bitmap: Bitmap
    align: Align = "left"


@dataclass(frozen=True, slots=True)
class InlineImage:
    """ESC *: a bit image column strip placed in the line buffer like a character."""

    bitmap: Bitmap
    align: Align = "left"


@dataclass(frozen=True, slots=True)
class Barcode:
    """GS k: a 1D barcode. The preview draws it as a labelled box, not as bars."""

    symbology: str
    data: bytes
    height: int
    align: Align = "left"


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something in the stream the preview cannot show as the printer would, and why.

    ``offset`` is the byte position in the whole stream where the command started.
    """

    offset: int
    message: str


Op = (Text | Init | LineFeed | Feed | FeedDots | LineSpacing | Tab | MoveTo | MoveBy | PrintArea
      | Cut | QrCode | RasterImage | InlineImage | Barcode | ParseWarning)
