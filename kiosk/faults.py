"""Named fault points for kill tests.

Writers call :func:`fault_point` at each instant where a power cut matters (after a write,
before and after an fsync or rename). In production nothing is configured and the call is a
dictionary lookup. The reliability tests set ``KIOSK_FAULT_AT=name[:n]`` in a child process, which
then SIGKILLs itself at the n-th (default first) time it reaches that point, exactly like a power
cut there.
"""

from __future__ import annotations

import os
import signal

_ENV = "KIOSK_FAULT_AT"
_counts: dict[str, int] = {}


def _target() -> tuple[str, int] | None:
    spec = os.environ.get(_ENV)
    if not spec:
        return None
    name, _, nth = spec.partition(":")
    return name, int(nth) if nth else 1


def fault_point(name: str) -> None:
    """Die here, as a power cut would, when a kill test asked for this point."""
    target = _target()
    if target is None or target[0] != name:
        return
    _counts[name] = _counts.get(name, 0) + 1
    if _counts[name] == target[1]:
        os.kill(os.getpid(), signal.SIGKILL)
