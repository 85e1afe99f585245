"""DESIGN.md's direction of dependencies, enforced: the core stays pure, the layers point inward.

A static check of every import (and of the few calls that read a clock), so a violation fails
the suite the day it is written rather than the day someone tries to test the core without a
disk or a broker.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[2] / "kiosk"

# Standard-library modules the pure core may use: data, arithmetic, text, hashing.
CORE_STDLIB = {
    "__future__", "abc", "base64", "bisect", "collections", "dataclasses", "datetime", "decimal",
    "enum", "fractions", "functools", "hashlib", "hmac", "itertools", "math", "operator", "re",
    "string", "types", "typing", "unicodedata", "urllib", "zlib", "binascii", "heapq", "textwrap",
    "calendar", "struct", "json",
}
# The ``time``/``random``/``os`` modules are already barred by the import rule; these catch the
# clock and randomness reachable through allowed modules (``datetime.now()``, ``date.today()``).
# ``some_datetime.time()`` is a pure accessor and stays allowed.
CLOCK_CALLS = {"now", "utcnow", "today", "fromtimestamp", "utcfromtimestamp", "urandom",
               "uuid1", "uuid4"}

# Which kiosk sub-packages each layer may import (beyond itself and kiosk.errors, .faults, .clock).
ALLOWED = {
    "core": set(),
    "store": {"core"},
    "hw": {"core", "store", "config"},
    "sync": {"core", "store"},
    "fleet": {"core", "store", "sync"},
    # Screens read the pure view of the session (core), their own [ui] settings (config),
    # the journal's day report and atomic writes (store); kiosk.app appears in type hints only
    # (the composition root hands the running Kiosk to the window, never the other way round).
    "screens": {"core", "config", "store", "app"},
}


def modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.module, node.lineno))
    return found


@pytest.mark.parametrize("path", modules("core"), ids=lambda p: p.name)
def test_core_imports_only_pure_standard_library(path: Path) -> None:
    bad = [
        f"{path.name}:{line} imports {name}"
        for name, line in imports(path)
        if not (name.split(".")[0] in CORE_STDLIB or name.startswith("kiosk.core")
                or name == "kiosk.errors")
    ]
    assert not bad, "the core must stay pure (DESIGN.md): " + "; ".join(bad)


@pytest.mark.parametrize("path", modules("core"), ids=lambda p: p.name)
def test_core_reads_no_clock_and_no_randomness(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = [
        f"{path.name}:{node.lineno} calls .{node.func.attr}()"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        and node.func.attr in CLOCK_CALLS
    ]
    assert not calls, "time and randomness are passed into the core: " + "; ".join(calls)


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layers_depend_inward_only(layer: str) -> None:
    allowed = ALLOWED[layer] | {layer}
    bad = []
    for path in modules(layer):
        for name, line in imports(path):
            parts = name.split(".")
            if parts[0] != "kiosk" or len(parts) < 2 or parts[1] in {"errors", "faults", "clock"}:
                continue
            if parts[1] not in allowed:
                bad.append(f"{path.relative_to(PACKAGE)}:{line} imports {name}")
    assert not bad, f"kiosk.{layer} may import only {sorted(allowed)}: " + "; ".join(bad)
