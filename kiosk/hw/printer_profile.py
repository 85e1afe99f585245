"""The printer's paper as the layout needs it: dots across, columns of font A, what it can draw.

python-escpos keeps printer capabilities as data (``capabilities.json``: code pages, print width
in dots, columns per font, native QR, raster images); the kiosk reads them from there rather
than keeping its own table. The configuration names the model (``devices.printer.profile``)
and the paper (58 or 80 mm); a model whose width python-escpos does not know prints the
common widths for that paper: 384 dots on 58 mm, 576 on 80 mm (203 dpi), 12 dots a column.

A model made for the other paper width, or more columns than fit the dots, is refused with
the reason, rather than printing lines that wrap on paper in the middle of an amount.
"""

from __future__ import annotations

from dataclasses import dataclass

from escpos.capabilities import get_profile

from kiosk.errors import DeviceError

CELL_DOTS = 12  # font A: 12 x 24 dots
PAPER_DOTS = {58: 384, 80: 576}
FIX = "Set devices.printer.profile, paper_mm and columns to match the printer's manual."


@dataclass(frozen=True, slots=True)
class PaperProfile:
    """Everything the layout and the ESC/POS rendering need to know about the printer."""

    escpos_profile: str
    paper_mm: int
    dots: int  # printable width in dots: the PNG is this wide, one pixel per dot
    columns: int  # font A columns laid out per line
    native_qr: bool  # GS ( k; otherwise the QR code is sent as an image
    image_impl: str  # how python-escpos sends images: GS v 0, GS ( L, or ESC * on old models


def _known_int(value: object) -> int | None:
    try:
        return int(float(str(value)))
    except ValueError:
        return None


def paper_profile(profile: str, paper_mm: int, columns: int | None = None) -> PaperProfile:
    """The paper for ``profile`` on ``paper_mm`` paper; :class:`DeviceError` when they disagree."""
    if paper_mm not in PAPER_DOTS:
        raise DeviceError(f"Receipt paper of {paper_mm} mm is not supported",
                          "receipts are laid out for 58 mm or 80 mm paper", FIX)
    try:
        data = get_profile(profile).profile_data
    except KeyError:
        raise DeviceError(f"Receipt printer profile {profile!r} is unknown",
                          "python-escpos has no capabilities for it",
                          "Set devices.printer.profile to a known model, e.g. TM-T88V.") from None
    width = data.get("media", {}).get("width", {})
    known_dots = _known_int(width.get("pixels"))
    dots = known_dots or PAPER_DOTS[paper_mm]
    model_mm = _known_int(width.get("mm"))
    if model_mm is not None and (model_mm <= 60) != (paper_mm == 58):
        raise DeviceError(f"Receipt printer profile {profile} is for {width.get('mm')} mm "
                          f"printing, not {paper_mm} mm paper",
                          "devices.printer.paper_mm does not match the model", FIX)
    fonts = data.get("fonts", {})
    model_columns = _known_int(fonts.get("0", {}).get("columns")) if known_dots else None
    chosen = columns or model_columns or dots // CELL_DOTS
    if chosen * CELL_DOTS > dots:
        raise DeviceError(f"{chosen} columns do not fit the {dots} dots of {profile} on "
                          f"{paper_mm} mm paper",
                          f"a column is {CELL_DOTS} dots wide, so at most {dots // CELL_DOTS} fit",
                          FIX)
    features = data.get("features", {})
    impl = next((name for name in ("bitImageRaster", "graphics") if features.get(name)),
                "bitImageColumn")
    return PaperProfile(profile, paper_mm, dots, chosen, bool(features.get("qrCode")), impl)
