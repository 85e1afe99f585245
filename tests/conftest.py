"""Suite-wide hooks.

A native library loaded by the suite aborts in its C++ static destructors when the interpreter
exits ("terminate called without an active exception", seen after the whole suite, exit code
250 instead of pytest's), which would turn a green run red. Every test has finished and every
report is printed by then, so the process leaves with pytest's own exit status straight away,
skipping those destructors. Found on 2026-11-23; which library it is was not yet pinned down.
"""

from __future__ import annotations

import os
import sys

import pytest

_status: list[int] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _status.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    if _status:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_status[-1])
