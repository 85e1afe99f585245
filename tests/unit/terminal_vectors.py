"""Golden byte vectors for the card terminal protocols, shared by the drivers' and the simulators' tests.

Both sides code their bytes independently (issue 5); these constants are the one place where they
meet, so a mistake made the same way on both sides shows up here as a failing comparison.
Every vector names where its layout comes from:

- ZVT: "ECR-Interface ZVT-Protocol", revision 13.x (PA00P015, terminalhersteller.de). Chapter 2
  holds the ECR commands (2.1 Registration, 2.2 Authorisation with its PT answers, Reversal,
  Refund, Repeat Receipt, Abort 06 B0, Status-Enquiry 05 01), chapter 3 the PT commands
  (Status-Information 04 0F, Intermediate Status 04 FF, Print Line 06 D1 = 3.5, Print Text-Block
  06 D3), the appendices the BMP table, the TLV container, the error (result) codes and the
  intermediate status codes; the serial transport (DLE STX, DLE doubling, DLE ETX, CRC over the
  APDU and ETX, ACK 06 / NAK 15) is the spec's chapter on the RS232 transport layer.
  Section names are given as the spec titles them; numbers only where certain.
- Concert: "Protocole Caisse-TPE" Concert V2 (protocol "E"), V2/V3 documents: the link level
  (ENQ/ACK/NAK/EOT, STX message ETX LRC), the cash register's request (34 characters) and the
  terminal's answer (25 characters short, 80 characters long with the 55-character "rep" field).

Frames are complete wire images: ZVT from DLE STX to the two CRC bytes (CRC-16/KERMIT over the
undoubled APDU plus ETX, low byte first, CRC bytes sent undoubled), Concert from STX to LRC (XOR
of everything after STX up to and including ETX).
"""

from __future__ import annotations

from dataclasses import dataclass

# --- link-level control bytes ------------------------------------------------------------------
ZVT_DLE = 0x10
ZVT_STX = 0x02
ZVT_ETX = 0x03
ZVT_LINK_ACK = b"\x06"  # ZVT transport: positive receipt of one frame
ZVT_LINK_NAK = b"\x15"  # ZVT transport: bad CRC or framing, please repeat

CONCERT_ENQ = b"\x05"
CONCERT_ACK = b"\x06"
CONCERT_NAK = b"\x15"
CONCERT_EOT = b"\x04"
CONCERT_STX = 0x02
CONCERT_ETX = 0x03


@dataclass(frozen=True, slots=True)
class ZvtVector:
    """One ZVT message: its APDU, its serial frame and the spec section it is taken from."""

    name: str
    apdu: bytes
    frame: bytes
    source: str


@dataclass(frozen=True, slots=True)
class ConcertVector:
    """One Concert message: the characters between STX and ETX, the frame and its source."""

    name: str
    text: str
    frame: bytes
    source: str


def _hex(text: str) -> bytes:
    return bytes.fromhex(text)


# --- ZVT: ECR -> PT ----------------------------------------------------------------------------
# 2.1 Registration (06 00): <password 3 BCD> <config-byte> [<CC 2 BCD>] [03 <service-byte>] [06 TLV]
ZVT_REGISTRATION_APDU = _hex("06 00 06 00 00 00 BA 09 78")
ZVT_REGISTRATION_FRAME = _hex("10 02 06 00 06 00 00 00 BA 09 78 10 03 D0 D8")  # quoted in issue 5
ZVT_REGISTRATION_NO_CURRENCY_APDU = _hex("06 00 04 00 00 00 BA")  # CC is optional
ZVT_REGISTRATION_NO_CURRENCY_FRAME = _hex("10 02 06 00 04 00 00 00 BA 10 03 98 F8")
ZVT_REGISTRATION_PASSWORD_123456_APDU = _hex("06 00 06 12 34 56 BA 09 78")
ZVT_REGISTRATION_PASSWORD_123456_FRAME = _hex("10 02 06 00 06 12 34 56 BA 09 78 10 03 24 C3")

