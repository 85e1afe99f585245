"""zxing-cpp: the fast path on every frame, and several of the fallback's passes.

zxing-cpp reads more than zbar (DataBar Expanded, DataMatrix, Code 128 with FNC4, skewed
codes) and, told to skip rotation, down-scaling and inversion and to look only for the
enabled symbologies, it is also the cheaper of the two on a frame with nothing in it, which
is why it runs first (kiosk.hw.decode_pipeline). Text comes in ``Plain`` mode: control
characters stay themselves (a QR code may start with SOH) and GS1 element strings keep their
group separators instead of zxing's parenthesised display form.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from kiosk.errors import DeviceError
from kiosk.hw.decode_symbols import GS1_128, WHOLE_FRAME, Placement, Read, enabled, spelled
from kiosk.hw.decode_zbar import DecodeError

NAME = "zxing"
_FORMATS = {"ean13": ("EAN13",), "ean8": ("EAN8",), "upca": ("UPCA",), "upce": ("UPCE",),
            "code128": ("Code128",), "databar": ("DataBar", "DataBarLtd"),
            "databar-expanded": ("DataBarExp",), "qrcode": ("QRCode",),
            "datamatrix": ("DataMatrix",)}
_GS1_IDS = ("]C1", "]e0", "]d2", "]Q3")


def kiosk_symbology(format_name: str) -> str | None:
    """zxing-cpp's format name (``EAN13``, ``DataBarStkOmni``, ...) as the kiosk names it."""
    if format_name.startswith("DataBarExp"):
        return "databar-expanded"
    if format_name.startswith("DataBar"):
        return "databar"
    simple = {"EAN13": "ean13", "EAN8": "ean8", "UPCA": "upca", "UPCE": "upce",
              "Code128": "code128", "QRCode": "qrcode", "DataMatrix": "datamatrix"}
    return simple.get(format_name)


class ZxingDecoder:
    """zxing-cpp restricted to the enabled symbologies."""

    name = NAME

    def __init__(self, symbologies: frozenset[str]) -> None:
        self.symbologies = symbologies
        self._zx: Any = None
        self._formats: tuple[Any, ...] = ()
        self._problem: DeviceError | None = None
        self._lock = threading.Lock()
        try:
            import zxingcpp  # noqa: PLC0415 - a compiled extension; absence is a health fact
        except ImportError as exc:
            self._problem = DeviceError(
                "Barcode decoder zxing-cpp unavailable", f"it could not be loaded ({exc})",
                "Install the Python package zxing-cpp.")
            return
        self._zx = zxingcpp
        self._formats = tuple(getattr(zxingcpp.BarcodeFormat, name)
                              for symbology in sorted(symbologies)
                              for name in _FORMATS.get(symbology, ()))

    def problem(self) -> DeviceError | None:
        return self._problem

    @property
    def formats(self) -> tuple[Any, ...]:
        """The zxing-cpp formats the enabled symbologies map to."""
        return self._formats

    def decode(self, gray: np.ndarray[Any, Any], place: Placement = WHOLE_FRAME, *,
               thorough: bool = False, binarizer: str = "LocalAverage") -> list[Read]:
        """The enabled symbols zxing-cpp finds; ``thorough`` adds rotation, down-scaling and
        inverted codes (zxing's defaults), at two to three times the cost.

        Raises :class:`~kiosk.hw.decode_zbar.DecodeError` when the library fails.
        """
        if self._zx is None:
            raise self._problem or DecodeError("Barcode decoder zxing-cpp unavailable")
        if not self._formats:
            return []
        zx = self._zx
        try:
            with self._lock:
                found = zx.read_barcodes(
                    np.ascontiguousarray(gray, dtype=np.uint8), formats=self._formats,
                    try_rotate=thorough, try_downscale=thorough, try_invert=thorough,
                    text_mode=zx.TextMode.Plain, binarizer=getattr(zx.Binarizer, binarizer))
        except (ValueError, RuntimeError) as exc:
            raise DecodeError("zxing-cpp could not decode a frame", str(exc)) from None
        reads = (self._read(symbol, place) for symbol in found if symbol.valid and symbol.text)
        return [read for read in reads if read is not None]

    def _read(self, symbol: Any, place: Placement) -> Read | None:
        kind = kiosk_symbology(symbol.format.name)
        if kind is None:
            return None
        text: str = symbol.text
        gs1 = symbol.symbology_identifier in _GS1_IDS
        if kind == "upce" and isinstance(symbol.extra, dict) and "UPCE" in symbol.extra:
            text = str(symbol.extra["UPCE"])  # the 8 digits the symbol holds
        written = spelled(text, kind)
        if written is None:
            return None
        text, kind = written
        if kind == "code128" and gs1:
            kind = GS1_128
        if not enabled(kind, self.symbologies):
            return None
        p = symbol.position
        corners = [(p.top_left.x, p.top_left.y), (p.top_right.x, p.top_right.y),
                   (p.bottom_right.x, p.bottom_right.y), (p.bottom_left.x, p.bottom_left.y)]
        across = None
        if kind not in ("qrcode", "datamatrix"):
            across = abs(((int(symbol.orientation) + 45) % 180) - 45) < 45
        return Read(text, kind, NAME, place.variant, place.scale, place.box(corners),
                    place.across(across), gs1=gs1)
