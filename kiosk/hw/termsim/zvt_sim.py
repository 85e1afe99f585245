"""A ZVT payment terminal on a pty, for tests, the demo and store IT.

It answers like a terminal in ZVT master/slave order: the cash register's command is ACKed on
the link and answered with 80 00 00, then the terminal sends intermediate statuses (04 FF), the
result (04 0F), the receipt (06 D1 lines or an 06 D3 block) and the Completion (06 0F) or Abort
(06 1E), waiting for the register's 80 00 00 after each. Faults come from the script, one per
authorisation, reversal or refund; registration, status enquiry and repeat receipt never fault.
While a transaction runs, any other command gets "84 A0 00" (receiver not ready), and an ECR
abort (06 B0) stops it as long as the card holder dialogue is still going.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.hw.termsim.faults import APPROVE, ZVT, Fault
from kiosk.hw.termsim.journal import (
    ABANDONED,
    APPROVED,
    CANCELLED,
    CHARGE,
    DECLINED,
    REFUSED,
)
from kiosk.hw.termsim.journal import REFUND as REFUND_KIND
from kiosk.hw.termsim.journal import REVERSAL as REVERSAL_KIND
from kiosk.hw.termsim.sim_base import (
    AbandonError,
)
from kiosk.hw.termsim.zvt_apdu import Apdu, ZvtCodingError, decode_apdu
from kiosk.hw.termsim.zvt_dialogue import DialogueCancelledError, ZvtDialogue
from kiosk.hw.termsim.zvt_messages import (
    AUTHORISATION,
    ECR_ABORT,
    NEGATIVE_ACK_CLASS,
    POSITIVE_ACK,
    REFUND,
    REGISTRATION,
    REPEAT_RECEIPT,
    RESULT_ABORTED,
    RESULT_ALREADY_REVERSED,
    RESULT_FUNCTION_NOT_POSSIBLE,
    RESULT_PROTOCOL_ERROR,
    RESULT_RECEIVER_NOT_READY,
    RESULT_REVERSAL_NOT_POSSIBLE,
    RESULT_WRONG_CURRENCY,
    REVERSAL,
    STATUS_ENQUIRY,
    STATUS_INSERT_CARD,
    STATUS_PLEASE_WAIT,
    STATUS_WATCH_PIN_PAD,
    PaymentCommand,
    TransactionResult,
    abort,
    completion,
    negative_ack,
    positive_ack,
    read_authorisation,
    read_password_command,
    read_refund,
    read_registration,
    read_reversal,
    registration_completion,
    status_enquiry_completion,
    status_information,
)
from kiosk.hw.termsim.zvt_receipt import receipt_lines, transaction_result


class ZvtSimulator(ZvtDialogue):
    """See :class:`TerminalSimulator` for the shared constructor arguments and the journal."""

    protocol = ZVT

    def __init__(self, *, software_version: str = "TSIM-1.0", trace_start: int = 0,
                 receipt_start: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.software_version = software_version
        self._trace = trace_start
        self._receipt = receipt_start
        self._pending: tuple[Fault, int] | None = None  # a NAKed command's fault, NAKs left
        self._last: tuple[bytes, tuple[str, ...]] | None = None  # last 04 0F and its receipt
        self._booked: int | None = None  # journal seq of the transaction in progress
        self._delivered = False

    def reset_link(self) -> None:
        super().reset_link()
        self._pending = None

    # --- idle: one command at a time -----------------------------------------------------------
    def serve_once(self) -> None:
        raw = self._link.receive_unacknowledged(0.2)
        if raw is None:
            return
        try:
            apdu = decode_apdu(raw)
            handler = self._handlers().get(apdu.command)
            if handler is None:
                self._link.send_ack()
                self._refuse_command(apdu)
                return
            handler(apdu)
        except ZvtCodingError:
            self._link.send_ack()
            self._try_send(negative_ack(RESULT_PROTOCOL_ERROR))
        except AbandonError:
            return  # the register went away; the next command starts afresh

    def _handlers(self) -> dict[tuple[int, int], Callable[[Apdu], None]]:
        return {
            REGISTRATION: self._registration, STATUS_ENQUIRY: self._status_enquiry,
            REPEAT_RECEIPT: self._repeat_receipt, AUTHORISATION: self._authorisation,
            REFUND: self._refund, REVERSAL: self._reversal,
        }

    def _refuse_command(self, apdu: Apdu) -> None:
        """A late acknowledgement needs no answer; 06 B0 with nothing running is fine;
        anything else is "function not possible"."""
        if apdu.cls in (POSITIVE_ACK[0], NEGATIVE_ACK_CLASS):
            return
        if apdu.command == ECR_ABORT:
            self._try_send(positive_ack())
        else:
            self._try_send(negative_ack(RESULT_FUNCTION_NOT_POSSIBLE))


    def _registration(self, apdu: Apdu) -> None:
        registration = read_registration(apdu)
        self._link.send_ack()
        self._link.send(positive_ack())
        self._config_byte = registration.config_byte
        self._text_block = registration.permits_text_block
        self._link.send(registration_completion(self.terminal_id, registration.currency))
        self._reply()

    def _status_enquiry(self, apdu: Apdu) -> None:
        read_password_command(apdu)
        self._link.send_ack()
        self._link.send(positive_ack())
        self._link.send(status_enquiry_completion(self.software_version))
        self._reply()

    def _repeat_receipt(self, apdu: Apdu) -> None:
        """The last result again: how a register learns the outcome it missed."""
        read_password_command(apdu)
        self._link.send_ack()
        self._link.send(positive_ack())
        if self._last is None:
            self._link.send(abort(RESULT_FUNCTION_NOT_POSSIBLE))
        else:
            result, lines = self._last
            self._exchange(result)
            self._print(lines)
            self._link.send(completion())
        self._reply()

    # --- transactions ----------------------------------------------------------------------
    def _authorisation(self, apdu: Apdu) -> None:
        command = read_authorisation(apdu)
        self._transaction(lambda: self._payment(CHARGE, command), CHARGE,
                          command.amount_minor, command.currency)

    def _refund(self, apdu: Apdu) -> None:
        command = read_refund(apdu)
        self._transaction(lambda: self._payment(REFUND_KIND, command), REFUND_KIND,
                          command.amount_minor, command.currency)

    def _reversal(self, apdu: Apdu) -> None:
        command = read_reversal(apdu)
        original = (self.journal.find_receipt(command.receipt_no)
                    if command.receipt_no is not None else None)
        amount = original.amount_minor if original else 0
        self._transaction(lambda: self._reverse(command.receipt_no, original), REVERSAL_KIND,
                          amount, self.currency)

    def _transaction(self, body: Callable[[], None], kind: str, amount: int,
                     currency: int | None) -> None:
        """Take the fault, acknowledge (or not), run ``body`` and close the journal entry."""
        if not self._take_fault():
            return
        self._booked, self._delivered = None, False
        self.transaction_started()
        try:
            self._strike("before-ack", answer_busy=False)
            self._link.send_ack()
            if self.fault.name == "busy":
                self._book(kind, REFUSED, amount, currency, detail="terminal busy")
                self._link.send(negative_ack(RESULT_RECEIVER_NOT_READY))
                return
            body()
        finally:
            self._link.naks_left = self._link.corrupt_left = 0
            self._abortable = False
            if self._booked is None:
                self._book(kind, ABANDONED, amount, currency, detail="dialogue stopped")
            booked, self._booked = self._booked, None
            self.fault = APPROVE
            if booked is not None:
                self.journal.finish(booked, delivered=self._delivered)
            self.transaction_ended()

    def _take_fault(self) -> bool:
        """The command's fault; False when it is NAKed (the register will send it again)."""
        fault, naks = self._pending or (self.faults.next(), 0)
        if fault.name == "nak" and fault.strikes("before-ack") and naks < fault.count:
            self._pending = (fault, naks + 1)
            self._link.send_nak()
            return False
        self._pending = None
        self.fault = fault
        return True

    def _book(self, kind: str, outcome: str, amount: int, currency: int | None, *,
              detail: str = "", trace_no: int | None = None, receipt_no: int | None = None,
              reverses_seq: int | None = None) -> None:
        entry = self.journal.book(kind, outcome, amount, currency or self.currency,
                                  str(self.fault), trace_no=trace_no, receipt_no=receipt_no,
                                  reverses_seq=reverses_seq, detail=detail)
        self._booked = entry.seq

    def _payment(self, kind: str, command: PaymentCommand) -> None:
        self._start_answering()
        if command.currency not in (None, self.currency):
            self._refuse(kind, command.amount_minor, RESULT_WRONG_CURRENCY, "wrong currency")
            return
        try:
            self._card_dialogue((STATUS_INSERT_CARD, STATUS_WATCH_PIN_PAD, STATUS_PLEASE_WAIT))
        except DialogueCancelledError as cancel:
            self._cancelled(kind, command.amount_minor, str(cancel))
            return
        self._deliver(kind, self._decide(kind, command.amount_minor))

    def _reverse(self, receipt_no: int | None, original: Any) -> None:
        self._start_answering()
        if receipt_no is None or original is None:
            self._refuse(REVERSAL_KIND, 0, RESULT_REVERSAL_NOT_POSSIBLE,
                         f"no approved payment with receipt {receipt_no}")
            return
        if self.journal.is_reversed(original.seq):
            self._refuse(REVERSAL_KIND, original.amount_minor, RESULT_ALREADY_REVERSED,
                         f"receipt {receipt_no} is already reversed")
            return
        try:
            self._card_dialogue((STATUS_PLEASE_WAIT,))
        except DialogueCancelledError as cancel:
            self._cancelled(REVERSAL_KIND, original.amount_minor, str(cancel))
            return
        result = self._decide(REVERSAL_KIND, original.amount_minor, original.trace_no,
                              original.seq)
        self._deliver(REVERSAL_KIND, result)

    def _start_answering(self) -> None:
        self._strike("after-ack")
        self._arm("after-ack")
        self._link.send(positive_ack())

    def _refuse(self, kind: str, amount: int, code: int, detail: str) -> None:
        self._book(kind, REFUSED, amount, self.currency, detail=detail)
        self._link.send(abort(code))
        self._reply()
        self._delivered = True

    def _cancelled(self, kind: str, amount: int, detail: str) -> None:
        self._book(kind, CANCELLED, amount, self.currency, detail=detail)
        self._link.send(abort(RESULT_ABORTED))
        self._reply()
        self._delivered = True


    def _decide(self, kind: str, amount: int, original_trace: int | None = None,
                reverses_seq: int | None = None) -> TransactionResult:
        """The host's answer, booked before anything is sent: the money has moved now."""
        approved = self.fault.name != "decline"
        self._trace += 1
        receipt = None
        if approved:
            self._receipt += 1
            receipt = self._receipt
        result = transaction_result(
            approved=approved, amount_minor=amount, currency=self.currency,
            trace_no=self._trace, when=self.now(), card=self.card, terminal_id=self.terminal_id,
            auth_code=self.next_approval_code() if approved else None, receipt_no=receipt,
            original_trace_no=original_trace)
        self._book(kind, APPROVED if approved else DECLINED, amount, self.currency,
                   trace_no=self._trace, receipt_no=receipt, reverses_seq=reverses_seq,
                   detail="" if approved else "declined by the card issuer (simulated)")
        return result

    def _deliver(self, kind: str, result: TransactionResult) -> None:
        message = status_information(result)
        lines = receipt_lines(kind, result)
        self._last = (message, lines)  # booked: a repeat receipt reports it from now on
        self._strike("before-completion")
        self._arm("before-completion")
        reply = self._exchange(message)
        self._delivered = True
        approved = result.result_code == 0
        if reply[0] == NEGATIVE_ACK_CLASS and approved and self._booked is not None:
            self._auto_reverse(kind, result, reply)
            return
        self._print(lines)
        self._arm("after-completion")
        self._link.send(completion() if approved else abort(result.result_code))
        self._strike("after-completion")
        self._reply()

    def _auto_reverse(self, kind: str, result: TransactionResult, reply: bytes) -> None:
        """The register refused an approved result (84 xx): the terminal takes it back."""
        charge = self._booked
        if charge is None:
            return
        self.journal.finish(charge, delivered=True)
        self._booked = None
        self._trace += 1
        self._book(REVERSAL_KIND, APPROVED, result.amount_minor, self.currency,
                   trace_no=self._trace, reverses_seq=charge,
                   detail=f"automatic: the cash register answered {reply.hex(' ').upper()}")
        self._link.send(abort(RESULT_ABORTED))
        self._reply()
