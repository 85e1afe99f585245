"""The paper: a line buffer that fills and prints as a printer's does, and what got printed.

Like the printer (Epson, standard mode): characters and ESC * strips collect in a line buffer;
LF, ESC d and ESC J print it; a character that does not fit prints the full line first. The
line's justification is the one in force when its first data arrived. Items of different
heights share the bottom of the line, and the paper moves on by the line spacing or by the
tallest item if that is taller. Blocks (QR codes, raster images) print on lines of their own.

The cut is drawn as a dashed line at the print position (a real printer cuts the head-to-cutter
distance above it, which is why receipts feed a few lines before cutting); a partial cut leaves
its uncut bridge in the middle. The mark takes :data:`CUT_MARK` dots of paper.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image, ImageChops, ImageDraw

from kiosk.hw.escpos_png.ops import Align
from kiosk.hw.escpos_png.state import DEFAULT_LINE_SPACING

CUT_MARK = 4
DASH, GAP, BRIDGE = 8, 6, 16


@dataclass(slots=True)
class Line:
    items: list[tuple[int, Image.Image]] = field(default_factory=list)
    x: int = 0
    align: Align = "left"

    @property
    def height(self) -> int:
        return max((image.height for _, image in self.items), default=0)

    @property
    def width(self) -> int:
        return max((x + image.width for x, image in self.items), default=0)


class Paper:
    """Everything printed so far, in dots; :meth:`image` composes it once at the end."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.y = 0
        self.spacing = DEFAULT_LINE_SPACING
        self.left = 0
        self.area: int | None = None
        self.line = Line()
        self._placed: list[tuple[int, int, Image.Image]] = []
        self._cuts: list[tuple[int, bool]] = []

    @property
    def area_width(self) -> int:
        room = max(self.width - self.left, 0)
        return room if self.area is None else min(self.area, room)

    def add(self, image: Image.Image, align: Align) -> None:
        """Put one character (or ESC * strip) into the line buffer, wrapping when full."""
        if self.line.items and self.line.x + image.width > self.area_width:
            self.print_line(self.spacing)
        if not self.line.items:
            self.line.align = align
        self.line.items.append((self.line.x, image))
        self.line.x += image.width

    def move_to(self, x: int) -> None:
        if 0 <= x < self.area_width:
            self.line.x = x

    def print_line(self, feed: int) -> None:
        """Print the line buffer and move the paper ``feed`` dots (at least the line's height)."""
        line, self.line = self.line, Line()
        if not line.items:
            self.y += feed
            return
        height = line.height
        offset = self.left + self._justify(line.width, line.align)
        for x, image in line.items:
            self._placed.append((offset + x, self.y + height - image.height, image))
        self.y += max(feed, height)

    def discard_line(self) -> bool:
        """ESC @ clears the print buffer; True when unprinted data was thrown away."""
        had_data, self.line = bool(self.line.items), Line()
        return had_data

    def block(self, image: Image.Image, align: Align) -> None:
        """A QR code or raster image on its own lines."""
        x = self.left + self._justify(image.width, align)
        self._placed.append((x, self.y, image))
        self.y += image.height

    def cut(self, partial: bool) -> None:
        self._cuts.append((self.y, partial))
        self.y += CUT_MARK

    def _justify(self, used: int, align: Align) -> int:
        free = max(self.area_width - used, 0)
        return {"left": 0, "center": free // 2, "right": free}[align]

    def image(self) -> Image.Image:
        paper = Image.new("1", (self.width, max(self.y, 1)), 255)
        for x, y, image in self._placed:
            paper.paste(0, (x, y, x + image.width, y + image.height), ImageChops.invert(image))
        draw = ImageDraw.Draw(paper)
        middle = self.width // 2
        for y, partial in self._cuts:
            for x in range(0, self.width, DASH + GAP):
                if partial and abs(x + DASH // 2 - middle) < BRIDGE:
                    continue
                draw.rectangle((x, y + 1, min(x + DASH, self.width) - 1, y + 2), fill=0)
        return paper
