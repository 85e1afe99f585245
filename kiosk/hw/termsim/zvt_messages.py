"""The ZVT messages the simulated terminal reads and writes, as pure functions over APDUs.

It reads the cash register's commands as deployed registers send them (BMPs in any order, an
empty TLV container, a registration without currency, any password) and writes the terminal's
answers with only the fields the specification allows in each: a Completion (06 0F) after a
payment carries nothing, every variable-length field has its Fx Fy length bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.hw.termsim.zvt_apdu import (
    Apdu,
    ZvtCodingError,
    bcd_decode,
    bcd_encode,
    encode_apdu,
    encode_bmp,
    encode_tlv,
    iter_tlv,
    masked_pan_encode,
    parse_bmps,
    var_length_encode,
)

REGISTRATION = (0x06, 0x00)
AUTHORISATION = (0x06, 0x01)
COMPLETION = (0x06, 0x0F)
ABORT = (0x06, 0x1E)
REPEAT_RECEIPT = (0x06, 0x20)
REVERSAL = (0x06, 0x30)
REFUND = (0x06, 0x31)
ECR_ABORT = (0x06, 0xB0)
PRINT_LINE = (0x06, 0xD1)
PRINT_TEXT_BLOCK = (0x06, 0xD3)
STATUS_ENQUIRY = (0x05, 0x01)
STATUS_INFORMATION = (0x04, 0x0F)
INTERMEDIATE_STATUS = (0x04, 0xFF)
POSITIVE_ACK = (0x80, 0x00)
NEGATIVE_ACK_CLASS = 0x84

# Result codes (the spec's error-code table) the simulator uses
RESULT_OK = 0x00
RESULT_DECLINED = 0x05  # 01-63 come from the authorisation host; 05 "do not honour"
RESULT_ABORTED = 0x6C  # abort via timeout or abort-key
RESULT_WRONG_CURRENCY = 0x6F
RESULT_FUNCTION_NOT_POSSIBLE = 0x83
RESULT_PROTOCOL_ERROR = 0x9A  # parsing error, mandatory element missing
RESULT_RECEIVER_NOT_READY = 0xA0  # the terminal is busy
RESULT_ALREADY_REVERSED = 0xB4
RESULT_REVERSAL_NOT_POSSIBLE = 0xB5

# Intermediate status codes
STATUS_INSERT_CARD = 0x0A
STATUS_WATCH_PIN_PAD = 0x01
STATUS_PLEASE_WAIT = 0x17
STATUS_REMOVE_CARD = 0x0B

# Registration config byte: bit 2 "ECR prints payment receipts", bit 4 "intermediate status"
CONFIG_ECR_PRINTS_RECEIPTS = 0x02
CONFIG_INTERMEDIATE_STATUS = 0x08
TLV_PERMITTED_COMMANDS = 0x26  # registration TLV: list of permitted ZVT commands
TLV_COMMAND = 0x0A
TLV_RECEIPT_TYPE = 0x1F07
TLV_PRINT_TEXTS = 0x25
TLV_TEXT_LINE = 0x07
RECEIPT_CUSTOMER = 0x02


@dataclass(frozen=True, slots=True)
class Registration:
    password: str
    config_byte: int
    currency: int | None
    service_byte: int | None
    permits_text_block: bool


@dataclass(frozen=True, slots=True)
class PaymentCommand:
    """An authorisation (06 01) or refund (06 31); ``password`` only on the refund."""

    amount_minor: int
    currency: int | None
    password: str | None


@dataclass(frozen=True, slots=True)
class ReversalCommand:
    password: str
    receipt_no: int | None


@dataclass(frozen=True, slots=True)
class TransactionResult:
    """What a Status-Information (04 0F) reports; None fields are left out of the message."""

    result_code: int
    amount_minor: int
    currency: int
    trace_no: int
    time_hhmmss: str
    date_mmdd: str
    masked_pan: str
    terminal_id: str
    card_type_id: int
    card_name: str
    expiry_yymm: str | None = None
    card_seq_no: int | None = None
    payment_type: int | None = None
    auth_code: str | None = None
    receipt_no: int | None = None
    original_trace_no: int | None = None


# --- reading the cash register's commands ------------------------------------------------------
def _password(data: bytes) -> str:
    if len(data) < 3:
        raise ZvtCodingError("a command without its password", "3 BCD bytes come first")
    return f"{bcd_decode(data[:3]):06d}"


def _split_currency(rest: bytes) -> tuple[int | None, dict[int, bytes]]:
    """Registration: ``[<CC> [03 <service-byte>] [06 <TLV>]]`` after the config byte.

    The BMPs sit inside the currency's optional group, so whatever follows the config byte
    starts with the untagged currency (348 HUF, BCD 03 48, is a currency there, not BMP 03).
    """
    if not rest:
        return None, {}
    if len(rest) < 2:
        raise ZvtCodingError("a registration with one byte after the config byte",
                             "the currency code has 2 BCD bytes")
    return bcd_decode(rest[:2]), parse_bmps(rest[2:])


def _permits_text_block(tlv: bytes | None) -> bool:
    if not tlv:
        return False
    for tag, value in iter_tlv(tlv):
        if tag == TLV_PERMITTED_COMMANDS:
            return any(t == TLV_COMMAND and v == bytes(PRINT_TEXT_BLOCK)
                       for t, v in iter_tlv(value))
    return False


def read_registration(apdu: Apdu) -> Registration:
    password = _password(apdu.data)
    if len(apdu.data) < 4:
        raise ZvtCodingError("a registration without its config byte", "it follows the password")
    currency, bmps = _split_currency(apdu.data[4:])
    service = bmps.get(0x03)
    return Registration(password, apdu.data[3], currency, service[0] if service else None,
                        _permits_text_block(bmps.get(0x06)))


def _amount(bmps: dict[int, bytes]) -> int:
    if 0x04 not in bmps:
        raise ZvtCodingError("a payment without an amount (BMP 04)", "the amount is mandatory")
    return bcd_decode(bmps[0x04])


def read_authorisation(apdu: Apdu) -> PaymentCommand:
    bmps = parse_bmps(apdu.data)
    currency = bmps.get(0x49)
    return PaymentCommand(_amount(bmps), bcd_decode(currency) if currency else None, None)


def read_refund(apdu: Apdu) -> PaymentCommand:
    password = _password(apdu.data)
    bmps = parse_bmps(apdu.data[3:])
    currency = bmps.get(0x49)
    return PaymentCommand(_amount(bmps), bcd_decode(currency) if currency else None, password)


def read_reversal(apdu: Apdu) -> ReversalCommand:
    password = _password(apdu.data)
    receipt = parse_bmps(apdu.data[3:]).get(0x87)
    return ReversalCommand(password, bcd_decode(receipt) if receipt else None)


def read_password_command(apdu: Apdu) -> str | None:
    """Status enquiry and repeat receipt: an optional password, then optional BMPs."""
    if not apdu.data:
        return None
    password = _password(apdu.data)
    parse_bmps(apdu.data[3:])  # checked for well-formedness; nothing in them changes the answer
    return password


# --- writing the terminal's messages -----------------------------------------------------------
def positive_ack() -> bytes:
    return encode_apdu(*POSITIVE_ACK)


def negative_ack(code: int) -> bytes:
    return bytes([NEGATIVE_ACK_CLASS, code, 0x00])


def intermediate_status(code: int) -> bytes:
    return encode_apdu(*INTERMEDIATE_STATUS, bytes([code]))


def completion() -> bytes:
    return encode_apdu(*COMPLETION)


def registration_completion(terminal_id: str, currency: int | None) -> bytes:
    data = encode_bmp(0x19, b"\x00") + encode_bmp(0x29, bcd_encode(int(terminal_id), 4))
    if currency is not None:
        data += encode_bmp(0x49, bcd_encode(currency, 2))
    return encode_apdu(*COMPLETION, data)


def status_enquiry_completion(software_version: str, terminal_status: int = 0x00) -> bytes:
    version = software_version.encode("ascii")
    return encode_apdu(*COMPLETION, var_length_encode(len(version), 3) + version
                       + bytes([terminal_status]))


def abort(result_code: int) -> bytes:
    return encode_apdu(*ABORT, bytes([result_code]))


def print_line(text: str, attribute: int = 0x00) -> bytes:
    return encode_apdu(*PRINT_LINE, bytes([attribute]) + text.encode("cp437"))


def print_text_block(lines: tuple[str, ...], receipt_type: int = RECEIPT_CUSTOMER) -> bytes:
    texts = b"".join(encode_tlv(TLV_TEXT_LINE, line.encode("cp437")) for line in lines)
    tlv = encode_tlv(TLV_RECEIPT_TYPE, bytes([receipt_type])) + encode_tlv(TLV_PRINT_TEXTS, texts)
    return encode_apdu(*PRINT_TEXT_BLOCK, encode_bmp(0x06, tlv))


def status_information(result: TransactionResult) -> bytes:
    """04 0F in the order terminals send it: result, amount, trace, time, date, card data."""
    r = result
    fields: list[tuple[int, bytes | None]] = [
        (0x27, bytes([r.result_code])),
        (0x04, bcd_encode(r.amount_minor, 6)),
        (0x0B, bcd_encode(r.trace_no, 3)),
        (0x37, None if r.original_trace_no is None else bcd_encode(r.original_trace_no, 3)),
        (0x0C, bytes.fromhex(r.time_hhmmss)),
        (0x0D, bytes.fromhex(r.date_mmdd)),
        (0x0E, None if r.expiry_yymm is None else bytes.fromhex(r.expiry_yymm)),
        (0x17, None if r.card_seq_no is None else bcd_encode(r.card_seq_no, 2)),
        (0x19, None if r.payment_type is None else bytes([r.payment_type])),
        (0x22, masked_pan_encode(r.masked_pan)),
        (0x29, bcd_encode(int(r.terminal_id), 4)),
        (0x3B, None if r.auth_code is None else r.auth_code.encode("ascii").ljust(8, b"\x00")),
        (0x49, bcd_encode(r.currency, 2)),
        (0x87, None if r.receipt_no is None else bcd_encode(r.receipt_no, 2)),
        (0x8A, bytes([r.card_type_id])),
        (0x8B, r.card_name.encode("ascii") + b"\x00"),
    ]
    data = b"".join(encode_bmp(tag, value) for tag, value in fields if value is not None)
    return encode_apdu(*STATUS_INFORMATION, data)
