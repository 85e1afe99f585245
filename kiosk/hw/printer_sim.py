"""A receipt printer on a pty pair: takes ESC/POS jobs and answers real-time status queries.

The kiosk opens :attr:`PrinterSimulator.path` with pyserial exactly as it opens a serial
printer. The simulator answers ``DLE EOT n`` (n = 1 printer, 2 offline cause, 3 error cause,
4 roll paper sensor) with the bytes an Epson printer sends in the scripted state, wherever the
sequence appears in the stream, as a real printer does (its receive interrupt sees it even
inside image data). The state can be changed while the kiosk is talking to it.

The status bytes are written out below, per state, straight from the Epson ESC/POS reference;
they are deliberately *not* computed with :mod:`kiosk.hw.printer_status`, so a mistake there
cannot be mirrored here and hide.

What it prints: data received while the printer prints (online, paper near end) goes through
the ESC/POS parser, and each cut (GS V) closes a job, kept as the exact bytes received since
the previous cut. Data received while it cannot print (cover open, paper out, offline) is held,
as a printer's receive buffer holds it, and printed when the state allows printing again,
unless the kiosk clears the buffers first (``DLE DC4 8``, answered ``37 25 00`` as the Epson
reference says), which it does when it gives the shopper the receipt another way. A printer
that does not answer (``no-answer``: off, unplugged) loses what is sent to it.
"""

from __future__ import annotations

import logging
import os
import re
import select
import threading
from collections.abc import Mapping
from types import MappingProxyType, TracebackType

from kiosk.errors import KioskError
from kiosk.hw.escpos_png.ops import Cut
from kiosk.hw.escpos_png.parser import Parser
from kiosk.hw.termsim.pty_link import PtyLink, open_pty_link

log = logging.getLogger(__name__)

# DLE EOT 1, 2, 3, 4 answers. Fixed bits: 1 and 4 on (0x12). n=1 bit 3 offline; n=2 bit 2
# cover open, bit 5 stopped by paper end, bit 6 error; n=3 bit 5 unrecoverable error; n=4
# bits 2+3 near end (0x0C), bits 5+6 paper end (0x60; with no paper the near-end sensor
# reads empty too).
STATUS_BYTES: Mapping[str, tuple[int, int, int, int] | None] = MappingProxyType({
    "online": (0x12, 0x12, 0x12, 0x12),
    "paper-near-end": (0x12, 0x12, 0x12, 0x1E),
    "cover-open": (0x1A, 0x16, 0x12, 0x12),
    "paper-out": (0x1A, 0x32, 0x12, 0x7E),
    "offline": (0x1A, 0x52, 0x32, 0x12),
    "no-answer": None,
})
PRINTING_STATES = frozenset({"online", "paper-near-end"})
CLEAR_BUFFERS = b"\x10\x14\x08\x01\x03\x14\x01\x06\x02\x08"  # DLE DC4 8 1 3 20 1 6 2 8
CLEAR_RESPONSE = b"\x37\x25\x00"  # header, identifier, NUL
REAL_TIME = re.compile(re.escape(CLEAR_BUFFERS) + rb"|\x10\x04[\x01-\x04]")
POLL_S = 0.05


class PrinterSimError(KioskError, ValueError):
    """The simulator was asked for a state it does not know."""


