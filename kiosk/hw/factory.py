"""From ``[devices]`` to adapters: real, simulated or off, exactly as configured.

This is the one place that chooses, and it chooses only from the configuration: a real device
that is missing is built as a real device that reports a health failure, so the session
degrades (receipt as a QR code, "card payment unavailable", staff called) and the start-up
banner says so. It is never replaced by a simulator behind the user's back. The demo
configuration asks for simulators; the appliance configuration asks for none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from kiosk.config import REPO_CONFIG, DevicesConfig, LightConfig, PrinterConfig, TerminalConfig
from kiosk.errors import DeviceError
from kiosk.hw.camera import Scanner, build_scanner
from kiosk.hw.health import (
    CAMERA,
    DEVICE_NAMES,
    LIGHT,
    PRINTER,
    TERMINAL,
    DeviceHealth,
    Post,
)
from kiosk.hw.light import BlinkTiming, LightSetup, TowerLight
from kiosk.hw.printer import ReceiptPrinter, StatusOptions
from kiosk.hw.printer_profile import PAPER_DOTS, paper_profile
from kiosk.hw.printer_simulated import SimulatedTransport
from kiosk.hw.printer_transport import (
    Transport,
    file_transport,
    network_transport,
    serial_transport,
    usb_transport,
)
from kiosk.hw.terminal import (
    NO_TERMINAL_ACTION,
    Driver,
    PaymentTerminal,
    TerminalSettings,
    real_terminal,
)
from kiosk.hw.terminal_sim import SimulatedTerminal

RECEIPTS_DIR = "receipts"


@dataclass(frozen=True, slots=True)
class SimulatorOptions:
    """How the simulators behave (scripted demos and tests); real devices ignore this."""

    terminal_delay_s: float = 2.0
    terminal_faults: tuple[str, ...] = ()
    printer_faults: tuple[str, ...] = ()
    camera_faults: tuple[str, ...] = ()  # kiosk.hw.camera_faults: stall@N, black@N-M, raise@N
    light_timing: BlinkTiming | None = None  # None: the configured blink and flash times


@dataclass
class Devices:
    """The adapters the shell drives; None for a device whose mode is ``off`` or that is
    configured but cannot be used at all (``unavailable`` then holds why)."""

    config: DevicesConfig
    scanner: Scanner | None = None
    printer: ReceiptPrinter | None = None
    light: TowerLight | None = None
    terminal: PaymentTerminal | None = None
    unavailable: dict[str, DeviceHealth] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # device -> "usb 04b8:0202", ...

    def health(self) -> dict[str, DeviceHealth]:
        """Every configured device's health now (devices that are off are left out)."""
        found: dict[str, DeviceHealth] = dict(self.unavailable)
        if self.scanner is not None:
            found[CAMERA] = self.scanner.health()
        if self.printer is not None:
            found[PRINTER] = self.printer.health()
        if self.light is not None:
            found[LIGHT] = self.light.health()
        if self.terminal is not None:
            found[TERMINAL] = self.terminal.status()
        return {name: found[name] for name in DEVICE_NAMES if name in found}

    def close(self) -> None:
        """Stop the camera thread and release ports and pins (shutdown, tests)."""
        closers: list[Callable[[], None]] = []
        if self.scanner is not None:
            closers.append(self.scanner.stop)
        for adapter in (self.printer, self.light, self.terminal):
            if adapter is not None:
                closers.append(adapter.close)
        for close in closers:
            close()


def _printer_transport(cfg: PrinterConfig, data_dir: Path,
                       sim: SimulatorOptions) -> tuple[Transport, str]:
    if cfg.mode == "simulated":
        receipts = data_dir / RECEIPTS_DIR
        try:
            dots = paper_profile(cfg.profile, cfg.paper_mm, cfg.columns).dots
        except DeviceError:  # the printer reports the bad profile itself and prints nothing
            dots = PAPER_DOTS[cfg.paper_mm]
        return (SimulatedTransport(receipts, sim.printer_faults, paper_dots=dots),
                f"receipts in {receipts}")
    if cfg.transport == "usb":
        where = f"usb {cfg.usb_vendor:04x}:{cfg.usb_product:04x}"
        return usb_transport(cfg.usb_vendor, cfg.usb_product), where
    if cfg.transport == "serial":
        return serial_transport(cfg.serial_port, cfg.baudrate), f"serial {cfg.serial_port}"
    if cfg.transport == "network":
        return network_transport(cfg.host, cfg.port), f"network {cfg.host}:{cfg.port}"
    return file_transport(cfg.file), f"file {cfg.file}"


def _printer(cfg: PrinterConfig, data_dir: Path, post: Post, sim: SimulatorOptions,
             devices: Devices) -> None:
    transport, where = _printer_transport(cfg, data_dir, sim)
    status = StatusOptions(cfg.status_query, cfg.status_timeout_s, cfg.status_interval_s)
    printer = ReceiptPrinter(transport, data_dir, post, profile=cfg.profile,
                             paper_mm=cfg.paper_mm, columns=cfg.columns, status=status)
    printer.start_monitor()
    devices.printer = printer
    devices.sources[PRINTER] = f"{where}, profile {cfg.profile}"  # health tells the paper


def _zvt(settings: TerminalSettings, post: Post) -> PaymentTerminal:
    from kiosk.hw.zvt.driver import ZvtTerminal  # noqa: PLC0415 - see PROTOCOL_DRIVERS

    return ZvtTerminal(settings, post)


