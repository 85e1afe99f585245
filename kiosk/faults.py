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


def _parse(spec: str | None) -> tuple[str, int] | None:
    if not spec:
        return None
    name, _, nth = spec.partition(":")
    return name, int(nth) if nth else 1


# Read once: fault points sit on the journal's commit path, where even an environment lookup per
# point shows in the latency. A process that forks children after import arms them with arm().
_target = _parse(os.environ.get(_ENV))


def arm(spec: str | None) -> None:
    """Set the fault point as ``KIOSK_FAULT_AT`` would (``name[:n]``); None disarms."""
    global _target  # noqa: PLW0603 - the one process-wide setting, as the variable is
    _target = _parse(spec)
    _counts.clear()


def fault_point(name: str) -> None:
    """Die here, as a power cut would, when a kill test asked for this point."""
    if _target is None or _target[0] != name:
        return
    _counts[name] = _counts.get(name, 0) + 1
    if _counts[name] == _target[1]:
        os.kill(os.getpid(), signal.SIGKILL)