# 2.2 Authorisation (06 01): BMPs in any order; 04 amount (6 BCD), 49 CC (2 BCD), 06 TLV
ZVT_AUTHORISATION_12_34_APDU = _hex("06 01 0A 04 00 00 00 00 12 34 49 09 78")
ZVT_AUTHORISATION_12_34_FRAME = _hex(  # quoted in issue 5
    "10 02 06 01 0A 04 00 00 00 00 12 34 49 09 78 10 03 B0 91")
ZVT_AUTHORISATION_12_34_REORDERED_APDU = _hex("06 01 0A 49 09 78 04 00 00 00 00 12 34")
ZVT_AUTHORISATION_12_34_REORDERED_FRAME = _hex(
    "10 02 06 01 0A 49 09 78 04 00 00 00 00 12 34 10 03 09 36")
# 1.53 EUR with an empty TLV container at the end: the CRC is 10 08, sent undoubled
ZVT_AUTHORISATION_1_53_EMPTY_TLV_APDU = _hex("06 01 0C 04 00 00 00 00 01 53 49 09 78 06 00")
ZVT_AUTHORISATION_1_53_EMPTY_TLV_FRAME = _hex(
    "10 02 06 01 0C 04 00 00 00 00 01 53 49 09 78 06 00 10 03 10 08")
# The same frame as some clients send it, with the DLE inside the CRC doubled: accepted too
ZVT_AUTHORISATION_1_53_EMPTY_TLV_FRAME_CRC_DOUBLED = _hex(
    "10 02 06 01 0C 04 00 00 00 00 01 53 49 09 78 06 00 10 03 10 10 08")
# 10.00 EUR: the amount holds a DLE, doubled on the wire
ZVT_AUTHORISATION_10_00_APDU = _hex("06 01 0A 04 00 00 00 00 10 00 49 09 78")
ZVT_AUTHORISATION_10_00_FRAME = _hex(
    "10 02 06 01 0A 04 00 00 00 00 10 10 00 49 09 78 10 03 27 60")

# Reversal (06 30): <password> 87 <receipt-no 2 BCD>
ZVT_REVERSAL_RECEIPT_17_APDU = _hex("06 30 06 00 00 00 87 00 17")
ZVT_REVERSAL_RECEIPT_17_FRAME = _hex("10 02 06 30 06 00 00 00 87 00 17 10 03 83 6D")
# Refund (06 31): <password> 04 <amount>
ZVT_REFUND_12_34_APDU = _hex("06 31 0A 00 00 00 04 00 00 00 00 12 34")
ZVT_REFUND_12_34_FRAME = _hex("10 02 06 31 0A 00 00 00 04 00 00 00 00 12 34 10 03 4D 29")
# Abort (06 B0), sent by the ECR to stop a running transaction (also in place of 80 00 00 to 04 FF)
ZVT_ECR_ABORT_APDU = _hex("06 B0 00")
ZVT_ECR_ABORT_FRAME = _hex("10 02 06 B0 00 10 03 43 F3")
# Status-Enquiry (05 01): <password>
ZVT_STATUS_ENQUIRY_APDU = _hex("05 01 03 00 00 00")
ZVT_STATUS_ENQUIRY_FRAME = _hex("10 02 05 01 03 00 00 00 10 03 DF DB")
# Repeat Receipt (06 20): <password>; the PT prints the last receipt again and sends the last
# transaction's Status-Information, which is how an ECR recovers an outcome it missed
ZVT_REPEAT_RECEIPT_APDU = _hex("06 20 03 00 00 00")
ZVT_REPEAT_RECEIPT_FRAME = _hex("10 02 06 20 03 00 00 00 10 03 FA F2")

# --- ZVT: acknowledgements (both directions) ---------------------------------------------------
# Positive acknowledgement 80 00 00 after every message
ZVT_ACK_APDU = _hex("80 00 00")
ZVT_ACK_FRAME = _hex("10 02 80 00 00 10 03 F5 1F")
# Negative acknowledgement 84 <error> 00; A0 "receiver not ready": the terminal is busy
ZVT_NEGATIVE_ACK_BUSY_APDU = _hex("84 A0 00")
ZVT_NEGATIVE_ACK_BUSY_FRAME = _hex("10 02 84 A0 00 10 03 CE 62")

