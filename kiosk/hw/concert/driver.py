"""The kiosk's Concert V2 terminal (a :class:`~kiosk.hw.terminal_worker.TerminalWorker`).

Concert has no registration, no abort and no way to ask a terminal about its last transaction:
the kiosk sends its request and the terminal answers when the card holder is done. So:

* a request the terminal never acknowledged was never sent, and a payment refused on every
  transmission never started: both are clear (nothing charged);
* a request sent without an answer within ``timeout_s`` is UNKNOWN, and the worker keeps
  listening: the terminal's late answer is acknowledged and posted for staff to see;
* the shopper cancels on the terminal itself (the kiosk's cancel only shows "cancelling");
* recovery after a restart can only be the terminal's own journal, which staff read, and the
  terminal's pending answer if it still sends one (posted for the UNKNOWN attempt);
* staff can refund (type ``1``) and cancel a payment of today (type ``2``) on the terminal.

The answer's length follows the request's answer flag (25 or 80 characters); the long one
brings the card number, masked before it goes anywhere.
"""

from __future__ import annotations

import logging
from typing import Any

from kiosk.core.events import PaymentOutcome
from kiosk.core.money import Money
from kiosk.errors import DeviceError
from kiosk.hw.concert import messages as cm
from kiosk.hw.concert.link import ConcertLink, LinkLostError, Sent
from kiosk.hw.terminal import (
    NO_TERMINAL_ACTION,
    Capabilities,
    TerminalOutcome,
    TerminalReport,
    open_port,
)
from kiosk.hw.terminal_worker import UNAVAILABLE, PayRequest, TerminalWorker

log = logging.getLogger(__name__)

NOT_SENT = "The card terminal did not answer the kiosk. Nothing was charged."
BUSY = "The card terminal is busy. Please try again in a moment. Nothing was charged."
REFUSED = "The card terminal did not take the request. Nothing was charged."
NOT_CONFIRMED = "The card terminal did not confirm that it received the request."
NO_RESULT = "The card terminal did not send the payment's result in time."
LINE_LOST = "The connection to the card terminal was lost during the payment."
LOST_BEFORE = ("The connection to the card terminal was lost before the request was sent. "
               "Nothing was charged.")
CLEAR = {Sent.NOT_SENT: NOT_SENT, Sent.BUSY: BUSY, Sent.REFUSED: REFUSED}


