"""The configured fonts can draw every character the screens show, in every language.

Kivy draws a missing glyph as an empty box without a word in the log, so this reads the font
files themselves (fontTools cmap, .ttc collections included) and holds them against every
translation in the gettext catalogues, the language names on the language buttons, and the
demo catalogue's product names, each in the font the UI uses for that language (``[ui] font``,
``[ui] cjk_font`` for ``cjk_languages``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from uistaff_glyphs import codepoints, first_face_codepoints, missing

from kiosk.config import load_config
from kiosk.screens import i18n

ROOT = Path(__file__).parents[2]
UI = load_config(ROOT / "config" / "demo.toml", environ={}).config.ui
LANGS = i18n.LANGUAGES


def font_for(lang: str) -> str:
    return UI.cjk_font if lang in UI.cjk_languages else UI.font


@pytest.mark.parametrize("lang", LANGS)
def test_the_font_of_each_language_draws_all_of_its_translations(lang: str) -> None:
    drawable = first_face_codepoints(font_for(lang))
    # tr without values gives the catalogue's text, {placeholders} and all
    bad = {key: gap for key in sorted(i18n.keys(lang))
           if (gap := missing(i18n.tr(key, lang), drawable))}
    assert not bad, f"{font_for(lang)} cannot draw, in {lang}: {bad}"


def test_every_language_name_is_drawable_on_the_language_buttons() -> None:
    """The language buttons show each name in its own script on every screen, drawn with
    the CJK font (kiosk.screens.attract): it must have Latin letters with accents too."""
    drawable = first_face_codepoints(UI.cjk_font)
    bad = {name: gap for name in i18n.LANGUAGE_NAMES.values()
           if (gap := missing(name, drawable))}
    assert not bad, f"{UI.cjk_font} shows boxes in these language names: {bad}"


@pytest.mark.parametrize("lang", LANGS)
def test_the_demo_products_names_are_drawable(lang: str) -> None:
    products = json.loads((ROOT / "config" / "demo-catalogue.json").read_text("utf-8"))
    drawable = codepoints(font_for(lang))
    bad = {p["gtin"]: gap for p in products["products"]
           if (gap := missing(p["names"].get(lang, p["names"]["en"]), drawable))}
    assert not bad, f"{font_for(lang)} cannot draw these {lang} product names: {bad}"


def test_the_check_itself_sees_a_missing_glyph() -> None:
    """The Latin font really lacks Chinese, so the check is not vacuous."""
    assert missing("中文", first_face_codepoints(UI.font)) == "中文"
    assert missing("中文", first_face_codepoints(UI.cjk_font)) == ""
