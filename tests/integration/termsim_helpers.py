"""Small cash-register clients over pyserial that drive the terminal simulators in tests.

They are written here, apart from the simulators' codecs, so that the simulators are checked by
a second, independent reading of the protocols (and by the golden vectors). They are
deliberately simple: one command at a time, the protocol's own timeouts, no recovery logic.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import reduce
from operator import xor
from pathlib import Path

import serial

# The golden vectors live with the unit tests; tests/ has no packages, so put them on the path.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
import terminal_vectors as tv

from kiosk.hw.termsim.sim_base import SimTiming

LIMIT_S = 10.0  # a bound against hanging, never a speed assertion
FAST = SimTiming(link_ack_s=0.5, link_attempts=3, reply_s=1.0, card_step_s=0.02,
                 late_answer_s=0.3, after_timeout_s=0.8, silence_s=0.4, disconnect_s=0.3,
                 busy_s=0.4, inter_byte_s=0.3)
FIXED_CLOCK = datetime(2024, 6, 15, 14, 30, 5, tzinfo=UTC)  # the golden 04 0F's date and time


def fixed_clock() -> datetime:
    return FIXED_CLOCK


def kermit(data: bytes) -> bytes:
    """CRC-16/KERMIT, low byte first: the test's own, independent of the simulator's."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return bytes([crc & 0xFF, crc >> 8])


def zvt_frame(apdu: bytes) -> bytes:
    return b"\x10\x02" + apdu.replace(b"\x10", b"\x10\x10") + b"\x10\x03" + kermit(apdu + b"\x03")


@dataclass
class ZvtClient:
    """An ECR on a serial port: sends commands, ACKs frames, answers 80 00 00."""

    port: serial.Serial
    received: list[bytes] = field(default_factory=list)  # APDUs, in order
    link: list[bytes] = field(default_factory=list)  # single link bytes seen: ACK / NAK
    rejected: int = 0  # frames whose CRC did not check (answered with NAK)
    ack_wait_s: float = 1.0  # the protocol's 1 s for the link ACK; shorter in the fault matrix

    def send(self, frame: bytes, *, wait_s: float | None = None) -> bytes:
        """Write a frame and return the terminal's link answer (b"" when none in time)."""
        self.port.write(frame)
        deadline = time.monotonic() + (self.ack_wait_s if wait_s is None else wait_s)
        while time.monotonic() < deadline:
            byte = self.port.read(1)
            if byte in (b"\x06", b"\x15"):
                self.link.append(byte)
                return byte
        return b""

    def command(self, frame: bytes) -> bytes:
        """Send until ACKed (3 tries as the protocol allows); returns the last link answer."""
        answer = b""
        for _ in range(3):
            answer = self.send(frame)
            if answer == b"\x06":
                break
        return answer

    def read_apdu(self, timeout_s: float = 3.0) -> bytes | None:
        """The next frame with a good CRC (ACKed); bad ones are NAKed and counted."""
        deadline = time.monotonic() + timeout_s
        buffer = bytearray()
        while time.monotonic() < deadline:
            buffer += self.port.read(1)
            apdu = self._complete(buffer)
            if apdu is not None:
                return apdu
        return None

    def _complete(self, buffer: bytearray) -> bytes | None:
        start = buffer.find(b"\x10\x02")
        if start < 0:
            return None
        body, i = bytearray(), start + 2
        while i + 1 < len(buffer):
            if buffer[i] == 0x10 and buffer[i + 1] == 0x10:
                body.append(0x10)
                i += 2
            elif buffer[i] == 0x10 and buffer[i + 1] == 0x03:
                if len(buffer) < i + 4:
                    return None
                crc = bytes(buffer[i + 2:i + 4])
                del buffer[:i + 4]
                if crc != kermit(bytes(body) + b"\x03"):
                    self.rejected += 1
                    self.port.write(b"\x15")
                    return None
                self.port.write(b"\x06")
                self.received.append(bytes(body))
                return bytes(body)
            else:
                body.append(buffer[i])
                i += 1
        return None

    def acknowledge(self) -> bytes:
        """Answer the terminal's message with 80 00 00; returns the terminal's link answer."""
        return self.command(tv.ZVT_ACK_FRAME)

    def converse(self, timeout_s: float = 3.0) -> list[bytes]:
        """Follow the terminal until Completion, Abort or a negative ack; ACK everything."""
        seen: list[bytes] = []
        while (apdu := self.read_apdu(timeout_s)) is not None:
            seen.append(apdu)
            if apdu[0] in (0x80, 0x84):
                if apdu[0] == 0x84:
                    break
                continue
            self.acknowledge()
            if apdu[:2] in (b"\x06\x0f", b"\x06\x1e"):
                break
        return seen

    def transact(self, frame: bytes, timeout_s: float = 3.0) -> list[bytes]:
        """Send a command and follow the terminal to the end; [] when it never ACKs."""
        if self.command(frame) != b"\x06":
            return []
        return self.converse(timeout_s)