class ConcertTerminal(TerminalWorker):
    """A Concert V2 terminal on ``settings.port``; see the module docstring."""

    capabilities = Capabilities(reversal=True, refund=True)
    protocol_name = "Concert"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._link: ConcertLink | None = None
        self._late: PayRequest | None = None  # an UNKNOWN payment the terminal may still answer
        super().__init__(*args, **kwargs)

    @property
    def _lengths(self) -> frozenset[int]:
        return frozenset({cm.LONG_ANSWER if self.settings.long_answer else cm.SHORT_ANSWER})

    # -- the line ---------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._link is not None

    def _connect(self) -> bool:
        """Open the port. Concert has no handshake of its own: at start the port is all that is
        checked (a call would take the terminal's attention); a terminal that was found silent
        is called (ENQ) until it answers again."""
        self._next_connect = self._clock() + self.settings.reconnect_s
        try:
            if self._link is None:
                port = open_port(self.settings.port, self.settings.baudrate)
                self._link = ConcertLink(port, ack_timeout_s=self.settings.ack_timeout_s,
                                         answer_s=self.settings.answer_timeout_s,
                                         lengths=self._lengths, clock=self._clock)
            elif not self._link.probe():
                self._failed(self._silent())
                return False
        except DeviceError as exc:  # LinkLostError too: the port went away under the probe
            self._lost(exc)
            return False
        self._health.ok(f"Concert terminal on {self.settings.port} connected")
        return True

    def _silent(self) -> DeviceError:
        return DeviceError(f"Card terminal on {self.settings.port} does not answer",
                           "it acknowledged none of the kiosk's calls",
                           "Check that it is switched on. " + NO_TERMINAL_ACTION)

    def _disconnect(self) -> None:
        if self._link is not None:
            try:
                self._link.port.close()
            except OSError as exc:
                log.info("closing the Concert port: %s", exc)
            self._link = None

    def _lost(self, error: DeviceError) -> None:
        self._disconnect()
        self._failed(error)

    def _idle(self, wait_s: float) -> None:
        """The terminal's own session between jobs: a late answer for an UNKNOWN payment."""
        link = self._link
        if link is None:
            return
        try:
            text = link.receive(wait_s)
        except LinkLostError as exc:
            self._lost(exc)
            return
        if link.lost is not None:
            self._lost(link.lost)
        if text is None:
            return
        late, self._late = self._late, None
        if late is None:
            log.warning("Concert answer with no payment waiting for it: %r", text)
            return
        self._post(self._outcome(late, text, "The card terminal answered after the kiosk had "
                                 "stopped waiting: "))

    # -- payments ---------------------------------------------------------------------------

    def _outcome(self, request: PayRequest, text: str, prefix: str = "") -> TerminalOutcome:
        try:
            answer = cm.parse_answer(text)
        except cm.ConcertError as exc:
            return TerminalOutcome(request.attempt_id, PaymentOutcome.UNKNOWN, request.amount,
                                   detail=prefix + exc.message)
        outcome, detail = answer.meaning(request.amount.minor, self.settings.currency_numeric)
        return TerminalOutcome(request.attempt_id, outcome,
                               Money(answer.amount_minor, request.amount.currency),
                               masked_pan=answer.masked_pan, detail=prefix + detail,
                               result_code=answer.status)

    def _transact(self, request: PayRequest, kind: str) -> TerminalOutcome:
        """Send one request and wait for its answer; see the module docstring."""
        amount = request.amount
        link = self._link if amount.currency == self.settings.currency and self._ready() else None
        if link is None:
            why = (UNAVAILABLE if amount.currency == self.settings.currency else
                   f"The card terminal takes {self.settings.currency}, not {amount.currency}.")
            return TerminalOutcome(request.attempt_id, PaymentOutcome.CANCELLED, amount,
                                   detail=why)
        self._late = None
        ended, text = self._exchange(link, request, kind)
        if ended is not None:
            return TerminalOutcome(request.attempt_id, ended[0], amount, detail=ended[1])
        return self._outcome(request, text)

    def _exchange(self, link: ConcertLink, request: PayRequest,
                  kind: str) -> tuple[tuple[PaymentOutcome, str] | None, str]:
        """The request out and the answer in: (how it ended without an answer, or None; the
        answer's text)."""
        try:
            link.drain()
            sent = link.send(cm.request(self.settings.pos_number, request.amount.minor,
                                        self.settings.currency_numeric,
                                        long_answer=self.settings.long_answer, kind=kind))
            if sent in CLEAR:
                if sent is Sent.NOT_SENT:
                    self._failed(self._silent())
                return (PaymentOutcome.CANCELLED, CLEAR[sent]), ""
            text = link.receive(self.settings.timeout_s) if sent is Sent.ACKED else None
        except LinkLostError as exc:
            self._lost(exc)
            lost = ((PaymentOutcome.UNKNOWN, LINE_LOST) if link.request_out
                    else (PaymentOutcome.CANCELLED, LOST_BEFORE))
            return lost, ""
        if link.lost is not None:
            self._lost(link.lost)
        if text is None:
            self._late = request
            return (PaymentOutcome.UNKNOWN, NO_RESULT if sent is Sent.ACKED
                    else NOT_CONFIRMED), ""
        return None, text

    def _pay(self, request: PayRequest) -> None:
        self._finish(request, self._transact(request, cm.PAYMENT))

    def _staff(self, action: str, ref: str, amount: Money, kind: str) -> None:
        outcome = self._transact(PayRequest(ref, amount), kind)
        self._late = None
        fields = {"masked_pan": outcome.masked_pan} if outcome.masked_pan else {}
        self._post(TerminalReport(action, outcome.outcome is PaymentOutcome.APPROVED,
                                  outcome.detail, ref, fields))

    def _recover(self, attempt_id: str, amount: Money) -> None:
        """Concert cannot ask; but a terminal still finishing this payment will send its
        answer, and it can only be this attempt's (the journal's last request): listen."""
        if self._late is None or self._late.attempt_id != attempt_id:
            self._late = PayRequest(attempt_id, amount)
        self._post(TerminalReport(
            "recovery", False, "Concert cannot ask the card terminal about its last payment: "
            "check the terminal's own journal. An answer it still sends is recorded.",
            attempt_id))

    def _reverse(self, attempt_id: str, receipt_no: str, amount: Money) -> None:
        """Concert cancels by amount (type 2): the terminal finds today's payment."""
        self._staff("reversal", attempt_id, amount, cm.CANCELLATION)

    def _refund(self, refund_id: str, amount: Money) -> None:
        self._staff("refund", refund_id, amount, cm.REFUND)
