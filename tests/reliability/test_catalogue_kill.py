"""SIGKILL a kiosk while it applies catalogue updates: old version or new, never a mix.

The trials run in bench/crash_catalogue.py (shared with ``bench/crash.py``, which runs 1000+):
a child applies a snapshot and three deltas, and is killed at a random instant or at a fault
point (every step of both atomic writes and around them). After each kill the catalogue file
is audited on its own and then opened by the mirror. The same audit against TinyDB's stock
in-place ``JSONStorage`` must find damage, which shows it catches what it is for.
"""

from __future__ import annotations

from types import ModuleType

import pytest
from bench_modules import load_bench


@pytest.fixture(scope="module")
def crash() -> ModuleType:
    return load_bench("crash_catalogue")


@pytest.mark.slow
def test_killed_updates_leave_exactly_one_whole_version(crash: ModuleType) -> None:
    result = crash.run_catalogue_trials(200, writer="atomic", seed=3)
    print("\ncatalogue kill test, atomic writer:", result)
    assert result["trials"] == 200
    assert result["kills_mid_write"] > 50  # the test really hit updates in flight
    assert result["killed_at_fault_point"] > 50
    assert result["corrupt"] == 0
    assert result["mixed_versions"] == 0
    assert result["rolled_back"] == 0
    assert result["unrecoverable"] == 0
    assert result["recovered_from_last_good"] == 0  # the file itself was never damaged


@pytest.mark.slow
def test_the_audit_catches_a_non_atomic_writer(crash: ModuleType) -> None:
    result = crash.run_catalogue_trials(60, writer="naive", seed=3)
    print("\ncatalogue kill test, CONTROL with TinyDB's in-place JSONStorage:", result)
    assert result["kills_mid_write"] > 0
    assert result["corrupt"] + result["mixed_versions"] > 10
    assert result["unrecoverable"] > 0  # no last good copy: that kiosk would not start
