"""A photograph of a demo product, held up to the demo kiosk's simulated camera, ends as a line
in the basket: frames, decoders, confirmation, ItemScanned, the session, the basket.

The kiosk runs in-process with the demo configuration (every device simulated) and is driven
by the headless commands a demo or a script uses.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.app import Kiosk
from kiosk.config import load_config
from kiosk.core import effects as fx
from kiosk.core import events as ev
from kiosk.headless import Headless

ROOT = Path(__file__).parents[2]


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Kiosk, Headless, list[str]]]:
    loaded = load_config(ROOT / "config" / "demo.toml", environ={
        "KIOSK__PATHS__DATA_DIR": str(tmp_path / "data"),
        "KIOSK__DEVICES__CAMERA__PRESENT_S": "3",
        "KIOSK__DEVICES__CAMERA__COOLDOWN_S": "0.3"})
    lines: list[str] = []
    kiosk = Kiosk(loaded, say=lines.append)
    try:
        yield kiosk, Headless(kiosk, out=lines.append), lines
    finally:
        kiosk.close()


def test_a_photo_of_a_demo_product_becomes_a_basket_line(demo: tuple[Kiosk, Headless, list[str]],
                                                         ) -> None:
    kiosk, shell, out = demo
    scanned: list[tuple[ev.ItemScanned, tuple[fx.Effect, ...]]] = []
    kiosk.loop.subscribe(lambda event, _session, outcome: scanned.append(
        (event, outcome.effects)) if isinstance(event, ev.ItemScanned) else None)
    assert shell.run_lines(["scan-image tests/data/barcodes/ean13-2/04.png", "basket"],
                           stop_on_error=True) == 0
    assert "  camera read 9780804816632 (ean13)" in out
    ((event, effects),) = scanned
    assert (event.code, event.symbology) == ("9780804816632", "ean13")
    assert fx.Beep("ok") in effects  # the short beep the tower light's buzzer gives
    (line,) = kiosk.loop.session.basket.lines
    assert (line.gtin, line.names["en"], line.quantity) == (
        "09780804816632", "Paperback book, English edition", 1)
    assert any(text.startswith("  [1] Paperback book, English edition") and "x1" in text
               for text in out)


def test_the_same_product_shown_twice_is_two_items_and_a_upc_e_can_is_found(
        demo: tuple[Kiosk, Headless, list[str]]) -> None:
    kiosk, shell, out = demo
    assert shell.run_lines(["scan-image tests/data/barcodes/ean8-1/1.png",
                            "scan-image tests/data/barcodes/ean8-1/1.png",
                            "scan-image tests/data/barcodes/upce-2/03.png"],
                           stop_on_error=True) == 0
    basket = kiosk.loop.session.basket
    assert [(line.names["en"], line.quantity) for line in basket.lines] == [
        ("Dried apricots 200 g", 2), ("Root beer 355 ml can, imported", 1)]
    assert "  camera read 05096893 (upce)" in out


def test_a_weighed_item_on_a_gs1_databar_label_is_priced_by_its_weight(
        demo: tuple[Kiosk, Headless, list[str]]) -> None:
    kiosk, shell, out = demo
    assert shell.run_lines(["scan-image tests/data/barcodes/rssexpanded-1/12.png"],
                           stop_on_error=True) == 0
    assert "  camera read (01)98898765432106(3103)001750 (databar-expanded)" in out
    (line,) = kiosk.loop.session.basket.lines
    assert (line.gtin, line.names["en"], line.weight_g) == (
        "98898765432106", "Beef roasting joint, variable weight", 1750)


def test_a_photo_without_a_trusted_code_stops_a_script_with_a_reason(
        demo: tuple[Kiosk, Headless, list[str]]) -> None:
    kiosk, shell, out = demo
    kiosk.devices.scanner.present_s = 0.5  # type: ignore[union-attr]  # held up half a second
    assert shell.run_lines(["scan-image tests/data/barcodes/falsepositives-2/25.png", "basket"],
                           stop_on_error=True) == 1
    assert out[-1] == ("! no barcode confirmed in tests/data/barcodes/falsepositives-2/25.png, "
                       "because the camera decoder read nothing it could confirm. Try another "
                       "photo, or type the code with scan CODE.")
    assert kiosk.loop.session.basket.lines == ()


def test_a_file_that_is_no_photo_is_a_reason_not_a_crash(
        demo: tuple[Kiosk, Headless, list[str]], tmp_path: Path) -> None:
    _kiosk, shell, out = demo
    notes = tmp_path / "notes.txt"
    notes.write_text("not a photo")
    assert shell.run_lines([f"scan-image {notes}"], stop_on_error=True) == 1
    assert out[-1] == (f"! photo {notes} cannot be read, because it does not exist or is not an "
                       "image OpenCV can open. Give a PNG or JPEG file.")
