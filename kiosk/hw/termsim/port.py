"""The simulator's end of the cable: a pty pair reached through a path that never changes.

The kiosk's config names one port for its whole life. A pty's /dev/pts/N is gone once the pty
is closed, so the simulator publishes a symlink (like udev's /dev/serial/by-id names) and points
it at the current pty. The "disconnect" fault closes the pty, which a kiosk with the port open
sees exactly as an unplugged USB adapter (I/O errors), and then opens a new one behind the same
path, as when the adapter is plugged in again.
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import tempfile
from pathlib import Path

from kiosk.errors import DeviceError
from kiosk.hw.termsim.pty_link import PtyLink, open_pty_link

READ_CHUNK = 4096
WRITE_STALLS = 20  # x 50 ms: a full pty buffer for a second means nobody listens


class SimPort:
    """Raw byte I/O on the master side of the current pty; no protocol knowledge."""

    def __init__(self, link_path: str | None = None) -> None:
        self._own_dir: str | None = None
        if link_path is None:
            self._own_dir = tempfile.mkdtemp(prefix="kiosk-terminal-")
            link_path = str(Path(self._own_dir) / "terminal")
        elif os.path.lexists(link_path) and not os.path.islink(link_path):
            raise DeviceError(f"Cannot publish the terminal simulator at {link_path}",
                              "something that is not a symlink already has that name",
                              "Choose another --link path.")
        self.path = link_path
        self._link: PtyLink | None = None
        self.reopen()

    @property
    def pty_path(self) -> str:
        """The /dev/pts/N the stable path points at right now."""
        return os.readlink(self.path)

    @property
    def connected(self) -> bool:
        return self._link is not None

    def reopen(self) -> None:
        """A fresh pty behind the same path (the adapter is plugged in again)."""
        self._link = open_pty_link()
        os.set_blocking(self._link.master_fd, False)  # a kiosk that stops reading must not hang us
        temporary = f"{self.path}.{os.getpid()}.new"
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        os.symlink(self._link.path, temporary)
        os.replace(temporary, self.path)

    def hang_up(self) -> None:
        """Close the pty: the kiosk's open port now fails as an unplugged adapter does."""
        if self._link is not None:
            self._link.close()
            self._link = None

    def read(self, timeout_s: float) -> bytes:
        """Bytes the kiosk sent, waiting at most ``timeout_s``; b"" when none came."""
        if self._link is None:
            return b""
        fd = self._link.master_fd
        ready, _, _ = select.select([fd], [], [], max(timeout_s, 0.0))
        if not ready:
            return b""
        try:
            return os.read(fd, READ_CHUNK)
        except OSError:
            return b""  # the pty is being torn down; the caller sees silence

    def write(self, data: bytes) -> None:
        """Send bytes; they are lost when no pty is open, as on a cable that is pulled."""
        if self._link is None:
            return
        view = memoryview(data)
        stalls = 0
        while view and stalls < WRITE_STALLS:
            try:
                view = view[os.write(self._link.master_fd, view):]
            except BlockingIOError:  # nobody reads the other end: wait a little, then drop
                stalls += 1
                select.select([], [self._link.master_fd], [], 0.05)
            except OSError:
                return

    def discard_input(self) -> int:
        """Drop whatever the kiosk sent and nobody listened to; returns how many bytes."""
        dropped = 0
        while chunk := self.read(0.0):
            dropped += len(chunk)
        return dropped

    def close(self) -> None:
        self.hang_up()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
        if self._own_dir is not None:
            shutil.rmtree(self._own_dir, ignore_errors=True)
