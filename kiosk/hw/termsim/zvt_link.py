"""The simulated ZVT terminal's link layer: frames out with retries, frames in with ACK/NAK.

Every frame the terminal sends must be acknowledged with ACK within ``link_ack_s``; on NAK or
silence it is sent again, ``link_attempts`` times in all, and then the transaction is given up.
Every good frame received is answered with ACK at once, a broken one with NAK. The two fault
counters make the link misbehave on purpose: ``naks_left`` NAKs good frames, ``corrupt_left``
sends frames with a wrong CRC.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from kiosk.hw.termsim.line_events import LineEvents
from kiosk.hw.termsim.port import SimPort
from kiosk.hw.termsim.sim_base import AbandonError, SimTiming
from kiosk.hw.termsim.zvt_messages import ECR_ABORT
from kiosk.hw.termsim.zvt_wire import (
    ACK,
    NAK,
    FrameRejected,
    LinkAck,
    LinkNak,
    ZvtEvent,
    ZvtFrame,
    ZvtFrameReader,
    encode_frame,
)


class ZvtLink:
    """Frames over the simulator's port; ``check_stop`` raises when the simulator stops."""

    def __init__(self, port: SimPort, timing: SimTiming, check_stop: Callable[[], None]) -> None:
        self._port = port
        self._timing = timing
        self._check_stop = check_stop
        reader = ZvtFrameReader()
        self._events: LineEvents[ZvtEvent] = LineEvents(
            port, reader, lambda: reader.in_frame, timing.inter_byte_s, check_stop)
        self.naks_left = 0
        self.corrupt_left = 0
        self.abort_requested = False  # an ECR abort (06 B0) came while we were sending

    def reset(self) -> None:
        self._events.reset()
        self.naks_left = self.corrupt_left = 0
        self.abort_requested = False

    def next_event(self, timeout_s: float) -> ZvtEvent | None:
        """The next thing the cash register sent, or None after ``timeout_s`` of nothing."""
        return self._events.next(timeout_s)

    def send_ack(self) -> None:
        self._port.write(bytes([ACK]))

    def send_nak(self) -> None:
        self._port.write(bytes([NAK]))

    def write_raw(self, data: bytes) -> None:
        self._port.write(data)

    def send(self, apdu: bytes) -> None:
        """Send one APDU until the register ACKs it; :class:`AbandonError` when it never does."""
        for _ in range(self._timing.link_attempts):
            corrupt = self.corrupt_left > 0
            if corrupt:
                self.corrupt_left -= 1
            self._port.write(encode_frame(apdu, corrupt_crc=corrupt))
            if self._await_ack():
                return
        raise AbandonError(f"no ACK for {apdu[:2].hex(' ').upper()} after "
                      f"{self._timing.link_attempts} attempts")

    def _await_ack(self) -> bool:
        deadline = time.monotonic() + self._timing.link_ack_s
        while (left := deadline - time.monotonic()) > 0:
            event = self.next_event(left)
            if isinstance(event, LinkAck):
                return True
            if isinstance(event, LinkNak):
                return False
            if isinstance(event, ZvtFrame):  # the register talks while it should listen
                self.send_ack()
                self.abort_requested |= event.apdu[:2] == bytes(ECR_ABORT)
            elif isinstance(event, FrameRejected):
                self.send_nak()
        return False

    def receive_unacknowledged(self, timeout_s: float) -> bytes | None:
        """The next good frame's APDU, not yet answered on the link; broken ones get NAK."""
        deadline = time.monotonic() + timeout_s
        while (left := deadline - time.monotonic()) > 0:
            event = self.next_event(left)
            if isinstance(event, FrameRejected):
                self.send_nak()
            elif isinstance(event, ZvtFrame):
                return event.apdu
        return None

    def receive(self, timeout_s: float) -> bytes | None:
        """The next good frame's APDU, acknowledged (or NAKed while ``naks_left``)."""
        deadline = time.monotonic() + timeout_s
        while (left := deadline - time.monotonic()) > 0:
            apdu = self.receive_unacknowledged(left)
            if apdu is None:
                return None
            if self.naks_left > 0:
                self.naks_left -= 1
                self.send_nak()
                continue
            self.send_ack()
            return apdu
        return None
