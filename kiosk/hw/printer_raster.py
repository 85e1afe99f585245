"""Lines the printer's code pages cannot show, drawn as raster images on the printer's grid.

ESC/POS code pages are single-byte tables: é, ü and € are in them, Chinese is not. python-
escpos's magic encoding sends any text holding a CJK ideograph as raw GB18030 bytes (its
``MagicEncode.write``), which a printer without a Chinese ROM prints as garbage, and turns
other unknown characters into ``?``. Such a line is drawn here instead, as a 1-bit image the
width of the paper, with fonts that have the glyphs, and sent as a raster image.

The image keeps the printer's grid: each character is centred in its cells (12 dots a column,
two columns for a wide CJK character, doubled for large text), and the line is exactly as tall
as a printed text line, so an image line lines up with the text lines around it and amounts
stay in their column.

Fonts come from Debian packages: ``fonts-dejavu-core`` (Latin, Greek, Cyrillic) and
``fonts-wqy-microhei`` (Chinese, Japanese, Korean); ``fonts-wqy-zenhei`` and
``fonts-noto-cjk`` are used when installed. A character no installed font has is drawn as an
empty box and logged with the package to install, never silently dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from kiosk.core.receipt_layout import char_cells
from kiosk.hw.printer_profile import CELL_DOTS

log = logging.getLogger(__name__)

FONT_DIRS = ("/usr/share/fonts/truetype", "/usr/share/fonts/opentype")
FONT_FILES = (
    "dejavu/DejaVuSansMono.ttf",  # fonts-dejavu-core
    "wqy/wqy-microhei.ttc",  # fonts-wqy-microhei
    "wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "noto/NotoSansCJK-Regular.ttc",  # fonts-noto-cjk
)
GLYPH_DOTS = 24  # font A characters are 24 dots tall
LINE_DOTS = 30  # the line spacing the receipt sets (ESC 3 30)
LARGE_LINE_DOTS = 48  # double-height characters feed their own height
NOT_A_CHARACTER = "\U0010fffe"  # no font has it: its mask is the font's "missing glyph"


def installed_fonts(dirs: Sequence[str] = FONT_DIRS,
                    files: Sequence[str] = FONT_FILES) -> tuple[Path, ...]:
    """The known fonts that are installed, in order of preference."""
    found = []
    for name in files:
        for directory in dirs:
            path = Path(directory) / name
            if path.is_file():
                found.append(path)
                break
    return tuple(found)


@lru_cache(maxsize=32)
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


@lru_cache(maxsize=4096)
def _has_glyph(path: Path, char: str) -> bool:
    font = _font(path, GLYPH_DOTS)
    mask = font.getmask(char)
    missing = font.getmask(NOT_A_CHARACTER)
    return mask.size != missing.size or bytes(mask) != bytes(missing)


class LineRaster:
    """Draws one laid-out line as the printer would print it, had it the glyphs."""

    def __init__(self, fonts: Sequence[Path] | None = None) -> None:
        self.fonts = tuple(fonts) if fonts is not None else installed_fonts()
        self._warned: set[str] = set()

    def font_for(self, char: str) -> Path | None:
        return next((path for path in self.fonts if _has_glyph(path, char)), None)

    def missing(self, text: str) -> str:
        """The characters of ``text`` that no installed font can draw."""
        return "".join(sorted({c for c in text if not c.isspace() and self.font_for(c) is None}))

    def draw(self, text: str, *, dots: int, large: bool = False,
             bold: bool = False) -> Image.Image:
        """A ``dots``-wide 1-bit image of ``text`` on the grid (black is printed)."""
        scale = 2 if large else 1
        image = Image.new("L", (dots, LARGE_LINE_DOTS if large else LINE_DOTS), 255)
        pen = ImageDraw.Draw(image)
        x = 0
        for char in text:
            width = char_cells(char) * CELL_DOTS * scale
            if not char.isspace() and width:
                self._glyph(pen, char, (x, width, scale), bold=bold)
            x += width
        return image.point(lambda v: 0 if v < 128 else 255).convert("1")

    def _glyph(self, pen: ImageDraw.ImageDraw, char: str, cell: tuple[int, int, int], *,
               bold: bool) -> None:
        """``char`` centred in ``cell`` = (left dot, width in dots, scale 1 or 2)."""
        x, width, scale = cell
        path = self.font_for(char)
        height = GLYPH_DOTS * scale
        if path is None:
            self._warn(char)
            pen.rectangle((x + 2, 2, x + width - 3, height - 3), outline=0)
            return
        size = (20 if width <= CELL_DOTS * scale else 22) * scale
        font = _font(path, size)
        baseline = round(height * 0.8)
        pen.text((x + width / 2, baseline), char, font=font, fill=0, anchor="ms",
                 stroke_width=1 if bold else 0, stroke_fill=0)

    def _warn(self, char: str) -> None:
        if char not in self._warned:
            self._warned.add(char)
            log.warning("no installed font has %r (U+%04X); it prints as an empty box. Install "
                        "the Debian package fonts-wqy-microhei (CJK) or fonts-noto-core",
                        char, ord(char))
