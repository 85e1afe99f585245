"""The ZVT simulator's own codecs against the golden vectors, and its frame parser's properties."""

from __future__ import annotations

import pytest
import terminal_vectors as tv
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.hw.termsim.zvt_apdu import (
    ZvtCodingError,
    decode_apdu,
    encode_apdu,
    iter_tlv,
    masked_pan_encode,
    parse_bmps,
)
from kiosk.hw.termsim.zvt_messages import (
    RESULT_ABORTED,
    RESULT_DECLINED,
    RESULT_RECEIVER_NOT_READY,
    STATUS_INSERT_CARD,
    STATUS_PLEASE_WAIT,
    STATUS_REMOVE_CARD,
    TransactionResult,
    abort,
    completion,
    intermediate_status,
    negative_ack,
    positive_ack,
    print_line,
    print_text_block,
    read_authorisation,
    read_refund,
    read_registration,
    read_reversal,
    registration_completion,
    status_enquiry_completion,
    status_information,
)
from kiosk.hw.termsim.zvt_wire import (
    FrameRejected,
    LinkAck,
    LinkNak,
    ZvtFrame,
    ZvtFrameReader,
    encode_frame,
    frame_crc,
)

APPROVED = TransactionResult(
    result_code=0, amount_minor=1234, currency=978, trace_no=17, time_hhmmss="143005",
    date_mmdd="0615", masked_pan="497010******0119", terminal_id="12345678", card_type_id=0x0A,
    card_name="VISA", expiry_yymm="2512", card_seq_no=1, payment_type=0x60, auth_code="123456",
    receipt_no=17)
DECLINED = TransactionResult(
    result_code=RESULT_DECLINED, amount_minor=1234, currency=978, trace_no=18,
    time_hhmmss="143105", date_mmdd="0615", masked_pan="497010******0119",
    terminal_id="12345678", card_type_id=0x0A, card_name="VISA")


def frames_of(data: bytes, reader: ZvtFrameReader | None = None) -> list[object]:
    return (reader or ZvtFrameReader()).feed(data)


@pytest.mark.parametrize("vector", tv.ZVT_VECTORS, ids=lambda v: v.name)
def test_every_golden_apdu_frames_to_the_golden_bytes(vector: tv.ZvtVector) -> None:
    assert encode_frame(vector.apdu) == vector.frame


@pytest.mark.parametrize("vector", tv.ZVT_VECTORS, ids=lambda v: v.name)
def test_every_golden_frame_parses_back_to_its_apdu(vector: tv.ZvtVector) -> None:
    assert frames_of(vector.frame) == [ZvtFrame(vector.apdu)]
    assert decode_apdu(vector.apdu).data == vector.apdu[3:]


def test_crc_bytes_are_accepted_doubled_or_not_and_sent_undoubled() -> None:
    assert frame_crc(tv.ZVT_AUTHORISATION_1_53_EMPTY_TLV_APDU) == b"\x10\x08"
    for frame in (tv.ZVT_AUTHORISATION_1_53_EMPTY_TLV_FRAME,
                  tv.ZVT_AUTHORISATION_1_53_EMPTY_TLV_FRAME_CRC_DOUBLED):
        assert frames_of(frame) == [ZvtFrame(tv.ZVT_AUTHORISATION_1_53_EMPTY_TLV_APDU)]
    assert encode_frame(tv.ZVT_AUTHORISATION_1_53_EMPTY_TLV_APDU).endswith(b"\x10\x03\x10\x08")


def test_a_wrong_crc_is_rejected_and_the_next_frame_still_read() -> None:
    broken = tv.ZVT_ACK_FRAME[:-1] + b"\x00"
    events = frames_of(broken + b"\x06" + tv.ZVT_COMPLETION_FRAME + b"\x15")
    assert events == [FrameRejected("the checksum does not match (bad CRC)"), LinkAck(),
                      ZvtFrame(tv.ZVT_COMPLETION_APDU), LinkNak()]
    assert frames_of(encode_frame(b"\x80\x00\x00", corrupt_crc=True))[0] == FrameRejected(
        "the checksum does not match (bad CRC)")


def test_a_pause_inside_a_frame_drops_the_half_frame() -> None:
    reader = ZvtFrameReader()
    assert reader.feed(tv.ZVT_COMPLETION_FRAME[:4]) == []
    assert reader.in_frame
    reader.reset()
    assert reader.feed(tv.ZVT_ACK_FRAME) == [ZvtFrame(tv.ZVT_ACK_APDU)]


