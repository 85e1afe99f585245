"""Spoken guidance through espeak-ng, for shoppers who turned it on at the attract screen.

It never blocks the UI: each sentence is a child process started and left to run; a new one
interrupts the previous, as a shopper who tapped on wants the new screen read, not the old.
Where the command is not installed, speech is off and the log says so once at start, rather
than the button pretending to work.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable

VOICES = {"en": "en", "fr": "fr", "zh": "cmn"}


class Speaker:
    def __init__(self, command: str, *, say: Callable[[str], None]) -> None:
        self.path = shutil.which(command) if command else None
        self._process: subprocess.Popen[bytes] | None = None
        if self.path is None:
            say(f"speech: {command or 'no command'} is not installed; spoken guidance is off")
        else:
            say(f"speech: spoken guidance available through {self.path}")

    @property
    def available(self) -> bool:
        return self.path is not None

    def say(self, text: str, lang: str) -> None:
        if self.path is None or not text:
            return
        self._stop()
        self._process = subprocess.Popen(  # noqa: S603 - fixed program, text as one argument
            [self.path, "-v", VOICES.get(lang, "en"), "--", text],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
        self._process = None

    def close(self) -> None:
        self._stop()
