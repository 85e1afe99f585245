"""Character cells in printer dots, drawn with DejaVu Sans Mono without anti-aliasing.

A thermal head prints a dot or nothing, so glyphs are drawn in 1-bit mode. Font A cells are
12 x 24 dots and font B cells 9 x 17 (see :mod:`kiosk.hw.escpos_png.state`); DejaVu Sans Mono
at 20 px (font A) and 14 px (font B) advances 12.0 and 8.4 px and its ascent plus descent is
exactly the cell height (19 + 5, 13 + 4), so accented capitals and descenders both fit. The
baseline therefore sits at 19 (A) and 13 (B) dots from the top of the cell; Epson's own fonts
use 21 and 16, with shorter descenders. Emphasized text uses the font's bold face.

Magnification (GS !, ESC !) scales the cell dot for dot, as the printer does; underline is
drawn under the whole magnified cell, 1 or 2 dots thick; reverse mode inverts the cell.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

from kiosk.hw.escpos_png.codepages import MISSING
from kiosk.hw.escpos_png.errors import RenderError
from kiosk.hw.escpos_png.ops import FontName, TextStyle

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {False: "DejaVuSansMono.ttf", True: "DejaVuSansMono-Bold.ttf"}
FONT_PACKAGE = "fonts-dejavu-core"


@dataclass(frozen=True, slots=True)
class FontGeometry:
    cell_width: int
    cell_height: int
    size_px: int
    baseline: int  # dots from the top of the cell


GEOMETRY: dict[FontName, FontGeometry] = {
    "A": FontGeometry(cell_width=12, cell_height=24, size_px=20, baseline=19),
    "B": FontGeometry(cell_width=9, cell_height=17, size_px=14, baseline=13),
}


def font_path(bold: bool) -> Path:
    return FONT_DIR / FONT_FILES[bold]


@lru_cache(maxsize=8)
def truetype(bold: bool, size_px: int) -> ImageFont.FreeTypeFont:
    path = font_path(bold)
    problem = "is missing"
    if path.is_file():  # checked first: Pillow would quietly search other font folders
        try:
            return ImageFont.truetype(str(path), size_px)
        except OSError as exc:
            problem = f"cannot be read ({exc})"
    raise RenderError("The receipt preview cannot draw text", f"the font {path} {problem}",
                      f"Install the Debian package {FONT_PACKAGE} "
                      f"(apt-get install {FONT_PACKAGE}).")


def check_fonts() -> None:
    """Fail before drawing anything when a font is missing, naming the package to install."""
    for bold in (False, True):
        for geometry in GEOMETRY.values():
            truetype(bold, geometry.size_px)


@lru_cache(maxsize=2048)
def glyph(char: str, font: FontName, bold: bool) -> Image.Image:
    """One unmagnified cell: black dots (0) on white (1), baseline at ``GEOMETRY[font]``."""
    geometry = GEOMETRY[font]
    cell = Image.new("1", (geometry.cell_width, geometry.cell_height), 255)
    draw = ImageDraw.Draw(cell)
    draw.fontmode = "1"
    if char == MISSING:  # the code page has no character here: an empty box, not a guess
        draw.rectangle((1, geometry.baseline - geometry.size_px * 2 // 3,
                        geometry.cell_width - 3, geometry.baseline), outline=0)
    else:
        draw.text((0, geometry.baseline), char, font=truetype(bold, geometry.size_px), fill=0,
                  anchor="ls")
    return cell


@lru_cache(maxsize=4096)
def character(char: str, style: TextStyle) -> Image.Image:
    """The cell as printed in ``style``: spacing, magnification, underline, reverse."""
    geometry = GEOMETRY[style.font]
    base = Image.new("1", (geometry.cell_width + style.spacing, geometry.cell_height), 255)
    base.paste(glyph(char, style.font, style.bold), (0, 0))
    cell = base
    if style.width != 1 or style.height != 1:
        cell = base.resize((base.width * style.width, base.height * style.height),
                           Image.Resampling.NEAREST)
    if style.underline:
        ImageDraw.Draw(cell).rectangle(
            (0, cell.height - style.underline, cell.width - 1, cell.height - 1), fill=0)
    if style.inverted:
        cell = ImageChops.invert(cell)
    return cell
