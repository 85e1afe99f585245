"""Operations onto paper: :func:`render` and :func:`render_png`, the renderer's public face.

The image is mode "1" (a dot or no dot), one pixel per printer dot, as wide as the paper's
print width: 384 for 58 mm, 576 for 80 mm paper. Every warning, from the parser and from the
drawing, is kept with the image so a preview never hides what it could not show.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageDraw

from kiosk.hw.escpos_png.bitimage import bitmap_image
from kiosk.hw.escpos_png.errors import RenderError
from kiosk.hw.escpos_png.glyphs import character, check_fonts, glyph
from kiosk.hw.escpos_png.layout import Paper
from kiosk.hw.escpos_png.ops import (
    Align,
    Barcode,
    Cut,
    Feed,
    FeedDots,
    Init,
    InlineImage,
    LineFeed,
    LineSpacing,
    MoveBy,
    MoveTo,
    Op,
    ParseWarning,
    PrintArea,
    QrCode,
    RasterImage,
    Tab,
    Text,
)
from kiosk.hw.escpos_png.parser import parse
from kiosk.hw.escpos_png.qr import qr_image
from kiosk.hw.escpos_png.state import DEFAULT_LINE_SPACING

PAPER_58MM = 384
PAPER_80MM = 576
MIN_PAPER_DOTS, MAX_PAPER_DOTS = 64, 2048
MAX_PAPER_LENGTH = 100_000  # dots: 12.5 m of paper; the rest of a longer stream is not drawn


@dataclass(frozen=True, slots=True)
class Rendering:
    image: Image.Image
    warnings: tuple[str, ...]


def render(data: bytes, *, paper_dots: int = PAPER_80MM) -> Rendering:
    """The paper ``data`` would print, and everything the preview could not show exactly."""
    if not MIN_PAPER_DOTS <= paper_dots <= MAX_PAPER_DOTS:
        raise RenderError(f"Paper {paper_dots} dots wide cannot be previewed",
                          f"print widths are {MIN_PAPER_DOTS}-{MAX_PAPER_DOTS} dots",
                          f"Use {PAPER_58MM} for 58 mm or {PAPER_80MM} for 80 mm paper.")
    check_fonts()
    drawing = _Drawing(Paper(paper_dots))
    for op in parse(data):
        if drawing.paper.y > MAX_PAPER_LENGTH:
            break
        drawing.draw(op)
    if drawing.paper.y > MAX_PAPER_LENGTH:
        drawing.warnings.append(f"the paper is longer than {MAX_PAPER_LENGTH} dots; the "
                                "preview stops there")
    elif drawing.paper.line.items:
        drawing.warnings.append("the last line has no line feed; a printer holds it "
                                "unprinted until more data comes")
    drawing.paper.print_line(0)  # shown all the same, so nothing sent is invisible
    return Rendering(drawing.paper.image(), tuple(drawing.warnings))


def render_png(data: bytes, *, paper_dots: int = PAPER_80MM) -> Image.Image:
    """The paper as a Pillow image; ``image.info["warnings"]`` lists what was not drawn exactly.

    Raises :class:`RenderError` only when nothing can be drawn (a font is missing, the paper
    width is impossible); bad or unknown ESC/POS bytes become warnings, never exceptions.
    """
    rendering = render(data, paper_dots=paper_dots)
    rendering.image.info["warnings"] = list(rendering.warnings)
    return rendering.image


class _Drawing:
    def __init__(self, paper: Paper) -> None:
        self.paper = paper
        self.warnings: list[str] = []

    def draw(self, op: Op) -> None:
        paper = self.paper
        match op:
            case Text():
                self._text(op)
            case LineFeed():
                paper.print_line(paper.spacing)
            case Feed():
                paper.print_line(op.lines * paper.spacing)
            case FeedDots():
                paper.print_line(op.dots)
            case LineSpacing():
                paper.spacing = op.dots
            case Tab():
                self._tab(op.stops)
            case MoveTo():
                paper.move_to(op.x)
            case MoveBy():
                paper.move_to(paper.line.x + op.dx)
            case PrintArea():
                paper.left, paper.area = op.left, op.width
            case InlineImage():
                paper.add(self._fitted(bitmap_image(op.bitmap), "the bit image (ESC *)"),
                          op.align)
            case _:
                self._draw_other(op)

    def _draw_other(self, op: Op) -> None:
        match op:
            case Init():
                if self.paper.discard_line():
                    self.warnings.append("ESC @ discarded text that had no line feed yet")
                self.paper.spacing = DEFAULT_LINE_SPACING
                self.paper.left, self.paper.area = 0, None
            case Cut():
                self._finish_line("the cut")
                self.paper.y += op.feed_dots
                self.paper.cut(op.partial)
            case QrCode():
                self._qr(op)
            case RasterImage():
                self._block(bitmap_image(op.bitmap), op.align, "the raster image")
            case Barcode():
                self._block(_barcode_box(op, self.paper.area_width), op.align, "the barcode")
            case ParseWarning():
                self.warnings.append(f"byte {op.offset}: {op.message}")

    def _text(self, text: Text) -> None:
        for char in text.text:
            if self.paper.y > MAX_PAPER_LENGTH:
                return  # render() stops at the next operation and says why
            self.paper.add(character(char, text.style), text.align)

    def _tab(self, stops: tuple[int, ...]) -> None:
        paper = self.paper
        after = [stop for stop in stops if stop > paper.line.x]
        if after:
            paper.line.x = min(after[0], paper.area_width)

    def _finish_line(self, what: str) -> None:
        if self.paper.line.items:
            self.warnings.append(f"{what} came after text without a line feed; the text is "
                                 "printed first (send LF before it)")
            self.paper.print_line(self.paper.spacing)

    def _fitted(self, image: Image.Image, what: str) -> Image.Image:
        """Cropped to the printing area: a printer drops image data beyond it."""
        area = self.paper.area_width
        if image.width <= area:
            return image
        self.warnings.append(f"{what} is {image.width} dots wide, more than the {area}-dot "
                             "printing area; the rest is cut off")
        return image.crop((0, 0, area, image.height))

    def _block(self, image: Image.Image, align: Align, what: str) -> None:
        self._finish_line(what)
        self.paper.block(self._fitted(image, what), align)

    def _qr(self, code: QrCode) -> None:
        image = qr_image(code)
        if isinstance(image, str):
            self.warnings.append(image)
        elif image.width > self.paper.area_width:
            self.warnings.append(f"the QR code is {image.width} dots wide, more than the "
                                 f"{self.paper.area_width}-dot printing area; the printer "
                                 "prints nothing")
        else:
            self._block(image, code.align, "the QR code")


def _barcode_box(code: Barcode, area: int) -> Image.Image:
    """A box as tall as the barcode with its system and data in it: honest about not being bars."""
    label = f"[{code.symbology}: {code.data.decode('latin-1')}]"
    width = min(area, 12 * len(label) + 12)
    box = Image.new("1", (max(width, 12), max(code.height, 32)), 255)
    draw = ImageDraw.Draw(box)
    draw.rectangle((0, 0, box.width - 1, box.height - 1), outline=0, width=2)
    x, y = 6, (box.height - 24) // 2
    for char in label[: (box.width - 12) // 12]:
        box.paste(glyph(char, "A", False), (x, y))
        x += 12
    return box
