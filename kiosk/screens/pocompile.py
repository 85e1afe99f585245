"""Compile the screens' .po catalogues to .mo with the standard library alone.

Babel and GNU msgfmt are not dependencies of the kiosk; the subset of the .po format our
catalogues use (``msgid``/``msgstr`` with C-escaped, possibly continued strings, ``#``
comments) is small enough to read exactly here, and a malformed file is refused with its line
number rather than compiled into a catalogue that silently lacks entries.

    python -m kiosk.screens.pocompile      rewrite every locale/*/LC_MESSAGES/kiosk.mo
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

from kiosk.errors import KioskError
from kiosk.screens.i18n import LOCALE_DIR
from kiosk.store.atomic import atomic_write_bytes


class PoError(KioskError, ValueError):
    """A .po file does not parse."""


def parse_po(text: str, name: str = "kiosk.po") -> dict[str, str]:
    """``{msgid: msgstr}`` including the header entry (msgid "")."""
    entries: dict[str, str] = {}
    current: dict[str, str] = {}
    field: str | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        word, _, rest = line.partition(" ")
        if word in ("msgid", "msgstr"):
            if word == "msgid" and current:
                _finish(entries, current, name, number)
                current = {}
            field, line = word, rest.strip()
        if field is None or not (line.startswith('"') and line.endswith('"')):
            raise PoError(f"{name} line {number} is not a msgid/msgstr string", repr(raw),
                          "Fix the line; each string is in double quotes.")
        current[field] = current.get(field, "") + _unquote(line, name, number)
    if current:
        _finish(entries, current, name, len(text.splitlines()))
    return entries


def _unquote(literal: str, name: str, number: int) -> str:
    try:
        value = ast.literal_eval(literal)
    except (SyntaxError, ValueError):
        raise PoError(f"{name} line {number} has a bad string", literal) from None
    if not isinstance(value, str):
        raise PoError(f"{name} line {number} has a bad string", literal)
    return value


def _finish(entries: dict[str, str], current: dict[str, str], name: str, number: int) -> None:
    if set(current) != {"msgid", "msgstr"}:
        raise PoError(f"{name}: the entry ending near line {number} lacks a msgid or msgstr", "")
    if current["msgid"] in entries:
        raise PoError(f"{name}: {current['msgid']!r} appears twice", f"near line {number}")
    if current["msgid"] and not current["msgstr"]:
        raise PoError(f"{name}: {current['msgid']!r} has no translation", f"near line {number}")
    entries[current["msgid"]] = current["msgstr"]


def mo_bytes(entries: dict[str, str]) -> bytes:
    """The GNU .mo layout (magic, sorted original and translation tables, no hash table)."""
    ids = sorted(entries)
    originals = [key.encode("utf-8") for key in ids]
    translations = [entries[key].encode("utf-8") for key in ids]
    count = len(ids)
    header_size = 7 * 4
    table_start = header_size
    strings_start = table_start + 2 * count * 8
    offsets: list[int] = []
    blob = b""
    for data in originals + translations:
        offsets += [len(data), strings_start + len(blob)]
        blob += data + b"\0"
    header = struct.pack("<7I", 0x950412DE, 0, count, table_start, table_start + count * 8, 0, 0)
    return header + struct.pack(f"<{4 * count}I", *offsets) + blob


def compile_all(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    written = []
    for po in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        data = mo_bytes(parse_po(po.read_text(encoding="utf-8"), str(po)))
        target = po.with_suffix(".mo")
        if not target.exists() or target.read_bytes() != data:
            atomic_write_bytes(target, data)
        written.append(target)
    return written


def main() -> int:
    for path in compile_all():
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
