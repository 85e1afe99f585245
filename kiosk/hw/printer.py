"""The receipt printer: ESC/POS bytes rendered once, then handed to one transport.

python-escpos's seam is ours: every printer is ``_raw(bytes)`` under one API. A job is rendered
to bytes with escpos's :class:`~escpos.printer.Dummy` (same profile, same magic encoding for
é, ü, €), then sent in one write to a transport: USB, serial, network or a device file for a
real printer, or, for the simulator, a file ``receipts/<job_id>.bin`` in the data directory
that a person can inspect (``cat`` it to a printer, or read its text).

Each job has an id, and the ids already printed are remembered on disk, so a retry of the
same job (after a crash, a timeout, a repeated effect) never prints a second receipt. The id
is recorded just after the printer accepted the bytes; a power cut in between can still print
one duplicate, which at a till is better than a shopper without a receipt. A staff reprint is
a new job with its own id.

A printer that is missing or fails is a health failure that says what, why and what happens
instead, and :meth:`ReceiptPrinter.print_document` returns a failed :class:`PrintResult`; a
device problem never raises into the kiosk. Each job tries to reopen a failed printer first,
so plugging it back in heals the kiosk without a restart.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.exceptions import Error as EscposError
from escpos.printer import Dummy, File, Network, Serial, Usb

from kiosk.errors import DeviceError, KioskError
from kiosk.hw.health import PRINTER, DeviceHealth, HealthReporter, Post
from kiosk.store.atomic import atomic_write_bytes

log = logging.getLogger(__name__)

JOB_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
NO_PRINTER_ACTION = "Check the cable and power; receipts will be shown as QR codes."
LEDGER_NAME = "printed-jobs.txt"
REMEMBERED_JOBS = 5000  # retries come within minutes; the journal keeps every sale for good
SIMULATOR_FAULTS = ("ok", "offline", "paper-out")


class PrintJobError(KioskError, ValueError):
    """A print request the kiosk should never have made (an id unusable as a file name)."""


@dataclass(frozen=True, slots=True)
class PrintResult:
    job_id: str
    status: Literal["printed", "duplicate", "failed"]
    detail: str = ""

    @property
    def ok(self) -> bool:
        """The shopper has (or already had) this receipt on paper."""
        return self.status != "failed"


class Transport(Protocol):
    """Where rendered bytes go. ``open``/``send`` raise :class:`DeviceError` on failure."""

    description: str
    simulated: bool

    def open(self) -> None: ...

    def send(self, job_id: str, data: bytes) -> None: ...

    def close(self) -> None: ...


def _one_line(exc: BaseException) -> str:
    """escpos errors wrap their message ("Device not found (...)"): keep the message."""
    text = exc.msg if isinstance(exc, EscposError) and exc.msg else str(exc)
    return " ".join(text.split()) or type(exc).__name__


class EscposTransport:
    """A real printer through one of python-escpos's printer classes.

    Only the connection of the escpos object is used; rendering (and so the profile) happens
    in :func:`render`, once, whatever the transport. The escpos object is made when the
    printer is opened, after the precheck: python-escpos 3.1's ``Usb.close`` raises from its
    finaliser when pyusb is missing, so no such object is made when it could not work.
    """

    simulated = False

    def __init__(self, make: Callable[[], Escpos], description: str,
                 precheck: Callable[[], DeviceError | str | None] | None = None) -> None:
        self.description = description
        self._make = make
        self._precheck = precheck
        self.printer: Escpos | None = None

    def open(self) -> None:
        if self.printer is not None:
            return
        why = self._precheck() if self._precheck is not None else None
        if isinstance(why, DeviceError):
            raise why
        if why is None:
            printer = self._make()
            try:
                printer.open(raise_not_found=True)
            except (EscposError, RuntimeError, OSError, ValueError) as exc:
                why = _one_line(exc)  # ValueError: pyusb's NoBackendError
            else:
                self.printer = printer
        if why is not None:
            raise DeviceError(f"Receipt printer not found: {self.description}", why,
                              NO_PRINTER_ACTION)

    def send(self, job_id: str, data: bytes) -> None:
        self.open()
        assert self.printer is not None  # open() raised otherwise
        try:
            self.printer._raw(data)  # the one seam every escpos printer class implements
        except (EscposError, OSError, AssertionError) as exc:
            self.close()
            raise DeviceError(f"Receipt printer {self.description} failed on job {job_id}",
                              _one_line(exc), NO_PRINTER_ACTION) from None

    def close(self) -> None:
        printer, self.printer = self.printer, None
        if printer is not None:
            try:
                printer.close()
            except (EscposError, OSError) as exc:
                log.warning("closing printer %s: %s", self.description, exc)


class _Network(Network):
    """python-escpos 3.1's Network leaves the socket of a refused connection to the garbage
    collector; this one closes it (``socket.create_connection`` does), nothing else differs."""

    def open(self, raise_not_found: bool = True) -> None:
        try:
            self.device = socket.create_connection((self.host, self.port), self.timeout)
        except OSError as exc:
            self.device = None
            if raise_not_found:
                raise DeviceNotFoundError(f"could not connect to {self.host}:{self.port}: "
                                          f"{exc.strerror or exc}") from None


def _file_precheck(path: str) -> Callable[[], str | None]:
    """escpos opens device files with "wb", which would *create* a plain file in their place."""
    def check() -> str | None:
        return None if Path(path).exists() else f"{path} does not exist (no printer attached)"
    return check


def _usb_precheck() -> DeviceError | None:
    if not Usb.is_usable():
        return DeviceError("Receipt printer cannot use USB",
                           "the Python package pyusb is not installed",
                           "Install pyusb and the Debian package libusb-1.0-0, or set "
                           "devices.printer.transport; receipts will be shown as QR codes.")
    import usb.backend.libusb1  # noqa: PLC0415 - only when pyusb is there to import

    if usb.backend.libusb1.get_backend() is None:  # pyusb raises NoBackendError later
        return DeviceError("Receipt printer cannot use USB",
                           "the libusb library is not installed",
                           "Install the Debian package libusb-1.0-0, or set "
                           "devices.printer.transport; receipts will be shown as QR codes.")
    return None


def usb_transport(vendor: int, product: int) -> EscposTransport:
    return EscposTransport(lambda: Usb(vendor, product),
                           f"USB device {vendor:04x}:{product:04x}", _usb_precheck)


def serial_transport(port: str, baudrate: int) -> EscposTransport:
    return EscposTransport(lambda: Serial(devfile=port, baudrate=baudrate),
                           f"serial port {port}", _file_precheck(port))


def network_transport(host: str, port: int, timeout_s: float = 10.0) -> EscposTransport:
    def check() -> str | None:
        return None if host else "devices.printer.host is empty"
    return EscposTransport(lambda: _Network(host, port=port, timeout=timeout_s),
                           f"network printer {host or '(no host)'}:{port}", check)


def file_transport(path: str) -> EscposTransport:
    return EscposTransport(lambda: File(devfile=path), f"device file {path}",
                           _file_precheck(path))


class SimulatedTransport:
    """Writes each job's bytes to ``receipts/<job_id>.bin``; can be told to fail, by name.

    ``faults`` is a script consumed one entry per job: ``ok``, ``offline`` (the printer does
    not answer) or ``paper-out``; once it is used up every job prints.
    """

    simulated = True

    def __init__(self, receipts_dir: Path, faults: Sequence[str] = ()) -> None:
        unknown = [f for f in faults if f not in SIMULATOR_FAULTS]
        if unknown:
            raise PrintJobError(f"unknown printer simulator faults {unknown}",
                                f"the faults are {', '.join(SIMULATOR_FAULTS)}")
        self.receipts_dir = receipts_dir
        self.description = f"simulated, receipts written to {receipts_dir}"
        self._faults = list(faults)

    def open(self) -> None:
        try:
            self.receipts_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DeviceError("Receipt printer simulator cannot write receipts",
                              f"{self.receipts_dir}: {exc.strerror or exc}",
                              "Check the data directory.") from None

    def send(self, job_id: str, data: bytes) -> None:
        fault = self._faults.pop(0) if self._faults else "ok"
        if fault == "offline":
            raise DeviceError("Receipt printer (simulated) does not answer",
                              "the fault script said offline", NO_PRINTER_ACTION)
        if fault == "paper-out":
            raise DeviceError("Receipt printer (simulated) is out of paper",
                              "the fault script said paper-out",
                              "Load a new roll; receipts will be shown as QR codes.")
        self.open()
        try:
            atomic_write_bytes(self.receipts_dir / f"{job_id}.bin", data, tag="printer.receipt")
        except OSError as exc:
            raise DeviceError("Receipt printer simulator cannot write receipts",
                              f"{self.receipts_dir}: {exc.strerror or exc}",
                              "Check the data directory.") from None

    def close(self) -> None:
        """Nothing held open between jobs."""


def check_profile(profile: str) -> DeviceError | None:
    try:
        Dummy(profile=profile)
    except KeyError:
        return DeviceError(f"Receipt printer profile {profile!r} is unknown",
                           "python-escpos has no capabilities for it",
                           "Set devices.printer.profile to a known model, e.g. TM-T88V.")
    return None


def render(lines: Sequence[str], profile: str) -> bytes:
    """The job as ESC/POS bytes: reset, each line (code pages chosen per character), cut."""
    dummy = Dummy(profile=profile)
    dummy.hw("INIT")  # a known state: default code page, font and alignment
    for line in lines:
        dummy.textln(line)
    dummy.cut()
    return dummy.output


class PrintedJobs:
    """The ids already printed, one per line in a small file rewritten atomically."""

    def __init__(self, path: Path, keep: int = REMEMBERED_JOBS) -> None:
        self.path = path
        self.keep = keep
        self._ids: dict[str, None] = {}  # insertion-ordered set
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


class ReceiptPrinter:
    """Prints jobs once each over one transport and reports the printer's health.

    :meth:`print_document` blocks until the printer took the bytes (a USB write can take a
    second): the shell calls it off the event loop's thread and posts the result back.
    """

    def __init__(self, transport: Transport, data_dir: Path, post: Post,
                 profile: str = "TM-T88V", remember: int = REMEMBERED_JOBS) -> None:
        self.transport = transport
        self.profile = profile
        self._lock = threading.Lock()
        self._health = HealthReporter(PRINTER, post, simulated=transport.simulated)
        self._jobs: PrintedJobs | None = None
        self._setup_problem = check_profile(profile)
        if self._setup_problem is None:
            try:
                self._jobs = PrintedJobs(data_dir / LEDGER_NAME, remember)
            except DeviceError as exc:
                self._setup_problem = exc
        if self._setup_problem is not None:
            self._health.failed(self._setup_problem)
        else:
            self._try_open()

    def health(self) -> DeviceHealth:
        return self._health.current

    def _ready(self) -> None:
        self._health.ok(f"Receipt printer ready: {self.transport.description} "
                        f"(profile {self.profile})")

    def _try_open(self) -> DeviceError | None:
        try:
            self.transport.open()
        except DeviceError as exc:
            self._health.failed(exc)
            return exc
        self._ready()
        return None

    def print_document(self, job_id: str, lines: Sequence[str]) -> PrintResult:
        """Print ``lines`` and a cut, unless job ``job_id`` was printed already."""
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
            problem = self._try_open()
            if problem is None:
                try:
                    self.transport.send(job_id, render(lines, self.profile))
                except DeviceError as exc:
                    self._health.failed(exc)
                    problem = exc
            if problem is not None:
                return PrintResult(job_id, "failed", problem.message)
            not_saved = jobs.add(job_id)
            self._ready()
            return PrintResult(job_id, "printed", not_saved)

    def close(self) -> None:
        self.transport.close()
