"""Import a store's own catalogue from a CSV file (what staff export from a spreadsheet).

Columns (first row, any order; ``,``, ``;`` or tab separated, UTF-8 with or without BOM):

=========== ======== ==============================================================
column      required what it holds
=========== ======== ==============================================================
gtin        yes      EAN-13, EAN-8, UPC-A (12 digits), GTIN-14, or ``upce:`` + UPC-E
name_en     yes      name in English
name_fr     yes      name in French
name_zh     no       name in Simplified Chinese
price       yes      VAT-inclusive, a dot as decimal separator (``2.49``); per kg for kg
vat         yes      a VAT code of the configuration (``standard``, ``reduced``, ...)
category    yes      e.g. ``dairy``
unit        no       ``each`` (default) or ``kg``
min_age     no       minimum age, e.g. ``18`` for alcohol
plu         no       produce code keyed in at the kiosk (digits)
low_stock   no       stock level that raises a low-stock alert
deposit     no       GTIN of the deposit item (bottle deposit); it must be in the file
image       no       image file name
=========== ======== ==============================================================

Every problem is reported with its spreadsheet row (the header is row 1), its column and why,
all at once, so staff fix the file in one go. By default one bad row imports nothing: a
catalogue missing a product silently is worse than no import. ``skip_bad_rows=True`` imports
the good rows and still lists every skipped row with its reason; a row whose deposit item was
skipped is skipped too. The result is a schema-1 snapshot applied with
:meth:`kiosk.store.catalogue.CatalogueMirror.apply`, so the import is all or nothing on disk.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.core.gtin import is_ascii_digits, normalise, upce
from kiosk.core.money import Money
from kiosk.core.product import Product, Unit
from kiosk.errors import CatalogueError
from kiosk.store.catalogue_products import check_product
from kiosk.store.catalogue_update import SCHEMA, SNAPSHOT

if TYPE_CHECKING:
    from kiosk.store.catalogue import ApplyResult, CatalogueMirror

REQUIRED = ("gtin", "name_en", "name_fr", "price", "vat", "category")
OPTIONAL = ("name_zh", "unit", "min_age", "plu", "low_stock", "deposit", "image")
MAX_AGE = 99
_SCIENTIFIC = re.compile(r"\d(?:[.,]\d+)?[eE]\+?\d+")


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One thing wrong with the file, where a person will look for it."""

    row: int  # spreadsheet row: the header is row 1
    column: str  # "" when the whole row or file is concerned
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True, slots=True)
class CsvImport:
    """The outcome of reading a CSV: a snapshot to apply (or None), and every problem found."""

    snapshot: dict[str, Any] | None
    problems: tuple[RowProblem, ...]
    rows: int  # data rows read (blank rows not counted)
    imported: int

    @property
    def skipped(self) -> int:
        return self.rows - self.imported

    def report(self) -> str:
        head = f"{self.imported} of {self.rows} rows imported"
        return "\n".join([head, *(str(problem) for problem in self.problems)])


class _CellError(ValueError):
    """A cell that cannot be read; carries its column."""

    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def parse_gtin(text: str, column: str = "gtin") -> str:
    """Any retail GTIN spelling to GTIN-14, with the reasons a spreadsheet user needs."""
    code = text.strip().replace(" ", "")
    if code.lower().startswith("upce:"):
        result = upce(code[5:])
    elif _SCIENTIFIC.fullmatch(code):
        raise _CellError(column, f"{text!r} is in scientific notation: the spreadsheet treated the "
                           "code as a number; format the column as text and type it again")
    elif is_ascii_digits(code) and len(code) in (7, 11):
        raise _CellError(column, f"{code} has {len(code)} digits: a spreadsheet may have dropped a "
                           "leading zero; format the column as text")
    else:
        result = normalise(code)
    if isinstance(result, str):
        return result
    raise _CellError(column, result.reason)


def _whole(row: dict[str, str], column: str, maximum: int | None = None) -> int:
    text = row.get(column, "").strip()
    if not text:
        return 0
    if not is_ascii_digits(text):
        raise _CellError(column, f"{text!r} is not a whole number")
    value = int(text)
    if maximum is not None and value > maximum:
        raise _CellError(column, f"{value} is more than {maximum}")
    return value


def _price(text: str, currency: str) -> int:
    cleaned = text.strip()
    if "," in cleaned and "." not in cleaned:
        raise _CellError("price", f"{text!r}: use a dot as the decimal separator, e.g. 2.49")
    try:
        amount = Money.parse(cleaned, currency)
    except ValueError as exc:
        raise _CellError("price", f"{exc}; write the amount alone, e.g. 2.49") from None
    if amount.minor < 0:
        raise _CellError("price", f"{text!r} is negative; a price cannot be")
    return amount.minor


