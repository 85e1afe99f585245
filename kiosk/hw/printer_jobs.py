"""The ids of the print jobs already sent, so a retried job never prints a second receipt.

One id per line in a small file rewritten atomically (kiosk/store/atomic.py): a power cut
leaves the old list or the new one, never half of it. Only the last ``keep`` ids are kept:
retries come within minutes, and the journal keeps every sale for good.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from kiosk.errors import DeviceError
from kiosk.store.atomic import atomic_write_bytes

log = logging.getLogger(__name__)

REMEMBERED_JOBS = 5000
JOB_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")  # also its receipt's file name
LEDGER_NAME = "printed-jobs.txt"


class PrintedJobs:
    """An insertion-ordered set of job ids, saved on every change."""

    def __init__(self, path: Path, keep: int = REMEMBERED_JOBS) -> None:
        self.path = path
        self.keep = keep
        self._ids: dict[str, None] = {}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        except OSError as exc:
            raise DeviceError(f"Receipt printer cannot read its list of printed jobs {path}",
                              exc.strerror or str(exc),
                              "Check the data directory; nothing is printed until then, so "
                              "no receipt is printed twice.") from None
        for line in text.splitlines():
            if JOB_ID.fullmatch(line):
                self._ids[line] = None
            elif line:
                log.warning("%s: ignoring malformed job id %r", path, line)

    def __contains__(self, job_id: object) -> bool:
        return job_id in self._ids

    def add(self, job_id: str) -> str:
        """Remember ``job_id``; returns "" or why it could not be saved (kept in memory then)."""
        self._ids[job_id] = None
        for old in list(self._ids)[: max(0, len(self._ids) - self.keep)]:
            del self._ids[old]
        try:
            atomic_write_bytes(self.path, "".join(f"{i}\n" for i in self._ids).encode("ascii"),
                               tag="printer.jobs")
        except OSError as exc:
            log.error("cannot save printed job ids to %s: %s", self.path, exc)
            return f"printed, but the job id could not be saved ({exc.strerror or exc})"
        return ""
