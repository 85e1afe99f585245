"""The Concert simulator's own codec against the golden vectors, and its parser's properties."""

from __future__ import annotations

import pytest
import terminal_vectors as tv
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.hw.termsim.concert_wire import (
    LONG_ANSWER_LENGTH,
    REQUEST_LENGTH,
    SHORT_ANSWER_LENGTH,
    ConcertAnswer,
    ConcertCodingError,
    ConcertMessage,
    ConcertReader,
    Control,
    MessageRejected,
    encode_answer,
    encode_message,
    encode_request,
    lrc,
    parse_answer,
    parse_request,
)

ANSWERS = frozenset({SHORT_ANSWER_LENGTH, LONG_ANSWER_LENGTH})


@pytest.mark.parametrize("vector", tv.CONCERT_VECTORS, ids=lambda v: v.name)
def test_every_golden_text_frames_to_the_golden_bytes(vector: tv.ConcertVector) -> None:
    assert encode_message(vector.text) == vector.frame


@pytest.mark.parametrize("vector", tv.CONCERT_VECTORS, ids=lambda v: v.name)
def test_every_golden_frame_parses_back_by_length(vector: tv.ConcertVector) -> None:
    reader = ConcertReader(frozenset({REQUEST_LENGTH}) | ANSWERS)
    assert reader.feed(vector.frame) == [ConcertMessage(vector.text)]


def test_lrc_equal_to_stx_or_etx_does_not_confuse_the_framing() -> None:
    assert tv.CONCERT_REQUEST_12_34_FRAME[-1] == 0x02  # the issue's own request
    assert tv.CONCERT_REQUEST_0_05_FRAME[-1] == 0x03
    stream = tv.CONCERT_REQUEST_12_34_FRAME + tv.CONCERT_REQUEST_0_05_FRAME + b"\x04"
    assert ConcertReader().feed(stream) == [ConcertMessage(tv.CONCERT_REQUEST_12_34_TEXT),
                                            ConcertMessage(tv.CONCERT_REQUEST_0_05_TEXT),
                                            Control(0x04)]


def test_request_fields_both_directions() -> None:
    request = parse_request(tv.CONCERT_REQUEST_12_34_TEXT)
    assert (request.pos, request.amount_minor, request.answer_flag, request.mode, request.type,
            request.currency, request.private, request.delay, request.authorisation) == (
        "01", 1234, "0", "1", "0", 978, " " * 10, "A010", "B010")
    assert encode_request(request) == tv.CONCERT_REQUEST_12_34_TEXT
    assert parse_request(tv.CONCERT_REQUEST_12_34_LONG_TEXT).long_answer
    assert parse_request(tv.CONCERT_REQUEST_12_34_IMMEDIATE_TEXT).immediate


@pytest.mark.parametrize(("answer", "golden"), [
    (ConcertAnswer("01", "0", 1234, "1", 978, " " * 10), tv.CONCERT_ANSWER_SHORT_APPROVED_TEXT),
    (ConcertAnswer("01", "7", 1234, "1", 978, " " * 10), tv.CONCERT_ANSWER_SHORT_DECLINED_TEXT),
    (ConcertAnswer("01", "0", 1234, "1", 978, " " * 10, "497010******0119"),
     tv.CONCERT_ANSWER_LONG_APPROVED_TEXT),
], ids=["short", "declined", "long"])
def test_answers_are_the_golden_text_both_directions(answer: ConcertAnswer,
                                                     golden: str) -> None:
    assert encode_answer(answer) == golden
    parsed = parse_answer(golden)
    assert parsed == (answer if answer.card_data is None else
                      ConcertAnswer(**{**_fields(answer), "card_data": tv.CONCERT_CARD_DATA}))


def _fields(answer: ConcertAnswer) -> dict[str, object]:
    return {name: getattr(answer, name) for name in answer.__slots__}


@pytest.mark.parametrize(("text", "what"), [
    ("01000012340109780000000000A012B010", "delay"),
    ("0100001234210978          A010B010", "answer flag"),
    ("01000012X4010978          A010B010", "amount"),
    ("0100001234010978          A010B010X", "length"),
])
def test_malformed_requests_are_typed_rejections(text: str, what: str) -> None:
    with pytest.raises(ConcertCodingError) as caught:
        parse_request(text)
    assert "is not a Concert V2 request" in caught.value.message, what


def test_broken_messages_are_rejected_and_the_control_byte_still_counts() -> None:
    reader = ConcertReader()
    bad_lrc = tv.CONCERT_REQUEST_12_34_FRAME[:-1] + b"\x7f"
    events = reader.feed(bad_lrc + b"\x02012\x05" + b"\x02" + b"9" * 40)
    assert events == [MessageRejected("the LRC does not match"),
                      MessageRejected("byte 05 inside a message"), Control(0x05),
                      MessageRejected("a message longer than 34 characters")]


# --- properties ---------------------------------------------------------------------------------
TEXTS = st.sampled_from([v.text for v in tv.CONCERT_VECTORS if len(v.text) == REQUEST_LENGTH])
CONTROLS = st.sampled_from([b"\x05", b"\x06", b"\x15", b"\x04"])


@settings(max_examples=150, deadline=None)
@given(parts=st.lists(TEXTS.map(encode_message) | CONTROLS, min_size=1, max_size=8),
       data=st.data())
def test_any_split_of_the_stream_gives_the_same_events(parts: list[bytes],
                                                       data: st.DataObject) -> None:
    stream = b"".join(parts)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=12)))
    reader = ConcertReader()
    events: list[object] = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        events += reader.feed(stream[start:end])
    assert events == ConcertReader().feed(stream)
    assert len(events) == len(parts)


@settings(max_examples=300, deadline=None)
@given(noise=st.binary(max_size=200), text=TEXTS)
def test_garbage_never_raises_and_never_yields_a_message_with_a_bad_lrc(noise: bytes,
                                                                        text: str) -> None:
    stream = noise + encode_message(text) + noise[::-1]
    for event in ConcertReader(frozenset({REQUEST_LENGTH}) | ANSWERS).feed(stream):
        if isinstance(event, ConcertMessage):
            body = event.text.encode() + b"\x03"
            assert b"\x02" + body + bytes([lrc(body)]) in stream
