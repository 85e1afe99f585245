"""Where rendered bytes go: USB, serial, network or a device file, through python-escpos.

python-escpos's seam is ours: every printer is ``_raw(bytes)`` under one API. Rendering (and
so the profile) happens once in :mod:`kiosk.hw.printer_escpos`, whatever the transport; only
the connection of the escpos object is used here.

Transports that can read the printer's answers (serial, network, USB) also carry the real-time
status queries (DLE EOT n, one byte back each); a device file cannot, and says so by answering
``None``. Each query waits for exactly one byte with a short timeout: python-escpos's own
``query_status`` reads 16 bytes and so waits out the whole port timeout on every question.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import termios
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError
from escpos.exceptions import Error as EscposError
from escpos.printer import File, Network, Serial, Usb

from kiosk.errors import DeviceError

log = logging.getLogger(__name__)

NO_PRINTER_ACTION = "Check the cable and power; receipts will be shown as QR codes."
USB_TIMEOUT_MS = 30_000  # a long raster receipt on a slow printer; beyond, it is stuck
StatusReader = Callable[[Any, bytes, float], bytes]
"""(escpos printer, request, timeout in s) -> the bytes the printer answered (maybe none)."""


class Transport(Protocol):
    """Where bytes go. ``open``/``send``/``query`` raise :class:`DeviceError` on failure."""

    description: str
    simulated: bool

    def open(self) -> None: ...

    def send(self, job_id: str, data: bytes) -> Path | None:
        """Hand ``data`` to the printer; returns the picture of the paper where the transport
        keeps one (the simulator's PNG), else None."""
        ...

    def query(self, request: bytes, timeout_s: float) -> bytes | None:
        """Send a real-time request and return the answer (b"" for none), or None when this
        transport cannot read from the printer at all."""
        ...

    def close(self) -> None: ...


def one_line(exc: BaseException) -> str:
    """escpos errors wrap their message ("Device not found (...)"): keep the message."""
    text = exc.msg if isinstance(exc, EscposError) and exc.msg else str(exc)
    return " ".join(text.split()) or type(exc).__name__


class EscposTransport:
    """A real printer through one of python-escpos's printer classes.

    The escpos object is made when the printer is opened, after the precheck: python-escpos
    3.1's ``Usb.close`` raises from its finaliser when pyusb is missing, so no such object is
    made when it could not work.
    """

    simulated = False

    def __init__(self, make: Callable[[], Escpos], description: str,
                 precheck: Callable[[], DeviceError | str | None] | None = None,
                 reader: StatusReader | None = None) -> None:
        self.description = description
        self._make = make
        self._precheck = precheck
        self._reader = reader
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
                why = one_line(exc)  # ValueError: pyusb's NoBackendError
            else:
                self.printer = printer
        if why is not None:
            raise DeviceError(f"Receipt printer not found: {self.description}", why,
                              NO_PRINTER_ACTION)

    def send(self, job_id: str, data: bytes) -> Path | None:
        self.open()
        assert self.printer is not None  # open() raised otherwise
        try:
            self.printer._raw(data)  # the one seam every escpos printer class implements
        except (EscposError, OSError, AssertionError) as exc:
            self.close()
            raise DeviceError(f"Receipt printer {self.description} failed on job {job_id}",
                              one_line(exc), NO_PRINTER_ACTION) from None
        return None

    def query(self, request: bytes, timeout_s: float) -> bytes | None:
        if self._reader is None:
            return None
        self.open()
        assert self.printer is not None
        try:
            return self._reader(self.printer, request, timeout_s)
        except (EscposError, OSError, ValueError, AssertionError) as exc:
            self.close()
            raise DeviceError(f"Receipt printer {self.description} does not answer",
                              one_line(exc), NO_PRINTER_ACTION) from None

    def close(self) -> None:
        printer, self.printer = self.printer, None
        if printer is not None:
            try:
                printer.close()
            except (EscposError, OSError, termios.error) as exc:  # a pty gone: EIO on flush
                log.warning("closing printer %s: %s", self.description, exc)


def _serial_reader(printer: Any, request: bytes, timeout_s: float) -> bytes:
    port = printer.device  # a pyserial Serial
    port.reset_input_buffer()  # a stale byte must not answer this question
    port.write(request)
    port.flush()
    saved, port.timeout = port.timeout, timeout_s
    try:
        return bytes(port.read(1))
    finally:
        port.timeout = saved


def _socket_reader(printer: Any, request: bytes, timeout_s: float) -> bytes:
    sock: socket.socket = printer.device
    saved = sock.gettimeout()
    try:
        sock.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            while sock.recv(64):  # drop anything unread (automatic status back)
                pass
        sock.settimeout(timeout_s)
        sock.sendall(request)
        try:
            return sock.recv(1)
        except TimeoutError:
            return b""
    finally:
        sock.settimeout(saved)


def _usb_reader(printer: Any, request: bytes, timeout_s: float) -> bytes:
    import usb.core  # noqa: PLC0415 - pyusb is only there when USB is usable

    printer._raw(request)
    try:
        return bytes(printer.device.read(printer.in_ep, 16, int(timeout_s * 1000)))[:1]
    except usb.core.USBTimeoutError:
        return b""


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
    return EscposTransport(lambda: Usb(vendor, product, timeout=USB_TIMEOUT_MS),
                           f"USB device {vendor:04x}:{product:04x}", _usb_precheck, _usb_reader)


def serial_transport(port: str, baudrate: int) -> EscposTransport:
    return EscposTransport(lambda: Serial(devfile=port, baudrate=baudrate),
                           f"serial port {port}", _file_precheck(port), _serial_reader)


def network_transport(host: str, port: int, timeout_s: float = 10.0) -> EscposTransport:
    def check() -> str | None:
        return None if host else "devices.printer.host is empty"
    return EscposTransport(lambda: _Network(host, port=port, timeout=timeout_s),
                           f"network printer {host or '(no host)'}:{port}", check,
                           _socket_reader)


def file_transport(path: str) -> EscposTransport:
    """A device file (``/dev/usb/lp0``): write-only here, so no status is read."""
    return EscposTransport(lambda: File(devfile=path), f"device file {path}",
                           _file_precheck(path))
