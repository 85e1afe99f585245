"""From codes a frame supports to scans: confirmation over frames, one scan per presentation.

A frame's candidates (kiosk.hw.decode_pipeline) already passed their check digits and the
per-frame cross-check. Across frames, a code becomes a scan when it is confirmed:

- **both decoders** read it in one frame (zbar and zxing-cpp share no code, so agreeing by
  chance on one misread is far less likely than either misreading), or
- **N frames** read it identically (N from ``devices.camera.confirm_frames``, default 2): a
  misread rarely repeats in the next frame's fresh sensor noise and motion.

Once scanned, a code is *in view* for as long as it keeps being seen: holding a product in
front of the camera adds it once. It has left the view only when decoded frames have gone
without it for ``cooldown_s`` (from the first frame that missed it to one that still misses
it), and showing it again is then a new scan (a second item of the same product). Absence is
judged from frames actually decoded, never from the clock alone: a decoder that falls behind
on a busy machine must not turn one long presentation into two scans.

Pure: times are seconds on any monotonic clock, passed in with each frame.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from kiosk.hw.decode_consensus import Candidate

BOTH_DECODERS = "both decoders"


def frames_rule(frames: int) -> str:
    return f"{frames} frame" + ("s" if frames != 1 else "")


@dataclass(frozen=True, slots=True)
class Accepted:
    """A confirmed scan: what was read, and which rule let it through."""

    candidate: Candidate
    rule: str
    frames: int


@dataclass
class _Sighting:
    frames: int = 0
    accepted: bool = False
    missing_since: float | None = None  # time of the first decoded frame without it


class Confirmer:
    """Keeps which codes are in view; ``feed`` one frame's candidates at a time, in order."""

    def __init__(self, frames: int = 2, cooldown_s: float = 1.0) -> None:
        if frames < 1 or cooldown_s <= 0:
            raise ValueError("confirmation needs frames >= 1 and a positive cooldown")
        self.frames = frames
        self.cooldown_s = cooldown_s
        self._seen: dict[str, _Sighting] = {}

    def feed(self, candidates: Iterable[Candidate], at: float) -> list[Accepted]:
        """The scans this frame completes (at most one per code per presentation)."""
        present: dict[str, Candidate] = {}
        for candidate in candidates:  # one per code: two packs side by side count once
            present.setdefault(candidate.key, candidate)
        for key, sighting in list(self._seen.items()):
            if key in present:
                sighting.missing_since = None
            elif sighting.missing_since is None:
                sighting.missing_since = at
            elif at - sighting.missing_since >= self.cooldown_s:
                del self._seen[key]
        accepted: list[Accepted] = []
        for candidate in present.values():
            sighting = self._seen.setdefault(candidate.key, _Sighting())
            sighting.frames += 1
            rule = self._rule(candidate, sighting)
            if rule is not None and not sighting.accepted:
                sighting.accepted = True
                accepted.append(Accepted(candidate, rule, sighting.frames))
        return accepted

    def _rule(self, candidate: Candidate, sighting: _Sighting) -> str | None:
        if len(candidate.decoders) >= 2:
            return BOTH_DECODERS
        if sighting.frames >= self.frames:
            return frames_rule(self.frames)
        return None

    def in_view(self) -> set[str]:
        """The codes that have not left the view yet (scanned or not yet confirmed)."""
        return set(self._seen)

    def clear(self) -> None:
        self._seen.clear()
