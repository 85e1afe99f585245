"""From ``[devices]`` to adapters: real, simulated or off, exactly as configured.

This is the one place that chooses, and it chooses only from the configuration: a real device
that is missing is built as a real device that reports a health failure, so the session
degrades (receipt as a QR code, "card payment unavailable", staff called) and the start-up
banner says so. It is never replaced by a simulator behind the user's back. The demo
configuration asks for simulators; the appliance configuration asks for none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.config import REPO_CONFIG, DevicesConfig, PrinterConfig, TerminalConfig
from kiosk.hw.camera import CameraScanner, Scanner, SimulatedScanner
from kiosk.hw.health import (
    CAMERA,
    DEVICE_NAMES,
    LIGHT,
    PRINTER,
    TERMINAL,
    DeviceHealth,
    Post,
)
from kiosk.hw.light import BlinkTiming, LightPins, TowerLight
from kiosk.hw.printer import (
    ReceiptPrinter,
    SimulatedTransport,
    Transport,
    file_transport,
    network_transport,
    serial_transport,
    usb_transport,
)
from kiosk.hw.terminal import PaymentTerminal, SimulatedTerminal, real_terminal

RECEIPTS_DIR = "receipts"


@dataclass(frozen=True, slots=True)
class SimulatorOptions:
    """How the simulators behave (scripted demos and tests); real devices ignore this."""

    terminal_delay_s: float = 2.0
    terminal_faults: tuple[str, ...] = ()
    printer_faults: tuple[str, ...] = ()
    light_timing: BlinkTiming = field(default_factory=BlinkTiming)


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
        return SimulatedTransport(receipts, sim.printer_faults), f"receipts in {receipts}"
    if cfg.transport == "usb":
        where = f"usb {cfg.usb_vendor:04x}:{cfg.usb_product:04x}"
        return usb_transport(cfg.usb_vendor, cfg.usb_product), where
    if cfg.transport == "serial":
        return serial_transport(cfg.serial_port, cfg.baudrate), f"serial {cfg.serial_port}"
    if cfg.transport == "network":
        return network_transport(cfg.host, cfg.port), f"network {cfg.host}:{cfg.port}"
    return file_transport(cfg.file), f"file {cfg.file}"


def _terminal(cfg: TerminalConfig, post: Post, sim: SimulatorOptions,
              devices: Devices) -> None:
    if cfg.mode == "simulated":
        devices.terminal = SimulatedTerminal(post, delay_s=sim.terminal_delay_s,
                                             faults=sim.terminal_faults, timeout_s=cfg.timeout_s)
        devices.sources[TERMINAL] = "in-process simulator"
        return
    devices.sources[TERMINAL] = f"{cfg.protocol} on {cfg.port}"
    terminal, health = real_terminal(cfg.protocol, cfg.port, cfg.baudrate, cfg.timeout_s, post)
    if terminal is None:
        devices.unavailable[TERMINAL] = health
        post(health)
    devices.terminal = terminal


def build_devices(cfg: DevicesConfig, *, data_dir: Path, post: Post,
                  base_dir: Path | None = None,
                  simulators: SimulatorOptions = SimulatorOptions()) -> Devices:
    """Open every configured device and start the camera; health is posted as it is known.

    ``base_dir`` resolves a relative ``camera.images`` (default: the checkout, as the demo
    configuration's paths are relative to it).
    """
    devices = Devices(cfg)
    camera = cfg.camera
    if camera.mode == "simulated":
        images = Path(camera.images)
        images = images if images.is_absolute() else (base_dir or REPO_CONFIG.parent) / images
        devices.scanner = SimulatedScanner(images)
        devices.sources[CAMERA] = f"images from {camera.images}"
    elif camera.mode == "real":
        devices.scanner = CameraScanner(camera.device, width=camera.width,
                                        height=camera.height, fps=camera.fps)
        devices.sources[CAMERA] = f"{camera.device} {camera.width}x{camera.height}@{camera.fps}"
    if devices.scanner is not None:
        devices.scanner.start(post)
    if cfg.printer.mode != "off":
        transport, where = _printer_transport(cfg.printer, data_dir, simulators)
        devices.printer = ReceiptPrinter(transport, data_dir, post, cfg.printer.profile)
        devices.sources[PRINTER] = f"{where}, profile {cfg.printer.profile}"
    light = cfg.light
    if light.mode != "off":
        pins = LightPins(light.red_pin, light.amber_pin, light.green_pin, light.buzzer_pin,
                         light.help_button_pin)
        build = TowerLight.simulated if light.mode == "simulated" else TowerLight.real
        devices.light = build(pins, light.patterns, post, simulators.light_timing)
        devices.sources[LIGHT] = (f"pins red {pins.red} amber {pins.amber} green {pins.green} "
                                  f"buzzer {pins.buzzer} help {pins.help_button}")
    if cfg.terminal.mode != "off":
        _terminal(cfg.terminal, post, simulators, devices)
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