@contextmanager
def serial_port(path: str, timeout_s: float = 0.05) -> Iterator[serial.Serial]:
    port = serial.Serial(path, 9600, timeout=timeout_s)
    try:
        port.reset_input_buffer()
        yield port
    finally:
        port.close()


def commands(apdus: list[bytes]) -> list[bytes]:
    """The control fields (class, instruction) of APDUs: what a reader checks first."""
    return [apdu[:2] for apdu in apdus]


# --- Concert -----------------------------------------------------------------------------------
ENQ, ACK, NAK, EOT = b"\x05", b"\x06", b"\x15", b"\x04"


def lrc_ok(frame: bytes) -> bool:
    return frame[0] == 0x02 and frame[-2] == 0x03 and reduce(xor, frame[1:-1], 0) == frame[-1]


@dataclass
class ConcertClient:
    """A cash register speaking Concert V2: request session, then the terminal's answer."""

    port: serial.Serial
    naks_sent: int = 0
    ack_wait_s: float = 1.0

    def expect(self, wait_s: float | None = None) -> bytes:
        """The next link control byte (ACK, NAK, ENQ, EOT), skipping line noise."""
        deadline = time.monotonic() + (self.ack_wait_s if wait_s is None else wait_s)
        while time.monotonic() < deadline:
            byte = self.port.read(1)
            if byte in (ACK, NAK, ENQ, EOT):
                return byte
        return b""

    def wait_for(self, wanted: bytes, wait_s: float | None = None) -> bool:
        """Skip line noise until ``wanted`` arrives; False after ``wait_s``."""
        deadline = time.monotonic() + (self.ack_wait_s if wait_s is None else wait_s)
        while time.monotonic() < deadline:
            if self.port.read(1) == wanted:
                return True
        return False

    def request(self, frame: bytes) -> bool:
        """ENQ, request, EOT; True when the terminal took it (3 tries each, as deployed)."""
        for _ in range(3):
            self.port.write(ENQ)
            if self.expect() == ACK:
                break
        else:
            return False
        for _ in range(3):
            self.port.write(frame)
            if self.expect() == ACK:
                self.port.write(EOT)
                return True
        return False

    def answer(self, size: int, wait_s: float = 3.0, *, nak_bad: bool = True) -> bytes | None:
        """Wait for the terminal's ENQ, ACK it, read exactly ``size`` bytes, ACK, EOT."""
        if not self.wait_for(ENQ, wait_s):
            return None
        self.port.write(ACK)
        for _ in range(3):
            frame = self._read_exactly(size)
            if lrc_ok(frame) or not nak_bad:
                self.port.write(ACK)
                return frame if self.wait_for(EOT) else frame + b"<no EOT>"
            self.naks_sent += 1
            self.port.write(NAK)
        return None

    def _read_exactly(self, size: int) -> bytes:
        data = bytearray()
        deadline = time.monotonic() + 2.0
        while len(data) < size and time.monotonic() < deadline:
            data += self.port.read(size - len(data))
        return bytes(data)