# --- ZVT: PT -> ECR ----------------------------------------------------------------------------
# Intermediate Status-Information (04 FF): <status> [<timeout>] [06 TLV]; codes from the
# spec's table of intermediate status codes: 0A insert card, 17 please wait, 0B remove card
ZVT_INTERMEDIATE_INSERT_CARD_APDU = _hex("04 FF 01 0A")
ZVT_INTERMEDIATE_INSERT_CARD_FRAME = _hex("10 02 04 FF 01 0A 10 03 F5 7D")
ZVT_INTERMEDIATE_PLEASE_WAIT_APDU = _hex("04 FF 01 17")
ZVT_INTERMEDIATE_PLEASE_WAIT_FRAME = _hex("10 02 04 FF 01 17 10 03 1C 58")
ZVT_INTERMEDIATE_REMOVE_CARD_APDU = _hex("04 FF 01 0B")
ZVT_INTERMEDIATE_REMOVE_CARD_FRAME = _hex("10 02 04 FF 01 0B 10 03 2D 64")

# Status-Information (04 0F), approved: 27 result-code 00, 04 amount, 0B trace-number (3 BCD),
# 0C time HHMMSS, 0D date MMDD, 0E expiry YYMM, 17 card sequence number, 19 payment type,
# 22 PAN as LLVAR BCD with E for each masked digit (F0 F8 = 8 bytes), 29 terminal id (4 BCD),
# 3B AID/authorisation attribute (8 bytes ASCII, zero-padded: the approval code),
# 49 currency, 87 receipt number (2 BCD), 8A ZVT card type (0A = VISA), 8B card name LLVAR
# (zero-terminated). The PAN 497010******0119 holds a DLE, doubled in the frame.
ZVT_STATUS_INFORMATION_APPROVED_12_34_APDU = _hex(
    "04 0F 45 27 00 04 00 00 00 00 12 34 0B 00 00 17 0C 14 30 05 0D 06 15 0E 25 12 17 00 01 "
    "19 60 22 F0 F8 49 70 10 EE EE EE 01 19 29 12 34 56 78 3B 31 32 33 34 35 36 00 00 "
    "49 09 78 87 00 17 8A 0A 8B F0 F5 56 49 53 41 00")
ZVT_STATUS_INFORMATION_APPROVED_12_34_FRAME = _hex(
    "10 02 04 0F 45 27 00 04 00 00 00 00 12 34 0B 00 00 17 0C 14 30 05 0D 06 15 0E 25 12 17 00 "
    "01 19 60 22 F0 F8 49 70 10 10 EE EE EE 01 19 29 12 34 56 78 3B 31 32 33 34 35 36 00 00 "
    "49 09 78 87 00 17 8A 0A 8B F0 F5 56 49 53 41 00 10 03 B5 92")
# What a parser of the approved Status-Information above must read from it
ZVT_APPROVED_AMOUNT_MINOR = 1234
ZVT_APPROVED_CURRENCY_NUMERIC = 978
ZVT_APPROVED_TRACE_NUMBER = 17
ZVT_APPROVED_RECEIPT_NUMBER = 17
ZVT_APPROVED_TERMINAL_ID = "12345678"
ZVT_APPROVED_MASKED_PAN = "497010******0119"
ZVT_APPROVED_CARD_TYPE_ID = 0x0A
ZVT_APPROVED_CARD_NAME = "VISA"
ZVT_APPROVED_AUTH_CODE = "123456"
ZVT_APPROVED_TIME = "143005"  # HHMMSS
ZVT_APPROVED_DATE = "0615"  # MMDD
ZVT_APPROVED_EXPIRY = "2512"  # YYMM

# Status-Information (04 0F), declined: result code 05 from the authorisation system (01-63
# are the host's codes; 05 "do not honour")
ZVT_STATUS_INFORMATION_DECLINED_12_34_APDU = _hex(
    "04 0F 31 27 05 04 00 00 00 00 12 34 0B 00 00 18 0C 14 31 05 0D 06 15 22 F0 F8 49 70 10 EE "
    "EE EE 01 19 29 12 34 56 78 49 09 78 8A 0A 8B F0 F5 56 49 53 41 00")
