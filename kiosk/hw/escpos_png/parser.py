"""An incremental ESC/POS parser: bytes in, typed operations out, whatever the split.

A printer reads its input as a stream: a command may arrive in pieces, and the bytes after an
incomplete command wait for the rest. :class:`Parser` does the same: :meth:`Parser.feed` takes
any chunk and returns the operations that chunk completed; :meth:`Parser.finish` ends the
stream and reports an incomplete command left at the end. Any split of the same bytes gives the
same operations (property-tested), which is what lets the printer simulator parse what arrives
on a serial line as it arrives.

Nothing here raises on bad input: an unknown command is skipped (by its declared length when it
has one, else just the command bytes) and reported as a :class:`ParseWarning`, as is anything
the preview cannot draw as the printer would. A command that declares more data than the
preview keeps in memory is skipped as the bytes arrive.
"""

from __future__ import annotations

from kiosk.hw.escpos_png.codepages import decode
from kiosk.hw.escpos_png.commands import PREFIXED
from kiosk.hw.escpos_png.ops import LineFeed, Op, ParseWarning, Tab, Text
from kiosk.hw.escpos_png.state import ParserState

LF, CR, HT, FF, CAN, NUL = 0x0A, 0x0D, 0x09, 0x0C, 0x18, 0x00


class Parser:
    """One printer's input stream. Not thread-safe: one reader feeds it."""

    def __init__(self) -> None:
        self.state = ParserState()
        self.here = 0  # stream offset of the command being read (for warnings)
        self._buf = bytearray()
        self._start = 0  # stream offset of _buf[0]
        self._skip = 0  # bytes of an oversized command still to discard
        self._text = bytearray()
        self._ops: list[tuple[Op, int]] = []
        self._staged: list[Op] = []

    # -- what callers use -------------------------------------------------------------------
    def feed(self, data: bytes) -> list[Op]:
        return [op for op, _ in self.feed_with_ends(data)]

    def feed_with_ends(self, data: bytes) -> list[tuple[Op, int]]:
        """Operations completed by ``data``, each with the stream offset just past its command.

        The offsets let a consumer cut the raw stream where an operation ended (the printer
        simulator splits jobs after each cut).
        """
        self._buf += data
        self._run()
        return self._take()

    def finish(self) -> list[Op]:
        return [op for op, _ in self.finish_with_ends()]

    def finish_with_ends(self) -> list[tuple[Op, int]]:
        """End of stream: pending text, and a warning for a command cut off by the end."""
        end = self._start + len(self._buf)
        self._flush_text(end)
        if self._skip:
            self._ops.append((ParseWarning(self.here, f"the data ended {self._skip} bytes "
                                           "before the end of the skipped command"), end))
            self._skip = 0
        if self._buf:
            self._ops.append((ParseWarning(self._start, f"the data ended inside a command "
                                           f"({_hex(self._buf[:8])}...); it was not printed"),
                              end))
            self._start = end
            self._buf.clear()
        return self._take()

    # -- what command handlers use ----------------------------------------------------------
    def emit(self, op: Op) -> None:
        self._staged.append(op)

    def warn(self, message: str) -> None:
        self._staged.append(ParseWarning(self.here, message))

    def has(self, pos: int, count: int) -> bool:
        """Whether the ``count`` bytes of a command starting at ``pos`` have all arrived."""
        return pos + count <= len(self._buf)

    def skip(self, pos: int, header: int, length: int, message: str | None) -> int:
        """Skip a command of ``header`` bytes and ``length`` data bytes; warn unless quiet.

        Returns the bytes to take now: data not yet arrived is discarded as it arrives, so a
        skipped command never has to fit in memory.
        """
        if message is not None:
            self.warn(f"{message}; skipped {header + length} bytes")
        available = len(self._buf) - pos
        if header + length <= available:
            return header + length
        self._skip = header + length - available
        return available

    # -- the loop ---------------------------------------------------------------------------
    def _run(self) -> None:
        buf, pos = self._buf, 0
        while pos < len(buf):
            if self._skip:
                taken = min(self._skip, len(buf) - pos)
                self._skip -= taken
                pos += taken
                continue
            byte = buf[pos]
            if byte >= 0x20:
                end = pos
                while end < len(buf) and buf[end] >= 0x20:
                    end += 1
                self._text += buf[pos:end]
                pos = end
                continue
            self._flush_text(self._start + pos)
            self.here = self._start + pos
            taken = self._control(buf, pos)
            if taken is None:
                self._staged.clear()
                break
            pos += taken
            self._ops.extend((op, self._start + pos) for op in self._staged)
            self._staged.clear()
        del buf[:pos]
        self._start += pos

    def _control(self, buf: bytearray, pos: int) -> int | None:
        byte = buf[pos]
        handler = PREFIXED.get(byte)
        if handler is not None:
            return handler(self, buf, pos)
        if byte == LF:
            self.emit(LineFeed())
        elif byte == HT:
            self.emit(Tab(self.state.tab_stops))
        elif byte == FF:
            self.warn("FF (form feed for labels / page mode) is not drawn")
        elif byte not in (CR, NUL, CAN):
            self.warn(f"control byte 0x{byte:02x} is not an ESC/POS command; ignored")
        return 1

    def _flush_text(self, end: int) -> None:
        if not self._text:
            return
        raw = bytes(self._text)
        self._text.clear()
        state = self.state
        self._ops.append((Text(decode(raw, state.page), raw, state.page.name, state.style(),
                               state.align), end))

    def _take(self) -> list[tuple[Op, int]]:
        ops, self._ops = self._ops, []
        return ops


def parse(data: bytes) -> list[Op]:
    """Everything ``data`` asks the printer to do, in order, with warnings in place."""
    parser = Parser()
    return parser.feed(data) + parser.finish()


def _hex(data: bytes | bytearray) -> str:
    return " ".join(f"{b:02x}" for b in data)
