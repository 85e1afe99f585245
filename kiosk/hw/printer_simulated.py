"""The in-process simulated printer: each job kept as its bytes and as a picture of the paper.

For the demo and headless tests: every job's exact ESC/POS bytes go to
``receipts/<job_id>.bin`` in the data directory (``cat`` it to a real printer to print it) and
the paper those bytes would print to ``receipts/<job_id>.png``, drawn by the ESC/POS renderer
(:mod:`kiosk.hw.escpos_png`) one pixel per printer dot, so a person can look at every receipt
the demo printed. Both are written atomically.

It answers status queries (DLE EOT) with the bytes an Epson printer sends
(:data:`kiosk.hw.printer_sim.STATUS_BYTES`), so the kiosk's status path runs here too, and it
can be told to fail, by name, one job at a time (``faults``): ``ok``; ``paper-low`` (prints;
the paper sensor then reads near end); ``paper-out``, ``cover-open`` or ``offline`` (the job
does not print; the next status reading says why, and by the one after that the fault is over,
as if staff had fixed it). For a printer whose state a test scripts over time, use the pty
simulator (:mod:`kiosk.hw.printer_sim`) with the serial transport instead.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from pathlib import Path

from kiosk.errors import DeviceError
from kiosk.hw.escpos_png import RenderError, render_png
from kiosk.hw.printer_sim import STATUS_BYTES
from kiosk.hw.printer_transport import NO_PRINTER_ACTION
from kiosk.store.atomic import atomic_write_bytes

log = logging.getLogger(__name__)

SIMULATOR_FAULTS = ("ok", "paper-low", "paper-out", "cover-open", "offline")
_STATES = {"ok": "online", "paper-low": "paper-near-end", "paper-out": "paper-out",
           "cover-open": "cover-open", "offline": "no-answer"}
_FAILURES = {
    "paper-out": ("Receipt printer (simulated) is out of paper", "Load a new roll"),
    "cover-open": ("Receipt printer (simulated): cover open", "Close the printer cover"),
    "offline": ("Receipt printer (simulated) does not answer", "Check the printer"),
}


class SimulatedTransport:
    """Writes each job's bytes and PNG to ``receipts_dir``; fails on cue (module docstring)."""

    simulated = True

    def __init__(self, receipts_dir: Path, faults: Sequence[str] = (), *,
                 paper_dots: int = 576) -> None:
        unknown = [f for f in faults if f not in SIMULATOR_FAULTS]
        if unknown:
            from kiosk.hw.printer import PrintJobError  # noqa: PLC0415 - the adapter's error

            raise PrintJobError(f"unknown printer simulator faults {unknown}",
                                f"the faults are {', '.join(SIMULATOR_FAULTS)}")
        self.receipts_dir = receipts_dir
        self.paper_dots = paper_dots
        self.description = f"simulated, receipts written to {receipts_dir}"
        self._faults = list(faults)
        self._state = "online"
        self._failed_readings = 0  # status readings that still show the failed job's state

    def open(self) -> None:
        """Every status reading starts here: a fault shows for one reading, then is over."""
        if self._state not in ("online", "paper-near-end"):
            if self._failed_readings:
                self._failed_readings -= 1
            else:
                self._state = "online"
        try:
            self.receipts_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DeviceError("Receipt printer simulator cannot write receipts",
                              f"{self.receipts_dir}: {exc.strerror or exc}",
                              "Check the data directory.") from None

    def query(self, request: bytes, timeout_s: float) -> bytes | None:
        """The Epson answer to DLE EOT n in the current state (b"" when "offline")."""
        del timeout_s
        answers = STATUS_BYTES[self._state]
        if answers is None:
            return b""
        return bytes((answers[request[-1] - 1],))

    def send(self, job_id: str, data: bytes) -> Path | None:
        fault = self._faults.pop(0) if self._faults else "ok"
        self._state = _STATES[fault]
        if fault in _FAILURES:
            what, action = _FAILURES[fault]
            self._failed_readings = 1
            raise DeviceError(what, f"the fault script said {fault}",
                              f"{action}; {NO_PRINTER_ACTION.split('; ', 1)[1]}")
        self.open()
        self._write(self.receipts_dir / f"{job_id}.bin", data)
        return self._picture(job_id, data)

    def _picture(self, job_id: str, data: bytes) -> Path | None:
        """The PNG of the paper; a renderer failure loses the picture, never the receipt."""
        path = self.receipts_dir / f"{job_id}.png"
        try:
            image = render_png(data, paper_dots=self.paper_dots)
        except RenderError as exc:
            log.error("receipt %s printed, but its picture cannot be drawn: %s", job_id, exc)
            return None
        for warning in image.info.get("warnings", ()):
            log.warning("receipt %s picture: %s", job_id, warning)
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        self._write(path, buffer.getvalue())
        return path

    def _write(self, path: Path, data: bytes) -> None:
        try:
            atomic_write_bytes(path, data, tag="printer.receipt")
        except OSError as exc:
            raise DeviceError("Receipt printer simulator cannot write receipts",
                              f"{self.receipts_dir}: {exc.strerror or exc}",
                              "Check the data directory.") from None

    def close(self) -> None:
        """Nothing held open between jobs."""