ZVT_STATUS_INFORMATION_DECLINED_12_34_FRAME = _hex(
    "10 02 04 0F 31 27 05 04 00 00 00 00 12 34 0B 00 00 18 0C 14 31 05 0D 06 15 22 F0 F8 49 70 "
    "10 10 EE EE EE 01 19 29 12 34 56 78 49 09 78 8A 0A 8B F0 F5 56 49 53 41 00 10 03 A8 09")

# Completion (06 0F): only [27 result] [19 status-byte] [29 TID] [49 CC] [06 TLV] may follow;
# after an authorisation, reversal, refund or repeat receipt it carries nothing
ZVT_COMPLETION_APDU = _hex("06 0F 00")
ZVT_COMPLETION_FRAME = _hex("10 02 06 0F 00 10 03 C6 33")
# after a registration: 19 status-byte, 29 TID, and 49 CC only when the ECR sent a currency
ZVT_COMPLETION_REGISTRATION_APDU = _hex("06 0F 0A 19 00 29 12 34 56 78 49 09 78")
ZVT_COMPLETION_REGISTRATION_FRAME = _hex(
    "10 02 06 0F 0A 19 00 29 12 34 56 78 49 09 78 10 03 57 EF")
ZVT_COMPLETION_REGISTRATION_NO_CURRENCY_APDU = _hex("06 0F 07 19 00 29 12 34 56 78")
ZVT_COMPLETION_REGISTRATION_NO_CURRENCY_FRAME = _hex(
    "10 02 06 0F 07 19 00 29 12 34 56 78 10 03 52 23")
# after a Status-Enquiry: <software version LLLVAR> <terminal-status-code> (00 = PT ready)
ZVT_COMPLETION_STATUS_ENQUIRY_APDU = _hex("06 0F 0C F0 F0 F8 54 53 49 4D 2D 31 2E 30 00")
ZVT_COMPLETION_STATUS_ENQUIRY_FRAME = _hex(
    "10 02 06 0F 0C F0 F0 F8 54 53 49 4D 2D 31 2E 30 00 10 03 FC 5A")
ZVT_STATUS_ENQUIRY_SOFTWARE_VERSION = "TSIM-1.0"

# Abort (06 1E): <result-code>; 6C "abort via timeout or abort-key", 05 declined by the host
ZVT_ABORT_CANCELLED_APDU = _hex("06 1E 01 6C")
ZVT_ABORT_CANCELLED_FRAME = _hex("10 02 06 1E 01 6C 10 03 C9 F2")
ZVT_ABORT_DECLINED_APDU = _hex("06 1E 01 05")
ZVT_ABORT_DECLINED_FRAME = _hex("10 02 06 1E 01 05 10 03 84 40")

# Print Line (06 D1, 3.5): <attribute> <text>; attribute 00 = normal text
ZVT_PRINT_LINE_APDU = _hex("06 D1 0D 00 43 41 52 44 20 50 41 59 4D 45 4E 54")  # "CARD PAYMENT"
ZVT_PRINT_LINE_FRAME = _hex(
    "10 02 06 D1 0D 00 43 41 52 44 20 50 41 59 4D 45 4E 54 10 03 FC 24")
# Print Text-Block (06 D3): 06 <TLV>: 1F07 receipt type (02 customer receipt),
# 25 print-texts holding 07 text lines
ZVT_PRINT_TEXT_BLOCK_APDU = _hex(
    "06 D3 21 06 1F 1F 07 01 02 25 19 07 0C 43 41 52 44 20 50 41 59 4D 45 4E 54 07 09 45 55 52 "
    "20 31 32 2E 33 34")
ZVT_PRINT_TEXT_BLOCK_FRAME = _hex(
    "10 02 06 D3 21 06 1F 1F 07 01 02 25 19 07 0C 43 41 52 44 20 50 41 59 4D 45 4E 54 07 09 45 "
    "55 52 20 31 32 2E 33 34 10 03 D6 55")
ZVT_PRINT_TEXT_BLOCK_LINES = ("CARD PAYMENT", "EUR 12.34")

