"""A printed document as data: what a receipt or a staff report says, not how a printer says it.

A document is a sequence of blocks (text, label-and-amount pairs, tables, rules, a QR code).
The sale receipt (:mod:`kiosk.core.receipt`) and the staff reports (the end-of-day Z report)
are both built from these blocks, so they share one layout (:mod:`kiosk.core.receipt_layout`)
for every paper width and one path to ESC/POS bytes and to the PNG a person looks at.

Blocks hold text as the shopper should read it; widths, wrapping and alignment are decided at
layout time for the printer's column count, never baked in here. ``Size.LARGE`` is the
printer's double width and height, used for the store name, the total and the REPRINT banner.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_QR_PAYLOAD = 500  # bytes; a receipt's QR must stay small enough to scan off thermal paper


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


class Size(StrEnum):
    NORMAL = "normal"
    LARGE = "large"  # double width and double height: half as many columns


@dataclass(frozen=True, slots=True)
class Text:
    """A paragraph: wrapped to the width, each wrapped line aligned; ``indent`` in columns."""

    text: str
    align: Align = Align.LEFT
    bold: bool = False
    size: Size = Size.NORMAL
    indent: int = 0


@dataclass(frozen=True, slots=True)
class Pair:
    """A label and a value such as an amount: the label wraps, the value never does and stays
    right-aligned on the label's last line (or on a line of its own when it cannot share)."""

    left: str
    right: str
    bold: bool = False
    size: Size = Size.NORMAL
    indent: int = 0


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its title, how its cells align and its share of spare width."""

    title: str
    align: Align = Align.RIGHT
    share: int = 1


@dataclass(frozen=True, slots=True)
class Table:
    """Rows under column titles (VAT per rate, takings per tender); ``total`` is a bold last
    row. Too wide for the paper, each row is printed as a small stacked block instead."""

    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.columns:
            raise ValueError("a table needs at least one column")
        for row in (*self.rows, *((self.total,) if self.total else ())):
            if len(row) != len(self.columns):
                raise ValueError(f"a table row has {len(row)} cells for "
                                 f"{len(self.columns)} columns: {row!r}")


@dataclass(frozen=True, slots=True)
class Rule:
    """A separator line across the paper."""

    char: str = "-"

    def __post_init__(self) -> None:
        if len(self.char) != 1 or not self.char.isprintable() or ord(self.char) > 0x7E:
            raise ValueError(f"a rule is drawn with one printable ASCII character, "
                             f"not {self.char!r}")


@dataclass(frozen=True, slots=True)
class Blank:
    lines: int = 1


@dataclass(frozen=True, slots=True)
class Qr:
    """A QR code, centred, with an optional caption under it (e.g. the id it holds)."""

    payload: str
    caption: str = ""

    def __post_init__(self) -> None:
        size = len(self.payload.encode("utf-8"))
        if not 0 < size <= MAX_QR_PAYLOAD:
            raise ValueError(f"a QR payload must be 1 to {MAX_QR_PAYLOAD} bytes, got {size}")


Block = Text | Pair | Table | Rule | Blank | Qr


@dataclass(frozen=True, slots=True)
class Document:
    """A whole printout; ``kind`` names it in logs and job ids ("receipt", "z-report")."""

    kind: str
    blocks: tuple[Block, ...]
