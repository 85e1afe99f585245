"""A document laid out for a printer's column count: lines of text, and QR codes between them.

Thermal printers print a fixed grid: 32 columns on 58 mm paper, 42 or 48 on 80 mm (font A,
12 x 24 dots), half as many at double size. Layout is done here, once, in columns, so the
printed receipt, the PNG of it and the plain-text copy sent with the sale all agree.

Widths are counted in *cells*, not characters: a Chinese character is two cells wide on the
printer grid (and in the raster image the printer shim draws for it), combining marks none.
Text is NFC-normalised first, so an ``e`` followed by a combining accent becomes the one ``é``
the printer's code pages have. Wrapping prefers spaces and breaks long words (and CJK text,
which has no spaces to break at) between characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kiosk.core.receipt_doc import (
    Align,
    Blank,
    Block,
    Document,
    Pair,
    Qr,
    Rule,
    Size,
    Table,
    Text,
)

MIN_LABEL = 8  # columns a label keeps beside its amount before the amount takes its own line


@dataclass(frozen=True, slots=True)
class PrintLine:
    """One printed line, already padded for its alignment (no trailing spaces)."""

    text: str
    bold: bool = False
    size: Size = Size.NORMAL


@dataclass(frozen=True, slots=True)
class QrLine:
    payload: str


Laid = PrintLine | QrLine


def clean(text: str) -> str:
    """NFC, and control characters (tabs, newlines from a catalogue) as plain spaces."""
    text = unicodedata.normalize("NFC", text)
    return "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)


def char_cells(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cells(text: str) -> int:
    """How many printer columns ``text`` takes."""
    return sum(char_cells(c) for c in text)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` cells, broken at spaces; a longer word is cut between
    characters (CJK text has no spaces, so a Chinese name is cut where the line is full).
    Text that fits is kept as it is, inner spaces included."""
    text = clean(text).rstrip()
    if cells(text) <= width:
        return [text]  # a line that fits keeps its own spacing
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if cells(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        rest = word
        while cells(rest) > width:
            head, rest = _cut(rest, width)
            lines.append(head)
        line = rest
    lines.append(line)
    return lines


def _cut(word: str, width: int) -> tuple[str, str]:
    used = 0
    for index, char in enumerate(word):
        used += char_cells(char)
        if used > width:
            return word[:max(index, 1)], word[max(index, 1):]
    return word, ""


def fit(text: str, width: int, align: Align) -> str:
    """``text`` placed in ``width`` cells; right and centre pad on the left only."""
    room = max(width - cells(text), 0)
    if align is Align.RIGHT:
        return " " * room + text
    if align is Align.CENTER:
        return " " * (room // 2) + text
    return text


def _width(columns: int, size: Size) -> int:
    return columns // 2 if size is Size.LARGE else columns


def _text(block: Text, columns: int) -> list[Laid]:
    width = _width(columns, block.size) - block.indent
    pad = " " * block.indent
    return [PrintLine((pad + fit(line, width, block.align)).rstrip(), block.bold, block.size)
            for line in wrap(block.text, max(width, 1))]


def pair_lines(left: str, right: str, width: int, indent: int = 0) -> list[str]:
    """The label wrapped, the value right-aligned on the label's last line."""
    right = clean(right).lstrip()  # trailing spaces keep a column free (VAT letter)
    room = width - indent - cells(right) - 1
    pad = " " * indent
    if room < min(MIN_LABEL, width - indent):
        labels = [pad + line for line in wrap(left, width - indent)]
        return [*labels, fit(right, width, Align.RIGHT)]
    labels = [pad + line for line in wrap(left, room)]
    last = labels.pop()
    return [*labels, last + " " * (width - cells(last) - cells(right)) + right]


def _pair(block: Pair, columns: int) -> list[Laid]:
    width = _width(columns, block.size)
    return [PrintLine(line.rstrip(), block.bold, block.size)
            for line in pair_lines(block.left, block.right, width, block.indent)]


def _table(block: Table, columns: int) -> list[Laid]:
    titles = tuple(clean(c.title) for c in block.columns)
    rows = [tuple(clean(cell) for cell in row) for row in block.rows]
    total = tuple(clean(cell) for cell in block.total)
    body = [titles, *rows, *([total] if total else [])]
    natural = [max(cells(row[i]) for row in body) for i in range(len(titles))]
    spare = columns - sum(natural) - (len(natural) - 1)
    if spare < 0:
        return _stacked(block, columns)
    widths = _share(natural, [c.share for c in block.columns], spare)
    lines = [PrintLine(_row(titles, widths, block), bold=True)]
    lines += [PrintLine(_row(row, widths, block)) for row in rows]
    if total:
        lines.append(PrintLine(_row(total, widths, block), bold=True))
    return lines


def _share(natural: list[int], shares: list[int], spare: int) -> list[int]:
    weights = sum(shares) or 1
    extra = [spare * s // weights for s in shares]
    extra[0] += spare - sum(extra)  # what rounding left goes to the first (label) column
    return [n + e for n, e in zip(natural, extra, strict=True)]


def _row(row: Sequence[str], widths: Sequence[int], block: Table) -> str:
    parts = []
    for cell, width, column in zip(row, widths, block.columns, strict=True):
        placed = fit(cell, width, column.align)
        parts.append(placed + " " * (width - cells(placed)))
    return " ".join(parts).rstrip()


def _stacked(block: Table, columns: int) -> list[Laid]:
    """A table too wide for the paper: each row's first cell, then "title  value" pairs."""
    out: list[Laid] = []
    rows = [(row, False) for row in block.rows] + ([(block.total, True)] if block.total else [])
    for row, bold in rows:
        out.append(PrintLine(fit(clean(row[0]), columns, Align.LEFT).rstrip(), bold=True))
        for column, cell in zip(block.columns[1:], row[1:], strict=True):
            out += [PrintLine(line.rstrip(), bold)
                    for line in pair_lines(column.title, cell, columns, indent=2)]
    return out


def _block(block: Block, columns: int) -> list[Laid]:
    match block:
        case Text():
            return _text(block, columns)
        case Pair():
            return _pair(block, columns)
        case Table():
            return _table(block, columns)
        case Rule(char=char):
            return [PrintLine(char * columns)]
        case Blank(lines=count):
            return [PrintLine("")] * count
        case Qr(payload=payload, caption=caption):
            lines: list[Laid] = [QrLine(payload)]
            if caption:
                lines += _text(Text(caption, Align.CENTER), columns)
            return lines
    raise TypeError(f"not a document block: {block!r}")


def layout(document: Document, columns: int) -> tuple[Laid, ...]:
    """Every line of ``document`` for a printer of ``columns`` columns (font A)."""
    if columns < 16:
        raise ValueError(f"a receipt needs at least 16 columns, got {columns}")
    laid: list[Laid] = []
    for block in document.blocks:
        laid += _block(block, columns)
    return tuple(laid)


def as_text(laid: Iterable[Laid]) -> list[str]:
    """The laid-out lines as plain text (the copy sent with the sale, logs, tests).

    A large line keeps its characters (a text copy has no double width); a QR code is shown as
    ``[QR] payload`` so the copy still carries what it holds.
    """
    return [f"[QR] {item.payload}" if isinstance(item, QrLine) else item.text for item in laid]
