"""When the fallback runs: only where a code is likely, and not over and over in vain."""

from __future__ import annotations

from camera_photos import frame, gray, product_photos

from kiosk.hw.camera_sources import Presenter, empty_scene
from kiosk.hw.decode_gate import Backoff, has_edges
from kiosk.hw.decode_passes import to_gray
from kiosk.hw.decode_pipeline import DecodePipeline

FRAME_S = 1 / 32


def test_an_empty_scan_area_has_no_edges_and_every_photo_of_a_code_has() -> None:
    noisy = Presenter(empty_scene(640, 480), noise=3.0).read()
    assert not has_edges(to_gray(noisy))
    assert all(has_edges(gray(name)) for name in product_photos())


def test_after_a_fruitless_fallback_the_next_one_waits() -> None:
    backoff = Backoff(retry_s=0.5)
    assert backoff.worth_trying(0.0)
    backoff.fruitless(1.0)
    assert not backoff.worth_trying(1.25)
    assert backoff.worth_trying(1.5)
    backoff.fruitless(2.0)
    backoff.forget()  # a fallback found something: try again at once
    assert backoff.worth_trying(2.01)


def test_a_busy_scene_without_codes_gets_two_fallbacks_a_second() -> None:
    pipeline = DecodePipeline()
    carpet = Presenter(frame("falsepositives-2/25.png"))
    ran = [pipeline.decode(carpet.read(), n * FRAME_S).fallback for n in range(32)]
    assert [n for n, fallback in enumerate(ran) if fallback] == [0, 16]


def test_a_code_after_a_fruitless_fallback_is_read_at_once() -> None:
    pipeline = DecodePipeline()
    assert pipeline.decode(frame("falsepositives-2/25.png"), 0.0).fallback
    result = pipeline.decode(frame("ean8-1/1.png"), FRAME_S)  # the fast path reads it
    assert result.fallback  # and the fallback cross-checks it: no waiting
    assert [c.read.text for c in result.candidates] == ["48512343"]
