"""Tables for the terminal and the same rows as CSV: what status and report print. Pure text
in, text out (the CSV writer is the one I/O, atomic so a spreadsheet never opens half a file)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.store.atomic import atomic_write_bytes

Cell = str | int | None


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    numeric: frozenset[int] = frozenset()  # column indexes aligned right

    def render(self) -> str:
        cells = [list(self.headers)] + [["" if c is None else str(c) for c in r]
                                        for r in self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.headers))]

        def line(row: Sequence[str]) -> str:
            return "  ".join(c.rjust(w) if i in self.numeric else c.ljust(w)
                             for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip()

        body = [line(row) for row in cells[1:]] or ["(nothing)"]
        return "\n".join([self.title, line(cells[0]), "  ".join("-" * w for w in widths),
                          *body])

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.headers)
        writer.writerows(["" if c is None else c for c in row] for row in self.rows)
        return out.getvalue()

    def write_csv(self, path: Path) -> None:
        atomic_write_bytes(path, self.csv_text().encode("utf-8"), tag="report")
