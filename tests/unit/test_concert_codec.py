"""Concert V2 framing and messages, byte for byte, and the parser under noise and any split."""

from __future__ import annotations

import pytest
import terminal_vectors as tv
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.events import PaymentOutcome
from kiosk.hw.concert import messages as cm
from kiosk.hw.concert.framing import (
    ACK,
    ENQ,
    EOT,
    ETX,
    STX,
    Control,
    Corrupt,
    Message,
    MessageParser,
    encode_message,
    lrc,
)

SHORT = frozenset({cm.SHORT_ANSWER})
LONG = frozenset({cm.LONG_ANSWER})
# The frames quoted in issue 5, independent of the vector file.
ISSUE_REQUEST = (bytes.fromhex("02 30 31 30 30 30 30 31 32 33 34 30 31 30 39 37 38") + b" " * 10
                 + bytes.fromhex("41 30 31 30 42 30 31 30 03 02"))
ISSUE_ANSWER = (bytes.fromhex("02 30 31 30 30 30 30 30 31 32 33 34 31 39 37 38") + b" " * 10
                + bytes.fromhex("03 31"))


def test_the_issue_frames_byte_for_byte() -> None:
    text = cm.request("01", 1234, 978, long_answer=False)
    assert encode_message(text) == ISSUE_REQUEST
    assert ISSUE_REQUEST[-1] == STX  # the LRC equals STX: framing must not search for it
    assert len(ISSUE_ANSWER) == 28
    assert MessageParser(SHORT).feed(ISSUE_ANSWER) == [Message(ISSUE_ANSWER[1:-2].decode())]


@pytest.mark.parametrize("vector", tv.CONCERT_VECTORS, ids=lambda v: v.name)
def test_golden_vectors_both_ways(vector: tv.ConcertVector) -> None:
    assert encode_message(vector.text) == vector.frame, vector.source
    parser = MessageParser(frozenset({len(vector.text)}))
    assert parser.feed(vector.frame) == [Message(vector.text)], vector.source


@pytest.mark.parametrize(("long_answer", "text"), [
    (False, tv.CONCERT_REQUEST_12_34_TEXT), (True, tv.CONCERT_REQUEST_12_34_LONG_TEXT)])
def test_requests_match_the_vectors(long_answer: bool, text: str) -> None:
    assert cm.request("01", 1234, 978, long_answer=long_answer) == text


def test_a_request_for_five_cents_ends_with_an_lrc_equal_to_etx() -> None:
    wire = encode_message(cm.request("01", 5, 978, long_answer=False))
    assert wire == tv.CONCERT_REQUEST_0_05_FRAME
    assert wire[-1] == ETX


def test_answers_short_and_long() -> None:
    short = cm.parse_answer(tv.CONCERT_ANSWER_SHORT_APPROVED_TEXT)
    assert short == cm.Answer("01", "0", 1234, 978)
    assert short.meaning(1234, 978) == (PaymentOutcome.APPROVED, "Approved.")
    long = cm.parse_answer(tv.CONCERT_ANSWER_LONG_APPROVED_TEXT)
    assert long.masked_pan == "497010******0119"
    declined = cm.parse_answer(tv.CONCERT_ANSWER_SHORT_DECLINED_TEXT)
    assert declined.meaning(1234, 978) == (
        PaymentOutcome.DECLINED,
        "The payment was refused or stopped on the card terminal. Nothing was charged.")


def test_a_full_card_number_in_the_long_answer_is_masked() -> None:
    text = tv.CONCERT_ANSWER_LONG_APPROVED_TEXT.replace("497010******0119", "4970101234560119")
    assert cm.parse_answer(text).masked_pan == "497010******0119"


def test_an_acceptance_of_another_amount_is_unknown() -> None:
    answer = cm.parse_answer(tv.CONCERT_ANSWER_SHORT_APPROVED_TEXT)
    outcome, detail = answer.meaning(999, 978)
    assert outcome is PaymentOutcome.UNKNOWN
    assert "accepted 1234 minor units" in detail


@pytest.mark.parametrize("text", ["", "01", tv.CONCERT_ANSWER_SHORT_APPROVED_TEXT[:-1],
                                  "0100000X234197" + " " * 11])
def test_unreadable_answers_are_typed_rejections(text: str) -> None:
    with pytest.raises(cm.ConcertError, match="answer cannot be read"):
        cm.parse_answer(text)


def test_requests_refuse_what_concert_cannot_carry() -> None:
    with pytest.raises(cm.ConcertError, match="1 to 99999999"):
        cm.request("01", 0, 978, long_answer=False)
    with pytest.raises(cm.ConcertError, match="not two digits"):
        cm.request("1", 100, 978, long_answer=False)


def test_controls_noise_and_a_bad_lrc() -> None:
    parser = MessageParser(SHORT)
    bad = ISSUE_ANSWER[:-1] + bytes([ISSUE_ANSWER[-1] ^ 0x40])
    events = parser.feed(bytes([ENQ]) + b"xy" + bad + bytes([ACK]) + ISSUE_ANSWER + bytes([EOT]))
    assert events == [Control(ENQ), Corrupt("LRC 71 does not match 31"), Control(ACK),
                      Message(ISSUE_ANSWER[1:-2].decode()), Control(EOT)]


def test_a_message_of_the_wrong_length_is_refused_and_its_lrc_skipped() -> None:
    events = MessageParser(LONG).feed(ISSUE_ANSWER + ISSUE_ANSWER)
    assert [type(e) for e in events] == [Corrupt, Corrupt]


def test_a_message_cut_by_an_enq_is_refused_and_the_enq_read() -> None:
    events = MessageParser(SHORT).feed(ISSUE_ANSWER[:10] + bytes([ENQ]))
    assert events == [Corrupt("byte 05 after 9 characters"), Control(ENQ)]


answers = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E),
                  min_size=cm.SHORT_ANSWER, max_size=cm.SHORT_ANSWER)


@settings(max_examples=120)
@given(st.lists(answers, min_size=1, max_size=4), st.data())
def test_any_split_of_the_stream_gives_the_same_messages(texts: list[str],
                                                         data: st.DataObject) -> None:
    stream = b"".join(bytes([ENQ]) + encode_message(t) + bytes([EOT]) for t in texts)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=8)))
    parser = MessageParser(SHORT)
    events = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        events += parser.feed(stream[start:end])
    assert [e for e in events if isinstance(e, Message)] == [Message(t) for t in texts]


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_garbage_never_raises_and_never_yields_a_message_with_a_bad_lrc(noise: bytes) -> None:
    for event in MessageParser(SHORT | LONG).feed(noise):
        if isinstance(event, Message):
            body = event.text.encode() + bytes([ETX])
            assert bytes([STX]) + body + bytes([lrc(body)]) in noise
