"""A pseudo-terminal pair standing in for the serial cable between kiosk and terminal.

The simulator holds the master side; the kiosk opens the slave path with pyserial exactly as it
opens /dev/ttyUSB0. The simulator also keeps the slave side open itself: otherwise the master
reads EIO whenever the kiosk closes the port, and a simulator must serve one client after another
without restarting.
"""

from __future__ import annotations

import os
import tty
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PtyLink:
    """Both ends of one pty pair; ``path`` is what the kiosk's config names as its port."""

    master_fd: int
    slave_fd: int
    path: str

    def close(self) -> None:
        for fd in (self.master_fd, self.slave_fd):
            try:
                os.close(fd)
            except OSError:
                continue  # already closed: closing twice is harmless here


def open_pty_link() -> PtyLink:
    """Open a raw pty pair: no echo, no line discipline, every byte passed as it is."""
    master_fd, slave_fd = os.openpty()
    tty.setraw(master_fd)
    tty.setraw(slave_fd)
    return PtyLink(master_fd, slave_fd, os.ttyname(slave_fd))
