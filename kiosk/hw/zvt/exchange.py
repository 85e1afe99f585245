"""One command and everything the terminal answers to it, on the serial line, with its clocks.

``send -> ACK -> 80 00 -> (04 FF | 04 0F | 06 D1 | 06 D3)* -> 06 0F or 06 1E``. The pure
:class:`~kiosk.hw.zvt.dialogue.Dialogue` decides what each message means; this module adds the
time limits of each phase (config: ``answer_timeout_s`` for the first answer, ``timeout_s`` up
to the result, ``completion_timeout_s`` of silence between the result, the receipt lines and
the completion), the ECR abort
(``06 B0``) when the shopper cancels at the kiosk, and what a lost line means: the dialogue ends
UNKNOWN unless the terminal had already said no.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.core.events import PaymentOutcome
from kiosk.hw.zvt.apdu import Apdu, ApduError, decode_apdu
from kiosk.hw.zvt.dialogue import Dialogue, Result
from kiosk.hw.zvt.link import LinkLostError, Sent, ZvtLink
from kiosk.hw.zvt.messages import (
    Accepted,
    Message,
    Refused,
    ecr_abort,
    parse_message,
)

log = logging.getLogger(__name__)
PROTOCOL_ERROR = Apdu(0x84, 0x9A)  # "ZVT protocol error": a message we could not read

NOT_TAKEN = "The card terminal did not take the request. Nothing was charged."
NOT_CONFIRMED = "The card terminal did not confirm that it received the request."
NO_FIRST_ANSWER = "The card terminal received the request but did not answer it."
NO_RESULT = "The card terminal did not send the payment's result in time."
NO_COMPLETION = "The card terminal did not complete the payment in time."
LINE_LOST = "The connection to the card terminal was lost during the payment."


@dataclass(frozen=True, slots=True)
class Timing:
    answer_s: float
    result_s: float
    completion_s: float


class Exchange:
    """Runs one dialogue; ``lost`` holds the error when the serial line failed under it."""

    def __init__(self, link: ZvtLink, timing: Timing, *,
                 on_status: Callable[[str], None] = lambda key: None,
                 cancelled: Callable[[], bool] = lambda: False,
                 after_enquiry: bool = False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.link = link
        self.timing = timing
        self.on_status = on_status
        self.cancelled = cancelled
        self.after_enquiry = after_enquiry
        self.lost: LinkLostError | None = None
        self.silent = False  # the command was never acknowledged on the line
        self.last_message: Message | None = None
        self._clock = clock
        self._abort_sent = False
        self._dialogue: Dialogue | None = None

    def run(self, command: Apdu, dialogue: Dialogue) -> Result:
        self._dialogue = dialogue
        try:
            sent = self.link.send(command)
            if sent is Sent.REFUSED:
                return Result(PaymentOutcome.CANCELLED, NOT_TAKEN)
            if sent is Sent.NO_ANSWER:
                self.silent = True
                return dialogue.unfinished(NOT_CONFIRMED)
            return self._answers(dialogue)
        except LinkLostError as exc:
            self.lost = exc
            return dialogue.unfinished(LINE_LOST)

    def _deadline(self, dialogue: Dialogue) -> tuple[float, str]:
        if dialogue.info is not None:
            return self.timing.completion_s, NO_COMPLETION
        if dialogue.accepted:
            return self.timing.result_s, NO_RESULT
        return self.timing.answer_s, NO_FIRST_ANSWER

    def _answers(self, dialogue: Dialogue) -> Result:
        limit, why = self._deadline(dialogue)
        deadline = self._clock() + limit
        while True:
            raw = self.link.receive(max(deadline - self._clock(), 0), stop=self._should_abort)
            if raw is None:
                if self._should_abort():
                    self._abort(dialogue)
                    continue
                return dialogue.unfinished(why)
            phase = (dialogue.accepted, dialogue.info is not None)
            result = self._handle(raw, dialogue)
            if result is not None:
                return result
            # A new phase starts its clock; after the result, every receipt line shows the
            # terminal at work, so the completion limit is for silence, however long the slip.
            if (dialogue.accepted, dialogue.info is not None) != phase or dialogue.info:
                limit, why = self._deadline(dialogue)
                deadline = self._clock() + limit

    def _handle(self, raw: bytes, dialogue: Dialogue) -> Result | None:
        try:
            message = parse_message(decode_apdu(raw), after_enquiry=self.after_enquiry)
        except ApduError as exc:  # BmpError too: a field we cannot read is never guessed at
            log.warning("ZVT message not understood (%s): %s", exc.message, raw.hex(" "))
            self.link.send(PROTOCOL_ERROR)
            return None
        self.last_message = message
        if not isinstance(message, Accepted | Refused):
            dialogue.accepted = True  # a terminal that answers with its first status accepted
        step = dialogue.on(message)
        if step.reply is not None:
            try:
                self.link.send(step.reply)
            except LinkLostError as exc:
                if step.result is None:
                    raise
                self.lost = exc  # the answer is in: a line lost now only loses our receipt
        if step.status_key is not None:
            self.on_status(step.status_key)
        return step.result

    def _should_abort(self) -> bool:
        """Cancel at the kiosk: possible once the terminal took the command, until its result."""
        dialogue = self._dialogue
        return (not self._abort_sent and dialogue is not None and dialogue.accepted
                and dialogue.info is None and self.cancelled())

    def _abort(self, dialogue: Dialogue) -> None:
        """06 B0 once; the terminal ends with 06 1E if the card was not yet read."""
        self._abort_sent = True
        self.link.send(ecr_abort())
