"""The simulated ZVT terminal's side of one exchange, and where the scripted faults strike.

Every message the terminal sends as master waits for the cash register's 80 00 00 (or 84 xx 00,
or an ECR abort 06 B0 in reply to an intermediate status). While the terminal works, commands
from the register are answered "84 A0 00" (busy); an 06 B0 stops the card holder dialogue.
Link faults (NAK, bad checksum) are armed on the link for the next frames; the others act at
their point of the dialogue.
"""

from __future__ import annotations

import time
from typing import Any

from kiosk.hw.termsim.sim_base import (
    SLICE_S,
    AbandonError,
    TerminalSimulator,
)
from kiosk.hw.termsim.zvt_link import ZvtLink
from kiosk.hw.termsim.zvt_messages import (
    CONFIG_ECR_PRINTS_RECEIPTS,
    CONFIG_INTERMEDIATE_STATUS,
    ECR_ABORT,
    NEGATIVE_ACK_CLASS,
    RESULT_FUNCTION_NOT_POSSIBLE,
    RESULT_RECEIVER_NOT_READY,
    STATUS_REMOVE_CARD,
    intermediate_status,
    negative_ack,
    positive_ack,
    print_line,
    print_text_block,
)
from kiosk.hw.termsim.zvt_wire import ACK, DLE, NAK

CONTROL_BYTES = frozenset({DLE, ACK, NAK})
DEFAULT_CONFIG_BYTE = 0xBA  # as most registers register: receipts on the ECR, statuses on


class DialogueCancelledError(Exception):
    """The card holder dialogue ended without a decision (Stop key or ECR abort)."""


class ZvtDialogue(TerminalSimulator):
    """Exchanges and fault points; :class:`ZvtSimulator` builds the commands on them."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._link = ZvtLink(self._port, self.timing, self.check_stop)
        self._config_byte = DEFAULT_CONFIG_BYTE
        self._text_block = False  # the register permitted 06 D3 at registration
        self._abortable = False

    def reset_link(self) -> None:
        self._link.reset()

    def _try_send(self, apdu: bytes) -> None:
        try:
            self._link.send(apdu)
        except AbandonError:
            return

    def _card_dialogue(self, statuses: tuple[int, ...]) -> None:
        """Intermediate statuses while the card holder acts; the Stop key ends it early."""
        self._abortable = True
        self._arm("during-status")
        self._status(statuses[0])
        self._strike("during-status")
        if self.fault.name == "cancel":
            raise DialogueCancelledError("the shopper pressed Stop on the terminal")
        for status in statuses[1:]:
            self._wait(self.timing.card_step_s)
            self._status(status)
        self._wait(self.timing.card_step_s)
        self._status(STATUS_REMOVE_CARD)
        self._abortable = False

    def _exchange(self, apdu: bytes) -> bytes:
        self._link.send(apdu)
        return self._reply()

    def _reply(self) -> bytes:
        """The register's answer to our last message (80 00 00, 84 xx 00 or 06 B0)."""
        deadline = time.monotonic() + self.timing.reply_s
        while (left := deadline - time.monotonic()) > 0:
            raw = self._link.receive(left)
            if raw is None:
                break
            if raw[0] in (0x80, NEGATIVE_ACK_CLASS) or raw[:2] == bytes(ECR_ABORT):
                return raw
            self._link.send(negative_ack(RESULT_RECEIVER_NOT_READY))  # another command: busy
        raise AbandonError("the cash register did not answer")

    def _status(self, code: int) -> None:
        if self._config_byte & CONFIG_INTERMEDIATE_STATUS:
            reply = self._exchange(intermediate_status(code))
            if reply[:2] == bytes(ECR_ABORT) and self._abortable:
                raise DialogueCancelledError("aborted by the cash register (06 B0)")
        if self._link.abort_requested and self._abortable:
            self._link.abort_requested = False
            raise DialogueCancelledError("aborted by the cash register (06 B0)")

    def _print(self, lines: tuple[str, ...]) -> None:
        if not self._config_byte & CONFIG_ECR_PRINTS_RECEIPTS:
            return
        if self._text_block:
            self._exchange(print_text_block(lines))
            return
        for line in lines:
            self._exchange(print_line(line))

    def _wait(self, seconds: float, *, answer_busy: bool = True) -> None:
        """Let time pass as the terminal works; commands meanwhile get "busy" or abort it."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            raw = self._link.receive(min(SLICE_S, left)) if answer_busy else None
            if raw is None:
                if not answer_busy:
                    self._link.next_event(min(SLICE_S, left))  # the register's repeats go unheard
                continue
            if raw[:2] == bytes(ECR_ABORT) and self._abortable:
                self._link.send(positive_ack())
                raise DialogueCancelledError("aborted by the cash register (06 B0)")
            code = RESULT_FUNCTION_NOT_POSSIBLE if raw[:2] == bytes(ECR_ABORT) else (
                RESULT_RECEIVER_NOT_READY)
            self._link.send(negative_ack(code))

    def _arm(self, phase: str) -> None:
        """Link faults act on the next frames: NAK what comes in, corrupt what goes out."""
        if not self.fault.strikes(phase):
            return
        if self.fault.name == "nak":
            self._link.naks_left = self.fault.count
        elif self.fault.name == "bad-checksum":
            self._link.corrupt_left = self.fault.count

    def _send_garbage(self) -> None:
        self._link.write_raw(self.garbage(CONTROL_BYTES))