def _concert(settings: TerminalSettings, post: Post) -> PaymentTerminal:
    from kiosk.hw.concert.driver import ConcertTerminal  # noqa: PLC0415 - see PROTOCOL_DRIVERS

    return ConcertTerminal(settings, post)


# The protocol drivers a real terminal can use (devices.terminal.protocol). Each is imported
# when a terminal speaking it is opened: a kiosk with a simulated terminal (or another
# protocol) does not spend its start loading the other protocols' codecs.
PROTOCOL_DRIVERS: Mapping[str, Driver] = MappingProxyType({"zvt": _zvt, "concert": _concert})


def terminal_password(cfg: TerminalConfig, base_dir: Path) -> str:
    """The ZVT password: ``password``, else the first line of ``password_file`` (a secret kept
    out of the configuration); a file that cannot be read is a device failure naming it."""
    if cfg.password or not cfg.password_file:
        return cfg.password
    path = Path(cfg.password_file)
    path = path if path.is_absolute() else base_dir / path
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DeviceError(f"Card terminal password file {path} cannot be read", str(exc),
                          "Fix devices.terminal.password_file. " + NO_TERMINAL_ACTION) from None
    password = lines[0].strip() if lines else ""
    if not (len(password) == 6 and password.isdigit()):
        raise DeviceError(f"Card terminal password file {path} does not hold six digits",
                          "its first line is the ZVT password",
                          "Fix the file. " + NO_TERMINAL_ACTION)
    return password


def terminal_settings(cfg: TerminalConfig, base_dir: Path) -> TerminalSettings:
    return TerminalSettings(
        protocol=cfg.protocol, port=cfg.port, baudrate=cfg.baudrate, currency=cfg.currency,
        password=terminal_password(cfg, base_dir) if cfg.protocol == "zvt" else "",
        pos_number=cfg.pos_number, long_answer=cfg.long_answer, ack_timeout_s=cfg.ack_timeout_s,
        answer_timeout_s=cfg.answer_timeout_s, timeout_s=cfg.timeout_s,
        completion_timeout_s=cfg.completion_timeout_s, reconnect_s=cfg.reconnect_s)


def _terminal(cfg: TerminalConfig, post: Post, sim: SimulatorOptions,
              devices: Devices, base_dir: Path) -> None:
    if cfg.mode == "simulated":
        devices.terminal = SimulatedTerminal(post, delay_s=sim.terminal_delay_s,
                                             faults=sim.terminal_faults, timeout_s=cfg.timeout_s)
        devices.sources[TERMINAL] = "in-process simulator"
        return
    devices.sources[TERMINAL] = f"{cfg.protocol} on {cfg.port}"
    try:
        settings = terminal_settings(cfg, base_dir)
    except DeviceError as exc:
        terminal, health = None, DeviceHealth.failed(TERMINAL, exc, simulated=False)
    else:
        terminal, health = real_terminal(settings, post, PROTOCOL_DRIVERS)
    if terminal is None:
        devices.unavailable[TERMINAL] = health
        post(health)
    devices.terminal = terminal


def _light(cfg: LightConfig, post: Post, sim: SimulatorOptions, devices: Devices) -> None:
    setup = LightSetup.from_config(cfg)
    if cfg.mode == "simulated":
        if sim.light_timing is not None:
            setup = replace(setup, timing=sim.light_timing)
        devices.light = TowerLight.simulated(setup, post)
    else:
        devices.light = TowerLight.real(setup, post)
    pins = setup.pins
    devices.sources[LIGHT] = (f"pins red {pins.red} amber {pins.amber} green {pins.green} "
                              f"buzzer {pins.buzzer} help {pins.help_button}")


def build_devices(cfg: DevicesConfig, *, data_dir: Path, post: Post,
                  base_dir: Path | None = None,
                  simulators: SimulatorOptions = SimulatorOptions()) -> Devices:
    """Open every configured device and start the camera; health is posted as it is known.

    ``base_dir`` resolves a relative ``camera.images`` (default: the checkout, as the demo
    configuration's paths are relative to it).
    """
    devices = Devices(cfg)
    if cfg.camera.mode != "off":
        devices.scanner, devices.sources[CAMERA] = build_scanner(
            cfg.camera, data_dir=data_dir, base_dir=base_dir or REPO_CONFIG.parent,
            faults=simulators.camera_faults)
        devices.scanner.start(post)
    if cfg.printer.mode != "off":
        _printer(cfg.printer, data_dir, post, simulators, devices)
    if cfg.light.mode != "off":
        _light(cfg.light, post, simulators, devices)
    if cfg.terminal.mode != "off":
        _terminal(cfg.terminal, post, simulators, devices, base_dir or REPO_CONFIG.parent)
    return devices


def describe(devices: Devices) -> list[str]:
    """One line per device for the start-up banner and ``kiosk devices``.

    e.g. ``camera: simulated (images from tests/data/barcodes) — ok`` or
    ``printer: real (usb 04b8:0202, profile TM-T88V) — NOT WORKING: Receipt printer not
    found: ...``. Nobody can mistake a simulator for the real thing, or miss a failure.
    """
    health = devices.health()
    lines = []
    for name in DEVICE_NAMES:
        mode = getattr(devices.config, name).mode  # device names are the config's keys
        if mode == "off":
            lines.append(f"{name}: off")
            continue
        state = health.get(name)
        verdict = ("ok" if state is not None and state.ok
                   else f"NOT WORKING: {state.detail if state else 'no report'}")
        lines.append(f"{name}: {mode} ({devices.sources.get(name, '')}) — {verdict}")
    return lines
