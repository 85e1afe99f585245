"""The receipt printer: a document laid out and rendered once, checked, sent, remembered.

A job is laid out for the printer's paper (:mod:`kiosk.core.receipt_layout`), rendered to
ESC/POS bytes with python-escpos (:mod:`kiosk.hw.printer_escpos`) and sent in one write to a
transport (:mod:`kiosk.hw.printer_transport`): USB, serial, network or a device file for a
real printer, or the simulator's files (:mod:`kiosk.hw.printer_simulated`).

Status: where the transport can read (serial, network, USB) the printer's real-time status
(DLE EOT) is read before each receipt, so nothing is sent to a printer that is out of paper,
open or offline, and after it, so a roll that ran out mid-receipt is noticed. Between jobs a
monitor thread polls the same status, so a printer that comes back (new roll, cover closed)
is reported at once and the kiosk prints again without a restart.

Each job has an id, and the ids already sent are remembered on disk, so a retry of the same
job (after a crash, a timeout, a repeated effect) never prints a second receipt. The id is
recorded just after the printer accepted the bytes; a power cut in between can still print
one duplicate, which at a till is better than a shopper without a receipt. A receipt cut
short by the paper running out stays recorded too: the shopper gets the QR code, and only an
explicit staff reprint (a new job, marked REPRINT) prints it again.

A printer that is missing or fails is a health failure that says what, why and what happens
instead; :meth:`ReceiptPrinter.print_document` returns a failed :class:`PrintResult` and never
raises into the kiosk.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from kiosk.core.receipt_doc import Document, Text
from kiosk.core.receipt_layout import layout
from kiosk.errors import DeviceError, KioskError
from kiosk.hw.health import PRINTER, DeviceHealth, HealthReporter, Post
from kiosk.hw.printer_check import PrinterNotice, StatusCheck, read_status
from kiosk.hw.printer_escpos import EscposRenderer
from kiosk.hw.printer_jobs import JOB_ID, LEDGER_NAME, REMEMBERED_JOBS, PrintedJobs
from kiosk.hw.printer_profile import PaperProfile, paper_profile
from kiosk.hw.printer_transport import Transport

log = logging.getLogger(__name__)


class PrintJobError(KioskError, ValueError):
    """A print request the kiosk should never have made (an id unusable as a file name)."""


@dataclass(frozen=True, slots=True)
class PrintResult:
    job_id: str
    status: Literal["printed", "duplicate", "failed"]
    detail: str = ""
    image: Path | None = None  # the PNG the simulator drew of it (what the paper shows)

    @property
    def ok(self) -> bool:
        """The shopper has (or already had) this receipt on paper."""
        return self.status != "failed"


@dataclass(frozen=True, slots=True)
class StatusOptions:
    """``query``: read DLE EOT where the transport can (off for models that cannot answer);
    ``timeout_s`` per answer; ``interval_s`` between polls while idle."""

    query: bool = True
    timeout_s: float = 1.0
    interval_s: float = 5.0


def as_document(lines: Document | Sequence[str]) -> Document:
    """Plain lines (a test page, a terminal's slip) print as they are, one paragraph each."""
    if isinstance(lines, Document):
        return lines
    return Document("lines", tuple(Text(line) for line in lines))


class ReceiptPrinter:
    """Prints jobs once each over one transport and reports the printer's health.

    :meth:`print_document` blocks until the printer took the bytes (a USB write can take a
    second): the shell calls it off the event loop's thread and posts the result back.
    """

    def __init__(self, transport: Transport, data_dir: Path, post: Post, *,
                 profile: str = "TM-T88V", paper_mm: int = 80, columns: int | None = None,
                 remember: int = REMEMBERED_JOBS,
                 status: StatusOptions = StatusOptions()) -> None:
        self.transport = transport
        self.options = status
        self._lock = threading.Lock()
        self._health = HealthReporter(PRINTER, post, simulated=transport.simulated)
        self._check = StatusCheck()
        self._listeners: list[Callable[[PrinterNotice], None]] = []
        self._stop = threading.Event()
        self._monitor: threading.Thread | None = None
        self.paper: PaperProfile | None = None
        self._jobs: PrintedJobs | None = None
        self._setup_problem: DeviceError | None = None
        try:
            self.paper = paper_profile(profile, paper_mm, columns)
            self._jobs = PrintedJobs(data_dir / LEDGER_NAME, remember)
        except DeviceError as exc:
            self._setup_problem = exc
            self._health.failed(exc)
        else:
            self._renderer = EscposRenderer(self.paper)
            self._check.description = transport.description
            with self._lock:
                self._refresh()

    def health(self) -> DeviceHealth:
        return self._health.current

    def subscribe(self, listener: Callable[[PrinterNotice], None]) -> None:
        """``listener`` hears paper-low and paper-ok notices (from any thread); a paper low
        already known is told at once."""
        self._listeners.append(listener)
        if self._check.paper_low:
            listener(PrinterNotice("paper-low", self._check.low_detail))

    # -- status -------------------------------------------------------------------------------

    def _status_problem(self, *, after_job: bool = False) -> DeviceError | None:
        """Open the transport and read its status; a problem found is reported as health.

        Right after a job a printer still busy with a long receipt may not answer in time
        (its input is full): that is not a failure of the receipt; the monitor asks again.
        """
        try:
            self.transport.open()
            status = read_status(self.transport, self.options.timeout_s) \
                if self.options.query else None
        except DeviceError as exc:
            if after_job:
                log.warning("printer status after a job: %s", exc.message)
                return None
            self._health.failed(exc)
            return exc
        problem, notice = self._check.update(status)
        if notice is not None:
            self._notify(notice)
        if problem is not None:
            self._health.failed(problem)
        return problem

    def _refresh(self) -> DeviceError | None:
        problem = self._status_problem()
        if problem is None:
            self._ready()
        return problem

    def _ready(self) -> None:
        paper = self.paper
        assert paper is not None
        low = f"; {self._check.low_detail}" if self._check.paper_low else ""
        self._health.ok(f"Receipt printer ready: {self.transport.description} (profile "
                        f"{paper.escpos_profile}, {paper.paper_mm} mm, {paper.columns} "
                        f"columns){low}")

    def _notify(self, notice: PrinterNotice) -> None:
        if notice.kind == "paper-low":
            log.warning("printer: %s", notice.detail)
        for listener in self._listeners:
            listener(notice)

    # -- jobs ---------------------------------------------------------------------------------

    def render(self, document: Document | Sequence[str]) -> bytes:
        """The job's bytes exactly as sent (also used by ``kiosk receipt-preview``)."""
        if self.paper is None:
            raise self._setup_problem or DeviceError("Receipt printer is not set up")
        return self._renderer.render(layout(as_document(document), self.paper.columns))

    def print_document(self, job_id: str, document: Document | Sequence[str]) -> PrintResult:
        """Print ``document`` and cut, unless job ``job_id`` was sent already."""
        if not JOB_ID.fullmatch(job_id):
            raise PrintJobError(f"print job id {job_id!r} is not usable",
                                "it must be 1-128 letters, digits, '.', '_' or '-'")
        with self._lock:
            jobs = self._jobs
            if jobs is None or self._setup_problem is not None:
                problem = self._setup_problem or DeviceError("Receipt printer is not set up")
                return PrintResult(job_id, "failed", problem.message)
            if job_id in jobs:
                return PrintResult(job_id, "duplicate", "printed before; not printed again")
            problem = self._status_problem()
            if problem is not None:
                return PrintResult(job_id, "failed", problem.message)
            return self._send(jobs, job_id, self.render(document))

    def _send(self, jobs: PrintedJobs, job_id: str, data: bytes) -> PrintResult:
        try:
            image = self.transport.send(job_id, data)
        except DeviceError as exc:
            self._health.failed(exc)
            return PrintResult(job_id, "failed", exc.message)
        not_saved = jobs.add(job_id)
        after = self._status_problem(after_job=True)  # the roll may have run out meanwhile
        if after is not None:
            return PrintResult(job_id, "failed", f"{after.message} (this receipt may be "
                               "incomplete; it is not printed again by itself)", image)
        self._ready()
        return PrintResult(job_id, "printed", not_saved, image)

    # -- monitor ------------------------------------------------------------------------------

    def start_monitor(self) -> None:
        """Poll the status every ``interval_s`` while no job runs (until :meth:`close`)."""
        if self._setup_problem is not None or self._monitor is not None:
            return
        self._monitor = threading.Thread(target=self._watch, name="printer-status",
                                         daemon=True)
        self._monitor.start()

    def _watch(self) -> None:
        while not self._stop.wait(self.options.interval_s):
            if self._lock.acquire(blocking=False):  # a job checks the status itself
                try:
                    self._refresh()
                finally:
                    self._lock.release()

    def close(self) -> None:
        self._stop.set()
        if self._monitor is not None:
            self._monitor.join(timeout=self.options.timeout_s * 4 + 1)
        with self._lock:
            self.transport.close()
