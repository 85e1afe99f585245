"""ZVT messages: what the kiosk sends, byte for byte, and what it reads from the terminal."""

from __future__ import annotations

import pytest
import terminal_vectors as tv
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.events import PaymentOutcome
from kiosk.hw.zvt import messages as msg
from kiosk.hw.zvt.apdu import Apdu, ApduError, decode_apdu
from kiosk.hw.zvt.bmp import BmpError, decode_bmps, encode_var, masked_pan
from kiosk.hw.zvt.codes import intermediate_key, result_meaning
from kiosk.hw.zvt.tlv import decode_tlv, encode_tlv


def parse(raw: bytes, **options: bool) -> msg.Message:
    return msg.parse_message(decode_apdu(raw), **options)


@pytest.mark.parametrize(("built", "vector"), [
    (msg.registration("000000", 978), tv.ZVT_REGISTRATION_APDU),
    (msg.registration("000000", None), tv.ZVT_REGISTRATION_NO_CURRENCY_APDU),
    (msg.registration("123456", 978), tv.ZVT_REGISTRATION_PASSWORD_123456_APDU),
    (msg.authorisation(1234, 978), tv.ZVT_AUTHORISATION_12_34_APDU),
    (msg.authorisation(1000, 978), tv.ZVT_AUTHORISATION_10_00_APDU),
    (msg.reversal("000000", 17), tv.ZVT_REVERSAL_RECEIPT_17_APDU),
    (msg.status_enquiry("000000"), tv.ZVT_STATUS_ENQUIRY_APDU),
    (msg.repeat_receipt("000000"), tv.ZVT_REPEAT_RECEIPT_APDU),
    (msg.ecr_abort(), tv.ZVT_ECR_ABORT_APDU),
    (msg.ACK_APDU, tv.ZVT_ACK_APDU),
], ids=["registration", "registration-no-cc", "password", "auth-12.34", "auth-10.00",
        "reversal", "status-enquiry", "repeat-receipt", "ecr-abort", "ack"])
def test_commands_match_the_golden_vectors(built: Apdu, vector: bytes) -> None:
    assert built.encode() == vector


def test_refund_carries_password_amount_and_currency() -> None:
    # the vector's refund leaves the currency out; the kiosk always names its currency
    built = msg.refund("000000", 1234, 978).encode()
    assert built == tv.ZVT_REFUND_12_34_APDU[:2] + b"\x0d" + tv.ZVT_REFUND_12_34_APDU[3:] \
        + b"\x49\x09\x78"


def test_approved_status_information_reads_every_field() -> None:
    info = parse(tv.ZVT_STATUS_INFORMATION_APPROVED_12_34_APDU)
    assert isinstance(info, msg.StatusInfo)
    assert info.result_code == 0
    assert info.amount_minor == tv.ZVT_APPROVED_AMOUNT_MINOR
    assert info.currency == tv.ZVT_APPROVED_CURRENCY_NUMERIC
    assert int(info.trace_no) == tv.ZVT_APPROVED_TRACE_NUMBER
    assert int(info.receipt_no) == tv.ZVT_APPROVED_RECEIPT_NUMBER
    assert info.terminal_id == tv.ZVT_APPROVED_TERMINAL_ID
    assert info.masked_pan == tv.ZVT_APPROVED_MASKED_PAN
    assert info.card_type == tv.ZVT_APPROVED_CARD_NAME
    assert info.auth_code == tv.ZVT_APPROVED_AUTH_CODE
    assert (info.time, info.date) == (tv.ZVT_APPROVED_TIME, tv.ZVT_APPROVED_DATE)
    assert info.unread == ""


def test_declined_status_information_and_its_meaning() -> None:
    info = parse(tv.ZVT_STATUS_INFORMATION_DECLINED_12_34_APDU)
    assert isinstance(info, msg.StatusInfo)
    assert info.result_code == 0x05
    assert result_meaning(0x05)[1] == "The card was declined by the card issuer."


@pytest.mark.parametrize(("vector", "key"), [
    (tv.ZVT_INTERMEDIATE_INSERT_CARD_APDU, "insert-card"),
    (tv.ZVT_INTERMEDIATE_PLEASE_WAIT_APDU, "processing"),
    (tv.ZVT_INTERMEDIATE_REMOVE_CARD_APDU, "remove-card"),
])
def test_intermediate_status_becomes_a_screen_message(vector: bytes, key: str) -> None:
    status = parse(vector)
    assert isinstance(status, msg.Intermediate)
    assert intermediate_key(status.code) == key


