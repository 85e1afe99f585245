"""The ZVT commands the kiosk sends, and the terminal's messages it understands.

Builders return :class:`Apdu` values; :func:`parse_message` turns a received APDU into one of
the message types below. Both are pure. Section numbers are those of the ZVT specification
(revision 13.x): registration 2.1, authorisation 2.2, reversal 2.11, refund 2.12, repeat
receipt 2.13, status enquiry 2.55, abort 3.2 (``06 1E``), completion 3.3 (``06 0F``), print line
3.5 (``06 D1``), print text block 3.6 (``06 D3``), status information 3.7 (``04 0F``),
intermediate status 3.8 (``04 FF``), ECR abort 2.50 (``06 B0``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.hw.zvt.apdu import Apdu
from kiosk.hw.zvt.bmp import (
    BmpError,
    Bmps,
    bcd_digits,
    bcd_int,
    decode_bmps,
    int_bcd,
    masked_pan,
)
from kiosk.hw.zvt.codes import card_type_name
from kiosk.hw.zvt.tlv import PRINT_TEXTS, RECEIPT_TYPE, TEXT_LINES, Tlv, decode_tlv, find_all

# Registration config byte: ECR prints payment receipts (02), intermediate status wanted (08),
# ECR controls payment (10) and administration (20), receipts sent as print lines/blocks (80).
CONFIG_BYTE = 0xBA
TEXT_ENCODING = "cp437"  # ZVT's default character set for texts (chapter 13)
LAST_LINE = 0x80  # print line attribute bit: the last line of one receipt
MERCHANT, CUSTOMER, ADMINISTRATION = 1, 2, 3


def password_bcd(password: str) -> bytes:
    if len(password) != 6 or not password.isdigit():
        raise BmpError("the terminal password must be six digits")
    return bytes.fromhex(password)


def currency_bcd(numeric: int) -> bytes:
    return int_bcd(numeric, 2, what="currency code")


# --- ECR -> terminal -----------------------------------------------------------------------------

def registration(password: str, currency: int | None, config_byte: int = CONFIG_BYTE) -> Apdu:
    """06 00: the password, the config byte, and (untagged) the currency code."""
    data = password_bcd(password) + bytes([config_byte])
    return Apdu(0x06, 0x00, data + (currency_bcd(currency) if currency is not None else b""))


def authorisation(amount_minor: int, currency: int) -> Apdu:
    """06 01: ``04`` amount (6 bytes BCD, minor units) and ``49`` currency code."""
    return Apdu(0x06, 0x01, b"\x04" + int_bcd(amount_minor, 6, what="amount")
                + b"\x49" + currency_bcd(currency))


def reversal(password: str, receipt_no: int) -> Apdu:
    """06 30: reverse the transaction with this receipt number (same day, before end-of-day)."""
    return Apdu(0x06, 0x30, password_bcd(password) + b"\x87"
                + int_bcd(receipt_no, 2, what="receipt number"))


def refund(password: str, amount_minor: int, currency: int) -> Apdu:
    """06 31: pay ``amount`` back to the card the shopper presents."""
    return Apdu(0x06, 0x31, password_bcd(password) + b"\x04"
                + int_bcd(amount_minor, 6, what="amount") + b"\x49" + currency_bcd(currency))


def status_enquiry(password: str) -> Apdu:
    """05 01: the terminal's state; answered with 04 0F (terminal status code) and 06 0F."""
    return Apdu(0x05, 0x01, password_bcd(password))


def repeat_receipt(password: str) -> Apdu:
    """06 20: the terminal repeats its last receipt and that transaction's status information,
    which is how a cash register learns the result of a payment whose answer it missed."""
    return Apdu(0x06, 0x20, password_bcd(password))


def ecr_abort() -> Apdu:
    """06 B0: ask the terminal to abort the running transaction (before the card is read)."""
    return Apdu(0x06, 0xB0)


ACK_APDU = Apdu(0x80, 0x00)
NOT_SUPPORTED_APDU = Apdu(0x84, 0x83)  # "function not possible": a message we do not handle


# --- terminal -> ECR -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Accepted:
    """80 00: the command was accepted (the terminal is now master)."""


@dataclass(frozen=True, slots=True)
class Refused:
    """84 xx: the command was refused with error code ``code`` (00 says nothing more)."""

    code: int


@dataclass(frozen=True, slots=True)
class Intermediate:
    """04 FF: what the terminal shows the card holder now."""

    code: int


@dataclass(frozen=True, slots=True)
class StatusInfo:
    """04 0F: the transaction's result and its data (masked, never a full card number)."""

    result_code: int | None
    amount_minor: int | None = None
    currency: int | None = None
    trace_no: str = ""
    receipt_no: str = ""
    terminal_id: str = ""
    auth_code: str = ""
    masked_pan: str = ""
    card_type: str = ""
    date: str = ""  # MMDD
    time: str = ""  # HHMMSS
    unread: str = ""  # hex of fields the kiosk could not size, kept for the record


