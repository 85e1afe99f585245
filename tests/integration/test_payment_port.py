"""A real terminal's serial port that is missing or busy: a health failure, never a payment.

The shopper is told card payment is unavailable, the tower light calls staff, and
``kiosk devices`` names the port and why; the drivers are chosen by protocol from the factory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from payment_kiosk import ITEM, alerts, open_till
from payment_sims import Recorder, settings_for, simulator

from kiosk.config import TerminalConfig
from kiosk.core.light_signals import light_pattern
from kiosk.hw.factory import PROTOCOL_DRIVERS, terminal_password
from kiosk.hw.terminal import open_port, real_terminal


@pytest.fixture
def pty_port() -> Iterator[str]:
    master, slave = os.openpty()
    try:
        yield os.ttyname(slave)
    finally:
        os.close(slave)
        os.close(master)


@pytest.mark.parametrize("protocol", ["zvt", "concert"])
def test_missing_port_is_a_health_failure_that_names_it(protocol: str) -> None:
    recorder = Recorder()
    settings = settings_for(protocol, "/dev/ttyKIOSK-missing")
    terminal, health = real_terminal(settings, recorder.post, PROTOCOL_DRIVERS)
    assert terminal is None  # no payment can even be attempted
    assert (health.device, health.ok, health.simulated) == ("terminal", False, False)
    assert health.detail.startswith("Card terminal not found on /dev/ttyKIOSK-missing, because "
                                    "the serial port cannot be opened")
    assert health.detail.endswith("Card payment is unavailable; staff are called to take the "
                                  "payment.")


def test_a_port_another_program_holds_is_busy(pty_port: str) -> None:
    held = open_port(pty_port, 9600)
    try:
        terminal, health = real_terminal(settings_for("zvt", pty_port), Recorder().post,
                                         PROTOCOL_DRIVERS)
    finally:
        held.close()
    assert terminal is None
    assert health.detail.startswith(f"Card terminal port {pty_port} is busy, because another "
                                    "program holds the serial port")


@pytest.mark.parametrize("protocol", ["zvt", "concert"])
def test_each_protocol_has_its_driver(protocol: str) -> None:
    with simulator(protocol) as sim:
        terminal, health = real_terminal(settings_for(protocol, sim.path), Recorder().post,
                                         PROTOCOL_DRIVERS)
        assert terminal is not None
        terminal.close()
    assert health.ok
    assert type(terminal).__name__ == {"zvt": "ZvtTerminal", "concert": "ConcertTerminal"}[
        protocol]


def test_the_password_comes_from_the_file_config_names(tmp_path: Path) -> None:
    secret = tmp_path / "zvt-password"
    secret.write_text("123456\n", encoding="utf-8")
    cfg = TerminalConfig(mode="real", password_file=str(secret))
    assert terminal_password(cfg, tmp_path) == "123456"
    secret.write_text("12345\n", encoding="utf-8")
    with pytest.raises(OSError, match="does not hold six digits"):
        terminal_password(cfg, tmp_path)
    with pytest.raises(OSError, match="cannot be read"):
        terminal_password(TerminalConfig(mode="real", password_file="nope"), tmp_path)


def test_a_terminal_lost_mid_sale_tells_the_shopper_and_calls_staff(tmp_path: Path) -> None:
    with simulator("zvt") as sim:
        till = open_till("zvt", sim, tmp_path / "data")
        till.wait_for({"attract"})
        till.run(f"scan {ITEM}")
    try:  # the simulator is gone: its port vanished as an unplugged USB adapter's does
        till.wait_for({"scanning"})
        till.shell.pump(0.5)
        assert "  screen: card-unavailable" in till.out
        till.run("pay")
        assert "  refused: Card payment is unavailable right now; please ask a staff member" \
            in till.out
        assert light_pattern(till.shell.session) == "fault"  # the tower calls staff
        assert "device-failure" in alerts(till)
    finally:
        till.close()


def test_a_kiosk_started_without_its_terminal_is_out_of_order(tmp_path: Path) -> None:
    with simulator("zvt") as sim:
        till = open_till("zvt", sim, tmp_path / "data",
                         KIOSK__DEVICES__TERMINAL__PORT="/dev/ttyKIOSK-missing")
    try:
        assert any(line.startswith("device terminal: real (zvt on /dev/ttyKIOSK-missing) — "
                                   "NOT WORKING: Card terminal not found") for line in till.out)
        till.run(f"scan {ITEM}")
        assert "  refused: This checkout is out of order; please use another one" in till.out
        assert light_pattern(till.shell.session) == "out-of-order"
    finally:
        till.close()
