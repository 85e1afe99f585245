"""``kiosk receipt-preview``: store IT's look at the receipt before the first shopper, through
the ``kiosk`` command's own entry point, the store's configuration (file and environment
layers), the real ESC/POS bytes and the renderer. The command runs in-process (``main``, as
the console script calls it): starting a Python per case costs more than the test itself."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from pyzbar.pyzbar import ZBarSymbol, decode

from kiosk.cli import main
from kiosk.hw.escpos_png import render_png

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "config" / "demo.toml"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def kiosk(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    for name in [n for n in os.environ if n.startswith("KIOSK__")]:
        monkeypatch.delenv(name)

    def run(*args: str, data_dir: Path, **env: str) -> Run:
        for name, value in {"KIOSK__PATHS__DATA_DIR": str(data_dir), **env}.items():
            monkeypatch.setenv(name, value)
        code = main(["--config", str(DEMO), *args])
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


def qr_codes(image: Image.Image) -> list[str]:
    return [f.data.decode() for f in decode(image.convert("L"), symbols=[ZBarSymbol.QRCODE])]


def test_the_preview_is_the_stores_receipt_one_pixel_per_printer_dot(kiosk, tmp_path: Path) -> None:
    out, raw = tmp_path / "receipt.png", tmp_path / "receipt.bin"
    run = kiosk("receipt-preview", "--out", str(out), "--bytes", str(raw),
                data_dir=tmp_path / "fresh")
    assert run.returncode == 0, run.stderr
    with Image.open(out) as image:
        assert image.width == 512  # TM-T88V prints 512 dots across
        assert qr_codes(image) == ["demo-store-k01-00000000"]  # sale 0: never a real sale
        height = image.height
    data = raw.read_bytes()
    assert data.startswith(b"\x1b@")
    assert data.endswith(b"\x1dV\x00")
    assert render_png(data, paper_dots=512).height == height  # the PNG is of these bytes
    assert b"Supermarch" + "é".encode("cp437") in data
    assert run.stdout.splitlines() == [
        f"receipt preview: {out} (512 x {height} px, one pixel per printer dot)",
        f"printer profile TM-T88V, 80 mm paper, 512 dots, 42 columns; language en; "
        f"{len(data)} bytes of ESC/POS",
        f"sample sale of 7 lines from {ROOT / 'config' / 'demo-catalogue.json'} (not applied)",
    ]
    assert not (tmp_path / "fresh" / "catalogue").exists()  # the catalogue was only read


def test_a_58_mm_chinese_preview(kiosk, tmp_path: Path) -> None:
    out = tmp_path / "receipt.png"
    run = kiosk("receipt-preview", "--out", str(out), "--language", "zh",
                data_dir=tmp_path / "fresh", KIOSK__DEVICES__PRINTER__PROFILE="default",
                KIOSK__DEVICES__PRINTER__PAPER_MM="58")
    assert run.returncode == 0, run.stderr
    assert "default, 58 mm paper, 384 dots, 32 columns; language zh" in run.stdout
    with Image.open(out) as image:
        assert image.width == 384
        assert qr_codes(image) == ["demo-store-k01-00000000"]


def test_a_printer_set_up_wrong_is_one_line_saying_what_to_fix(kiosk, tmp_path: Path) -> None:
    run = kiosk("receipt-preview", "--out", str(tmp_path / "r.png"), data_dir=tmp_path,
                KIOSK__DEVICES__PRINTER__PAPER_MM="58")
    assert run.returncode == 1
    assert run.stderr == ("kiosk: Receipt printer profile TM-T88V is for 80 mm printing, not "
                          "58 mm paper, because devices.printer.paper_mm does not match the "
                          "model. Set devices.printer.profile, paper_mm and columns to match "
                          "the printer's manual.\n")
    assert not (tmp_path / "r.png").exists()