# --- the terminal's messages, byte for byte ----------------------------------------------------
@pytest.mark.parametrize(("built", "golden"), [
    (positive_ack(), tv.ZVT_ACK_APDU),
    (negative_ack(RESULT_RECEIVER_NOT_READY), tv.ZVT_NEGATIVE_ACK_BUSY_APDU),
    (intermediate_status(STATUS_INSERT_CARD), tv.ZVT_INTERMEDIATE_INSERT_CARD_APDU),
    (intermediate_status(STATUS_PLEASE_WAIT), tv.ZVT_INTERMEDIATE_PLEASE_WAIT_APDU),
    (intermediate_status(STATUS_REMOVE_CARD), tv.ZVT_INTERMEDIATE_REMOVE_CARD_APDU),
    (status_information(APPROVED), tv.ZVT_STATUS_INFORMATION_APPROVED_12_34_APDU),
    (status_information(DECLINED), tv.ZVT_STATUS_INFORMATION_DECLINED_12_34_APDU),
    (completion(), tv.ZVT_COMPLETION_APDU),
    (registration_completion("12345678", 978), tv.ZVT_COMPLETION_REGISTRATION_APDU),
    (registration_completion("12345678", None), tv.ZVT_COMPLETION_REGISTRATION_NO_CURRENCY_APDU),
    (status_enquiry_completion(tv.ZVT_STATUS_ENQUIRY_SOFTWARE_VERSION),
     tv.ZVT_COMPLETION_STATUS_ENQUIRY_APDU),
    (abort(RESULT_ABORTED), tv.ZVT_ABORT_CANCELLED_APDU),
    (abort(RESULT_DECLINED), tv.ZVT_ABORT_DECLINED_APDU),
    (print_line("CARD PAYMENT"), tv.ZVT_PRINT_LINE_APDU),
    (print_text_block(tv.ZVT_PRINT_TEXT_BLOCK_LINES), tv.ZVT_PRINT_TEXT_BLOCK_APDU),
], ids=["ack", "busy", "insert-card", "please-wait", "remove-card", "04-0f-approved",
        "04-0f-declined", "06-0f", "06-0f-registration", "06-0f-registration-no-cc",
        "06-0f-status-enquiry", "06-1e-6c", "06-1e-05", "06-d1", "06-d3"])
def test_terminal_messages_are_the_golden_apdus(built: bytes, golden: bytes) -> None:
    assert built == golden


def test_status_information_fields_read_back_in_any_order() -> None:
    bmps = parse_bmps(decode_apdu(tv.ZVT_STATUS_INFORMATION_APPROVED_12_34_APDU).data)
    assert bmps[0x27] == b"\x00"
    assert bmps[0x04].hex() == "000000001234"
    assert bmps[0x22] == masked_pan_encode(tv.ZVT_APPROVED_MASKED_PAN)
    assert bmps[0x3B].rstrip(b"\x00").decode() == tv.ZVT_APPROVED_AUTH_CODE
    assert bmps[0x8B] == b"VISA\x00"
    assert bmps[0x29].hex() == tv.ZVT_APPROVED_TERMINAL_ID


# --- the cash register's commands, as deployed registers send them -----------------------------
def test_registration_with_and_without_currency_and_any_password() -> None:
    full = read_registration(decode_apdu(tv.ZVT_REGISTRATION_APDU))
    assert (full.password, full.config_byte, full.currency) == ("000000", 0xBA, 978)
    bare = read_registration(decode_apdu(tv.ZVT_REGISTRATION_NO_CURRENCY_APDU))
    assert (bare.password, bare.currency, bare.service_byte) == ("000000", None, None)
    other = read_registration(decode_apdu(tv.ZVT_REGISTRATION_PASSWORD_123456_APDU))
    assert other.password == "123456"


def test_registration_with_a_currency_that_looks_like_bmp_03() -> None:
    """HUF is 348: BCD 03 48, the same first byte as the service-byte BMP."""
    registration = read_registration(decode_apdu(bytes.fromhex("06 00 06 00 00 00 BA 03 48")))
    assert registration.currency == 348
    with_service = read_registration(decode_apdu(bytes.fromhex(
        "06 00 08 00 00 00 BA 03 48 03 02")))
    assert (with_service.currency, with_service.service_byte) == (348, 0x02)


@pytest.mark.parametrize("apdu", [
    tv.ZVT_AUTHORISATION_12_34_APDU, tv.ZVT_AUTHORISATION_12_34_REORDERED_APDU,
], ids=["in-order", "reordered"])
def test_authorisation_reads_bmps_in_any_order(apdu: bytes) -> None:
    command = read_authorisation(decode_apdu(apdu))
    assert (command.amount_minor, command.currency) == (1234, 978)


