"""zbar through pyzbar's ctypes binding, driven directly rather than through ``pyzbar.decode``.

Reasons not to call ``pyzbar.decode``:

- it reads each symbol's orientation through a ``c_uint`` and feeds it to an ``IntEnum``, so
  zbar's "unknown" (-1) becomes 4294967295 and raises ``ValueError`` mid-frame, losing every
  code in it (pyzbar issue #139). Here the value is read as the signed int it is and an
  unknown orientation is just unknown (:func:`orientation_of`);
- zbar converts QR bytes to text by guessing a character set and gets Shift-JIS half-width
  katakana wrong; here zbar is told to hand over the raw bytes (``ZBAR_CFG_BINARY``) and
  :func:`~kiosk.hw.decode_symbols.decode_text` decodes them;
- the symbol's position is wanted, in the frame's pixels, for the consensus.

Which symbologies zbar is trusted with is a choice made from measurements on real photos
(bench/decode.py): EAN/UPC, GS1 DataBar and Expanded, and QR. Not Code 128, whose FNC4
extended characters zbar drops (``ó`` read as ``s``), which zxing-cpp reads right; DataMatrix
zbar cannot read at all.
"""

from __future__ import annotations

import ctypes
from ctypes import c_void_p, cast, string_at
from typing import Any

import numpy as np

from kiosk.errors import DeviceError
from kiosk.hw.decode_symbols import WHOLE_FRAME, Placement, Read, decode_text, enabled, spelled

NAME = "zbar"
# zbar's symbol types (zbar.h) -> kiosk names; zbar reports UPC-A and UPC-E as EAN-13.
_TYPES = {13: "ean13", 8: "ean8", 12: "upca", 9: "upce", 34: "databar",
          35: "databar-expanded", 64: "qrcode"}
_ENABLE = {"ean13": (13,), "upca": (13,), "upce": (13,), "ean8": (8,), "databar": (34,),
           "databar-expanded": (35,), "qrcode": (64,)}
_CFG_ENABLE = 0
_CFG_BINARY = 4  # ZBAR_CFG_BINARY (zbar >= 0.23): QR data as raw bytes
_ALL = 0  # ZBAR_NONE as a symbology in set_config: every symbology
_Y800 = 0x30303859  # fourcc 'Y800': 8-bit grey
_ORIENT_ACROSS = {0: True, 2: True, 1: False, 3: False}  # UP, DOWN read along rows


class DecodeError(DeviceError):
    """A decoder library raised on a frame; the frame is skipped, never the kiosk."""


def orientation_of(raw: int) -> bool | None:
    """Whether zbar read along the rows (True) or columns (False); None when zbar cannot say.

    zbar returns ``ZBAR_ORIENT_UNKNOWN`` (-1) for some symbols; through pyzbar's ``c_uint``
    signature that arrives as 4294967295, the value that makes ``pyzbar.decode`` raise.
    """
    signed = ctypes.c_int32(raw & 0xFFFFFFFF).value
    return _ORIENT_ACROSS.get(signed)


class ZbarDecoder:
    """zbar restricted to the enabled symbologies it is trusted with; thread-safe."""

    name = NAME

    def __init__(self, symbologies: frozenset[str]) -> None:
        self.symbologies = symbologies
        self._zbar: Any = None
        self._problem: DeviceError | None = None
        self._symbols = sorted({symbol for name in symbologies for symbol in _ENABLE.get(name, ())})
        try:
            from pyzbar import wrapper  # noqa: PLC0415 - loads libzbar; absence is a health fact
        except (ImportError, OSError) as exc:
            self._problem = DeviceError(
                "Barcode decoder zbar unavailable", f"the zbar library could not be loaded ({exc})",
                "Install the Debian package libzbar0 (apt-get install libzbar0).")
            return
        self._zbar = wrapper

    def problem(self) -> DeviceError | None:
        """Why zbar cannot work on this machine, or None when it can."""
        return self._problem

    def decode(self, gray: np.ndarray[Any, Any], place: Placement = WHOLE_FRAME) -> list[Read]:
        """Every enabled symbol zbar finds in an 8-bit grey image, placed in the frame.

        Raises :class:`DecodeError` when the library fails on this frame.
        """
        if self._zbar is None:
            raise self._problem or DecodeError("Barcode decoder zbar unavailable")
        pixels = np.ascontiguousarray(gray, dtype=np.uint8)
        try:
            return self._scan(pixels, place)
        except (ctypes.ArgumentError, ValueError, OverflowError) as exc:
            raise DecodeError("zbar could not decode a frame", str(exc)) from None

    def _scanner(self) -> Any:
        """A scanner of its own for each image: zbar keeps DataBar segments from one scan to
        the next (to assemble a symbol over video frames), and segments of different images
        or scales combine into element strings no symbol holds."""
        z = self._zbar
        scanner = z.zbar_image_scanner_create()
        z.zbar_image_scanner_set_config(scanner, _ALL, _CFG_ENABLE, 0)
        for symbol in self._symbols:
            z.zbar_image_scanner_set_config(scanner, symbol, _CFG_ENABLE, 1)
        z.zbar_image_scanner_set_config(scanner, 64, _CFG_BINARY, 1)
        return scanner

    def _scan(self, pixels: np.ndarray[Any, Any], place: Placement) -> list[Read]:
        z = self._zbar
        height, width = pixels.shape
        data = pixels.tobytes()
        scanner = self._scanner()
        image = z.zbar_image_create()
        try:
            z.zbar_image_set_format(image, _Y800)
            z.zbar_image_set_size(image, width, height)
            z.zbar_image_set_data(image, cast(data, c_void_p), len(data), None)
            if z.zbar_scan_image(scanner, image) < 0:
                raise DecodeError("zbar could not decode a frame", "unsupported image format")
            found = []
            symbol = z.zbar_image_first_symbol(image)
            while symbol:
                read = self._read(symbol, place)
                if read is not None:
                    found.append(read)
                symbol = z.zbar_symbol_next(symbol)
            return found
        finally:
            z.zbar_image_destroy(image)
            z.zbar_image_scanner_destroy(scanner)

    def _read(self, symbol: Any, place: Placement) -> Read | None:
        z = self._zbar
        kind = _TYPES.get(symbol.contents.type)
        if kind is None:
            return None
        raw = string_at(z.zbar_symbol_get_data(symbol), z.zbar_symbol_get_data_length(symbol))
        written = spelled(decode_text(raw), kind)
        if written is None or not enabled(written[1], self.symbologies):
            return None
        text, kind = written
        points = [(z.zbar_symbol_get_loc_x(symbol, i), z.zbar_symbol_get_loc_y(symbol, i))
                  for i in range(z.zbar_symbol_get_loc_size(symbol))]
        if not points:
            return None
        across = None if kind == "qrcode" else orientation_of(
            z.zbar_symbol_get_orientation(symbol) if z.zbar_symbol_get_orientation else -1)
        return Read(text, kind, NAME, place.variant, place.scale, place.box(points),
                    place.across(across), gs1=kind.startswith("databar"))