@dataclass(frozen=True, slots=True)
class PrintLine:
    """06 D1: one receipt line; ``last`` ends a receipt."""

    text: str
    last: bool


@dataclass(frozen=True, slots=True)
class PrintBlock:
    """06 D3: a whole receipt as a text block, with its type (merchant or customer copy)."""

    lines: tuple[str, ...]
    receipt_type: int | None


@dataclass(frozen=True, slots=True)
class Completion:
    """06 0F: the terminal hands control back; the transaction is over. After a status
    enquiry it carries the software version and the terminal status code (00 ready)."""

    terminal_id: str = ""
    status_byte: int | None = None
    result_code: int | None = None
    software: str = ""


@dataclass(frozen=True, slots=True)
class Abort:
    """06 1E: the transaction was aborted; nothing was charged."""

    result_code: int


@dataclass(frozen=True, slots=True)
class Other:
    """A message the kiosk does not act on (display texts, date and time, ...)."""

    control: tuple[int, int]
    data: bytes = field(repr=False, default=b"")


Message = (Accepted | Refused | Intermediate | StatusInfo | PrintLine | PrintBlock | Completion
           | Abort | Other)


def _text(raw: bytes) -> str:
    return raw.decode(TEXT_ENCODING).rstrip("\x00").strip()


def _status_info(bmps: Bmps) -> StatusInfo:
    def digits(tag: int, what: str) -> str:
        raw = bmps.get(tag)
        return bcd_digits(raw, what=what) if raw is not None else ""

    result, amount, currency = bmps.get(0x27), bmps.get(0x04), bmps.get(0x49)
    card_name, card_type, pan, aid = bmps.get(0x8B), bmps.get(0x8A), bmps.get(0x22), bmps.get(0x3B)
    return StatusInfo(
        result_code=result[0] if result else None,
        amount_minor=bcd_int(amount, what="amount") if amount is not None else None,
        currency=bcd_int(currency, what="currency code") if currency is not None else None,
        trace_no=digits(0x0B, "trace number"), receipt_no=digits(0x87, "receipt number"),
        terminal_id=digits(0x29, "terminal id"),
        auth_code=_text(aid) if aid is not None else "",
        masked_pan=masked_pan(pan) if pan is not None else "",
        card_type=(_text(card_name) if card_name else
                   card_type_name(card_type[0]) if card_type else ""),
        date=digits(0x0D, "date"), time=digits(0x0C, "time"), unread=bmps.rest.hex(),
    )


def _print_block(bmps: Bmps) -> PrintBlock:
    raw = bmps.get(0x06)
    objects: tuple[Tlv, ...] = decode_tlv(raw) if raw is not None else ()
    lines = tuple(_text(node.value) for block in find_all(objects, PRINT_TEXTS)
                  for node in block.children if node.tag == TEXT_LINES)
    kinds = find_all(objects, RECEIPT_TYPE)
    return PrintBlock(lines, kinds[0].value[0] if kinds and kinds[0].value else None)


def _completion(bmps: Bmps) -> Completion:
    tid, status, result = bmps.get(0x29), bmps.get(0x19), bmps.get(0x27)
    return Completion(bcd_digits(tid, what="terminal id") if tid is not None else "",
                      status[0] if status else None, result[0] if result else None)


def _enquiry_completion(data: bytes) -> Completion:
    """06 0F after 05 01: <software version, LLLVAR> <terminal status code> [06 TLV]."""
    if len(data) < 3 or any(b >> 4 != 0xF or b & 0xF > 9 for b in data[:3]):
        return _completion(decode_bmps(data))  # a terminal that answers with plain BMPs
    size = int("".join(str(b & 0xF) for b in data[:3]))
    if len(data) < 3 + size + 1:
        raise BmpError("the terminal's status is cut short",
                       f"{size} bytes of software version and a status code were announced")
    return Completion(status_byte=data[3 + size], software=_text(data[3:3 + size]))


def parse_message(apdu: Apdu, *, after_enquiry: bool = False) -> Message:  # noqa: PLR0911
    """What a terminal's APDU says; a malformed field is a typed rejection (BmpError).

    ``after_enquiry``: the completion answers a status enquiry, whose layout differs.
    """
    data = apdu.data
    if after_enquiry and apdu.control == (0x06, 0x0F):
        return _enquiry_completion(data)
    match apdu.control:
        case (0x80, _):
            return Accepted()
        case (0x84, code):
            return Refused(code)
        case (0x04, 0xFF):
            return Intermediate(data[0] if data else 0xFF)
        case (0x04, 0x0F):
            return _status_info(decode_bmps(data))
        case (0x06, 0xD1):
            attribute = data[0] if data else 0
            return PrintLine(_text(data[1:]), bool(attribute & LAST_LINE))
        case (0x06, 0xD3):
            return _print_block(decode_bmps(data))
        case (0x06, 0x0F):
            return _completion(decode_bmps(data))
        case (0x06, 0x1E):
            return Abort(data[0] if data else 0xFF)
    return Other(apdu.control, data)
