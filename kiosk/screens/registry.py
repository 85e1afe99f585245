"""The registration hook: which screens the ScreenManager gets.

Shopper screens are listed here. Staff screens live in ``kiosk/screens/staff_*.py`` (and their
rules in ``kiosk/screens/staff.kv``): every such module defines
``SCREENS: tuple[type[KioskScreen], ...]`` and is found by name, so the two halves of the UI
are written apart without editing each other's files. A module that fails to import stops the
start with its error; a screen that routing needs and nobody registered is named at start
(:func:`missing`), never discovered by a shopper.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

from kiosk.errors import ConfigError
from kiosk.screens.base import KioskScreen

PACKAGE = "kiosk.screens"
HERE = Path(__file__).resolve().parent
STAFF_KV = HERE / "staff.kv"


def staff_modules() -> list[ModuleType]:
    names = sorted(info.name for info in pkgutil.iter_modules([str(HERE)])
                   if info.name.startswith("staff_"))
    return [importlib.import_module(f"{PACKAGE}.{name}") for name in names]


def staff_screen_classes() -> list[type[KioskScreen]]:
    classes: list[type[KioskScreen]] = []
    for module in staff_modules():
        screens = getattr(module, "SCREENS", ())
        for cls in screens:
            if not (isinstance(cls, type) and issubclass(cls, KioskScreen)):
                raise ConfigError(f"{module.__name__}.SCREENS holds {cls!r}",
                                  "every entry must be a KioskScreen subclass")
            classes.append(cls)
    return classes


def shopper_screen_classes() -> list[type[KioskScreen]]:
    from kiosk.screens.shopper import SCREENS  # noqa: PLC0415 - imports Kivy widgets

    return list(SCREENS)


def missing(registered: set[str], needed: tuple[str, ...]) -> list[str]:
    return [name for name in needed if name not in registered]
