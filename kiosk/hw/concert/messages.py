"""The Concert V2 request the kiosk sends and the answer it reads, as fixed-width text.

Request, 34 characters: POS number 2, amount 8 (minor units), answer flag 1 (``0`` short
answer, ``1`` long answer with card data), mode 1 (``1`` card), type 1 (``0`` payment, ``1``
refund, ``2`` cancellation of a payment), currency 3 (ISO 4217 numeric), private 10, delay 4
(``A010`` answer at the end of the transaction, ``A011`` at once), authorisation 4 (``B010``
the terminal decides). Answer, 25 or 80 characters: POS 2, status 1 (``0`` accepted), amount 8,
mode 1, [card data 55], currency 3, private 10. (Protocole Caisse-TPE Concert V2.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk.core.events import PaymentOutcome
from kiosk.errors import DeviceError
from kiosk.hw.terminal import mask_pan

REQUEST_LENGTH = 34
SHORT_ANSWER = 25
CARD_DATA = 55
LONG_ANSWER = SHORT_ANSWER + CARD_DATA
PAYMENT, REFUND, CANCELLATION = "0", "1", "2"
ACCEPTED = "0"
PRIVATE = " " * 10

_ANSWER = re.compile(r"(?P<pos>\d{2})(?P<status>[ -~])(?P<amount>\d{8})(?P<mode>[ -~])"
                     r"(?P<card>[ -~]{55})?(?P<currency>\d{3})(?P<private>[ -~]{10})")
_PAN = re.compile(r"[0-9*]{12,19}")

# Statuses other than "accepted": the terminal did not take the money.
_REFUSED = {
    "7": "The payment was refused or stopped on the card terminal. Nothing was charged.",
    "9": "The card terminal could not complete the payment. Nothing was charged.",
}


class ConcertError(DeviceError, ValueError):
    """Text that is not a Concert V2 message the kiosk can read; the message says why."""


def request(pos: str, amount_minor: int, currency: int, *, long_answer: bool,
            kind: str = PAYMENT) -> str:
    """The 34 characters for ``amount_minor``; answer at the end of the transaction (A010)."""
    if not (len(pos) == 2 and pos.isdigit()):
        raise ConcertError(f"the POS number {pos!r} is not two digits")
    if not 0 < amount_minor <= 99_999_999:
        raise ConcertError(f"cannot ask the terminal for {amount_minor} minor units",
                           "Concert amounts are 1 to 99999999")
    text = (f"{pos}{amount_minor:08d}{'1' if long_answer else '0'}1{kind}{currency:03d}"
            f"{PRIVATE}A010B010")
    if len(text) != REQUEST_LENGTH:
        raise ConcertError("a Concert request must be 34 characters", f"got {text!r}")
    return text


@dataclass(frozen=True, slots=True)
class Answer:
    pos: str
    status: str
    amount_minor: int
    currency: int
    masked_pan: str = ""

    def meaning(self, amount_minor: int, currency: int) -> tuple[PaymentOutcome, str]:
        """What the answer says about the payment the kiosk asked for; never guessed."""
        if self.status == ACCEPTED:
            if (self.amount_minor, self.currency) != (amount_minor, currency):
                return PaymentOutcome.UNKNOWN, (
                    f"The card terminal accepted {self.amount_minor} minor units in currency "
                    f"{self.currency:03d}, but {amount_minor} in {currency:03d} were asked.")
            return PaymentOutcome.APPROVED, "Approved."
        if self.status in _REFUSED:
            return PaymentOutcome.DECLINED, _REFUSED[self.status]
        if self.status.isdigit():
            return PaymentOutcome.DECLINED, (f"The card terminal refused the payment (status "
                                             f"{self.status}). Nothing was charged.")
        return PaymentOutcome.UNKNOWN, f"The card terminal answered with status {self.status!r}."


def parse_answer(text: str) -> Answer:
    match = _ANSWER.fullmatch(text)
    if match is None:
        raise ConcertError("the card terminal's answer cannot be read",
                           f"{len(text)} characters that are not a Concert V2 answer")
    card = match["card"] or ""
    pan = _PAN.search(card)
    return Answer(match["pos"], match["status"], int(match["amount"]), int(match["currency"]),
                  mask_pan(pan.group()) if pan else "")
