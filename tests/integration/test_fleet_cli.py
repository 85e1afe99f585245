"""``kiosk-fleet``: a fleet manager prepares and checks a catalogue before sending it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.fleet.cli import main


def test_generate_then_check_a_catalogue_and_its_delta(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    snap, delta = tmp_path / "c.json", tmp_path / "d.json"
    assert main(["generate", "--products", "300", "--out", str(snap),
                 "--delta-changes", "20", "--delta-out", str(delta)]) == 0
    assert main(["check", str(snap)]) == 0
    assert main(["check", str(delta)]) == 0
    out = capsys.readouterr().out
    assert f"{snap}: valid snapshot version gen-1, " in out
    assert "on base gen-1" in out


def test_check_names_what_is_wrong(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema": 1, "kind": "snapshot", "version": "v2",
                               "currency": "EUR", "products": [
                                   {"gtin": "04006381333932", "names": {"en": "Pencil"},
                                    "price": 99, "vat": "standard", "category": "office"}]}))
    assert main(["check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "04006381333932" in err
    assert "check digit" in err
