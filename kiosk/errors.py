"""The kiosk's one error hierarchy.

Like gpiozero, each error subclasses both :class:`KioskError` and the builtin it most resembles,
so callers may catch either. Every error a person may see carries what happened, why, and what
to do next (OctoPrint's habit), so screens and logs never have to invent the wording.
"""

from __future__ import annotations


class KioskError(Exception):
    """Base of every error the kiosk raises on purpose."""

    def __init__(self, what: str, why: str = "", action: str = "") -> None:
        self.what = what
        self.why = why
        self.action = action
        super().__init__(self.message)

    @property
    def message(self) -> str:
        parts = [self.what]
        if self.why:
            parts.append(f"because {self.why}")
        text = ", ".join(parts) + "."
        if self.action:
            text += f" {self.action}"
        return text


class ConfigError(KioskError, ValueError):
    """Configuration could not be loaded; start-up stops."""


class CatalogueError(KioskError, ValueError):
    """A catalogue file or update is malformed or does not apply."""


class JournalError(KioskError, RuntimeError):
    """The durable journal could not record something."""


class DeviceError(KioskError, OSError):
    """A device failed or is missing; the session degrades, the kiosk keeps running."""
