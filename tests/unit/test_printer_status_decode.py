"""Real-time status bytes (DLE EOT n) as the Epson reference lists them, read by the kiosk.

The bytes are written out here from the reference, not taken from the printer simulator, so
the decoder and the simulator are each checked against the spec on their own.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.hw.printer_status import (
    QUERIES,
    QUERY_ROLL_PAPER,
    PrinterStatus,
    StatusError,
    decode_status,
)


def test_queries_are_dle_eot_n() -> None:
    assert QUERIES == {1: b"\x10\x04\x01", 2: b"\x10\x04\x02", 3: b"\x10\x04\x03",
                       4: b"\x10\x04\x04"}
    assert QUERY_ROLL_PAPER == b"\x10\x04\x04"


@pytest.mark.parametrize(("n", "byte", "expected"), [
    (1, 0x12, PrinterStatus(online=True)),
    (1, 0x16, PrinterStatus(online=True)),  # bit 2: drawer sensor, not a printer problem
    (1, 0x1A, PrinterStatus(online=False)),
    (2, 0x12, PrinterStatus(cover_open=False, paper_out=False, error=False)),
    (2, 0x16, PrinterStatus(cover_open=True, paper_out=False, error=False)),
    (2, 0x32, PrinterStatus(cover_open=False, paper_out=True, error=False)),
    (2, 0x52, PrinterStatus(cover_open=False, paper_out=False, error=True)),
    (3, 0x12, PrinterStatus(error=False)),
    (3, 0x1A, PrinterStatus(error=True, errors=("autocutter",))),
    (3, 0x72, PrinterStatus(error=True, errors=("unrecoverable", "auto-recoverable"))),
    (4, 0x12, PrinterStatus(paper_near_end=False, paper_out=False)),
    (4, 0x1E, PrinterStatus(paper_near_end=True, paper_out=False)),
    (4, 0x7E, PrinterStatus(paper_near_end=True, paper_out=True)),
    (4, 0x72, PrinterStatus(paper_near_end=False, paper_out=True)),
])
def test_status_bytes_from_the_reference(n: int, byte: int, expected: PrinterStatus) -> None:
    assert decode_status(n, byte) == expected


def test_answers_to_all_four_queries_merge_into_what_staff_must_fix() -> None:
    paper_out = [decode_status(1, 0x1A), decode_status(2, 0x32), decode_status(3, 0x12),
                 decode_status(4, 0x7E)]
    status = paper_out[0]
    for answer in paper_out[1:]:
        status = status.merge(answer)
    assert status == PrinterStatus(online=False, cover_open=False, paper_near_end=True,
                                   paper_out=True, error=False)
    assert status.problems() == ("out of paper",)
    cover = decode_status(1, 0x1A).merge(decode_status(2, 0x16))
    assert cover.problems() == ("cover open",)
    low = decode_status(1, 0x12).merge(decode_status(4, 0x1E))
    assert (low.online, low.problems()) == (True, ("paper low",))
    assert decode_status(1, 0x1A).problems() == ("offline",)
    broken = decode_status(2, 0x52).merge(decode_status(3, 0x32))
    assert broken.problems() == ("error: unrecoverable",)


def test_a_byte_with_wrong_fixed_bits_is_not_a_status() -> None:
    with pytest.raises(StatusError, match=r"answer 0x00 to DLE EOT 4 is not a status byte"):
        decode_status(4, 0x00)
    with pytest.raises(StatusError, match="Check that the port is the receipt printer's"):
        decode_status(1, 0xFF)
    with pytest.raises(StatusError, match="DLE EOT 5 is not a status query"):
        decode_status(5, 0x12)


@given(st.integers(1, 4), st.integers(0, 255))
def test_every_byte_is_decoded_or_refused_with_a_reason(n: int, byte: int) -> None:
    if byte & 0x93 != 0x12:  # fixed bits wrong: not an answer to a status query
        with pytest.raises(StatusError, match="its fixed bits"):
            decode_status(n, byte)
    else:
        assert all(isinstance(p, str) for p in decode_status(n, byte).problems())
