"""The simulator's own Concert V2 coding: ENQ/ACK/NAK/EOT, STX text ETX LRC, request, answer.

The LRC is the XOR of every byte after STX up to and including ETX; it can itself be STX or ETX
(the 12.34 EUR request's LRC is 02), so a message is framed by its known length, never by
searching for ETX: the byte after the ETX that closes a message of an expected length is the
LRC, whatever its value. Text is printable ASCII; a control byte inside a message ends it as
broken and is then read as the control byte it is.

:class:`ConcertReader` is pure and incremental: any split of the stream gives the same events.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, auto
from functools import reduce
from operator import xor

from kiosk.errors import KioskError

STX = 0x02
ETX = 0x03
EOT = 0x04
ENQ = 0x05
ACK = 0x06
NAK = 0x15
CONTROL_BYTES = frozenset({STX, ETX, EOT, ENQ, ACK, NAK})

REQUEST_LENGTH = 34
SHORT_ANSWER_LENGTH = 25
CARD_DATA_LENGTH = 55
LONG_ANSWER_LENGTH = SHORT_ANSWER_LENGTH + CARD_DATA_LENGTH
STATUS_ACCEPTED = "0"
STATUS_REFUSED = "7"
DELAY_END_OF_TRANSACTION = "A010"
DELAY_IMMEDIATE = "A011"
TYPE_DEBIT = "0"
TYPE_CREDIT = "1"
TYPE_CANCEL = "2"


class ConcertCodingError(KioskError, ValueError):
    """Characters that are not a well-formed Concert message."""


def lrc(data: bytes) -> int:
    return reduce(xor, data, 0)


def encode_message(text: str, *, corrupt_lrc: bool = False) -> bytes:
    """STX text ETX LRC; ``corrupt_lrc`` sends a wrong LRC for the bad-checksum fault."""
    body = text.encode("ascii") + bytes([ETX])
    check = lrc(body) ^ (0x5A if corrupt_lrc else 0)
    return bytes([STX]) + body + bytes([check])


@dataclass(frozen=True, slots=True)
class Control:
    """One link control byte outside a message: ENQ, ACK, NAK or EOT."""

    byte: int


@dataclass(frozen=True, slots=True)
class ConcertMessage:
    text: str


@dataclass(frozen=True, slots=True)
class MessageRejected:
    reason: str


ConcertEvent = Control | ConcertMessage | MessageRejected


class _State(Enum):
    IDLE = auto()
    TEXT = auto()
    LRC = auto()


class ConcertReader:
    """Incremental parser for messages whose text length is one of ``lengths``."""

    def __init__(self, lengths: frozenset[int] = frozenset({REQUEST_LENGTH})) -> None:
        self._lengths = lengths
        self._longest = max(lengths)
        self._state = _State.IDLE
        self._text = bytearray()
        self.discarded = 0

    @property
    def in_message(self) -> bool:
        return self._state is not _State.IDLE

    def reset(self) -> None:
        if self.in_message:
            self.discarded += len(self._text) + 1
        self._state = _State.IDLE
        self._text.clear()

    def feed(self, data: bytes) -> list[ConcertEvent]:
        events: list[ConcertEvent] = []
        for byte in data:
            events.extend(self._step(byte))
        return events

    def _step(self, byte: int) -> list[ConcertEvent]:
        if self._state is _State.IDLE:
            return self._idle(byte)
        if self._state is _State.LRC:
            return [self._close(byte)]
        return self._in_text(byte)

    def _in_text(self, byte: int) -> list[ConcertEvent]:
        if byte == ETX:
            if len(self._text) in self._lengths:
                self._state = _State.LRC
                return []
            return [self._reject(f"a message of {len(self._text)} characters")]
        if byte < 0x20 or byte > 0x7E:  # a control byte: the message is broken, the byte counts
            rejected = self._reject(f"byte {byte:02X} inside a message")
            return [rejected, *self._idle(byte)]
        self._text.append(byte)
        if len(self._text) > self._longest:
            return [self._reject(f"a message longer than {self._longest} characters")]
        return []

    def _idle(self, byte: int) -> list[ConcertEvent]:
        if byte == STX:
            self._state = _State.TEXT
            self._text.clear()
            return []
        if byte in (ENQ, ACK, NAK, EOT):
            return [Control(byte)]
        self.discarded += 1
        return []

    def _close(self, check: int) -> ConcertEvent:
        text = bytes(self._text)
        self._state = _State.IDLE
        self._text.clear()
        if lrc(text + bytes([ETX])) != check:
            return MessageRejected("the LRC does not match")
        return ConcertMessage(text.decode("ascii"))

    def _reject(self, reason: str) -> MessageRejected:
        self._state = _State.IDLE
        self._text.clear()
        return MessageRejected(reason)


# --- the request and the answer ----------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ConcertRequest:
    pos: str
    amount_minor: int
    answer_flag: str
    mode: str
    type: str
    currency: int
    private: str
    delay: str
    authorisation: str

    @property
    def long_answer(self) -> bool:
        return self.answer_flag == "1"

    @property
    def immediate(self) -> bool:
        return self.delay == DELAY_IMMEDIATE


_REQUEST = re.compile(r"(?P<pos>\d{2})(?P<amount>\d{8})(?P<flag>[01])(?P<mode>[0-9A-Z])"
                      r"(?P<type>\d)(?P<currency>\d{3})(?P<private>[ -~]{10})"
                      r"(?P<delay>A01[01])(?P<auth>B01\d)")


def parse_request(text: str) -> ConcertRequest:
    match = _REQUEST.fullmatch(text)
    if match is None:
        raise ConcertCodingError(f"request {text!r} is not a Concert V2 request",
                                 "34 characters: POS 2, amount 8, answer flag 0/1, mode, type, "
                                 "currency 3, private 10, delay A010/A011, authorisation B01x")
    return ConcertRequest(match["pos"], int(match["amount"]), match["flag"], match["mode"],
                          match["type"], int(match["currency"]), match["private"],
                          match["delay"], match["auth"])


def encode_request(request: ConcertRequest) -> str:
    return (f"{request.pos}{request.amount_minor:08d}{request.answer_flag}{request.mode}"
            f"{request.type}{request.currency:03d}{request.private}{request.delay}"
            f"{request.authorisation}")


@dataclass(frozen=True, slots=True)
class ConcertAnswer:
    pos: str
    status: str
    amount_minor: int
    mode: str
    currency: int
    private: str
    card_data: str | None = None  # the 55-character rep field of the long answer


def encode_answer(answer: ConcertAnswer) -> str:
    card = "" if answer.card_data is None else answer.card_data.ljust(CARD_DATA_LENGTH)
    if len(card) > CARD_DATA_LENGTH or len(answer.private) != 10:
        raise ConcertCodingError("an answer with oversized fields",
                                 "card data is 55 characters, private 10")
    return (f"{answer.pos}{answer.status}{answer.amount_minor:08d}{answer.mode}{card}"
            f"{answer.currency:03d}{answer.private}")


def parse_answer(text: str) -> ConcertAnswer:
    if (len(text) not in (SHORT_ANSWER_LENGTH, LONG_ANSWER_LENGTH) or not text[3:11].isdigit()
            or not text[-13:-10].isdigit()):
        raise ConcertCodingError(f"answer {text!r} is not a Concert V2 answer",
                                 "25 or 80 characters with an 8-digit amount and a 3-digit "
                                 "currency")
    card = text[12:12 + CARD_DATA_LENGTH] if len(text) == LONG_ANSWER_LENGTH else None
    tail = text[-13:]
    return ConcertAnswer(text[:2], text[2], int(text[3:11]), text[11], int(tail[:3]),
                         tail[3:], card)
