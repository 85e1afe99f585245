"""A real terminal's serial port, checked with pyserial on a pty pair and on a missing port."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from kiosk.hw import terminal as terminal_module
from kiosk.hw.health import Post
from kiosk.hw.terminal import (
    PaymentTerminal,
    SimulatedTerminal,
    probe_port,
    real_terminal,
)


@pytest.fixture
def pty_port() -> Iterator[str]:
    """A serial port that exists: the slave side of a pseudo-terminal pair."""
    master, slave = os.openpty()
    try:
        yield os.ttyname(slave)
    finally:
        os.close(slave)
        os.close(master)


def test_missing_port_is_a_health_failure_that_names_it() -> None:
    port = "/dev/ttyKIOSK-missing"
    terminal, health = real_terminal("zvt", port, 9600, 120.0, lambda event: None)
    assert terminal is None
    assert (health.device, health.ok, health.simulated) == ("terminal", False, False)
    assert health.detail.startswith(f"Card terminal not found on {port}, because the serial "
                                    "port cannot be opened")
    assert health.detail.endswith("Card payment is unavailable; staff are called to take the "
                                  "payment.")


def test_present_port_without_a_protocol_driver_is_unavailable(pty_port: str) -> None:
    assert probe_port(pty_port, 9600) is None
    terminal, health = real_terminal("zvt", pty_port, 9600, 120.0, lambda event: None)
    assert terminal is None  # authorise is unreachable: nothing pretends to take a payment
    assert not health.ok
    assert not health.simulated
    assert health.detail == (f"Card terminal on {pty_port} cannot be used, because the "
                             "protocol driver for zvt arrives with issue 5. Card payment is "
                             "unavailable; staff are called to take the payment.")


def test_a_registered_protocol_driver_gets_the_port(pty_port: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The seam issue 5 fills: drivers register by protocol name."""
    opened: list[tuple[str, int, float]] = []

    def driver(port: str, baudrate: int, timeout_s: float, post: Post) -> PaymentTerminal:
        opened.append((port, baudrate, timeout_s))
        return SimulatedTerminal(post, delay_s=0.01, timeout_s=timeout_s)

    monkeypatch.setitem(terminal_module.PROTOCOL_DRIVERS, "concert", driver)
    terminal, health = real_terminal("concert", pty_port, 19200, 60.0, lambda event: None)
    assert terminal is not None
    assert health.ok
    assert opened == [(pty_port, 19200, 60.0)]
    terminal.close()