def test_completions_after_payment_registration_and_status_enquiry() -> None:
    assert parse(tv.ZVT_COMPLETION_APDU) == msg.Completion()
    assert parse(tv.ZVT_COMPLETION_REGISTRATION_APDU) == msg.Completion(
        terminal_id=tv.ZVT_APPROVED_TERMINAL_ID, status_byte=0)
    enquiry = parse(tv.ZVT_COMPLETION_STATUS_ENQUIRY_APDU, after_enquiry=True)
    assert enquiry == msg.Completion(status_byte=0, software=tv.ZVT_STATUS_ENQUIRY_SOFTWARE_VERSION)


def test_aborts_carry_their_result_code() -> None:
    assert parse(tv.ZVT_ABORT_CANCELLED_APDU) == msg.Abort(0x6C)
    assert result_meaning(0x6C) == (PaymentOutcome.CANCELLED, "The payment was cancelled.")
    assert parse(tv.ZVT_ABORT_DECLINED_APDU) == msg.Abort(0x05)


def test_print_line_and_text_block() -> None:
    assert parse(tv.ZVT_PRINT_LINE_APDU) == msg.PrintLine("CARD PAYMENT", last=False)
    assert parse(bytes.fromhex("06 D1 03 80 4F 4B")) == msg.PrintLine("OK", last=True)
    assert parse(tv.ZVT_PRINT_TEXT_BLOCK_APDU) == msg.PrintBlock(
        tv.ZVT_PRINT_TEXT_BLOCK_LINES, msg.CUSTOMER)


def test_acknowledgements() -> None:
    assert parse(tv.ZVT_ACK_APDU) == msg.Accepted()
    assert parse(tv.ZVT_NEGATIVE_ACK_BUSY_APDU) == msg.Refused(0xA0)


@pytest.mark.parametrize(("nibbles", "shown"), [
    ("497010EEEEEE0119", "497010******0119"),  # the terminal's masking is kept
    ("4970101234560119", "497010******0119"),  # a full number is masked by the kiosk
    ("EEEEEEEEEEEE0119", "************0119"),
    ("1234567890123456789F", "123456*********6789"),  # odd length, F padded
])
def test_card_numbers_are_never_kept_whole(nibbles: str, shown: str) -> None:
    assert masked_pan(bytes.fromhex(nibbles)) == shown


def test_unknown_bmp_stops_decoding_and_keeps_the_rest() -> None:
    bmps = decode_bmps(bytes.fromhex("27 00 77 01 02"))
    assert bmps.fields == ((0x27, b"\x00"),)
    assert bmps.rest == bytes.fromhex("77 01 02")
    with pytest.raises(BmpError, match="field 77 is not a ZVT field"):
        decode_bmps(bytes.fromhex("27 00 77 01 02"), strict=True)


@pytest.mark.parametrize(("raw", "reason"), [
    ("04 0F 02 04 00", "field 04 is cut short"),
    ("04 0F 03 22 F1 00", "field 22 has an unreadable length"),
    ("04 0F 07 04 00 00 00 00 1A 00", "not BCD"),
])
def test_bad_fields_are_typed_rejections_with_a_reason(raw: str, reason: str) -> None:
    with pytest.raises(BmpError) as caught:
        parse(bytes.fromhex(raw))
    assert reason in caught.value.message


def test_llvar_and_tlv_round_trip() -> None:
    assert encode_var(0x8B, b"VISA\x00") == bytes.fromhex("8B F0 F5 56 49 53 41 00")
    nested = encode_tlv(0x25, encode_tlv(0x07, b"A") + encode_tlv(0x07, b"B"))
    [texts] = decode_tlv(encode_tlv(0x1F07, b"\x02") + nested)[1:]
    assert [child.value for child in texts.children] == [b"A", b"B"]


@settings(max_examples=120)
@given(st.integers(0, 255), st.integers(0, 255), st.binary(max_size=120))
def test_any_apdu_is_read_or_rejected_with_a_reason(cls: int, instr: int, data: bytes) -> None:
    for after_enquiry in (False, True):
        raw = Apdu(cls, instr, data).encode()
        try:
            parse(raw, after_enquiry=after_enquiry)
        except ApduError as exc:  # the only way it may fail: a typed rejection with words
            problem = exc.message
        else:
            problem = "read"
        assert problem
