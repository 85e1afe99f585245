"""Whole-file writes that survive a power cut: the old content or the new, never a mix.

The recipe is the classic one: write the new content to a temporary file in the *same*
directory (a rename is only atomic within one file system), flush and fsync it so its blocks
are on the medium, rename it over the target (POSIX guarantees readers see either file), then
fsync the directory so the rename itself is durable. A kill at any instant leaves the target
intact; at worst a temporary file is left behind, which :func:`remove_stale_temps` clears on the
next start.

Every instant that matters calls :func:`kiosk.faults.fault_point` with a caller-given tag
(``catalogue.after-write``, ``catalogue.before-rename``, ...) so the kill tests can stop a
child exactly there and check what survives.
"""

from __future__ import annotations

import os
from pathlib import Path

from kiosk.faults import fault_point

TEMP_SUFFIX = ".tmp"
FAULT_STEPS = ("after-write", "before-fsync", "after-fsync", "before-rename", "after-rename")


def _temp_prefix(target: Path) -> str:
    """Temporary files are hidden siblings named after their target, so cleanup can find them."""
    return f".{target.name}."


def fsync_directory(directory: str | os.PathLike[str]) -> None:
    """Make a rename or unlink in ``directory`` durable (its entry list is data too)."""
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _open_temp(target: Path) -> tuple[int, Path]:
    """Create a fresh temporary file beside ``target``; O_EXCL so two writers never share one."""
    while True:
        name = f"{_temp_prefix(target)}{os.getpid()}.{os.urandom(4).hex()}{TEMP_SUFFIX}"
        temp = target.with_name(name)
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
        except FileExistsError:
            continue
        return fd, temp


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, *, tag: str = "atomic") -> None:
    """Replace ``path`` with ``data`` atomically and durably.

    Raises :class:`OSError` (disk full, read-only file system, ...) with ``path`` untouched and
    no temporary file left behind; callers turn that into their own typed error.
    """
    target = Path(path)
    fd, temp = _open_temp(target)
    try:
        try:
            _write_all(fd, data)
            fault_point(f"{tag}.after-write")
            fault_point(f"{tag}.before-fsync")
            os.fsync(fd)
            fault_point(f"{tag}.after-fsync")
        finally:
            os.close(fd)
        fault_point(f"{tag}.before-rename")
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fault_point(f"{tag}.after-rename")
    fsync_directory(target.parent)


def stale_temps(path: str | os.PathLike[str]) -> list[Path]:
    """Temporary files a killed writer of ``path`` left behind."""
    target = Path(path)
    prefix = _temp_prefix(target)
    try:
        names = os.listdir(target.parent)
    except FileNotFoundError:
        return []
    return sorted(target.parent / n for n in names
                  if n.startswith(prefix) and n.endswith(TEMP_SUFFIX))


def remove_stale_temps(path: str | os.PathLike[str]) -> list[Path]:
    """Delete what a killed writer of ``path`` left behind; returns what was removed.

    Only safe while no other process is writing ``path``: callers hold their own lock (the
    catalogue mirror does) or own the file outright.
    """
    removed = []
    for temp in stale_temps(path):
        temp.unlink(missing_ok=True)
        removed.append(temp)
    if removed:
        fsync_directory(Path(path).parent)
    return removed
