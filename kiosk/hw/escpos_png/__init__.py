"""ESC/POS to PNG: what a receipt printer would print, drawn one image pixel per printer dot.

:func:`parse` reads the bytes a printer would receive into typed operations
(:mod:`kiosk.hw.escpos_png.ops`); :func:`render_png` lays them out on paper 384 dots wide
(58 mm) or 576 dots wide (80 mm) at 203 dpi. Anything the preview cannot draw as the printer
would is listed, never guessed silently: as :class:`~kiosk.hw.escpos_png.ops.ParseWarning`
operations from :func:`parse`, and as ``image.info["warnings"]`` on the rendered image.
"""

from kiosk.hw.escpos_png.errors import RenderError
from kiosk.hw.escpos_png.ops import Op, ParseWarning
from kiosk.hw.escpos_png.parser import Parser, parse
from kiosk.hw.escpos_png.render import PAPER_58MM, PAPER_80MM, Rendering, render, render_png

__all__ = ["PAPER_58MM", "PAPER_80MM", "Op", "ParseWarning", "Parser", "RenderError",
           "Rendering", "parse", "render", "render_png"]
