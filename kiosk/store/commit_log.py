"""The journal's commit log: where a record becomes durable, in one write and one fdatasync.

A sale committed straight into SQLite costs a dozen WAL pages (the record, its indexes, stock
movements, levels, outbox, open basket), all written and fsynced before the shopper may be
told "paid". Here the same commit is one small frame appended to a file whose blocks were
written once in advance, so the fdatasync has no metadata to flush: as close to the disk's
own floor as a durable write gets. SQLite is then brought up to date from the frame off the
shopper's path (see :class:`kiosk.store.journal.Journal`), and it is what every read uses.

The log is only ever ahead of SQLite, never the other way round: on open, frames that SQLite
does not have yet are applied in sequence order, and once SQLite has been made durable up to
the last frame (the journal applies each frame right after its commit, before the next one)
the log starts again from its first block: every sale rewrites the same block or two. Rules
that make that safe:

* a frame is ``magic, first seq, record count, body length, CRC-32`` and a JSON body; the CRC
  covers the header fields and the body, so a torn or stale write never passes for a frame;
* frames are read in order and only while each continues the sequence SQLite holds: a frame
  entirely at or below it was applied already (skipped), a gap ends the scan, as does the
  first invalid frame (a torn tail: that commit never returned, so nobody was told);
* a frame is written only after the previous one's fdatasync returned, so no valid frame can
  follow a torn one that matters.
"""

from __future__ import annotations

import fcntl
import json
import os
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.errors import JournalError
from kiosk.faults import fault_point
from kiosk.store.atomic import fsync_directory

MAGIC = b"KJL1"
_HEADER = struct.Struct("<4sQIII")  # magic, first seq, count, body length, crc32
BLOCK = 4096  # each frame starts on a block of its own, so a sale's fdatasync flushes one page
FIRST_FRAME = BLOCK  # the first block is left alone: room for a header should one be needed
CHUNK = 1 << 20  # the file grows by this much at a time, written with zeros and fsynced
MAX_BODY = 64 << 20


@dataclass(frozen=True, slots=True)
class Frame:
    """One commit: the records it appended, in order, as JSON-ready mappings."""

    first_seq: int
    records: tuple[dict[str, Any], ...]
    end: int  # the file offset just past this frame


def encode(first_seq: int, records: list[dict[str, Any]]) -> bytes:
    body = json.dumps(records, ensure_ascii=False, separators=(",", ":")).encode()
    head = _HEADER.pack(MAGIC, first_seq, len(records), len(body), 0)[:-4]
    return head + struct.pack("<I", zlib.crc32(body, zlib.crc32(head))) + body


def _frame_at(data: memoryview, offset: int) -> Frame | None:
    """The frame starting at ``offset``, or None if what is there is not a whole valid one."""
    if offset + _HEADER.size > len(data):
        return None
    magic, first_seq, count, length, crc = _HEADER.unpack_from(data, offset)
    start = offset + _HEADER.size
    if magic != MAGIC or count == 0 or length > MAX_BODY or start + length > len(data):
        return None
    body = data[start:start + length]
    if zlib.crc32(body, zlib.crc32(data[offset:offset + _HEADER.size - 4])) != crc:
        return None
    try:
        records = json.loads(bytes(body))
    except ValueError:
        return None
    if not isinstance(records, list) or len(records) != count:
        return None
    return Frame(first_seq, tuple(records), start + length)


def frames_after(data: bytes, last_seq: int) -> Iterator[Frame]:
    """The frames that continue a store holding records up to ``last_seq``, in order."""
    view, offset, expected = memoryview(data), FIRST_FRAME, last_seq + 1
    while (frame := _frame_at(view, offset)) is not None:
        last = frame.first_seq + len(frame.records) - 1
        if frame.first_seq == expected:
            yield frame
            expected = last + 1
        elif last >= expected:
            return  # a gap: what follows cannot be applied in order
        offset = -(-frame.end // BLOCK) * BLOCK


class CommitLog:
    """The open log file of one journal; not thread-safe (the journal's one thread owns it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        existed = path.exists()
        try:
            self._fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o640)
        except OSError as exc:
            raise JournalError(f"cannot open the journal's commit log {path}", str(exc),
                               "Check the data disk and the permissions of data_dir.") from exc
        self.offset = FIRST_FRAME
        self._size = os.fstat(self._fd).st_size
        self.owner = _lock(self._fd)
        if not existed:
            fsync_directory(path.parent)

    def read_all(self) -> bytes:
        return os.pread(self._fd, self._size, 0)

    def append(self, frame: bytes) -> None:
        """Write one frame and fdatasync it: when this returns, the records survive a power cut."""
        # Whole blocks: a partial one would make the kernel read the old block in first.
        data = frame + bytes(-len(frame) % BLOCK)
        end = self.offset + len(data)
        if end > self._size:
            self._grow(end)
        fault_point("journal.log-before-write")
        written = os.pwrite(self._fd, data, self.offset)
        if written != len(data):
            raise JournalError("could not write the journal's commit log",
                               f"only {written} of {len(data)} bytes were written",
                               "Check the data disk; retry with the same id.")
        fault_point("journal.log-before-sync")
        os.fdatasync(self._fd)
        fault_point("journal.log-after-sync")
        self.offset = end

    def restart(self) -> None:
        """Begin again at the first frame; call only once the store is durable up to here."""
        self.offset = FIRST_FRAME

    def _grow(self, needed: int) -> None:
        """Extend with written zeros (not a sparse hole) so later fdatasyncs flush no metadata."""
        new_size = max(needed, self._size + CHUNK)
        new_size = -(-new_size // CHUNK) * CHUNK
        zeros = bytes(min(CHUNK, new_size - self._size))
        at = self._size
        while at < new_size:
            at += os.pwrite(self._fd, zeros[:new_size - at], at)
        os.fsync(self._fd)
        self._size = new_size

    def check_owner(self, what: str) -> None:
        if not self.owner:
            raise JournalError(f"cannot record {what}",
                               "another process has this journal open for writing (the kiosk "
                               "is running); this one may only read",
                               "Record through the running kiosk, or stop it first.")

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1



def _lock(fd: int) -> bool:
    """One writer per journal: whoever holds the log's lock appends and replays; others read.

    Two writers would each number their records from the same last sequence number.
    """
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
