"""ZVT serial framing, byte for byte: the golden vectors both ways, and the parser under noise.

The vectors (tests/unit/terminal_vectors.py) are written by the simulator's side from the
specification; the kiosk's codec must produce and read exactly those bytes.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from terminal_vectors import (
    ZVT_AUTHORISATION_1_53_EMPTY_TLV_APDU,
    ZVT_AUTHORISATION_1_53_EMPTY_TLV_FRAME,
    ZVT_AUTHORISATION_1_53_EMPTY_TLV_FRAME_CRC_DOUBLED,
    ZVT_VECTORS,
    ZvtVector,
)

from kiosk.hw.zvt.apdu import Apdu, ApduError, decode_apdu
from kiosk.hw.zvt.framing import (
    ACK,
    DLE,
    NAK,
    Control,
    Corrupt,
    Frame,
    FrameParser,
    crc16_kermit,
    encode_frame,
    frame_crc,
)

# The two frames quoted in issue 5, independent of the vector file.
ISSUE_AUTHORISATION = bytes.fromhex("10 02 06 01 0A 04 00 00 00 00 12 34 49 09 78 10 03 B0 91")
ISSUE_REGISTRATION = bytes.fromhex("10 02 06 00 06 00 00 00 BA 09 78 10 03 D0 D8")


def frames(data: bytes, parser: FrameParser | None = None) -> list[object]:
    return (parser or FrameParser()).feed(data)


def test_crc16_kermit_check_value() -> None:
    assert crc16_kermit(b"123456789") == 0x2189  # the catalogue's check value for KERMIT


def test_the_issue_frames_byte_for_byte() -> None:
    assert encode_frame(bytes.fromhex("06 01 0A 04 00 00 00 00 12 34 49 09 78")) == \
        ISSUE_AUTHORISATION
    assert encode_frame(bytes.fromhex("06 00 06 00 00 00 BA 09 78")) == ISSUE_REGISTRATION
    assert frames(ISSUE_AUTHORISATION) == [Frame(ISSUE_AUTHORISATION[2:-4])]


@pytest.mark.parametrize("vector", ZVT_VECTORS, ids=lambda v: v.name)
def test_golden_vectors_both_ways(vector: ZvtVector) -> None:
    assert encode_frame(vector.apdu) == vector.frame, vector.source
    assert frames(vector.frame) == [Frame(vector.apdu)], vector.source
    apdu = decode_apdu(vector.apdu)
    assert apdu.encode() == vector.apdu


def test_a_crc_holding_dle_is_sent_undoubled_and_read_either_way() -> None:
    assert frame_crc(ZVT_AUTHORISATION_1_53_EMPTY_TLV_APDU) == bytes([DLE, 0x08])
    assert encode_frame(ZVT_AUTHORISATION_1_53_EMPTY_TLV_APDU) == \
        ZVT_AUTHORISATION_1_53_EMPTY_TLV_FRAME
    for wire in (ZVT_AUTHORISATION_1_53_EMPTY_TLV_FRAME,
                 ZVT_AUTHORISATION_1_53_EMPTY_TLV_FRAME_CRC_DOUBLED):
        assert frames(wire) == [Frame(ZVT_AUTHORISATION_1_53_EMPTY_TLV_APDU)]


@pytest.mark.parametrize(("amount", "crc"), [(228, "70 10"), (230, "10 FE"), (1000, "27 60")])
def test_amounts_whose_bytes_or_crc_hold_dle(amount: int, crc: str) -> None:
    apdu = Apdu(0x06, 0x01, b"\x04" + bytes.fromhex(f"{amount:012d}") + b"\x49\x09\x78").encode()
    wire = encode_frame(apdu)
    assert wire[-2:] == bytes.fromhex(crc)
    assert frames(wire) == [Frame(apdu)]
    assert FrameParser().feed(wire + wire) == [Frame(apdu), Frame(apdu)]


def test_ack_nak_between_frames_and_noise_is_counted() -> None:
    parser = FrameParser()
    events = parser.feed(b"\x06zz" + ISSUE_REGISTRATION + b"\x15")
    assert events == [Control(ACK), Frame(ISSUE_REGISTRATION[2:-4]), Control(NAK)]
    assert parser.noise == 2


def test_a_bad_crc_is_corrupt_and_the_next_frame_still_reads() -> None:
    bad = ISSUE_AUTHORISATION[:-1] + bytes([ISSUE_AUTHORISATION[-1] ^ 0x01])
    events = frames(bad + ISSUE_REGISTRATION)
    assert isinstance(events[0], Corrupt)
    assert events[0].reason == "CRC B0 90 does not match B0 91"
    assert events[1:] == [Frame(ISSUE_REGISTRATION[2:-4])]


def test_a_frame_cut_by_a_new_start_is_reported_and_the_new_one_read() -> None:
    events = frames(ISSUE_AUTHORISATION[:8] + ISSUE_REGISTRATION)
    assert events == [Corrupt("a frame cut short after 6 bytes"),
                      Frame(ISSUE_REGISTRATION[2:-4])]


@pytest.mark.parametrize("raw", [b"", b"\x06\x01", b"\x06\x01\x05\x00", b"\x06\x01\xff\x01"])
def test_malformed_apdus_are_typed_rejections(raw: bytes) -> None:
    with pytest.raises(ApduError):
        decode_apdu(raw)


def test_extended_length_apdu_round_trip() -> None:
    apdu = Apdu(0x06, 0xD3, bytes(300))
    assert apdu.encode()[2:5] == b"\xff\x2c\x01"
    assert decode_apdu(apdu.encode()) == apdu


apdus = st.builds(lambda c, i, d: Apdu(c, i, d).encode(), st.integers(0, 255),
                  st.integers(0, 255), st.binary(max_size=300))


@settings(max_examples=100)
@given(st.lists(apdus, min_size=1, max_size=4), st.data())
def test_any_split_of_the_stream_gives_the_same_frames(payloads: list[bytes],
                                                       data: st.DataObject) -> None:
    stream = b"".join(encode_frame(p) for p in payloads)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=8)))
    parser = FrameParser()
    events = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        events += parser.feed(stream[start:end])
    assert events == [Frame(p) for p in payloads]


@settings(max_examples=150)
@given(st.binary(max_size=400))
def test_garbage_never_raises_and_never_yields_a_frame_with_a_bad_crc(noise: bytes) -> None:
    for event in FrameParser().feed(noise):
        if isinstance(event, Frame):  # only when the noise holds the frame with its right CRC
            wire = encode_frame(event.apdu)
            doubled = wire[:-2] + wire[-2:].replace(bytes([DLE]), bytes([DLE, DLE]))
            assert wire in noise or doubled in noise


@settings(max_examples=100)
@given(st.binary(max_size=60), apdus, st.binary(max_size=60))
def test_a_frame_inside_noise_is_found(before: bytes, apdu: bytes, after: bytes) -> None:
    clean = bytes(b for b in before if b not in (DLE, ACK, NAK))
    events = FrameParser().feed(clean + encode_frame(apdu) + after)
    assert events[0] == Frame(apdu)


@settings(max_examples=120)
@given(apdus, st.integers(min_value=0), st.integers(1, 255))
def test_a_corrupted_frame_is_never_delivered(apdu: bytes, where: int, flip: int) -> None:
    wire = bytearray(encode_frame(apdu))
    index = 2 + where % (len(wire) - 2)  # anywhere after DLE STX
    wire[index] ^= flip
    assert Frame(apdu) not in FrameParser().feed(bytes(wire))
