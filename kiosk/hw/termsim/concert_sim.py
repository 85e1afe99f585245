"""A Concert V2 payment terminal on a pty, for tests, the demo and store IT.

The cash register opens a session with ENQ, the terminal ACKs, the register sends its 34-
character request, the terminal ACKs (NAK on a bad LRC or a malformed request) and the register
ends with EOT. The terminal then runs the transaction and, at its end (delay A010) or at once
(A011), opens its own session: ENQ, the register ACKs, the answer (short, or long with the card
data when the answer flag is 1) goes out whole, the register ACKs, EOT. Type 0 is a payment,
1 a refund (credit), 2 cancels the latest standing payment of that amount.

Each request takes one fault from the script; while a transaction runs, or while the "busy"
fault lasts, an ENQ is answered with NAK.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from kiosk.hw.termsim.concert_wire import (
    ACK,
    ENQ,
    EOT,
    LONG_ANSWER_LENGTH,
    NAK,
    SHORT_ANSWER_LENGTH,
    STATUS_ACCEPTED,
    STATUS_REFUSED,
    TYPE_CANCEL,
    TYPE_CREDIT,
    TYPE_DEBIT,
    ConcertAnswer,
    ConcertCodingError,
    ConcertEvent,
    ConcertMessage,
    ConcertReader,
    ConcertRequest,
    Control,
    MessageRejected,
    encode_answer,
    encode_message,
    parse_request,
)
from kiosk.hw.termsim.concert_wire import CONTROL_BYTES as CONCERT_CONTROL_BYTES
from kiosk.hw.termsim.faults import APPROVE, CONCERT, Fault
from kiosk.hw.termsim.journal import (
    ABANDONED,
    APPROVED,
    CANCELLED,
    CHARGE,
    DECLINED,
    REFUND,
    REFUSED,
    REVERSAL,
    SimTransaction,
)
from kiosk.hw.termsim.line_events import LineEvents
from kiosk.hw.termsim.sim_base import (
    SLICE_S,
    AbandonError,
    TerminalSimulator,
)

KINDS = {TYPE_DEBIT: CHARGE, TYPE_CREDIT: REFUND, TYPE_CANCEL: REVERSAL}


@dataclass(slots=True)
class _Pending:
    """The fault of a session whose request has not been accepted yet."""

    fault: Fault
    naks: int = 0
    struck: bool = False  # the before-ack fault has acted; the register's retry is not hit again


class ConcertSimulator(TerminalSimulator):
    """See :class:`TerminalSimulator` for the shared constructor arguments and the journal."""

    protocol = CONCERT

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        reader = ConcertReader()
        self._events: LineEvents[ConcertEvent] = LineEvents(
            self._port, reader, lambda: reader.in_message, self.timing.inter_byte_s,
            self.check_stop)
        self._pending: _Pending | None = None
        self._busy_until = 0.0
        self._booked: int | None = None
        self._delivered = False
        self._corrupt_left = 0

    def reset_link(self) -> None:
        self._events.reset()
        self._pending = None

    # --- link ----------------------------------------------------------------------------------
    def _next_event(self, timeout_s: float) -> ConcertEvent | None:
        return self._events.next(timeout_s)

    def _send_byte(self, byte: int) -> None:
        self._port.write(bytes([byte]))

    def _await_control(self, timeout_s: float) -> int | None:
        """The register's next ACK/NAK/EOT/ENQ; messages in between are refused."""
        deadline = time.monotonic() + timeout_s
        while (left := deadline - time.monotonic()) > 0:
            event = self._next_event(left)
            if isinstance(event, Control):
                return event.byte
            if event is not None:
                self._send_byte(NAK)
        return None

    # --- the register's session ----------------------------------------------------------------
    def serve_once(self) -> None:
        event = self._next_event(0.2)
        if isinstance(event, Control) and event.byte == ENQ:
            try:
                self._session()
            except AbandonError:
                return
        elif isinstance(event, ConcertMessage | MessageRejected):
            self._send_byte(NAK)  # a message outside a session

    def _session(self) -> None:
        if time.monotonic() < self._busy_until:
            self._send_byte(NAK)
            return
        pending = self._pending or _Pending(self.faults.next())
        self._pending = pending
        if pending.fault.name == "busy":
            self._pending = None
            self._busy(pending.fault)
            return
        if not pending.struck:
            pending.struck = True
            self.fault = pending.fault
            try:
                self._strike("before-ack", answer_busy=False)
            finally:
                self.fault = APPROVE
        self._send_byte(ACK)
        request = self._receive_request()
        if request is not None:
            self._transaction(request)

    def _busy(self, fault: Fault) -> None:
        self._busy_until = time.monotonic() + self.timing.busy_s
        self._send_byte(NAK)
        entry = self.journal.book(CHARGE, REFUSED, 0, self.currency, str(fault),
                                  detail="terminal busy")
        self.journal.finish(entry.seq, delivered=True)

    def _receive_request(self) -> ConcertRequest | None:
        """The request after our ACK; None when the register gave up (its fault stays)."""
        for _ in range(self.timing.link_attempts + 1):
            event = self._next_event(self.timing.reply_s)
            if event is None or isinstance(event, Control):
                return None  # silence, EOT or a new ENQ: the session is over
            if isinstance(event, MessageRejected):
                self._send_byte(NAK)
                continue
            request = self._accept(event.text)
            if request is not None:
                self._await_control(self.timing.link_ack_s)  # EOT (missing is tolerated)
                return request
        return None

    def _accept(self, text: str) -> ConcertRequest | None:
        pending = self._pending or _Pending(APPROVE)
        fault = pending.fault
        if fault.name == "nak" and pending.naks < fault.count:
            pending.naks += 1
            self._send_byte(NAK)
            return None
        try:
            request = parse_request(text)
        except ConcertCodingError:
            self._send_byte(NAK)
            return None
        self._send_byte(ACK)
        self.fault, self._pending = fault, None
        return request

    # --- the transaction -------------------------------------------------------------------------
    def _transaction(self, request: ConcertRequest) -> None:
        kind = KINDS.get(request.type, CHARGE)
        self._booked, self._delivered = None, False
        self.transaction_started()
        try:
            self._strike("after-ack")
            self._strike("during-status")
            if not request.immediate:
                self._wait(self.timing.card_step_s * 3)
            accepted = self._decide(kind, request)
            self._strike("before-completion")
            if self.fault.strikes("before-completion") and self.fault.name == "bad-checksum":
                self._corrupt_left = self.fault.count
            self._answer(request, accepted)
            self._delivered = True
            self._strike("after-completion")
            self._send_byte(EOT)
        finally:
            if self._booked is None:
                entry = self.journal.book(kind, ABANDONED, request.amount_minor,
                                          request.currency, str(self.fault),
                                          detail="dialogue stopped")
                self._booked = entry.seq
            self.journal.finish(self._booked, delivered=self._delivered)
            self._booked, self.fault, self._corrupt_left = None, APPROVE, 0
            self.transaction_ended()

    def _decide(self, kind: str, request: ConcertRequest) -> bool:
        """Book the outcome before the answer goes out: the money has moved now."""
        fault = str(self.fault)
        amount, currency = request.amount_minor, request.currency
        outcome, detail, reverses = APPROVED, "", None
        if request.type not in KINDS or amount == 0 or currency != self.currency:
            outcome, detail = REFUSED, "request type, amount or currency not accepted"
        elif self.fault.name == "cancel":
            outcome, detail = CANCELLED, "the shopper pressed Stop on the terminal"
        elif self.fault.name == "decline":
            outcome, detail = DECLINED, "declined by the card issuer (simulated)"
        elif kind == REVERSAL:
            original = self._standing_charge(amount)
            if original is None:
                outcome, detail = REFUSED, "no standing payment of this amount to cancel"
            else:
                reverses = original.seq
        entry = self.journal.book(kind, outcome, amount, currency, fault,
                                  reverses_seq=reverses, detail=detail)
        self._booked = entry.seq
        return outcome == APPROVED

    def _standing_charge(self, amount: int) -> SimTransaction | None:
        matching = [e for e in self.journal.standing_charges() if e.amount_minor == amount]
        return matching[-1] if matching else None

    def _answer(self, request: ConcertRequest, accepted: bool) -> None:
        answer = ConcertAnswer(
            request.pos, STATUS_ACCEPTED if accepted else STATUS_REFUSED, request.amount_minor,
            request.mode, request.currency, request.private,
            self.card.masked_pan if request.long_answer else None)
        text = encode_answer(answer)
        expected = LONG_ANSWER_LENGTH if request.long_answer else SHORT_ANSWER_LENGTH
        if len(text) != expected:
            raise ConcertCodingError(f"an answer of {len(text)} characters",
                                     f"the register reads exactly {expected}")
        self._open_session()
        for _ in range(self.timing.link_attempts):
            corrupt = self._corrupt_left > 0
            self._corrupt_left -= int(corrupt)
            self._port.write(encode_message(text, corrupt_lrc=corrupt))
            reply = self._await_control(self.timing.link_ack_s)
            if reply == ACK:
                return
        raise AbandonError("the register did not acknowledge the answer")

    def _open_session(self) -> None:
        for _ in range(self.timing.link_attempts):
            self._send_byte(ENQ)
            if self._await_control(self.timing.link_ack_s) == ACK:
                return
        raise AbandonError("the register did not accept the answer session")

    def _wait(self, seconds: float, *, answer_busy: bool = True) -> None:
        """Let time pass as the terminal works; a register's ENQ meanwhile gets NAK (busy)."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            event = self._next_event(min(SLICE_S, left))
            if answer_busy and isinstance(event, Control) and event.byte == ENQ:
                self._send_byte(NAK)

    def _send_garbage(self) -> None:
        self._port.write(self.garbage(CONCERT_CONTROL_BYTES))
