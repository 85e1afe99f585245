"""Start-up order of the touch screen, in a real Kivy window under Xvfb.

The first frame shows the greeting as soon as the one screen it needs is built; every other
screen is built right after that frame and before the kiosk handles any event, so nothing a
screen listens for can be missed. A start without a screen that routing needs is refused. The
kiosk does not load what it does not use at start (the MQTT link when MQTT is off, card
terminal protocols when the terminal is simulated).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ui_harness import (  # noqa: F401 - fixtures
    DEMO,
    ROOT,
    UiKiosk,
    close_ui_kiosk,
    find,
    frames,
    ui_display,
    ui_window,
)

from kiosk.app import Kiosk
from kiosk.config import load_config
from kiosk.core import events as ev
from kiosk.errors import ConfigError
from kiosk.hw.factory import SimulatorOptions
from kiosk.screens.routing import SHOPPER_SCREENS, STAFF_SCREENS

EVERY_SCREEN = set(SHOPPER_SCREENS + STAFF_SCREENS)


def demo_kiosk(data: Path) -> Kiosk:
    loaded = load_config(DEMO, environ={"KIOSK__PATHS__DATA_DIR": str(data)})
    return Kiosk(loaded, say=lambda _line: None,
                 simulators=SimulatorOptions(terminal_delay_s=0.2))


def test_the_first_frame_waits_only_for_its_own_screen(ui_window: Any,  # noqa: F811
                                                       tmp_path: Path) -> None:
    from kiosk.screens.shell import UiShell

    kiosk = demo_kiosk(tmp_path / "data")
    shell = UiShell(kiosk, kiosk.config.ui)
    ui = UiKiosk(kiosk, shell, ui_window)
    built_at_each_step: list[set[str]] = []
    kiosk.loop.subscribe(
        lambda *_: built_at_each_step.append(set(shell.manager.screen_names)))
    try:
        ui_window.add_widget(shell.manager)
        shell.post(ev.LanguageChosen(at=shell.now(), lang="fr"))  # a tap before the 1st frame
        assert shell.manager.screen_names == ["attract"]

        frames(1)  # the first frame: the greeting, in the default language, nothing handled
        assert shell.manager.screen_names == ["attract"]
        assert find(ui.screen, "prompt").text == "Scan an item or tap to start"
        assert kiosk.loop.session.language == "en"

        frames(1)  # after it: every screen, then the events that waited
        assert set(shell.manager.screen_names) == EVERY_SCREEN
        ui.until(lambda: shell.manager.current == "basket", "the sale in French")
        assert kiosk.loop.session.language == "fr"
        assert built_at_each_step, "no event was handled"
        assert all(built == EVERY_SCREEN for built in built_at_each_step)
    finally:
        close_ui_kiosk(ui)


def test_a_start_without_a_routed_screen_is_refused(ui_window: Any,  # noqa: F811
                                                    tmp_path: Path) -> None:
    from kiosk.screens.shell import UiShell

    kiosk = demo_kiosk(tmp_path / "data")
    try:
        with pytest.raises(ConfigError, match="lacks the screens till-roll"):
            UiShell(kiosk, kiosk.config.ui, require=(*SHOPPER_SCREENS, "till-roll"))
    finally:
        kiosk.close()


def test_the_start_leaves_unused_parts_unloaded() -> None:
    """The demo's devices are simulated and MQTT is off: `kiosk run` loads neither the MQTT
    link nor a card terminal protocol (each is loaded when configured)."""
    probe = ("import json, sys; import kiosk.app, kiosk.commands; "
             "print(json.dumps(sorted(sys.modules)))")
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True)
    loaded = set(json.loads(run.stdout))
    assert "kiosk.app" in loaded
    unwanted = {"paho.mqtt.client", "kiosk.sync.service", "kiosk.sync.catalogue_sync",
                "kiosk.hw.zvt.driver", "kiosk.hw.concert.driver"}
    assert loaded & unwanted == set()
