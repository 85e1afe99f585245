"""ESC commands: character modes, justification, code pages, feeds, bit images (ESC *)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.hw.escpos_png.bitimage import column_bitmap
from kiosk.hw.escpos_png.codepages import code_page
from kiosk.hw.escpos_png.ops import (
    Align,
    Cut,
    Feed,
    FeedDots,
    Init,
    InlineImage,
    LineSpacing,
    MoveBy,
    MoveTo,
)
from kiosk.hw.escpos_png.state import DEFAULT_LINE_SPACING, ParserState
from kiosk.hw.escpos_png.syntax import Handler, Spec, command_name, dispatch, u16, warns

if TYPE_CHECKING:
    from kiosk.hw.escpos_png.parser import Parser

ALIGNMENTS: dict[int, Align] = {0: "left", 48: "left", 1: "center", 49: "center",
                                2: "right", 50: "right"}
UNDERLINES = {0: 0, 48: 0, 1: 1, 49: 1, 2: 2, 50: 2}
BIT_IMAGE_MODES = {0: (8, 2, 3), 1: (8, 1, 3), 32: (24, 2, 1), 33: (24, 1, 1)}
"""ESC * m: (dots per column, dots per bit across, dots per bit down) at 203 dpi."""
MAX_SPACING = 255


def _init(p: Parser, _: bytes) -> None:
    p.state = ParserState()
    p.emit(Init())


def _print_mode(p: Parser, b: bytes) -> None:
    n, st = b[0], p.state
    st.font = "B" if n & 0x01 else "A"
    st.emphasized = bool(n & 0x08)
    st.height = 2 if n & 0x10 else 1
    st.width = 2 if n & 0x20 else 1
    st.underline = 1 if n & 0x80 else 0


def _emphasized(p: Parser, b: bytes) -> None:
    p.state.emphasized = bool(b[0] & 1)


def _double_strike(p: Parser, b: bytes) -> None:
    p.state.double_strike = bool(b[0] & 1)


def _underline(p: Parser, b: bytes) -> None:
    if b[0] in UNDERLINES:
        p.state.underline = UNDERLINES[b[0]]
    else:
        p.warn(f"ESC - {b[0]} is out of range; underline unchanged")


def _font(p: Parser, b: bytes) -> None:
    if b[0] in (0, 48):
        p.state.font = "A"
    elif b[0] in (1, 49, 2, 50):
        p.state.font = "B"
        if b[0] in (2, 50):
            p.warn("font C (ESC M 2) is drawn as font B")
    else:
        p.warn(f"ESC M {b[0]} selects a font the preview does not have; font unchanged")


def _align(p: Parser, b: bytes) -> None:
    if b[0] in ALIGNMENTS:
        p.state.align = ALIGNMENTS[b[0]]
    else:
        p.warn(f"ESC a {b[0]} is out of range; justification unchanged")


def _code_page(p: Parser, b: bytes) -> None:
    page = code_page(b[0])
    if page is None:
        p.warn(f"ESC t {b[0]} selects no character code table Epson defines; "
               f"{p.state.page.name} stays selected")
        return
    p.state.page = page
    if page.codec is None:
        p.warn(f"code page {page.name} (ESC t {b[0]}) cannot be drawn by the preview; its "
               "characters above 0x7F appear as empty boxes")


def _international(p: Parser, b: bytes) -> None:
    if b[0] != 0:
        p.warn(f"international character set {b[0]} (ESC R) is not drawn; the USA set is shown")


def _spacing(p: Parser, b: bytes) -> None:
    # At most 255 dots (Epson caps it near 32 mm), whatever motion unit GS P chose.
    p.state.spacing = min(p.state.dots_x(b[0]), MAX_SPACING)


def _default_spacing(p: Parser, _: bytes) -> None:
    p.emit(LineSpacing(DEFAULT_LINE_SPACING))


def _line_spacing(p: Parser, b: bytes) -> None:
    p.emit(LineSpacing(p.state.dots_y(b[0])))


def _feed_dots(p: Parser, b: bytes) -> None:
    p.emit(FeedDots(p.state.dots_y(b[0])))


def _feed_lines(p: Parser, b: bytes) -> None:
    p.emit(Feed(b[0]))


def _move_to(p: Parser, b: bytes) -> None:
    p.emit(MoveTo(p.state.dots_x(u16(b, 0))))


def _move_by(p: Parser, b: bytes) -> None:
    units = u16(b, 0)
    p.emit(MoveBy(p.state.dots_x(units - 65536 if units >= 32768 else units)))


def _colour(p: Parser, b: bytes) -> None:
    if b[0] in (1, 49):
        p.warn("the second colour (ESC r 1) is drawn black")


def _rotation(p: Parser, b: bytes) -> None:
    if b[0] in (1, 49, 2, 50):
        p.warn("90-degree rotated characters (ESC V) are drawn unrotated")


ESC_TABLE: dict[int, Spec] = {
    ord("@"): (0, _init), ord("!"): (1, _print_mode), ord("E"): (1, _emphasized),
    ord("G"): (1, _double_strike), ord("-"): (1, _underline), ord("M"): (1, _font),
    ord("a"): (1, _align), ord("t"): (1, _code_page), ord("R"): (1, _international),
    ord(" "): (1, _spacing), ord("2"): (0, _default_spacing), ord("3"): (1, _line_spacing),
    ord("J"): (1, _feed_dots), ord("d"): (1, _feed_lines), ord("$"): (2, _move_to),
    ord("\\"): (2, _move_by), ord("V"): (1, _rotation), ord("r"): (1, _colour),
    ord("{"): warns("upside-down printing (ESC {) is not drawn", 1, when_on=True),
    ord("%"): warns("user-defined characters (ESC %) are drawn as the built-in ones", 1,
                    when_on=True),
    ord("e"): warns("reverse feed (ESC e) is not drawn", 1),
    ord("K"): warns("reverse feed (ESC K) is not drawn", 1),
    ord("L"): warns("page mode (ESC L) is not drawn; what follows is drawn as in standard "
                    "mode"),
    0x0C: warns("printing in page mode (ESC FF) is not drawn"),
    ord("W"): warns("the page mode print area (ESC W) is not drawn", 8),
    ord("i"): (0, lambda p, b: p.emit(Cut(partial=False))),
    ord("m"): (0, lambda p, b: p.emit(Cut(partial=True))),
    # No visible effect: peripherals, panel buttons, sensors, drawer kick, buzzer, status.
    ord("="): (1, None), ord("?"): (1, None), ord("S"): (0, None), ord("T"): (1, None),
    ord("U"): (1, None), ord("c"): (2, None), ord("p"): (3, None), ord("u"): (1, None),
    ord("v"): (0, None), ord("B"): (2, None),
}


def _bit_image(p: Parser, buf: bytearray, pos: int) -> int | None:
    if pos + 5 > len(buf):
        return None
    mode = BIT_IMAGE_MODES.get(buf[pos + 2])
    if mode is None:
        p.warn(f"ESC * {buf[pos + 2]} is not a bit image mode; skipped 3 bytes")
        return 3
    rows, across, down = mode
    columns = u16(buf, pos + 3)
    size = columns * rows // 8
    if not p.has(pos, 5 + size):
        return None
    data = bytes(buf[pos + 5:pos + 5 + size])
    p.emit(InlineImage(column_bitmap(data, columns, rows, across, down), p.state.align))
    return 5 + size


def _tab_stops(p: Parser, buf: bytearray, pos: int) -> int | None:
    """ESC D n1 ... nk NUL: ascending columns, at most 32; a non-ascending value ends the list
    and is itself data, as the printer reads it."""
    stops: list[int] = []
    at = pos + 2
    while len(stops) < 32:
        if at >= len(buf):
            return None
        n = buf[at]
        if n == 0:
            at += 1
            break
        if stops and n <= stops[-1]:
            break
        stops.append(n)
        at += 1
    width = p.state.character_width()
    p.state.tab_stops = tuple(n * width for n in stops)
    return at - pos


def _user_characters(p: Parser, buf: bytearray, pos: int) -> int | None:
    """ESC & y c1 c2 [x d1...d(y*x)]...: its length follows from every character's width."""
    if pos + 5 > len(buf):
        return None
    y, first, last = buf[pos + 2], buf[pos + 3], buf[pos + 4]
    if not (1 <= y <= 3 and 32 <= first <= last <= 126):
        p.warn(f"ESC & with y={y}, c1={first}, c2={last} is out of range; skipped 2 bytes")
        return 2
    at = pos + 5
    for _ in range(first, last + 1):
        if at >= len(buf):
            return None
        at += 1 + y * buf[at]
    if at > len(buf):
        return None
    p.warn("user-defined characters (ESC &) are not drawn; the built-in glyphs are shown")
    return at - pos


def _declared(p: Parser, buf: bytearray, pos: int) -> int | None:
    """ESC ( x pL pH ...: beeper and batch settings; skipped by their declared length."""
    if pos + 5 > len(buf):
        return None
    quiet = buf[pos + 2] in (ord("A"), ord("Y"))  # beeper, batch print: nothing to see
    message = None if quiet else f"{command_name(buf, pos, 3)} is not drawn"
    return p.skip(pos, 5, u16(buf, pos + 3), message)


ESC_HANDLERS: dict[int, Handler] = {
    ord("*"): _bit_image, ord("D"): _tab_stops, ord("&"): _user_characters,
    ord("("): _declared,
}

esc_command = dispatch(ESC_TABLE, ESC_HANDLERS)