class PrinterSimulator:
    """One simulated printer on its own pty pair, served by one thread."""

    def __init__(self, state: str = "online", *, link: PtyLink | None = None) -> None:
        _check(state)
        self._state = state
        self._link = link or open_pty_link()
        self._lock = threading.Condition()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._tail = b""  # the end of the last read: a real-time command may span reads
        self._cleared = 0
        self._parser = Parser()
        self._unfinished = bytearray()  # printed bytes since the last cut
        self._unfinished_at = 0  # stream offset of _unfinished[0]
        self._held = bytearray()
        self._jobs: list[bytes] = []
        self._answers: list[tuple[int, int]] = []

    # -- control ----------------------------------------------------------------------------
    @property
    def path(self) -> str:
        """The serial port the kiosk opens (the pty's slave side)."""
        return self._link.path

    def start(self) -> PrinterSimulator:
        self._thread = threading.Thread(target=self._serve, name="printer-sim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the pty pair (once: a closed fd number may be reused)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if not self._closed:
            self._closed = True
            self._link.close()

    def __enter__(self) -> PrinterSimulator:
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    @property
    def state(self) -> str:
        with self._lock:
            return self._state

    def set_state(self, state: str) -> None:
        """Change the scripted state now; held data prints if the new state can print."""
        _check(state)
        with self._lock:
            self._state = state
            if state in PRINTING_STATES and self._held:
                held, self._held = bytes(self._held), bytearray()
                self._print(held)

    # -- what the printer did ---------------------------------------------------------------
    @property
    def jobs(self) -> list[bytes]:
        """Every printed job, each the bytes from one cut to the next, in order."""
        with self._lock:
            return list(self._jobs)

    @property
    def held(self) -> bytes:
        """Received while the printer could not print; prints when it can again."""
        with self._lock:
            return bytes(self._held)

    @property
    def unfinished(self) -> bytes:
        """Printed since the last cut (a job without its cut yet)."""
        with self._lock:
            return bytes(self._unfinished)

    @property
    def buffers_cleared(self) -> int:
        """How many times DLE DC4 8 emptied the buffers."""
        with self._lock:
            return self._cleared

    @property
    def answers(self) -> list[tuple[int, int]]:
        """Each status query answered, as (n, byte sent)."""
        with self._lock:
            return list(self._answers)

    def wait_for_jobs(self, count: int, timeout_s: float) -> list[bytes]:
        """The jobs once there are ``count`` of them, or as many as arrived in ``timeout_s``."""
        with self._lock:
            self._lock.wait_for(lambda: len(self._jobs) >= count, timeout_s)
            return list(self._jobs)

    # -- serving ----------------------------------------------------------------------------
    def _serve(self) -> None:
        fd = self._link.master_fd
        while not self._stop.is_set():
            ready, _, _ = select.select([fd], [], [], POLL_S)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 4096)
            except OSError as exc:  # the link was closed under us: nothing left to serve
                log.warning("printer simulator stops reading %s: %s", self.path, exc)
                return
            self._receive(chunk)

    def _receive(self, chunk: bytes) -> None:
        """Answer the real-time commands ``chunk`` completes, then print or hold its bytes."""
        with self._lock:
            statuses = STATUS_BYTES[self._state]
            if statuses is None:
                return  # switched off: nothing answers, nothing is kept
            data, new = self._tail + chunk, len(self._tail)
            self._tail = data[-(len(CLEAR_BUFFERS) - 1):]
            routed = new
            for match in REAL_TIME.finditer(data):
                if match.end() <= new:
                    continue  # completed by an earlier read and handled then
                if match.group() == CLEAR_BUFFERS:
                    self._route(data[routed:match.end()])
                    routed = match.end()
                    self._clear()
                    self._reply(None, CLEAR_RESPONSE)
                else:
                    n = match.group()[2]
                    self._reply(n, bytes((statuses[n - 1],)))
            self._route(data[routed:])

    def _reply(self, query: int | None, answer: bytes) -> None:
        if query is not None:
            self._answers.append((query, answer[0]))
        os.write(self._link.master_fd, answer)

    def _route(self, data: bytes) -> None:
        if not data:
            return
        if self._state in PRINTING_STATES:
            self._print(data)
        else:
            self._held += data

    def _clear(self) -> None:
        """DLE DC4 8: the receive and print buffers are emptied; printed jobs stay printed."""
        self._held.clear()
        self._unfinished.clear()
        self._unfinished_at = 0
        self._parser = Parser()
        self._cleared += 1

    def _print(self, data: bytes) -> None:
        self._unfinished += data
        for op, end in self._parser.feed_with_ends(data):
            if isinstance(op, Cut):
                size = end - self._unfinished_at
                self._jobs.append(bytes(self._unfinished[:size]))
                del self._unfinished[:size]
                self._unfinished_at = end
                self._lock.notify_all()


def _check(state: str) -> None:
    if state not in STATUS_BYTES:
        raise PrinterSimError(f"unknown printer simulator state {state!r}",
                              f"the states are {', '.join(STATUS_BYTES)}")
