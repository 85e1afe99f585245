"""The kiosk's ZVT terminal (a :class:`~kiosk.hw.terminal_worker.TerminalWorker`).

Connecting is registration (``06 00``: password, config byte, currency); a terminal that does not
complete it is down. A payment is an authorisation (``06 01``) run by
:class:`~kiosk.hw.zvt.exchange.Exchange`; when it ends UNKNOWN the dialogue stays open between
jobs, so the terminal's late result is acknowledged and posted for staff instead of dropped.
Recovery asks for the last receipt again (``06 20``, :mod:`kiosk.hw.zvt.recovery`); staff
have the status enquiry (``05 01``), the reversal (``06 30``) and the refund (``06 31``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from kiosk.core.events import PaymentOutcome
from kiosk.core.money import Money
from kiosk.errors import DeviceError
from kiosk.hw.terminal import (
    NO_TERMINAL_ACTION,
    Capabilities,
    TerminalOutcome,
    TerminalReport,
    TerminalStatus,
    open_port,
)
from kiosk.hw.terminal_worker import UNAVAILABLE, PayRequest, TerminalWorker
from kiosk.hw.zvt import messages as msg
from kiosk.hw.zvt.apdu import ApduError, decode_apdu
from kiosk.hw.zvt.dialogue import Dialogue, Result
from kiosk.hw.zvt.exchange import Exchange, Timing
from kiosk.hw.zvt.link import LinkLostError, ZvtLink
from kiosk.hw.zvt.recovery import evidence, outcome_of

log = logging.getLogger(__name__)
BUSY_CODES = frozenset({0xA0, 0x9C})  # "receiver not ready", "please wait": it is working


@dataclass
class _Late:
    """An UNKNOWN payment whose terminal may still finish it: its dialogue goes on listening."""

    attempt_id: str
    amount: Money
    dialogue: Dialogue


class ZvtTerminal(TerminalWorker):
    """A ZVT terminal on ``settings.port``; see the module docstring."""

    capabilities = Capabilities(cancel=True, status_enquiry=True, recovery=True,
                                reversal=True, refund=True)
    protocol_name = "ZVT"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._link: ZvtLink | None = None
        self._late: _Late | None = None
        self._before_trace: dict[str, str] = {}  # attempt -> the last trace seen before it
        self._last_trace = ""
        self._terminal_id = ""  # the terminal id of the first registration
        super().__init__(*args, **kwargs)

    @property
    def timing(self) -> Timing:
        s = self.settings
        return Timing(s.answer_timeout_s, s.timeout_s, s.completion_timeout_s)

    # -- the line ---------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self._link is not None

    def _connect(self) -> bool:
        """Open the port and register (06 00); health says how it went."""
        self._next_connect = self._clock() + self.settings.reconnect_s
        if not self.settings.password:
            self._failed(DeviceError(f"Card terminal on {self.settings.port} cannot be used",
                                     "no ZVT password is configured",
                                     "Set devices.terminal.password_file. " + NO_TERMINAL_ACTION))
            return False
        if self._link is None:
            try:
                port = open_port(self.settings.port, self.settings.baudrate)
            except DeviceError as exc:
                self._failed(exc)
                return False
            self._link = ZvtLink(port, ack_timeout_s=self.settings.ack_timeout_s)
        return self._register()

    def _disconnect(self) -> None:
        if self._link is not None:
            try:
                self._link.port.close()
            except OSError as exc:
                log.info("closing the ZVT port: %s", exc)
            self._link = None

    def _exchange(self, command: msg.Apdu, dialogue: Dialogue, *,
                  request: PayRequest | None = None,
                  after_enquiry: bool = False) -> tuple[Result, Exchange]:
        link = self._link
        if link is None:
            raise DeviceError("The card terminal is not connected")
        exchange = Exchange(
            link, self.timing, clock=self._clock, after_enquiry=after_enquiry,
            cancelled=request.cancel.is_set if request is not None else lambda: False,
            on_status=(lambda key: self._post(TerminalStatus(request.attempt_id, key)))
            if request is not None else lambda key: None)
        result = exchange.run(command, dialogue)
        if exchange.lost is not None:
            self._disconnect()
            self._failed(exchange.lost)
        elif exchange.silent:
            self._failed(DeviceError(f"Card terminal on {self.settings.port} does not answer",
                                     "it acknowledged nothing the kiosk sent",
                                     "Check that it is switched on. " + NO_TERMINAL_ACTION))
        if result.info is not None and result.info.trace_no:
            self._last_trace = result.info.trace_no
        return result, exchange

    def _register(self) -> bool:
        command = msg.registration(self.settings.password, self.settings.currency_numeric)
        result, exchange = self._exchange(command, Dialogue(None))
        done = exchange.last_message
        if isinstance(done, msg.Completion) and self._same_terminal(done.terminal_id):
            self._health.ok(f"ZVT terminal {done.terminal_id or '(no id)'} on "
                            f"{self.settings.port} ready")
            return True
        if isinstance(done, msg.Completion):
            return False
        if self._link is not None and not exchange.silent:
            busy = isinstance(done, msg.Refused) and done.code in BUSY_CODES
            self._failed(DeviceError(
                f"Card terminal on {self.settings.port} "
                + ("is busy" if busy else "does not accept the kiosk"),
                f"its registration failed: {result.detail.rstrip('.')}",
                ("The kiosk tries again shortly. " if busy else "Check devices.terminal."
                 "password and that the terminal speaks ZVT. ") + NO_TERMINAL_ACTION))
        return False

    def _same_terminal(self, terminal_id: str) -> bool:
        """The terminal on the port is the one the kiosk paid on. Another one (a swapped
        device, or a port name now given to another adapter) would answer a recovery with
        its own journal: it is not used until the kiosk restarts with it knowingly."""
        if not terminal_id or self._terminal_id in ("", terminal_id):
            self._terminal_id = self._terminal_id or terminal_id
            return True
        self._disconnect()
        self._failed(DeviceError(
            f"A different card terminal answers on {self.settings.port}",
            f"terminal {terminal_id} answered where terminal {self._terminal_id} was",
            "Restart the kiosk after replacing a terminal. " + NO_TERMINAL_ACTION))
        return False

    def _idle(self, wait_s: float) -> None:
        """A frame outside any command: the late end of an UNKNOWN payment, or noise."""
        link = self._link
        if link is None:
            return
        try:
            raw = link.receive(wait_s)
            if raw is None:
                return
            message = msg.parse_message(decode_apdu(raw))
            if isinstance(message, msg.Accepted | msg.Refused):
                return  # an acknowledgement is never answered (that would never end)
            late = self._late
            step = late.dialogue.on(message) if late is not None else None
            link.send(step.reply if step is not None and step.reply else msg.ACK_APDU)
            if late is not None and step is not None and step.result is not None:
                self._late = None
                self._post(outcome_of(late.attempt_id, late.amount, step.result,
                                      "The card terminal answered after the kiosk had "
                                      "stopped waiting: "))
        except ApduError as exc:
            log.warning("ZVT message between payments not understood: %s", exc.message)
        except LinkLostError as exc:
            self._disconnect()
            self._failed(exc)

    # -- jobs -------------------------------------------------------------------------------

    def _pay(self, request: PayRequest) -> None:
        attempt_id, amount = request.attempt_id, request.amount
        if amount.currency != self.settings.currency:
            result = Result(PaymentOutcome.CANCELLED, f"The card terminal takes "
                            f"{self.settings.currency}, not {amount.currency}.")
        elif not self._ready():
            result = Result(PaymentOutcome.CANCELLED, UNAVAILABLE)
        else:
            self._late = None
            self._before_trace[attempt_id] = self._last_trace
            dialogue = Dialogue(amount.minor)
            command = msg.authorisation(amount.minor, self.settings.currency_numeric)
            result, _ = self._exchange(command, dialogue, request=request)
            if result.outcome is PaymentOutcome.UNKNOWN and self._link is not None:
                self._late = _Late(attempt_id, amount, dialogue)
        self._finish(request, outcome_of(attempt_id, amount, result))

    def _recover(self, attempt_id: str, amount: Money) -> None:
        """What became of an UNKNOWN payment, from the terminal's own last receipt (06 20).

        A terminal that is away or busy (perhaps still finishing that very payment, whose late
        answer the worker keeps listening for) is asked again later, never given up on."""
        again = "The kiosk asks again when the card terminal is free."
        if not self._ready():
            self._defer(lambda: self._recover(attempt_id, amount))
            self._post(TerminalReport("recovery", False, f"{UNAVAILABLE} {again}", attempt_id))
            return
        late = self._late
        result, exchange = self._exchange(msg.repeat_receipt(self.settings.password),
                                          Dialogue(None))
        last = exchange.last_message
        if exchange.silent or exchange.lost or (isinstance(last, msg.Refused) and last.code):
            # Busy or away: the transaction it may still be running can only be this attempt
            # (the journal's last request), so what it sends next is heard as its late answer.
            mine = late is not None and late.attempt_id == attempt_id
            self._late = late if mine else _Late(attempt_id, amount, Dialogue(amount.minor))
            self._defer(lambda: self._recover(attempt_id, amount))
            self._post(TerminalReport("recovery", False, f"{result.detail} {again}",
                                      attempt_id))
            return
        self._late = None
        found = evidence(attempt_id, amount, result, last,
                         self._before_trace.get(attempt_id) or None)
        if isinstance(found, TerminalOutcome):
            self._post(found)
        self._post(TerminalReport("recovery", isinstance(found, TerminalOutcome), found.detail,
                                  attempt_id))

    def _enquire(self) -> None:
        if not self._ready():
            self._post(TerminalReport("status", False, self._health.current.detail))
            return
        result, exchange = self._exchange(msg.status_enquiry(self.settings.password),
                                          Dialogue(None), after_enquiry=True)
        done = exchange.last_message
        if not isinstance(done, msg.Completion) or done.status_byte is None:
            self._post(TerminalReport("status", False, result.detail))
            return
        ready = done.status_byte == 0
        text = ("The card terminal is ready" if ready
                else f"The card terminal reports status {done.status_byte:02X}")
        software = f" (software {done.software})" if done.software else ""
        self._post(TerminalReport("status", ready, text + software,
                                  fields={"software": done.software,
                                          "terminal_status": f"{done.status_byte:02X}"}))

    def _staff(self, action: str, ref: str, command: msg.Apdu, amount: Money) -> None:
        if not self._ready():
            self._post(TerminalReport(action, False, UNAVAILABLE, ref))
            return
        result, _ = self._exchange(command, Dialogue(None))
        outcome = outcome_of(ref, amount, result)
        fields = {key: value for key, value in (
            ("receipt_no", outcome.receipt_no), ("trace_no", outcome.trace_no),
            ("auth_code", outcome.auth_code), ("receipt", "\n".join(outcome.receipt_lines)))
            if value}
        self._post(TerminalReport(action, result.outcome is PaymentOutcome.APPROVED,
                                  result.detail, ref, fields))

    def _reverse(self, attempt_id: str, receipt_no: str, amount: Money) -> None:
        if not receipt_no.isdigit():
            self._post(TerminalReport("reversal", False, "A reversal needs the receipt number "
                                      "of the payment, from its receipt.", attempt_id))
            return
        self._staff("reversal", attempt_id, msg.reversal(self.settings.password,
                                                         int(receipt_no)), amount)

    def _refund(self, refund_id: str, amount: Money) -> None:
        self._staff("refund", refund_id, msg.refund(self.settings.password, amount.minor,
                                                    self.settings.currency_numeric), amount)
