"""Spoken guidance: espeak-ng (installed by ``dev``) speaks when the shopper has accessibility
mode on and the kiosk has audio. ``[ui] speech_wav_dir`` makes it write each sentence to a WAV
file (``espeak-ng -w``) instead of the sound card, so these tests listen to files: real
speech, real voices per language, no loudspeaker needed.
"""

from __future__ import annotations

import shutil
import wave
from pathlib import Path
from typing import Any

import pytest
from ui_harness import (  # noqa: F401 - fixtures
    UiKiosk,
    close_ui_kiosk,
    find,
    make_ui_kiosk,
    ui_display,
    ui_window,
)

from kiosk.screens.speech import Speaker

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                reason="espeak-ng is installed by `python3 ./dev`")


def seconds(path: Path) -> float:
    """The length of a WAV file, read as audio (a broken file raises wave.Error)."""
    with wave.open(str(path), "rb") as audio:
        assert audio.getnchannels() == 1
        assert audio.getsampwidth() == 2
        return audio.getnframes() / audio.getframerate()


def test_the_speaker_runs_espeak_ng_with_the_languages_voice(tmp_path: Path) -> None:
    said: list[str] = []
    speaker = Speaker("espeak-ng", say=said.append, wav_dir=tmp_path)
    assert speaker.available
    assert "into WAV files" in said[0]
    speaker.say("Scannez un article ou touchez l'écran pour commencer.", "fr")
    speaker.say("请扫描商品或点击开始", "zh")
    assert speaker.wait(30) == [0, 0]
    french, chinese = tmp_path / "speech-0001-fr.wav", tmp_path / "speech-0002-zh.wav"
    assert seconds(french) > 1.5  # a whole sentence, not a click
    assert seconds(chinese) > 1.0
    line = speaker.command("Hello", "zh")
    assert line[1:3] == ["-v", "cmn"]
    assert line[3] == "-w"
    assert line[-2:] == ["--", "Hello"]


def test_no_loudspeaker_means_no_speech_and_says_why(tmp_path: Path) -> None:
    said: list[str] = []
    speaker = Speaker("espeak-ng", say=said.append, audio=False, wav_dir=tmp_path)
    assert not speaker.available
    assert said == ["speech: [ui] audio is false (no loudspeaker); spoken guidance is off"]
    speaker.say("Hello", "en")
    assert list(tmp_path.iterdir()) == []


def _kiosk(window: Any, tmp_path: Path, **ui: str) -> UiKiosk:
    env = {"KIOSK__UI__SPEECH_WAV_DIR": str(tmp_path / "speech"),
           **{f"KIOSK__UI__{k.upper()}": v for k, v in ui.items()}}
    return make_ui_kiosk(window, tmp_path / "data", env=env)


def test_accessibility_on_speaks_each_new_screen(ui_window: Any, tmp_path: Path) -> None:  # noqa: F811
    ui = _kiosk(ui_window, tmp_path, audio="true")
    try:
        attract = ui.at("attract")
        speech = find(attract, "speech")
        assert not speech.disabled  # offered: audio and espeak-ng are there
        ui.tap("speech")  # the shopper turns spoken guidance on: the screen is read out
        assert ui.shell.access.speech
        ui.tap("lang-fr")
        ui.at("basket")
        assert set(ui.shell.speaker.wait(30)) <= {0}
        assert ui.shell.speaker.spoken == 2
        files = sorted((tmp_path / "speech").iterdir())
        assert [f.name for f in files] == ["speech-0001-en.wav", "speech-0002-fr.wav"]
        assert all(seconds(f) > 1.0 for f in files)
        assert ui.kiosk.loop.session.accessible  # and the shopper's timeouts are longer
    finally:
        close_ui_kiosk(ui)


def test_without_accessibility_or_audio_nothing_is_spoken(ui_window: Any,  # noqa: F811
                                                         tmp_path: Path) -> None:
    ui = _kiosk(ui_window, tmp_path, audio="false", speech="true")
    try:
        attract = ui.at("attract")
        assert find(attract, "speech").disabled  # no loudspeaker: not offered
        ui.tap("lang-en")
        ui.at("basket")
        assert ui.shell.speaker.wait(5) == []
    finally:
        close_ui_kiosk(ui)
    assert not (tmp_path / "speech").exists()
    ui = _kiosk(ui_window, tmp_path, audio="true")  # audio, but the shopper did not ask
    try:
        ui.at("attract")
        ui.tap("lang-en")
        ui.at("basket")
        assert ui.shell.speaker.wait(5) == []
    finally:
        close_ui_kiosk(ui)
    assert not (tmp_path / "speech").exists()
