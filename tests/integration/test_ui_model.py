"""The screens' pure parts: routing, wording catalogues, money per language, PLU look-up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.core.money import Money
from kiosk.core.session_model import SessionState as S
from kiosk.screens import i18n
from kiosk.screens.pocompile import PoError, mo_bytes, parse_po
from kiosk.screens.routing import LocalUi, route

ROOT = Path(__file__).parents[2]


class _Stub:
    """The two fields routing reads; a real Session needs a whole catalogue to build, and the
    routing rule is about these two alone."""

    def __init__(self, phase: S, overlays: tuple[S, ...] = ()) -> None:
        self.phase = phase
        self.overlays = overlays

    @property
    def top(self) -> S | None:
        return self.overlays[-1] if self.overlays else None


@pytest.mark.parametrize(("phase", "overlays", "local", "screen"), [
    (S.ATTRACT, (), LocalUi(), "attract"),
    (S.SCANNING, (), LocalUi(), "basket"),
    (S.AWAITING_APPROVAL, (), LocalUi(), "age"),
    (S.RECEIPT, (), LocalUi(), "done"),
    (S.PAYMENT, (S.HELP,), LocalUi(), "help"),
    (S.SCANNING, (S.HELP,), LocalUi(pin_pad=True), "pin"),
    (S.ATTRACT, (S.LOCKED,), LocalUi(), "locked"),
    (S.ATTRACT, (S.LOCKED, S.ASSISTED), LocalUi(pin_pad=True), "assisted"),
    (S.SCANNING, (S.ASSISTED,), LocalUi(report=True), "report"),
])
def test_routing_follows_the_top_overlay(phase: S, overlays: tuple[S, ...], local: LocalUi,
                                         screen: str) -> None:
    shown = route(_Stub(phase, overlays), local)  # type: ignore[arg-type]
    assert shown.screen == screen
    assert shown.phase_screen == route(_Stub(phase), LocalUi()).screen  # type: ignore[arg-type]


def test_every_language_has_every_key_and_the_mo_files_match_the_po_files() -> None:
    i18n.check_catalogues()
    for po in sorted((ROOT / "kiosk/screens/locale").glob("*/LC_MESSAGES/*.po")):
        assert po.with_suffix(".mo").read_bytes() == mo_bytes(parse_po(po.read_text("utf-8"))), \
            f"{po} changed: run python -m kiosk.screens.pocompile"


def test_money_is_written_the_way_each_language_writes_it() -> None:
    amount = Money(1234, "EUR")
    assert i18n.money(amount, "en") == "€12.34"
    assert i18n.money(amount, "fr") == "12,34 €"
    assert i18n.money(amount, "zh") == "€12.34"
    assert i18n.grams(1234, "fr") == "1,234 kg"
    assert i18n.tr("basket.pay", "zh", total="€12.34") == "支付 €12.34"


def test_a_missing_translation_is_an_error_not_a_raw_key() -> None:
    with pytest.raises(i18n.TranslationError, match="no-such-key"):
        i18n.tr("no-such-key", "fr")


def test_a_malformed_po_file_is_refused_with_its_line() -> None:
    with pytest.raises(PoError, match="line 2"):
        parse_po('msgid "a"\nmsgstr b\n')
    with pytest.raises(PoError, match="no translation"):
        parse_po('msgid "a"\nmsgstr ""\n')


def test_plu_lookup_searches_names_without_accents(tmp_path: Path) -> None:
    from kiosk.app import catalogue_mirror
    from kiosk.config import load_config
    from kiosk.screens.lookup import lookup_categories, search

    cfg = load_config(ROOT / "config/demo.toml", environ={}).config
    mirror = catalogue_mirror(cfg, tmp_path)
    try:
        mirror.apply(json.loads((ROOT / "config/demo-catalogue.json").read_text("utf-8")))
        assert "produce" in lookup_categories(mirror)
        assert [p.plu for p in search(mirror, "bânane", "fr")] == ["4011", "94011"]  # bio too
        assert [p.plu for p in search(mirror, "4011", "en")] == ["4011"]  # a PLU is matched whole
        assert search(mirror, "  ", "en") == ()
    finally:
        mirror.close()


def test_kiosk_run_without_a_display_says_what_to_do(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")
           and not k.startswith("KIOSK__")}
    env["KIOSK__PATHS__DATA_DIR"] = str(tmp_path)
    run = subprocess.run([sys.executable, "-m", "kiosk.cli", "--config",
                          str(ROOT / "config/demo.toml"), "run"], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 1
    assert "there is no display" in run.stderr
    assert "kiosk run --headless" in run.stderr
    assert "xvfb-run" in run.stderr
