"""What the terminal's numbers mean, in words a shopper and a staff member can read.

Result codes (BMP ``27``, and the byte after ``06 1E``) and intermediate status codes (``04 FF``)
are the specification's lists (ZVT 13.x, chapter 10 "Error-Messages" and the intermediate status
table of 3.7). Each result code also says whether the shopper ended the payment (cancelled) or
the card, the issuer or the terminal refused it (declined): either way nothing was charged.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from kiosk.core.events import PaymentOutcome

SUCCESS = 0x00
ABORTED = 0x6C  # abort via timeout or the abort key: the shopper (or nobody) ended it
TERMINAL_BUSY = 0x9C

_DECLINED = PaymentOutcome.DECLINED
_CANCELLED = PaymentOutcome.CANCELLED

RESULTS: Mapping[int, tuple[PaymentOutcome, str]] = MappingProxyType({
    0x64: (_DECLINED, "The card could not be read. Please try again or use another card."),
    0x65: (_DECLINED, "The card could not be read. Please try again or use another card."),
    0x66: (_CANCELLED, "The card terminal had a processing error. Nothing was charged."),
    0x67: (_DECLINED, "This card cannot be used for this payment."),
    0x68: (_DECLINED, "This card cannot be used for this payment."),
    0x6A: (_CANCELLED, "The card terminal's memory is full. Please ask a staff member."),
    0x6B: (_CANCELLED, "The card terminal is not ready for payments. Please ask a staff member."),
    ABORTED: (_CANCELLED, "The payment was cancelled."),
    0x6E: (_DECLINED, "This card is blocked. Please use another card."),
    0x6F: (_DECLINED, "This card cannot pay in this currency."),
    0x71: (_DECLINED, "There is not enough credit on the card."),
    0x72: (_DECLINED, "The card's chip could not be read. Please try again."),
    0x73: (_DECLINED, "The card data is not correct. Please use another card."),
    0x77: (_CANCELLED, "The card terminal is closing its day. Please try again shortly."),
    0x78: (_DECLINED, "The card has expired."),
    0x79: (_DECLINED, "The card is not valid yet."),
    0x7A: (_DECLINED, "This card is not accepted here."),
    0x7D: (_CANCELLED, "The card terminal could not reach the bank. Nothing was charged."),
    0x83: (_CANCELLED, "The card terminal cannot do this now. Please ask a staff member."),
    0x85: (_CANCELLED, "The card terminal needs maintenance. Please ask a staff member."),
    0x89: (_CANCELLED, "The PIN pad does not work. Please ask a staff member."),
    0x9A: (_CANCELLED, "The card terminal did not understand the kiosk. Nothing was charged."),
    0x9B: (_CANCELLED, "The card terminal could not reach the bank. Nothing was charged."),
    TERMINAL_BUSY: (_CANCELLED, "The card terminal is busy. Please try again in a moment."),
    0xA0: (_CANCELLED, "The bank is not answering. Nothing was charged; please try again."),
    0xA1: (_CANCELLED, "The bank is not answering. Nothing was charged; please try again."),
    0xA3: (_CANCELLED, "The card terminal has no connection to the bank. Nothing was charged."),
    0xB1: (_CANCELLED, "The card terminal's memory is full. Please ask a staff member."),
    0xB2: (_CANCELLED, "The card terminal's journal is full. Please ask a staff member."),
    0xB4: (_CANCELLED, "This payment was already reversed."),
    0xB5: (_CANCELLED, "This payment cannot be reversed."),
    0xC2: (_CANCELLED, "The card terminal needs a diagnosis. Please ask a staff member."),
    0xC3: (_DECLINED, "The amount is above this card's limit."),
    0xCC: (_CANCELLED, "The card terminal's printer is not ready. Please ask a staff member."),
    0xDC: (_CANCELLED, "A card is still in the terminal. Please remove it and try again."),
    0xDD: (_CANCELLED, "The card could not be ejected. Please ask a staff member."),
    0xDE: (_CANCELLED, "The card was not inserted properly. Please try again."),
    0xE0: (_CANCELLED, "The card terminal is under maintenance. Please ask a staff member."),
    0xE2: (_CANCELLED, "The card reader does not work. Please ask a staff member."),
    0xE3: (_CANCELLED, "The card reader is closed. Please ask a staff member."),
    0xFF: (_CANCELLED, "The card terminal had a system error. Nothing was charged."),
})
_ISSUER = (_DECLINED, "The card was declined by the card issuer.")
_OTHER = (_CANCELLED, "The card terminal could not take the payment (error {code:02X}). "
                      "Nothing was charged.")


def result_meaning(code: int) -> tuple[PaymentOutcome, str]:
    """A non-zero result code: declined or cancelled, and the sentence the shopper reads.

    Codes 01-63 come from the card issuer's authorisation system, through the terminal.
    """
    if code == SUCCESS:
        raise ValueError("result code 00 is an approval, not a refusal")
    if 0x01 <= code <= 0x63:
        return _ISSUER
    outcome, text = RESULTS.get(code, _OTHER)
    return outcome, text.format(code=code)


# A command refused at once (84 xx): what the terminal means when it will not even start.
_REFUSALS: Mapping[int, str] = MappingProxyType({
    0xA0: "The card terminal is busy. Please try again in a moment. Nothing was charged.",
    TERMINAL_BUSY: "The card terminal is busy. Please try again in a moment. Nothing was "
                   "charged.",
    0x83: "The card terminal cannot do this now. Nothing was charged.",
    0x9A: "The card terminal did not understand the request. Nothing was charged.",
})


def refusal_text(code: int) -> str:
    """84 xx before the terminal took the command: it did not start, nothing was charged."""
    if code in _REFUSALS:
        return _REFUSALS[code]
    return f"The card terminal refused the request (code {code:02X}). Nothing was charged."


# Intermediate status (04 FF) -> the kiosk's TerminalStatus message key.
INTERMEDIATE: Mapping[int, str] = MappingProxyType({
    0x00: "processing",  # waiting for amount confirmation
    0x01: "enter-pin", 0x02: "enter-pin",  # please watch the PIN pad
    0x03: "card-not-accepted", 0x04: "processing", 0x05: "processing", 0x06: "processing",
    0x07: "card-not-accepted", 0x08: "card-not-accepted", 0x09: "card-not-accepted",
    0x0A: "insert-card", 0x0B: "remove-card", 0x0C: "card-not-accepted",
    0x0D: "processing", 0x0E: "processing", 0x0F: "processing", 0x10: "card-not-accepted",
    0x11: "processing", 0x12: "processing", 0x13: "card-not-accepted",
    0x14: "card-not-accepted", 0x15: "wrong-pin", 0x16: "card-not-accepted",
    0x17: "processing", 0x18: "card-not-accepted", 0x19: "card-not-accepted",
    0x1A: "processing", 0x1B: "approved", 0x1C: "approved", 0x1D: "declined",
})


def intermediate_key(code: int) -> str:
    """Unknown codes mean the terminal is busy with something: "processing" says just that."""
    return INTERMEDIATE.get(code, "processing")


# BMP 8A, ZVT card type ids (chapter 12, list of ZVT card-type IDs), for the receipt.
CARD_TYPES: Mapping[int, str] = MappingProxyType({
    2: "ec-card", 5: "girocard", 6: "Mastercard", 8: "American Express", 10: "VISA",
    12: "Diners", 14: "JCB", 46: "Maestro", 117: "V PAY",
})


def card_type_name(code: int) -> str:
    return CARD_TYPES.get(code, f"card type {code}")