_TRANSPORT = "ZVT 13.x, serial transport (DLE STX .. DLE ETX CRC-16, low byte first)"
ZVT_VECTORS: tuple[ZvtVector, ...] = (
    ZvtVector("registration", ZVT_REGISTRATION_APDU, ZVT_REGISTRATION_FRAME,
              "ZVT 13.x 2.1 Registration (06 00); issue 5"),
    ZvtVector("registration without currency", ZVT_REGISTRATION_NO_CURRENCY_APDU,
              ZVT_REGISTRATION_NO_CURRENCY_FRAME, "ZVT 13.x 2.1 Registration (06 00)"),
    ZvtVector("registration password 123456", ZVT_REGISTRATION_PASSWORD_123456_APDU,
              ZVT_REGISTRATION_PASSWORD_123456_FRAME, "ZVT 13.x 2.1 Registration (06 00)"),
    ZvtVector("authorisation 12.34", ZVT_AUTHORISATION_12_34_APDU, ZVT_AUTHORISATION_12_34_FRAME,
              "ZVT 13.x 2.2 Authorisation (06 01); issue 5"),
    ZvtVector("authorisation BMPs reordered", ZVT_AUTHORISATION_12_34_REORDERED_APDU,
              ZVT_AUTHORISATION_12_34_REORDERED_FRAME, "ZVT 13.x 2.2 Authorisation (06 01)"),
    ZvtVector("authorisation 1.53 empty TLV, CRC 10 08", ZVT_AUTHORISATION_1_53_EMPTY_TLV_APDU,
              ZVT_AUTHORISATION_1_53_EMPTY_TLV_FRAME,
              "ZVT 13.x 2.2 Authorisation (06 01), TLV container; " + _TRANSPORT),
    ZvtVector("authorisation 10.00, DLE in amount", ZVT_AUTHORISATION_10_00_APDU,
              ZVT_AUTHORISATION_10_00_FRAME, _TRANSPORT),
    ZvtVector("reversal of receipt 17", ZVT_REVERSAL_RECEIPT_17_APDU,
              ZVT_REVERSAL_RECEIPT_17_FRAME, "ZVT 13.x ch. 2 Reversal (06 30)"),
    ZvtVector("refund 12.34", ZVT_REFUND_12_34_APDU, ZVT_REFUND_12_34_FRAME,
              "ZVT 13.x ch. 2 Refund (06 31)"),
    ZvtVector("ECR abort", ZVT_ECR_ABORT_APDU, ZVT_ECR_ABORT_FRAME,
              "ZVT 13.x ch. 2 Abort (06 B0)"),
    ZvtVector("status enquiry", ZVT_STATUS_ENQUIRY_APDU, ZVT_STATUS_ENQUIRY_FRAME,
              "ZVT 13.x ch. 2 Status-Enquiry (05 01)"),
    ZvtVector("repeat receipt", ZVT_REPEAT_RECEIPT_APDU, ZVT_REPEAT_RECEIPT_FRAME,
              "ZVT 13.x ch. 2 Repeat Receipt (06 20)"),
    ZvtVector("acknowledgement", ZVT_ACK_APDU, ZVT_ACK_FRAME,
              "ZVT 13.x Positive Acknowledgement (80 00 00)"),
    ZvtVector("negative acknowledgement busy", ZVT_NEGATIVE_ACK_BUSY_APDU,
              ZVT_NEGATIVE_ACK_BUSY_FRAME,
              "ZVT 13.x Negative Acknowledgement (84 xx 00), error code A0"),
    ZvtVector("intermediate insert card", ZVT_INTERMEDIATE_INSERT_CARD_APDU,
              ZVT_INTERMEDIATE_INSERT_CARD_FRAME,
              "ZVT 13.x ch. 3 Intermediate Status-Information (04 FF)"),
    ZvtVector("intermediate please wait", ZVT_INTERMEDIATE_PLEASE_WAIT_APDU,
              ZVT_INTERMEDIATE_PLEASE_WAIT_FRAME,
              "ZVT 13.x ch. 3 Intermediate Status-Information (04 FF)"),
    ZvtVector("intermediate remove card", ZVT_INTERMEDIATE_REMOVE_CARD_APDU,
              ZVT_INTERMEDIATE_REMOVE_CARD_FRAME,
              "ZVT 13.x ch. 3 Intermediate Status-Information (04 FF)"),
    ZvtVector("status information approved", ZVT_STATUS_INFORMATION_APPROVED_12_34_APDU,
              ZVT_STATUS_INFORMATION_APPROVED_12_34_FRAME,
              "ZVT 13.x ch. 3 Status-Information (04 0F); BMP table"),
    ZvtVector("status information declined", ZVT_STATUS_INFORMATION_DECLINED_12_34_APDU,
              ZVT_STATUS_INFORMATION_DECLINED_12_34_FRAME,
              "ZVT 13.x ch. 3 Status-Information (04 0F); error codes"),
    ZvtVector("completion", ZVT_COMPLETION_APDU, ZVT_COMPLETION_FRAME,
              "ZVT 13.x 2.2 Authorisation, Completion (06 0F)"),
    ZvtVector("completion after registration", ZVT_COMPLETION_REGISTRATION_APDU,
              ZVT_COMPLETION_REGISTRATION_FRAME, "ZVT 13.x 2.1 Registration, Completion (06 0F)"),
    ZvtVector("completion after registration without currency",
              ZVT_COMPLETION_REGISTRATION_NO_CURRENCY_APDU,
              ZVT_COMPLETION_REGISTRATION_NO_CURRENCY_FRAME,
              "ZVT 13.x 2.1 Registration, Completion (06 0F)"),
    ZvtVector("completion after status enquiry", ZVT_COMPLETION_STATUS_ENQUIRY_APDU,
              ZVT_COMPLETION_STATUS_ENQUIRY_FRAME,
              "ZVT 13.x ch. 2 Status-Enquiry, Completion (06 0F)"),
    ZvtVector("abort cancelled", ZVT_ABORT_CANCELLED_APDU, ZVT_ABORT_CANCELLED_FRAME,
              "ZVT 13.x 2.2 Authorisation, Abort (06 1E); error code 6C"),
    ZvtVector("abort declined", ZVT_ABORT_DECLINED_APDU, ZVT_ABORT_DECLINED_FRAME,
              "ZVT 13.x 2.2 Authorisation, Abort (06 1E); host error code 05"),
    ZvtVector("print line", ZVT_PRINT_LINE_APDU, ZVT_PRINT_LINE_FRAME,
              "ZVT 13.x 3.5 Print Line (06 D1)"),
    ZvtVector("print text block", ZVT_PRINT_TEXT_BLOCK_APDU, ZVT_PRINT_TEXT_BLOCK_FRAME,
              "ZVT 13.x ch. 3 Print Text-Block (06 D3); TLV tags 1F07, 25, 07"),
)

