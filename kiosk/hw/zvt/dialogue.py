"""One ZVT payment dialogue, seen from the cash register: messages in, replies and a result out.

Pure: :meth:`Dialogue.on` takes a message the terminal sent and returns what to answer, what the
shopper should now see, and, once the terminal has said how it ended, the :class:`Result`.
Timing and the serial line belong to the driver. The rules that keep a shopper from being
charged twice live here, where they can be tested without a port:

* ``84 xx`` (xx not 00) before ``80 00``: the terminal refused the command, nothing started.
* ``04 0F`` carries the result; the receipt lines follow; ``06 0F`` ends the dialogue. Only
  then is an approval final: a terminal may still abort (``06 1E``) after its status.
* ``06 1E`` ends it without a charge, whatever came before.
* A dialogue that ends without a readable result is UNKNOWN, never approved or declined.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.core.events import PaymentOutcome
from kiosk.hw.zvt import codes
from kiosk.hw.zvt.apdu import Apdu
from kiosk.hw.zvt.messages import (
    ACK_APDU,
    CUSTOMER,
    MERCHANT,
    NOT_SUPPORTED_APDU,
    Abort,
    Accepted,
    Completion,
    Intermediate,
    Message,
    Other,
    PrintBlock,
    PrintLine,
    Refused,
    StatusInfo,
)

_ASKS_INPUT = {(0x04, 0x0D), (0x04, 0x0E)}  # input and menu requests: nobody to answer them


@dataclass(frozen=True, slots=True)
class Result:
    """How the dialogue ended. ``detail`` is the sentence for the shopper and the record."""

    outcome: PaymentOutcome
    detail: str
    info: StatusInfo | None = None
    customer_lines: tuple[str, ...] = ()
    merchant_lines: tuple[str, ...] = ()
    result_code: int | None = None


@dataclass(frozen=True, slots=True)
class Step:
    reply: Apdu | None = None
    status_key: str | None = None
    result: Result | None = None


@dataclass
class Receipts:
    """Receipt lines as they arrive: print lines until one marked last, or whole blocks."""

    done: list[tuple[int | None, tuple[str, ...]]] = field(default_factory=list)
    current: list[str] = field(default_factory=list)

    def line(self, message: PrintLine) -> None:
        self.current.append(message.text)
        if message.last:
            self.done.append((None, tuple(self.current)))
            self.current.clear()

    def block(self, message: PrintBlock) -> None:
        self.done.append((message.receipt_type, message.lines))

    def copies(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(customer, merchant). Untyped receipts come merchant first, then customer (the
        terminal's default order); a single untyped receipt is the shopper's."""
        receipts = list(self.done)
        if self.current:
            receipts.append((None, tuple(self.current)))
        customer = [lines for kind, lines in receipts if kind == CUSTOMER]
        merchant = [lines for kind, lines in receipts if kind == MERCHANT]
        untyped = [lines for kind, lines in receipts if kind is None]
        if len(untyped) == 1 and not customer:
            customer = untyped
        elif len(untyped) >= 2:
            merchant = merchant or [untyped[0]]
            customer = customer or [untyped[-1]]
        return (customer[-1] if customer else ()), (merchant[-1] if merchant else ())


@dataclass
class Dialogue:
    """An authorisation (or refund, reversal) the kiosk asked for; see the module docstring."""

    amount_minor: int | None  # None: no amount to check (registration, enquiry, receipt)
    accepted: bool = False
    info: StatusInfo | None = None
    receipts: Receipts = field(default_factory=Receipts)
    statuses: list[str] = field(default_factory=list)

    def on(self, message: Message) -> Step:  # noqa: PLR0911 - one return per message type
        match message:
            case Accepted():
                self.accepted = True
                return Step()
            case Refused(code=code):
                if self.accepted or code == 0x00:
                    return Step()  # an answer to our abort request, or one that says nothing
                return Step(result=self._refused(code))
            case Intermediate(code=code):
                key = codes.intermediate_key(code)
                self.statuses.append(key)
                return Step(ACK_APDU, status_key=key)
            case StatusInfo():
                self.info = message
                return Step(ACK_APDU)
            case PrintLine():
                self.receipts.line(message)
                return Step(ACK_APDU)
            case PrintBlock():
                self.receipts.block(message)
                return Step(ACK_APDU)
            case Completion():
                return Step(ACK_APDU, result=self._completed(message))
            case Abort(result_code=code):
                return Step(ACK_APDU, result=self._aborted(code))
            case Other(control=control):
                return Step(NOT_SUPPORTED_APDU if control in _ASKS_INPUT else ACK_APDU)
        return Step()

    def _refused(self, code: int) -> Result:
        return Result(PaymentOutcome.CANCELLED, codes.refusal_text(code), result_code=code)

    def _aborted(self, code: int) -> Result:
        if code == codes.SUCCESS:
            return self._with_receipts(PaymentOutcome.CANCELLED, "The payment was cancelled.",
                                       code)
        outcome, text = codes.result_meaning(code)
        return self._with_receipts(outcome, text, code)

    def _completed(self, completion: Completion) -> Result:
        info = self.info
        code = info.result_code if info is not None else completion.result_code
        if code is None:
            return self._with_receipts(
                PaymentOutcome.UNKNOWN,
                "The card terminal ended the payment without saying whether it was approved.",
                None)
        if code != codes.SUCCESS:
            outcome, text = codes.result_meaning(code)
            return self._with_receipts(outcome, text, code)
        if (info is not None and self.amount_minor is not None
                and info.amount_minor not in (None, self.amount_minor)):
            return self._with_receipts(
                PaymentOutcome.UNKNOWN,
                f"The card terminal approved {info.amount_minor} minor units, but "
                f"{self.amount_minor} were asked.", code)
        return self._with_receipts(PaymentOutcome.APPROVED, "Approved.", code)

    def _with_receipts(self, outcome: PaymentOutcome, detail: str, code: int | None) -> Result:
        customer, merchant = self.receipts.copies()
        return Result(outcome, detail, self.info, customer, merchant, code)

    def unfinished(self, why: str) -> Result:
        """The line went quiet or was lost before 06 0F / 06 1E: what is known, as UNKNOWN.

        A refusal already in the status information is still a refusal (nothing can turn a
        declined status into a charge); anything else cannot be known from here.
        """
        info = self.info
        if info is not None and info.result_code not in (None, codes.SUCCESS):
            outcome, text = codes.result_meaning(info.result_code)
            return self._with_receipts(outcome, text, info.result_code)
        known = (" The terminal had reported an approval but did not complete."
                 if info is not None and info.result_code == codes.SUCCESS else "")
        return self._with_receipts(PaymentOutcome.UNKNOWN, why + known,
                                   info.result_code if info is not None else None)
