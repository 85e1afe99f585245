"""The camera simulator decodes real photographs with OpenCV and zbar, as the demo does."""

from __future__ import annotations

import queue
from pathlib import Path

import numpy as np
import pytest
import qrcode

from kiosk.hw.camera import (
    Decoded,
    ImageError,
    RepeatFilter,
    SimulatedScanner,
    ZbarDecoder,
    decode_text,
)
from kiosk.hw.health import DeviceHealth

PHOTOS = Path(__file__).parents[1] / "data" / "barcodes"
EAN_PHOTOS = sorted(PHOTOS.glob("ean13-2/*.png")) + sorted(PHOTOS.glob("ean8-1/*.png"))


def expected(photo: Path) -> str:
    return photo.with_suffix(".txt").read_bytes().decode("utf-8")


@pytest.fixture
def events() -> queue.Queue[object]:
    return queue.Queue()


@pytest.fixture
def scanner(events: queue.Queue[object]) -> SimulatedScanner:
    sim = SimulatedScanner(PHOTOS)
    sim.start(events.put)
    return sim


def posted_codes(events: queue.Queue[object]) -> list[Decoded]:
    found = []
    while not events.empty():
        event = events.get_nowait()
        if isinstance(event, Decoded):
            found.append(event)
    return found


def test_zbar_library_is_installed() -> None:
    """The tests (and the kiosk) need the Debian package libzbar0."""
    problem = ZbarDecoder().problem()
    assert problem is None, f"apt-get install libzbar0: {problem}"


def test_simulator_reports_itself_simulated_with_its_photos(
        scanner: SimulatedScanner, events: queue.Queue[object]) -> None:
    health = events.get_nowait()
    assert isinstance(health, DeviceHealth)
    assert (health.device, health.ok, health.simulated) == ("camera", True, True)
    assert f"{len(scanner.image_paths())} photos" in health.detail
    assert len(scanner.image_paths()) >= len(EAN_PHOTOS) > 0


@pytest.mark.parametrize("photo", EAN_PHOTOS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_photo_decodes_to_the_text_beside_it(scanner: SimulatedScanner,
                                               events: queue.Queue[object],
                                               photo: Path) -> None:
    codes = scanner.scan_image(photo)
    assert expected(photo) in [code.text for code in codes]
    assert posted_codes(events) == codes
    symbology = "ean13" if photo.parent.name.startswith("ean13") else "ean8"
    assert {code.symbology for code in codes} == {symbology}


def test_gs1_databar_expanded_photo_gives_the_element_string(scanner: SimulatedScanner) -> None:
    codes = scanner.scan_image(PHOTOS / "rssexpanded-1" / "13.png")
    # The .txt is the parenthesised form of the element string zbar returns unbracketed.
    assert codes == [Decoded("01900123456789083922795", "databar-expanded")]
    assert expected(PHOTOS / "rssexpanded-1" / "13.png") == "(01)90012345678908(3922)795"


def test_scanning_the_same_photo_twice_posts_twice(scanner: SimulatedScanner,
                                                   events: queue.Queue[object]) -> None:
    photo = PHOTOS / "ean8-1" / "1.png"
    scanner.scan_image(photo)
    scanner.scan_image(photo)
    assert [c.text for c in posted_codes(events)] == ["48512343", "48512343"]


def test_scan_next_goes_through_the_photos_in_order(scanner: SimulatedScanner) -> None:
    first, second = scanner.image_paths()[:2]
    assert [c.text for c in scanner.scan_next()] == [c.text for c in scanner.scan_image(first)]
    assert expected(second) in [c.text for c in scanner.scan_next()]


def test_scan_text_posts_the_code_as_given(scanner: SimulatedScanner,
                                           events: queue.Queue[object]) -> None:
    scanner.scan_text("3760000000112", "ean13")
    assert posted_codes(events) == [Decoded("3760000000112", "ean13")]


def test_unreadable_photo_is_a_typed_error(scanner: SimulatedScanner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")
    with pytest.raises(ImageError, match=r"broken\.png cannot be read"):
        scanner.scan_image(broken)


def test_missing_image_folder_is_a_health_failure_but_text_still_scans(
        tmp_path: Path, events: queue.Queue[object]) -> None:
    sim = SimulatedScanner(tmp_path / "nowhere")
    sim.start(events.put)
    assert not sim.health().ok
    assert "nowhere does not exist" in sim.health().detail
    sim.scan_text("12345670", "ean8")
    assert posted_codes(events) == [Decoded("12345670", "ean8")]


def test_a_single_photo_can_stand_for_the_camera(events: queue.Queue[object]) -> None:
    photo = PHOTOS / "ean8-1" / "3.png"
    sim = SimulatedScanner(photo)
    sim.start(events.put)
    assert sim.image_paths() == [photo]
    assert [c.text for c in sim.scan_next()] == ["12345670"]


def qr_frame(payload: bytes) -> np.ndarray:
    code = qrcode.QRCode(border=4, box_size=4)
    code.add_data(payload)
    code.make()
    return np.array(code.make_image().convert("L"), dtype=np.uint8)


@pytest.mark.parametrize(("text", "encoding"), [("Crème brûlée 3,50", "latin-1"),
                                                ("モバイル 日本", "shift_jis")])
def test_qr_text_keeps_its_characters(text: str, encoding: str) -> None:
    """zbar converts Latin-1 and Shift-JIS QR payloads to UTF-8, which we keep as is."""
    assert ZbarDecoder().decode(qr_frame(text.encode(encoding))) == [Decoded(text, "qrcode")]


@pytest.mark.parametrize(("raw", "text"), [
    ("Grüße €".encode(), "Grüße €"),
    ("モバイル".encode("shift_jis"), "モバイル"),
    (b"caf\xe9 \xff", "café ÿ"),
])
def test_symbol_bytes_are_utf8_then_shift_jis_then_latin1(raw: bytes, text: str) -> None:
    assert decode_text(raw) == text


def test_a_code_held_in_view_is_one_scan_until_it_leaves() -> None:
    now = [0.0]
    repeat = RepeatFilter(hold_s=1.0, clock=lambda: now[0])
    code = Decoded("48512343", "ean8")
    assert repeat.accept([code]) == [code]
    for step in range(1, 20):  # held in view at 15 fps for over a second
        now[0] = step / 15
        assert repeat.accept([code]) == []
    now[0] += 1.5  # taken away, then shown again
    assert repeat.accept([]) == []
    assert repeat.accept([code]) == [code]
