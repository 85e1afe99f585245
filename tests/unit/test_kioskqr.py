"""The kiosk's own QR codes: format, checksum, and what a misread or a forged field gets."""

from __future__ import annotations

import re
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.core.barcode import parse_scan
from kiosk.core.codes import KioskCode, KioskCodeKind, Rejected
from kiosk.core.kioskqr import MAX_PAYLOAD, encode_kiosk_code, parse_kiosk_code


def signed(body: str) -> str:
    """A code with a correct checksum over whatever body a test wants to try."""
    return f"{body}|{zlib.crc32(body.encode('ascii')):08X}"


def test_a_loyalty_card_code_is_exactly_this_text() -> None:
    assert encode_kiosk_code(KioskCodeKind.LOYALTY, "4000123456") == "KSK1|L|4000123456|D94C1DC3"


@pytest.mark.parametrize(
    ("kind", "payload"),
    [(KioskCodeKind.LOYALTY, "4000123456"), (KioskCodeKind.COUPON, "SPRING-10.2026"),
     (KioskCodeKind.STAFF, "EMP_0042"), ("coupon", "X")],
)
def test_every_kind_round_trips(kind: KioskCodeKind | str, payload: str) -> None:
    result = parse_kiosk_code(encode_kiosk_code(kind, payload))
    assert result == KioskCode(kind=KioskCodeKind(kind), payload=payload)


@pytest.mark.parametrize(
    ("kind", "payload", "words"),
    [
        ("loyalty", "", "empty"),
        ("loyalty", "A|S|B", "'|'"),  # the separator cannot be smuggled in
        ("loyalty", "abc", "'a'"),
        ("loyalty", "4000 1234", "' '"),
        ("loyalty", "É1", "'É'"),
        ("loyalty", "9" * (MAX_PAYLOAD + 1), f"at most {MAX_PAYLOAD}"),
        ("gift-card", "123", "unknown kiosk code kind 'gift-card'"),
    ],
)
def test_encoding_refuses_what_could_not_be_read_back(kind: str, payload: str,
                                                      words: str) -> None:
    with pytest.raises(ValueError, match=re.escape(words)):
        encode_kiosk_code(kind, payload)


@pytest.mark.parametrize(
    ("text", "code", "words"),
    [
        ("KSK1|L|4000123457|D94C1DC3", "bad-checksum", "'D94C1DC3'"),  # one payload digit off
        ("KSK1|L|4000123456|d94c1dc3", "bad-checksum", "8 upper-case hex digits"),
        ("KSK1|L|4000123456|D94C1DC", "bad-checksum", "misread or mistyped"),
        (signed("KSK1|X|4000123456"), "unknown-kind", "'X'"),
        (signed("KSK1|L|abc"), "bad-payload", "'a'"),
        (signed("KSK1|L|"), "bad-payload", "empty"),
        (signed("KSK1|L|A|B"), "bad-format", "has 5"),
        ("KSK1|L|4000123456", "bad-format", "has 3"),
        (signed("KSK2|L|4000123456"), "unknown-version", "'KSK2'"),
    ],
)
def test_bad_kiosk_codes_are_rejected_for_what_is_wrong(text: str, code: str,
                                                        words: str) -> None:
    result = parse_kiosk_code(text)
    assert isinstance(result, Rejected)
    assert result.code == code
    assert words in result.reason


payloads = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._", min_size=1,
                   max_size=MAX_PAYLOAD)


@settings(max_examples=400)
@given(kind=st.sampled_from(KioskCodeKind), payload=payloads)
def test_encode_then_scan_gives_back_kind_and_payload(kind: KioskCodeKind, payload: str) -> None:
    text = encode_kiosk_code(kind, payload)
    assert parse_scan(text) == KioskCode(kind=kind, payload=payload, raw=text)
    assert parse_scan(text, symbology="QRCODE") == KioskCode(kind=kind, payload=payload, raw=text)


@settings(max_examples=400)
@given(kind=st.sampled_from(KioskCodeKind), payload=payloads, data=st.data())
def test_any_single_character_corruption_is_rejected(kind: KioskCodeKind, payload: str,
                                                     data: st.DataObject) -> None:
    text = encode_kiosk_code(kind, payload)
    position = data.draw(st.integers(0, len(text) - 1), label="position")
    new = data.draw(st.characters().filter(lambda c: c != text[position]), label="new")
    corrupted = text[:position] + new + text[position + 1:]
    result = parse_scan(corrupted)
    assert isinstance(result, Rejected), corrupted
    assert result.code
    assert result.reason
