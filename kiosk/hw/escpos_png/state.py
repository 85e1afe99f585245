"""The printer's modes while a stream is parsed: what ESC @ resets and commands change.

Geometry (Epson's ESC/POS reference and the TM-T20/TM-T88 technical references):

- 203 dpi, one image pixel per dot: 384 dots of print width on 58 mm paper (48 mm printable),
  576 on 80 mm paper (72 mm printable).
- Font A cells are 12 x 24 dots (a 10-dot glyph and 2 dots of right-side space), font B cells
  9 x 17; so 32 (A) or 42 (B) columns on 58 mm, 48 (A) or 64 (B) on 80 mm.
- ESC 2, the default line feed, is 30 dots (3.75 mm, "30/203 inch" on the 203-dpi models).
- Horizontal tab stops default to every 8 font-A columns (96 dots).
- Motion units (GS P) default to 1/203 inch both ways, i.e. one dot. Some Epson models use
  1/406 inch vertically; a host that relies on that sends GS P and the parser follows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.hw.escpos_png.codepages import DEFAULT, CodePage
from kiosk.hw.escpos_png.ops import Align, Bitmap, FontName, QrLevel, TextStyle

DPI = 203
DEFAULT_LINE_SPACING = 30
CELL_WIDTH: dict[FontName, int] = {"A": 12, "B": 9}
CELL_HEIGHT: dict[FontName, int] = {"A": 24, "B": 17}
DEFAULT_TAB_STOPS = tuple(8 * CELL_WIDTH["A"] * i for i in range(1, 33))
DEFAULT_BARCODE_HEIGHT = 162


@dataclass(slots=True)
class QrSettings:
    """GS ( k functions 165, 167, 169 and the symbol storage area of function 180."""

    model: int = 2
    module: int = 3
    level: QrLevel = "L"
    data: bytes | None = None


@dataclass(slots=True)
class ParserState:
    """Every mode that outlives one command. A fresh instance is the state after ESC @."""

    font: FontName = "A"
    emphasized: bool = False
    double_strike: bool = False
    underline: int = 0
    width: int = 1
    height: int = 1
    inverted: bool = False
    spacing: int = 0
    align: Align = "left"
    page: CodePage = DEFAULT
    motion_x: int = DPI
    motion_y: int = DPI
    left_margin: int = 0
    area_width: int | None = None
    tab_stops: tuple[int, ...] = DEFAULT_TAB_STOPS
    barcode_height: int = DEFAULT_BARCODE_HEIGHT
    qr: QrSettings = field(default_factory=QrSettings)
    graphics: Bitmap | None = None  # GS ( L function 112, printed by function 50

    def style(self) -> TextStyle:
        return TextStyle(font=self.font, bold=self.emphasized or self.double_strike,
                         underline=self.underline, width=self.width, height=self.height,
                         inverted=self.inverted, spacing=self.spacing)

    def dots_x(self, units: int) -> int:
        return units * DPI // self.motion_x

    def dots_y(self, units: int) -> int:
        return units * DPI // self.motion_y

    def character_width(self) -> int:
        """One character's advance in dots now: cell plus spacing, magnified (ESC D uses it)."""
        return (CELL_WIDTH[self.font] + self.spacing) * self.width
