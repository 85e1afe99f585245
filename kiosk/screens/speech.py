"""Spoken guidance through espeak-ng, for shoppers who turned it on at the attract screen.

It never blocks the UI: each sentence is a child process started and left to run; a new one
interrupts the previous, as a shopper who tapped on wants the new screen read, not the old
(a sentence going to a WAV file is left to finish: a cut file helps nobody).
Speech is offered only where it can be heard: the kiosk has a loudspeaker (``[ui] audio``)
and the command is installed; otherwise the log says once at start why it is off, rather than
the button pretending to work.

``[ui] speech_wav_dir`` writes each sentence to a numbered WAV file there (``espeak-ng -w``)
instead of playing it: for store IT checking the voices on a kiosk without speakers, and for
the tests, which listen to the files rather than a sound card.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.config import UiConfig

VOICES = {"en": "en", "fr": "fr", "zh": "cmn"}


class Speaker:
    def __init__(self, command: str, *, say: Callable[[str], None], audio: bool = True,
                 wav_dir: Path | None = None) -> None:
        self.path = shutil.which(command) if command else None
        self.wav_dir = wav_dir
        self.spoken = 0  # sentences started, which also numbers the WAV files
        self._running: list[subprocess.Popen[bytes]] = []
        if not audio:
            self.path = None
            say("speech: [ui] audio is false (no loudspeaker); spoken guidance is off")
        elif self.path is None:
            say(f"speech: {command or 'no command'} is not installed; spoken guidance is off")
        else:
            where = f"into WAV files in {wav_dir}" if wav_dir else "on the loudspeaker"
            say(f"speech: spoken guidance available through {self.path}, {where}")

    @classmethod
    def for_ui(cls, ui: UiConfig, *, say: Callable[[str], None],
               resolve: Callable[[str], Path] = Path) -> Speaker:
        """From ``[ui]``: speech_command, audio and speech_wav_dir (resolved like every path)."""
        wav_dir = resolve(ui.speech_wav_dir) if ui.speech_wav_dir else None
        return cls(ui.speech_command, say=say, audio=ui.audio, wav_dir=wav_dir)

    @property
    def available(self) -> bool:
        return self.path is not None

    def command(self, text: str, lang: str) -> list[str]:
        """The espeak-ng command line for ``text`` in ``lang`` (a file when ``wav_dir``)."""
        assert self.path is not None  # callers check ``available``
        line = [self.path, "-v", VOICES.get(lang, "en")]
        if self.wav_dir is not None:
            line += ["-w", str(self.wav_dir / f"speech-{self.spoken:04d}-{lang}.wav")]
        return [*line, "--", text]

    def say(self, text: str, lang: str) -> None:
        if self.path is None or not text:
            return
        if self.wav_dir is None:
            self._stop()
        else:
            self.wav_dir.mkdir(parents=True, exist_ok=True)
        self._running = [p for p in self._running if p.poll() is None]
        self.spoken += 1
        self._running.append(subprocess.Popen(  # noqa: S603 - fixed program, text one argument
            self.command(text, lang),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))

    def wait(self, timeout: float) -> list[int]:
        """Wait for the sentences still being spoken (tests, a clean stop); exit statuses."""
        done = [process.wait(timeout) for process in self._running]
        self._running = []
        return done

    def _stop(self) -> None:
        for process in self._running:
            if process.poll() is None:
                process.terminate()
                process.wait()
        self._running = []

    def close(self) -> None:
        self._stop()