class _RowError(ValueError):
    """Every cell of one row that cannot be read."""

    def __init__(self, cells: list[_CellError]) -> None:
        super().__init__("; ".join(cell.reason for cell in cells))
        self.cells = cells


def _required_text(row: dict[str, str], column: str) -> str:
    text = row.get(column, "").strip()
    if not text:
        raise _CellError(column, "it is empty")
    return text


def _unit(row: dict[str, str]) -> str:
    unit = row.get("unit", "").strip().lower() or Unit.EACH.value
    if unit not in {u.value for u in Unit}:
        raise _CellError("unit", f"{unit!r} is not 'each' or 'kg'")
    return unit


def _optional_gtin(row: dict[str, str], column: str) -> str | None:
    return parse_gtin(row[column], column) if row.get(column, "").strip() else None


def _product(row: dict[str, str], currency: str) -> dict[str, Any]:
    """One row as a catalogue product dict; _RowError lists every cell that is wrong."""
    readers = {
        "gtin": lambda: parse_gtin(row.get("gtin", "")),
        "name_en": lambda: _required_text(row, "name_en"),
        "name_fr": lambda: _required_text(row, "name_fr"),
        "price": lambda: _price(row.get("price", ""), currency),
        "vat": lambda: _required_text(row, "vat"),
        "category": lambda: _required_text(row, "category"),
        "unit": lambda: _unit(row),
        "min_age": lambda: _whole(row, "min_age", MAX_AGE),
        "low_stock": lambda: _whole(row, "low_stock"),
        "deposit": lambda: _optional_gtin(row, "deposit"),
    }
    values: dict[str, Any] = {}
    errors = []
    for column, read in readers.items():
        try:
            values[column] = read()
        except _CellError as error:
            errors.append(error)
    if errors:
        raise _RowError(errors)
    names = {"en": values.pop("name_en"), "fr": values.pop("name_fr")}
    if row.get("name_zh", "").strip():
        names["zh"] = row["name_zh"].strip()
    item = {"gtin": values.pop("gtin"), "names": names, **values}
    optional = {"plu": row.get("plu", "").strip(), "deposit": item.pop("deposit"),
                "image": row.get("image", "").strip()}
    return item | {k: v for k, v in optional.items() if v}


def _delimiter(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: counts[sep])


def _header_problems(columns: Sequence[str]) -> list[RowProblem]:
    problems = []
    known = set(REQUIRED) | set(OPTIONAL)
    for column in columns:
        if column not in known:
            problems.append(RowProblem(1, column, "unknown column (check its spelling); "
                                       f"the columns are {', '.join(REQUIRED + OPTIONAL)}"))
        elif columns.count(column) > 1:
            problems.append(RowProblem(1, column, "the column appears twice"))
    problems += [RowProblem(1, column, "this required column is missing")
                 for column in REQUIRED if column not in columns]
    return list(dict.fromkeys(problems))


def _rows(text: str) -> tuple[list[str], Iterator[tuple[int, dict[str, str] | RowProblem]]]:
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first))
    header = [cell.strip().lower() for cell in next(reader, [])]

    def records() -> Iterator[tuple[int, dict[str, str] | RowProblem]]:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue  # blank rows at the end of a spreadsheet export
            if len(cells) > len(header):
                yield number, RowProblem(number, "", f"it has {len(cells)} cells but the header "
                                         f"has {len(header)} columns")
                continue
            yield number, dict(zip(header, cells + [""] * (len(header) - len(cells)),
                                   strict=True))
    return header, records()


def _read_rows(text: str, currency: str, vat_codes: Collection[str] | None
               ) -> tuple[dict[int, dict[str, Any]], list[RowProblem], int]:
    """(good products by row, problems, data rows): every row judged on its own."""
    header, records = _rows(text)
    problems = _header_problems(header)
    if problems:
        return {}, problems, 0
    good: dict[int, dict[str, Any]] = {}
    gtin_rows: dict[str, int] = {}
    plu_rows: dict[str, int] = {}
    count = 0
    for number, row in records:
        count += 1
        if isinstance(row, RowProblem):
            problems.append(row)
            continue
        try:
            item = _product(row, currency)
            check_product(Product.from_dict(item), vat_codes)
            _unique(item["gtin"], gtin_rows, "gtin", number)
            if "plu" in item:
                _unique(item["plu"], plu_rows, "plu", number)
        except _RowError as bad:
            problems += [RowProblem(number, cell.column, cell.reason) for cell in bad.cells]
            continue
        except _CellError as bad:
            problems.append(RowProblem(number, bad.column, bad.reason))
            continue
        except CatalogueError as exc:
            reason = f"{exc.what}: {exc.why}" if exc.why else exc.what
            problems.append(RowProblem(number, _column_of(exc.what), reason))
            continue
        good[number] = item
    return good, problems, count


