"""Atomic whole-file writes: the old content or the new, never a mix, and nothing left over."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tinydb import TinyDB

from kiosk.errors import CatalogueError
from kiosk.store import atomic
from kiosk.store.atomic import (
    FAULT_STEPS,
    atomic_write_bytes,
    remove_stale_temps,
    stale_temps,
)
from kiosk.store.tinystorage import AtomicJSONStorage

CHILD = textwrap.dedent("""
    import sys
    from kiosk.store.atomic import atomic_write_bytes
    atomic_write_bytes(sys.argv[1], b"new content", tag="test")
""")


def test_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "data.json"
    target.write_bytes(b"old content that is longer")
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.json"]


def test_creates_a_missing_file(tmp_path: Path) -> None:
    atomic_write_bytes(str(tmp_path / "fresh.bin"), b"\x00\x01")
    assert (tmp_path / "fresh.bin").read_bytes() == b"\x00\x01"


def test_fsyncs_the_file_and_then_its_directory(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append("directory" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", recording_fsync)
    atomic_write_bytes(tmp_path / "data.json", b"x")
    assert synced == ["file", "directory"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "data.json"
    target.write_bytes(b"old")

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert stale_temps(target) == []


@pytest.mark.parametrize("step", FAULT_STEPS)
def test_a_kill_at_each_step_leaves_old_or_new_whole(tmp_path: Path, step: str) -> None:
    target = tmp_path / "data.json"
    target.write_bytes(b"old content")
    env = {**os.environ, "KIOSK_FAULT_AT": f"test.{step}"}
    proc = subprocess.run([sys.executable, "-c", CHILD, str(target)], env=env, check=False)
    assert proc.returncode == -9, "the child should have been killed at the fault point"
    expected = b"new content" if step == "after-rename" else b"old content"
    assert target.read_bytes() == expected
    left = stale_temps(target)
    assert (left == []) == (step == "after-rename")
    assert remove_stale_temps(target) == left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.json"]


def test_stale_temporaries_of_other_files_are_left_alone(tmp_path: Path) -> None:
    target = tmp_path / "catalogue.json"
    mine = tmp_path / ".catalogue.json.1234.abcd1234.tmp"
    other = tmp_path / ".journal.db.1234.abcd1234.tmp"
    unrelated = tmp_path / "catalogue.json.tmp"
    for path in (mine, other, unrelated):
        path.write_bytes(b"partial")
    assert remove_stale_temps(target) == [mine]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([other.name, unrelated.name])


def test_stale_temps_of_a_missing_directory_is_empty(tmp_path: Path) -> None:
    assert stale_temps(tmp_path / "nowhere" / "file.json") == []


TINYDB_CHILD = textwrap.dedent("""
    import sys
    from tinydb import TinyDB
    from kiosk.store.tinystorage import AtomicJSONStorage
    db = TinyDB(sys.argv[1], storage=AtomicJSONStorage)
    db.table("items").insert({"name": "second"})
""")


def test_tinydb_writes_through_our_storage_whole_and_atomically(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    db = TinyDB(path, storage=AtomicJSONStorage)
    db.table("items").insert({"name": "first"})
    assert path.read_bytes() == b'{"items":{"1":{"name":"first"}}}'
    env = {**os.environ, "KIOSK_FAULT_AT": "tinydb.before-rename"}
    proc = subprocess.run([sys.executable, "-c", TINYDB_CHILD, str(path)], env=env, check=False)
    assert proc.returncode == -9
    assert path.read_bytes() == b'{"items":{"1":{"name":"first"}}}'  # the old database, whole
    proc = subprocess.run([sys.executable, "-c", TINYDB_CHILD, str(path)], check=True)
    assert [d["name"] for d in TinyDB(path, storage=AtomicJSONStorage).table("items")] == [
        "first", "second"]


def test_our_tinydb_storage_names_a_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    path.write_bytes(b'{"items": {"1": ')
    with pytest.raises(CatalogueError) as caught:
        AtomicJSONStorage(path).read()
    assert caught.value.what == f"{path} is not valid JSON"
    assert caught.value.why.startswith("Expecting value")
    path.write_bytes(b"[1, 2]")
    with pytest.raises(CatalogueError, match="is not a TinyDB database"):
        AtomicJSONStorage(path).read()
    path.write_bytes(b"")
    assert AtomicJSONStorage(path).read() is None