# --- Concert V2 --------------------------------------------------------------------------------
# Request (34 characters): POS number 2, amount 8 (minor units), answer flag 1 ("0" short
# answer, "1" long answer), mode 1 ("1" card), type 1 ("0" debit/purchase, "1" credit/refund,
# "2" cancellation), currency 3 (ISO 4217 numeric), private 10, delay 4 ("A010" answer at the
# end of the transaction, "A011" at once), authorisation 4 ("B010" the terminal decides,
# "B011" forced).
_REQUEST = "Protocole Caisse-TPE Concert V2, message caisse -> TPE (34 caracteres)"
_ANSWER = "Protocole Caisse-TPE Concert V2, message TPE -> caisse"
CONCERT_REQUEST_12_34_TEXT = "01" "00001234" "0" "1" "0" "978" + " " * 10 + "A010" "B010"
CONCERT_REQUEST_12_34_FRAME = (  # quoted in issue 5; its LRC (02) equals STX
    _hex("02 30 31 30 30 30 30 31 32 33 34 30 31 30 39 37 38") + b"\x20" * 10
    + _hex("41 30 31 30 42 30 31 30 03 02"))
CONCERT_REQUEST_12_34_LONG_TEXT = "01" "00001234" "1" "1" "0" "978" + " " * 10 + "A010" "B010"
CONCERT_REQUEST_12_34_LONG_FRAME = (  # LRC 03 equals ETX
    _hex("02 30 31 30 30 30 30 31 32 33 34 31 31 30 39 37 38") + b"\x20" * 10
    + _hex("41 30 31 30 42 30 31 30 03 03"))
