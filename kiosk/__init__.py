"""Self-checkout kiosk appliance.

The package is layered as ``../shared/DESIGN.md`` describes: :mod:`kiosk.core` is pure domain
code (no I/O, no clock, no Kivy/MQTT/serial), :mod:`kiosk.store` persists, :mod:`kiosk.hw`
adapts devices, :mod:`kiosk.sync` speaks MQTT, :mod:`kiosk.screens` draws, and
:mod:`kiosk.app` composes them. Dependencies point inward only.
"""

__version__ = "0.1.0"