def test_authorisation_with_an_empty_tlv_container_at_the_end() -> None:
    command = read_authorisation(decode_apdu(tv.ZVT_AUTHORISATION_1_53_EMPTY_TLV_APDU))
    assert (command.amount_minor, command.currency) == (153, 978)


def test_reversal_and_refund_read_password_and_fields() -> None:
    reversal = read_reversal(decode_apdu(tv.ZVT_REVERSAL_RECEIPT_17_APDU))
    assert (reversal.password, reversal.receipt_no) == ("000000", 17)
    refund = read_refund(decode_apdu(tv.ZVT_REFUND_12_34_APDU))
    assert (refund.password, refund.amount_minor, refund.currency) == ("000000", 1234, None)


@pytest.mark.parametrize(("raw", "message"), [
    (b"\x06\x01", "an APDU of 2 bytes, because an APDU has at least 3 bytes."),
    (bytes.fromhex("06 01 05 04 00 00"), "an APDU announcing 5 data bytes carries 3, because "
     "the length byte must match the data."),
    (bytes.fromhex("06 01 03 49 09 78"), "a payment without an amount (BMP 04), because the "
     "amount is mandatory."),
    (bytes.fromhex("06 01 02 FE 00"), "unknown BMP FE at byte 0, because its length cannot be "
     "known, so nothing after it can be read."),
    (bytes.fromhex("06 01 04 22 F1 00 11"), "length bytes 'F1 00', because a variable field's "
     "length is F0-F9 per digit."),
    (bytes.fromhex("06 01 07 04 00 00 00 0A 00 00"), "BCD field 0000000A0000 holds a non-digit, "
     "because BCD is 0-9 only."),
])
def test_malformed_commands_are_typed_rejections_with_a_reason(raw: bytes, message: str) -> None:
    with pytest.raises(ZvtCodingError) as caught:
        read_authorisation(decode_apdu(raw))
    assert caught.value.message == message


def test_extended_length_and_multi_byte_tlv_tags() -> None:
    data = bytes(300)
    apdu = encode_apdu(0x06, 0xD3, data)
    assert apdu[:5] == bytes.fromhex("06 D3 FF 2C 01")
    assert decode_apdu(apdu).data == data
    tlv = bytes.fromhex("1F 07 01 02 25 81 03 07 01 41")
    assert list(iter_tlv(tlv)) == [(0x1F07, b"\x02"), (0x25, bytes.fromhex("07 01 41"))]


# --- properties of the incremental parser ------------------------------------------------------
APDUS = st.sampled_from([v.apdu for v in tv.ZVT_VECTORS]) | st.binary(min_size=3, max_size=40)


@settings(max_examples=150, deadline=None)
@given(apdus=st.lists(APDUS, min_size=1, max_size=6), data=st.data())
def test_any_split_of_the_stream_gives_the_same_frames(apdus: list[bytes],
                                                       data: st.DataObject) -> None:
    stream = b"".join(encode_frame(a) + b"\x06" for a in apdus)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=12)))
    reader = ZvtFrameReader()
    events: list[object] = []
    for start, end in zip([0, *cuts], [*cuts, len(stream)], strict=True):
        events += reader.feed(stream[start:end])
    assert events == frames_of(stream)
    assert [e.apdu for e in events if isinstance(e, ZvtFrame)] == apdus


@settings(max_examples=300, deadline=None)
@given(noise=st.binary(max_size=200), apdu=APDUS)
def test_garbage_never_raises_and_never_yields_a_frame_with_a_bad_crc(noise: bytes,
                                                                      apdu: bytes) -> None:
    stream = noise + encode_frame(apdu) + noise[::-1]
    for event in frames_of(stream):
        if isinstance(event, ZvtFrame):
            # a frame is only ever reported when its CRC is on the wire right after it
            good = encode_frame(event.apdu)
            doubled = good[:-2] + good[-2:].replace(b"\x10", b"\x10\x10")
            assert good in stream or doubled in stream


@settings(max_examples=150, deadline=None)
@given(noise=st.binary(max_size=64).filter(lambda b: b"\x10" not in b))
def test_noise_without_dle_before_a_frame_never_hides_it(noise: bytes) -> None:
    frames = [e for e in frames_of(noise + tv.ZVT_STATUS_INFORMATION_APPROVED_12_34_FRAME)
              if isinstance(e, ZvtFrame)]
    assert frames == [ZvtFrame(tv.ZVT_STATUS_INFORMATION_APPROVED_12_34_APDU)]