CONCERT_REQUEST_12_34_IMMEDIATE_TEXT = "01" "00001234" "0" "1" "0" "978" + " " * 10 + "A011" "B010"
CONCERT_REQUEST_12_34_IMMEDIATE_FRAME = (
    _hex("02 30 31 30 30 30 30 31 32 33 34 30 31 30 39 37 38") + b"\x20" * 10
    + _hex("41 30 31 31 42 30 31 30 03 03"))
CONCERT_REQUEST_0_05_TEXT = "01" "00000005" "0" "1" "0" "978" + " " * 10 + "A010" "B010"
CONCERT_REQUEST_0_05_FRAME = (  # LRC 03 equals ETX
    _hex("02 30 31 30 30 30 30 30 30 30 35 30 31 30 39 37 38") + b"\x20" * 10
    + _hex("41 30 31 30 42 30 31 30 03 03"))

# Answer: POS 2, status 1 ("0" accepted, "7" refused/not completed), amount 8, mode 1,
# [rep 55 when the request's answer flag was "1"], currency 3, private 10
CONCERT_ANSWER_SHORT_APPROVED_TEXT = "01" "0" "00001234" "1" "978" + " " * 10
CONCERT_ANSWER_SHORT_APPROVED_FRAME = (  # quoted in issue 5: 28 bytes framed
    _hex("02 30 31 30 30 30 30 30 31 32 33 34 31 39 37 38") + b"\x20" * 10 + _hex("03 31"))
CONCERT_ANSWER_SHORT_DECLINED_TEXT = "01" "7" "00001234" "1" "978" + " " * 10
CONCERT_ANSWER_SHORT_DECLINED_FRAME = (
    _hex("02 30 31 37 30 30 30 30 31 32 33 34 31 39 37 38") + b"\x20" * 10 + _hex("03 36"))
# Long answer: the 55-character rep field carries the card data, here the masked PAN
# left-aligned and space-padded; 83 bytes framed
CONCERT_CARD_DATA = "497010******0119".ljust(55)
CONCERT_ANSWER_LONG_APPROVED_TEXT = "01" "0" "00001234" "1" + CONCERT_CARD_DATA + "978" + " " * 10
CONCERT_ANSWER_LONG_APPROVED_FRAME = (
    _hex("02 30 31 30 30 30 30 30 31 32 33 34 31 34 39 37 30 31 30 2A 2A 2A 2A 2A 2A 30 31 31 39")
    + b"\x20" * 39 + _hex("39 37 38") + b"\x20" * 10 + _hex("03 13"))

CONCERT_VECTORS: tuple[ConcertVector, ...] = (
    ConcertVector("request 12.34", CONCERT_REQUEST_12_34_TEXT, CONCERT_REQUEST_12_34_FRAME,
                  _REQUEST + "; issue 5"),
    ConcertVector("request 12.34 long answer", CONCERT_REQUEST_12_34_LONG_TEXT,
                  CONCERT_REQUEST_12_34_LONG_FRAME, _REQUEST),
    ConcertVector("request 12.34 immediate", CONCERT_REQUEST_12_34_IMMEDIATE_TEXT,
                  CONCERT_REQUEST_12_34_IMMEDIATE_FRAME, _REQUEST),
    ConcertVector("request 0.05, LRC is ETX", CONCERT_REQUEST_0_05_TEXT,
                  CONCERT_REQUEST_0_05_FRAME, _REQUEST),
    ConcertVector("short answer approved", CONCERT_ANSWER_SHORT_APPROVED_TEXT,
                  CONCERT_ANSWER_SHORT_APPROVED_FRAME, _ANSWER + " (25 caracteres); issue 5"),
    ConcertVector("short answer declined", CONCERT_ANSWER_SHORT_DECLINED_TEXT,
                  CONCERT_ANSWER_SHORT_DECLINED_FRAME, _ANSWER + " (25 caracteres)"),
    ConcertVector("long answer approved", CONCERT_ANSWER_LONG_APPROVED_TEXT,
                  CONCERT_ANSWER_LONG_APPROVED_FRAME, _ANSWER + " (80 caracteres, champ rep 55)"),
)
