"""Command nonces already used, kept until the command they came with has expired.

A signed command is valid until its ``expires_at``; within that time a recorded copy could be
published again (the broker retains nothing on ``cmd``, but anyone who captured one could).
Each command carries a nonce, and a nonce is accepted once: the set is written atomically to
the data directory before the command is applied, so a restart does not reopen the window.
Once a command's expiry has passed, its expiry alone refuses a replay, so the nonce is dropped
and the file stays small.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.errors import ConfigError
from kiosk.store.atomic import atomic_write_bytes
from kiosk.sync.messages import parse_time, utc_text

NONCE_FILE = "command-nonces.json"


class NonceStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._seen: dict[str, datetime] = self._load()

    def _load(self) -> dict[str, datetime]:
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read the used command nonces {self.path}", str(exc),
                              "Restore it from backup; deleting it would let a recorded "
                              "command be replayed until it expires.") from None
        if not isinstance(data, dict):
            raise ConfigError(f"cannot read the used command nonces {self.path}",
                              "it is not a JSON object")
        return {str(n): parse_time(t, "expiry", "nonce file") for n, t in data.items()}

    def __contains__(self, nonce: str) -> bool:
        with self._lock:
            return nonce in self._seen

    def __len__(self) -> int:
        with self._lock:
            return len(self._seen)

    def use(self, nonce: str, expires_at: datetime, now: datetime) -> bool:
        """Record ``nonce`` durably; False (and nothing written) if it was used before."""
        with self._lock:
            if nonce in self._seen:
                return False
            kept = {n: t for n, t in self._seen.items() if t > now}
            kept[nonce] = expires_at
            text = json.dumps({n: utc_text(t) for n, t in sorted(kept.items())})
            atomic_write_bytes(self.path, text.encode("utf-8"), tag="nonces")
            self._seen = kept
            return True
