"""A laid-out document to the exact ESC/POS bytes a printer receives, through python-escpos.

Rendering happens once, into python-escpos's :class:`~escpos.printer.Dummy`, whatever the
transport; the bytes then go to the printer in one write (and, for the simulator, to the PNG
renderer). The stream is self-contained: it starts with ESC @ (a known state: code page, font,
alignment), sets the line spacing the raster lines are drawn for, and ends with a cut.

* Text the printer's code pages can show (é, ü, €, ...) goes as text through python-escpos's
  magic encoding, which switches code pages with ESC t where a character needs it. It is
  steered to the common Western pages first (PC437, PC858, WPC1252, ...): left alone it takes
  the lowest-numbered page that has the character, e.g. ISO 8859-7 (Greek) for €, which not
  every firmware has.
* A line holding anything no code page has (Chinese, Thai, emoji) is drawn by
  :class:`~kiosk.hw.printer_raster.LineRaster` and sent as a raster image, never handed to
  ``text()`` (whose GB18030 shortcut prints garbage on a printer without a Chinese ROM).
* The QR code is the printer's own (GS ( k, centred with ESC a) where the model has it,
  otherwise a raster image drawn by the ``qrcode`` package, centred on the paper.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import qrcode
from escpos.capabilities import get_profile
from escpos.constants import QR_ECLEVEL_M
from escpos.magicencode import Encoder, MagicEncode
from escpos.printer import Dummy
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

from kiosk.core.receipt_doc import Size
from kiosk.core.receipt_layout import Laid, PrintLine, QrLine
from kiosk.hw.printer_profile import PaperProfile
from kiosk.hw.printer_raster import LINE_DOTS, LineRaster

CJK = re.compile(r"[\u4e00-\u9fa5]")  # what python-escpos's MagicEncode sends as GB18030
QR_QUIET_MODULES = 4
PREFERRED_CODE_PAGES = ("CP437", "CP858", "CP1252", "CP850", "CP852", "CP866", "CP1251",
                        "CP857", "CP737")


class PreferringEncoder(Encoder):
    """python-escpos's encoder, but trying the well-supported pages first, in this order."""

    def __init__(self, codepages: dict[str, int]) -> None:
        super().__init__(codepages)
        self.preferred = [name for name in PREFERRED_CODE_PAGES if name in codepages]

    def find_suitable_encoding(self, char: str) -> str | None:
        for name in self.preferred:
            if self.can_encode(name, char):
                self.used_encodings.add(name)
                return name
        return super().find_suitable_encoding(char)


@lru_cache(maxsize=16)
def _encoder(profile: str) -> Encoder:
    return Encoder(get_profile(profile).get_code_pages())


@lru_cache(maxsize=8192)
def char_printable(profile: str, char: str) -> bool:
    """Whether one of the model's code pages has ``char``."""
    if ord(char) < 128:
        return char.isprintable() or char == " "
    if CJK.match(char):
        return False
    encoder = _encoder(profile)
    return any(encoder.can_encode(name, char) for name in encoder.codepages)


def text_printable(profile: str, text: str) -> bool:
    return all(char_printable(profile, c) for c in text)


def qr_module_dots(paper: PaperProfile) -> int:
    """Module size: 6 dots (0.75 mm at 203 dpi) scans easily off thermal paper; 5 on narrow."""
    return 6 if paper.dots >= 512 else 5


class EscposRenderer:
    """Turns laid-out lines into bytes for one printer model and paper."""

    def __init__(self, paper: PaperProfile, raster: LineRaster | None = None) -> None:
        self.paper = paper
        self.raster = raster or LineRaster()

    def _dummy(self) -> Dummy:
        dummy = Dummy(profile=self.paper.escpos_profile)
        # python-escpos checks image widths against the model's width, and prints a notice to
        # stdout when the model does not say it: give it the width this paper really has.
        data = dict(dummy.profile.profile_data)
        data["media"] = {"width": {"mm": self.paper.paper_mm, "pixels": self.paper.dots}}
        dummy.profile.profile_data = data
        dummy.magic = MagicEncode(dummy, encoder=PreferringEncoder(
            dummy.profile.get_code_pages()))
        return dummy

    def render(self, laid: Sequence[Laid], *, cut: bool = True) -> bytes:
        dummy = self._dummy()
        dummy.hw("INIT")
        dummy.line_spacing(LINE_DOTS, divisor=180)  # ESC 3 30: what the raster lines assume
        style = (False, Size.NORMAL)
        for item in laid:
            if isinstance(item, QrLine):
                self._qr(dummy, item.payload)
                continue
            if (item.bold, item.size) != style:
                style = (item.bold, item.size)
                large = item.size is Size.LARGE
                dummy.set(bold=item.bold, double_width=large, double_height=large,
                          normal_textsize=not large)
            self._line(dummy, item)
        if cut:
            dummy.cut()
        return dummy.output

    def _line(self, dummy: Dummy, line: PrintLine) -> None:
        if text_printable(self.paper.escpos_profile, line.text):
            dummy.textln(line.text)
            return
        image = self.raster.draw(line.text, dots=self.paper.dots,
                                 large=line.size is Size.LARGE, bold=line.bold)
        dummy.image(image, impl=self.paper.image_impl)

    def _qr(self, dummy: Dummy, payload: str) -> None:
        size = qr_module_dots(self.paper)
        if self.paper.native_qr:
            dummy.set(align="center")
            dummy.qr(payload, ec=QR_ECLEVEL_M, size=size, native=True)
            dummy.ln()
            dummy.set(align="left")
            return
        dummy.image(self.qr_image(payload, size), impl=self.paper.image_impl)

    def qr_image(self, payload: str, module: int) -> Image.Image:
        """The QR code as a paper-wide 1-bit image, centred (models without GS ( k)."""
        code = qrcode.QRCode(box_size=module, border=QR_QUIET_MODULES,
                             error_correction=ERROR_CORRECT_M)
        code.add_data(payload)
        code.make(fit=True)
        symbol = code.make_image().get_image().convert("1")
        line = Image.new("1", (self.paper.dots, symbol.height), 1)
        line.paste(symbol, ((self.paper.dots - symbol.width) // 2, 0))
        return line