def _unique(value: str, seen: dict[str, int], column: str, number: int) -> None:
    first = seen.setdefault(value, number)
    if first != number:
        raise _CellError(column, f"{value} is already used on row {first}")


def _column_of(what: str) -> str:
    """The column a validation message names, e.g. "... has a bad 'plu'" -> "plu"."""
    for column in (*REQUIRED, *OPTIONAL):
        if f"'{column}'" in what:
            return column
    return "vat" if "VAT code" in what else ""


def _drop_broken_deposits(good: dict[int, dict[str, Any]], problems: list[RowProblem]) -> None:
    """A product whose deposit item is not imported cannot be sold: it goes too."""
    while True:
        present = {item["gtin"] for item in good.values()}
        broken = [n for n, item in good.items()
                  if "deposit" in item and item["deposit"] not in present]
        if not broken:
            return
        for number in broken:
            problems.append(RowProblem(number, "deposit", f"deposit item {good[number]['deposit']}"
                                       " is not a product imported from this file"))
            del good[number]


def read_catalogue_csv(text: str, *, version: str, currency: str,
                       vat_codes: Collection[str] | None = None, skip_bad_rows: bool = False,
                       promotions: Sequence[dict[str, Any]] = ()) -> CsvImport:
    """Read a staff CSV into a snapshot (see the module docstring for columns and policy).

    ``promotions`` are carried into the snapshot unchanged (a CSV holds no promotions, and an
    import must not silently drop the current ones).
    """
    good, problems, rows = _read_rows(text, currency, vat_codes)
    _drop_broken_deposits(good, problems)
    problems.sort(key=lambda p: (p.row, p.column))
    if not good or (problems and not skip_bad_rows):
        return CsvImport(None, tuple(problems), rows, 0)
    snapshot = {"schema": SCHEMA, "kind": SNAPSHOT, "version": version, "currency": currency,
                "products": [good[n] for n in sorted(good)], "promotions": list(promotions)}
    return CsvImport(snapshot, tuple(problems), rows, len(good))


def read_catalogue_csv_file(path: str | Path, **options: Any) -> CsvImport:
    """:func:`read_catalogue_csv` on a file; CatalogueError when it cannot be read as text."""
    file = Path(path)
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise CatalogueError(f"cannot read {file}", exc.strerror or str(exc)) from None
    except UnicodeDecodeError as exc:
        raise CatalogueError(f"{file} is not UTF-8 text",
                             f"byte {exc.object[exc.start]:#04x} at offset {exc.start}",
                             "Save it from the spreadsheet as 'CSV UTF-8'.") from None
    return read_catalogue_csv(text, **options)


MAX_LISTED = 20  # problems spelled out in an exception; CsvImport.report() has them all


def import_csv(path: str | Path, *, version: str, currency: str,
               vat_codes: Collection[str] | None = None, skip_bad_rows: bool = False,
               promotions: Sequence[dict[str, Any]] = ()) -> dict[str, Any]:
    """The snapshot read from ``path``, or CatalogueError listing the rows that stop it.

    For the skipped rows of ``skip_bad_rows`` too, use :func:`read_catalogue_csv_file`.
    """
    read = read_catalogue_csv_file(path, version=version, currency=currency,
                                   vat_codes=vat_codes, skip_bad_rows=skip_bad_rows,
                                   promotions=promotions)
    if read.snapshot is not None:
        return read.snapshot
    listed = "; ".join(str(p) for p in read.problems[:MAX_LISTED])
    more = len(read.problems) - MAX_LISTED
    raise CatalogueError(
        f"{path} cannot be imported",
        (listed + (f"; and {more} more" if more > 0 else "")) or "it holds no product rows",
        "Fix the rows listed and import again (nothing was imported), or import with "
        "skip_bad_rows to leave them out.")


def apply_csv(mirror: CatalogueMirror, path: str | Path, *, version: str,
              skip_bad_rows: bool = False) -> tuple[CsvImport, ApplyResult | None]:
    """Read ``path`` and apply it to ``mirror``, keeping the mirror's promotions.

    Returns the CSV outcome and, when there was something to apply, the mirror's result.
    """
    read = read_catalogue_csv_file(
        path, version=version, currency=mirror.currency, vat_codes=mirror.vat_codes,
        skip_bad_rows=skip_bad_rows, promotions=[p.to_dict() for p in mirror.promotions])
    if read.snapshot is None:
        return read, None
    return read, mirror.apply(read.snapshot)
