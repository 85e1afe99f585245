"""Screen wording in the shopper's language, from gettext catalogues (stdlib only, no Kivy).

Message ids are keys (``basket.pay``), not English sentences, so a wording change in English
does not orphan the translations. The catalogues are ``locale/{lang}/LC_MESSAGES/kiosk.po``
and their compiled ``.mo``, plus any other domain beside them (``kiosk_staff.po``, the
staff screens' own); ``python -m kiosk.screens.pocompile`` writes the .mo files; both are
committed, and a test holds the .mo to its .po). A key missing from a catalogue is an error
at load (``check_catalogues``), never an English or raw key shown to a Chinese shopper.

Money is written the way each language writes it: ``€12.34`` in English and Chinese,
``12,34 €`` in French.
"""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kiosk.core.money import Money

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "kiosk"  # the shopper screens' catalogue; other *.po beside it are merged in
LANGUAGES = ("en", "fr", "zh")
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "zh": "中文"}  # each in its own language


@dataclass(frozen=True, slots=True)
class MoneyStyle:
    decimal_sep: str
    symbol_first: bool


MONEY_STYLES: Mapping[str, MoneyStyle] = {
    "en": MoneyStyle(".", True),
    "fr": MoneyStyle(",", False),
    "zh": MoneyStyle(".", True),
}


class TranslationError(KeyError):
    """A key has no entry in a language's catalogue: a bug in the catalogues, caught by tests."""


@cache
def _messages(lang: str) -> Mapping[str, str]:
    """Every compiled catalogue of ``lang`` merged: ``kiosk.mo`` (shopper screens) and the
    other domains beside it (``kiosk_staff.mo``, the staff screens'); a key defined twice
    is an error, so one half of the UI can never silently reword the other's."""
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    merged: dict[str, str] = {}
    files = sorted(folder.glob("*.mo"))
    if not files:
        raise FileNotFoundError(f"no compiled catalogue in {folder}")
    for path in files:
        with path.open("rb") as handle:
            table = gettext.GNUTranslations(handle)._catalog  # its table
        clash = sorted(k for k in table if k and k in merged)
        if clash:
            raise TranslationError(f"{path.name} redefines {', '.join(clash[:5])}")
        merged.update(table)
    return merged


def has(key: str, lang: str) -> bool:
    return key in _messages(lang)


def keys(lang: str) -> frozenset[str]:
    return frozenset(k for k in _messages(lang) if k)


def tr(key: str, lang: str, **values: Any) -> str:
    """The text of ``key`` in ``lang`` with ``{name}`` fields filled from ``values``."""
    table = _messages(lang)
    if key not in table:
        raise TranslationError(f"{key!r} has no {lang} translation")
    text: str = table[key]
    return text.format(**values) if values else text


def money(amount: Money, lang: str) -> str:
    style = MONEY_STYLES.get(lang, MONEY_STYLES["en"])
    return amount.format(style.decimal_sep, style.symbol_first)


def grams(weight_g: int, lang: str) -> str:
    """A weight as the scale shows it: ``1.234 kg`` (``1,234 kg`` in French)."""
    kg, g = divmod(weight_g, 1000)
    sep = MONEY_STYLES.get(lang, MONEY_STYLES["en"]).decimal_sep
    return f"{kg}{sep}{g:03d} kg"


def check_catalogues(languages: tuple[str, ...] = LANGUAGES) -> None:
    """Every language has every key English has; raises TranslationError naming them."""
    reference = keys("en")
    for lang in languages:
        missing = sorted(reference - keys(lang))
        if missing:
            raise TranslationError(f"{lang} lacks {', '.join(missing)}")
