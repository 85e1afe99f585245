"""Which characters a font can draw, read from its cmap with fontTools (.ttc collections too).

Kivy draws a character the font lacks as an empty box (tofu) and says nothing; the only way
to know a translation shows is to ask the font file itself.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fontTools.ttLib import TTCollection, TTFont


@cache
def codepoints(path: str) -> frozenset[int]:
    """Every code point some face of the font file maps to a glyph (a .ttc's faces united:
    Kivy/SDL_ttf draws with face 0, and the collections we use share one cmap)."""
    file = Path(path)
    found: set[int] = set()
    if file.suffix.lower() == ".ttc":
        with TTCollection(file) as collection:
            for face in collection.fonts:
                found.update(face.getBestCmap() or {})
    else:
        with TTFont(file) as face:
            found.update(face.getBestCmap() or {})
    return frozenset(found)


@cache
def first_face_codepoints(path: str) -> frozenset[int]:
    """The code points of the face Kivy actually uses (index 0)."""
    file = Path(path)
    with TTFont(file, fontNumber=0) as face:
        return frozenset(face.getBestCmap() or {})


def missing(text: str, drawable: frozenset[int]) -> str:
    """The characters of ``text`` the font cannot draw (whitespace and controls need none)."""
    return "".join(sorted({c for c in text if not c.isspace() and c.isprintable()
                           and ord(c) not in drawable}))
