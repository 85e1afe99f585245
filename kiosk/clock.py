"""The shell's one clock.

The core never reads the time (events carry it); the shell's layers take a ``Clock`` so tests
can pass their own, and default to :func:`utc_now`. Storage is always UTC; local time is only
for screens and receipts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)
