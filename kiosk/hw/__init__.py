"""Device adapters: one interface per device kind, a real implementation and a simulator each.

- :mod:`kiosk.hw.health`   DeviceHealth and the ``post(event)`` callable every adapter reports to
- :mod:`kiosk.hw.camera`   Scanner (real camera thread, photo simulator) over a Decoder (zbar)
- :mod:`kiosk.hw.printer`  ReceiptPrinter over python-escpos transports (USB, serial, network,
  file; simulated: receipt files in the data directory)
- :mod:`kiosk.hw.light`    TowerLight: lamps, buzzer and help button on gpiozero pin factories
- :mod:`kiosk.hw.terminal` PaymentTerminal interface, the in-process simulator, the port check
- :mod:`kiosk.hw.factory`  build_devices(config) and describe(): real, simulated or off, as
  configured, and never a simulator in place of a missing real device

Adapters run their own threads and never touch session state: they post events (``Decoded``,
``TerminalStatus``, ``TerminalOutcome``, ``HelpButtonPressed``, ``DeviceHealth``) to the one
event loop. The submodules are imported on demand, so a tool that needs only health values does
not load OpenCV.
"""

from kiosk.hw.health import DeviceHealth, HealthReporter, Post

__all__ = ["DeviceHealth", "HealthReporter", "Post"]
