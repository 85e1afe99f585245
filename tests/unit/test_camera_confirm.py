"""Confirmation, cooldown and de-duplication, driven by sequences of frames.

Each step of a sequence is one decoded frame at 32 frames a second (a period exact in binary): the codes the decode
pipeline supported in it ("-" for none). What is checked is what the shopper gets: which
frame puts an item in the basket, and under which rule.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.hw.decode_consensus import Candidate
from kiosk.hw.decode_symbols import Read
from kiosk.hw.scan_confirm import BOTH_DECODERS, Confirmer

FRAME_S = 1 / 32
BOOK, GUM = "9780804816632", "12345670"


def candidate(text: str, decoders: tuple[str, ...] = ("zxing",)) -> Candidate:
    symbology = "ean13" if len(text) == 13 else "ean8"
    read = Read(text, symbology, decoders[0], "plain", 1.0, (0.0, 0.0, 10.0, 10.0), True)
    return Candidate(read, frozenset(decoders), len(decoders), read.box)


def run(confirmer: Confirmer, frames: list[list[Candidate]], start: float = 0.0,
        ) -> list[tuple[int, str, str]]:
    """(frame number, text, rule) of every scan the sequence produces."""
    scans = []
    for n, found in enumerate(frames):
        for scan in confirmer.feed(found, start + n * FRAME_S):
            scans.append((n, scan.candidate.read.text, scan.rule))
    return scans


def frames(pattern: str, code: str = BOOK) -> list[list[Candidate]]:
    """``"cc-c"``: the code in frames 0, 1 and 3, nothing in frame 2."""
    return [[candidate(code)] if step == "c" else [] for step in pattern]


def test_two_identical_frames_make_one_scan() -> None:
    assert run(Confirmer(frames=2), frames("cc")) == [(1, BOOK, "2 frames")]


def test_a_single_frame_is_not_enough() -> None:
    assert run(Confirmer(frames=2), frames("c-------")) == []


def test_both_decoders_in_one_frame_are_enough() -> None:
    both = [[candidate(BOOK, ("zbar", "zxing"))]]
    assert run(Confirmer(frames=2), both) == [(0, BOOK, BOTH_DECODERS)]


def test_a_code_held_in_view_is_one_item() -> None:
    assert run(Confirmer(frames=2), frames("c" * 90)) == [(1, BOOK, "2 frames")]


def test_a_code_missed_now_and_then_while_held_is_still_one_item() -> None:
    assert run(Confirmer(frames=2), frames("cc-c--cc-c" * 5)) == [(1, BOOK, "2 frames")]


def test_shown_again_after_the_cooldown_it_is_a_second_item() -> None:
    away = "-" * 33  # a second and a frame without it: the code has left the view
    scans = run(Confirmer(frames=2, cooldown_s=1.0), frames("ccc" + away + "cc"))
    assert scans == [(1, BOOK, "2 frames"), (37, BOOK, "2 frames")]


def test_shown_again_within_the_cooldown_it_is_the_same_item() -> None:
    away = "-" * 20
    assert run(Confirmer(frames=2, cooldown_s=1.0), frames("ccc" + away + "cc")) == [
        (1, BOOK, "2 frames")]


def test_absence_is_judged_on_frames_decoded_not_on_the_clock() -> None:
    """A decoder that falls 3 s behind on a loaded machine sees the code, then the code again:
    no frame showed it gone, so it is the same presentation."""
    confirmer = Confirmer(frames=2, cooldown_s=1.0)
    assert [s.rule for s in confirmer.feed([candidate(BOOK)], 0.0)] == []
    assert [s.rule for s in confirmer.feed([candidate(BOOK)], 3.0)] == ["2 frames"]
    assert confirmer.feed([candidate(BOOK)], 6.0) == []
    assert confirmer.feed([], 6.1) == []  # first frame without it
    assert confirmer.feed([], 7.2) == []  # still gone a cooldown later: it left the view
    assert confirmer.in_view() == set()
    assert [s.rule for s in confirmer.feed([candidate(BOOK, ("zbar", "zxing"))], 7.3)] == [
        BOTH_DECODERS]


def test_two_codes_in_view_are_two_items_each_once() -> None:
    both = [[candidate(BOOK), candidate(GUM)]] * 10
    assert run(Confirmer(frames=2), both) == [(1, BOOK, "2 frames"), (1, GUM, "2 frames")]


def test_two_packs_of_one_product_in_one_frame_count_once() -> None:
    twice = [[candidate(GUM), candidate(GUM)]] * 3
    assert run(Confirmer(frames=2), twice) == [(1, GUM, "2 frames")]


def test_a_misread_between_good_reads_is_never_a_scan() -> None:
    noisy = [[candidate(BOOK)], [candidate("9780804816639")], [candidate(BOOK)]]
    assert run(Confirmer(frames=2), noisy) == [(2, BOOK, "2 frames")]


@pytest.mark.parametrize(("needed", "scan_at"), [(1, 0), (3, 2), (5, 4)])
def test_the_number_of_frames_comes_from_the_configuration(needed: int, scan_at: int) -> None:
    rule = "1 frame" if needed == 1 else f"{needed} frames"
    assert run(Confirmer(frames=needed), frames("c" * 8)) == [(scan_at, BOOK, rule)]


def test_a_nonsense_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="frames >= 1"):
        Confirmer(frames=0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.booleans(), max_size=200))
def test_never_more_scans_than_presentations(seen: list[bool]) -> None:
    """However a code comes and goes, each presentation (separated by at least a cooldown of
    frames without it) gives at most one scan, and a code seen in 2 frames of one gives one."""
    cooldown_frames = 32
    confirmer = Confirmer(frames=2, cooldown_s=cooldown_frames * FRAME_S)
    scans = run(confirmer, [[candidate(BOOK)] if s else [] for s in seen])
    presentations, gap, sightings, expected = 0, cooldown_frames + 1, 0, 0
    for s in seen:
        if s:
            if gap > cooldown_frames:
                presentations += 1
                sightings = 0
            sightings += 1
            expected += sightings == 2
            gap = 0
        else:
            gap += 1
    assert len(scans) == expected <= presentations
