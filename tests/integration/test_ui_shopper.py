"""The shopper screens in a real Kivy window under Xvfb, driven by touches, on a real kiosk
(demo configuration: camera decoding a real photo, terminal and printer simulators).

Each test saves a screenshot of every screen it reaches in tests/artifacts/screens/ and checks
what a shopper sees: texts, totals, which buttons are enabled; and that no label leaves the
window.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from ui_harness import (  # noqa: F401 - fixtures
    PHOTO,
    UiKiosk,
    close_ui_kiosk,
    find,
    labels_outside_window,
    make_ui_kiosk,
    screenshot,
    ui_display,
    ui_window,
)

from kiosk.core import events as ev
from kiosk.hw.factory import SimulatorOptions

LAGER = "3760012000012"  # age-restricted, 3.99 €
WORDS = {  # what a shopper reads, per language
    "en": ("Scan an item or tap to start", "Pay €", "Thank you", "Staff is coming"),
    "fr": ("Scannez un article", "Payer ", "Merci", "Un employé arrive"),
    "zh": ("请扫描商品或点击开始", "支付 €", "感谢", "店员马上"),
}


def shot(ui: UiKiosk, name: str) -> None:
    outside = labels_outside_window(ui.shell.manager, ui.window)
    assert outside == [], f"{name}: labels outside the window: {outside}"
    screenshot(ui.shell.manager, name)


def scan_photo(ui: UiKiosk, photo: Path = PHOTO) -> None:
    """Hold the photo up to the simulated camera (it decodes on its own thread)."""
    lines = len(ui.kiosk.loop.session.lines)
    worker = threading.Thread(target=ui.kiosk.devices.scanner.scan_image, args=(photo,))
    worker.start()
    ui.until(lambda: len(ui.kiosk.loop.session.lines) > lines, "the scanned line", 60)
    worker.join(timeout=30)


@pytest.fixture
def ui(ui_window: Any,  # noqa: F811 - the imported fixture
        tmp_path: Path, request: pytest.FixtureRequest) -> Any:
    options = getattr(request, "param", None) or SimulatorOptions(terminal_delay_s=3.0)
    kiosk = make_ui_kiosk(ui_window, tmp_path / "data", simulators=options,
                          env={"KIOSK__SALE__RECEIPT_TIMEOUT_S": "600"})
    yield kiosk
    close_ui_kiosk(kiosk)


@pytest.mark.parametrize("lang", ["en", "fr", "zh"])
def test_a_whole_sale_from_attract_to_receipt(ui: UiKiosk, lang: str) -> None:
    _prompt, pay, thanks, _help = WORDS[lang]
    ui.at("attract")
    assert WORDS["en"][0] in ui.text("prompt")  # the default language until one is chosen
    ui.tap("large-text")
    shot(ui, f"{lang}-01-attract-large-text")
    ui.tap(f"lang-{lang}")
    ui.at("basket")
    assert find(ui.screen, "pay").disabled  # nothing to pay yet
    assert ui.shell.access.large_text  # the choice lasts for the sale
    scan_photo(ui)
    ui.at("basket")
    line = ui.kiosk.loop.session.lines[0]
    assert line.product.gtin.endswith("9780804816632")
    assert ui.text("last-name") == line.product.name(lang)
    total = ui.text("total")
    assert total.replace(",", ".").replace(" ", "").replace("€", "") == \
        ui.kiosk.loop.session.total.decimal_str()
    assert ui.text("pay").startswith(pay)
    assert not find(ui.screen, "pay").disabled
    assert not find(ui.screen, "plus-1").disabled
    assert find(ui.screen, "minus-1").disabled  # one item: removing is the Remove button
    shot(ui, f"{lang}-02-basket")
    ui.tap("plus-1")
    ui.until(lambda: ui.kiosk.loop.session.lines[0].quantity == 2, "quantity 2")
    ui.at("basket")
    assert ui.text("total") != total
    ui.tap("lookup")
    assert find(ui.screen, "plu-enter").disabled
    ui.tap("category-produce")
    shot(ui, f"{lang}-03-lookup")
    ui.tap("lookup")  # back to the basket
    ui.tap("help")
    ui.at("help")
    assert _help in ui.text("big")
    shot(ui, f"{lang}-04-help")
    ui.tap("help-cancel")
    ui.at("basket")
    ui.tap("pay")
    screen = ui.at("payment")
    assert find(screen, "amount").text == ui.kiosk.loop.session.basket.total.format(
        *((",", False) if lang == "fr" else (".", True)))
    shot(ui, f"{lang}-05-payment")
    ui.at("done")
    assert thanks in ui.text("thanks")
    ui.until(lambda: ui.kiosk.loop.session.state == "receipt", "receipt printed")
    ui.at("done")
    shot(ui, f"{lang}-06-done")
    sale_id = ui.kiosk.ctx.sale_id(1)
    assert (ui.kiosk.data_dir / "receipts" / f"{sale_id}.bin").exists()


@pytest.mark.parametrize("lang", ["en"])
def test_an_age_restricted_item_waits_for_staff(ui: UiKiosk, lang: str) -> None:
    ui.at("attract")
    ui.tap(f"lang-{lang}")
    ui.at("basket")
    ui.kiosk.devices.scanner.scan_text(LAGER)
    screen = ui.at("age")
    assert "18" in ui.text("explain")
    assert find(screen, "help").text
    shot(ui, f"{lang}-07-age")
    assert ui.kiosk.loop.session.state == "awaiting_approval"


PAPER_OUT = SimulatorOptions(terminal_delay_s=0.3, printer_faults=("paper-out",))


@pytest.mark.parametrize("ui", [PAPER_OUT], indirect=True)
@pytest.mark.parametrize("lang", ["fr"])
def test_paper_out_shows_the_receipt_as_a_qr_code(ui: UiKiosk, lang: str) -> None:
    ui.at("attract")
    ui.tap(f"lang-{lang}")
    ui.at("basket")
    ui.kiosk.devices.scanner.scan_text("0012345678905")
    ui.until(lambda: len(ui.kiosk.loop.session.lines) == 1, "a line")
    ui.at("basket")
    ui.tap("pay")
    ui.at("done")
    ui.until(lambda: ui.shell.view().receipt_qr is not None, "the receipt QR code", 60)
    screen = ui.at("done")
    assert screen.qr.opacity == 1
    assert screen.qr.texture is not None
    assert ui.text("receipt") == ui.shell.view().tr("done.receipt-qr")
    shot(ui, f"{lang}-08-done-qr")


UNKNOWN = SimulatorOptions(terminal_delay_s=0.3, terminal_faults=("unknown",))


@pytest.mark.parametrize("ui", [UNKNOWN], indirect=True)
@pytest.mark.parametrize("lang", ["zh"])
def test_payment_unknown_asks_the_shopper_to_wait_for_staff(ui: UiKiosk, lang: str) -> None:
    ui.at("attract")
    ui.tap(f"lang-{lang}")
    ui.at("basket")
    ui.kiosk.devices.scanner.scan_text("0012345678905")
    ui.until(lambda: len(ui.kiosk.loop.session.lines) == 1, "a line")
    ui.at("basket")
    ui.tap("pay")
    ui.at("payment_unknown")
    assert WORDS[lang][3] in ui.text("wait")
    assert ui.shell.view().payment_amount in ui.text("explain")
    shot(ui, f"{lang}-09-payment-unknown")


@pytest.mark.parametrize("lang", ["en"])
def test_locked_and_out_of_order(ui: UiKiosk, lang: str) -> None:
    ui.at("attract")
    ui.shell.post(ev.LanguageChosen(at=ui.shell.now(), lang=lang))
    ui.at("basket")
    ui.shell.post(ev.SaleCancelled(at=ui.shell.now(), staff_id="a01"))
    ui.shell.post(ev.KioskLocked(at=ui.shell.now(), by="fleet", reason="stock take"))
    ui.at("locked")
    shot(ui, f"{lang}-10-locked")
    ui.shell.post(ev.KioskUnlocked(at=ui.shell.now(), by="fleet"))
    ui.shell.post(ev.DeviceHealthChanged(at=ui.shell.now(), device="camera", ok=False,
                                         detail="Camera unplugged"))
    ui.at("out_of_order")
    assert "It is not responding." in ui.text("banner")
    shot(ui, f"{lang}-11-out-of-order")
