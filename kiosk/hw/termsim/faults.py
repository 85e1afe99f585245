"""The fault script both terminal simulators follow, one entry per payment transaction.

An entry is ``NAME``, ``NAME@PHASE`` or ``NAME@PHASE*COUNT`` (``nak@before-ack*3``). Entries are
used in order, one per transaction (ZVT: authorisation, reversal, refund; Concert: every
request); when the script runs out the terminal behaves normally ("approve"). Administrative
ZVT commands (registration, status enquiry, repeat receipt, abort) never use an entry, so the
kiosk's recovery after a fault meets a terminal that answers.

Phases follow one transaction on the wire:

- ``before-ack``: the request has arrived, the terminal has not acknowledged it yet;
- ``after-ack``: acknowledged on the link, before the terminal's first answer;
- ``during-status``: the card holder dialogue (ZVT intermediate statuses), before any decision;
- ``before-completion``: the outcome is decided and booked, the result not yet sent;
- ``after-completion``: the result and the completion were sent.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType

from kiosk.errors import KioskError

PHASES = ("before-ack", "after-ack", "during-status", "before-completion", "after-completion")
ZVT = "zvt"
CONCERT = "concert"

FAULTS = MappingProxyType({
    "approve": "no fault: the card is approved",
    "decline": "the card issuer declines the payment",
    "cancel": "the shopper presses Stop on the terminal",
    "nak": "the terminal answers the kiosk's frame with NAK (COUNT times)",
    "bad-checksum": "the terminal sends its message with a wrong checksum (COUNT times)",
    "no-answer": "the terminal falls silent and ignores everything for a while",
    "late-answer": "the terminal pauses (late_answer_s) before going on",
    "after-timeout": "the terminal pauses longer than the kiosk waits, then goes on",
    "disconnect": "the serial device vanishes (pty closed) and comes back later",
    "garbage": "the terminal sends random bytes before going on",
    "busy": "the terminal is busy with something else and refuses the request",
})
# Where each fault can strike, per protocol; the first phase listed is the default.
_PHASES_BY_PROTOCOL = MappingProxyType({
    ZVT: MappingProxyType({
        "nak": ("before-ack", "during-status", "before-completion", "after-completion"),
        "bad-checksum": ("after-ack", "during-status", "before-completion", "after-completion"),
        "no-answer": ("before-ack", *PHASES[1:]),
        "late-answer": ("before-completion", "before-ack", "after-ack", "during-status",
                        "after-completion"),
        "after-timeout": ("before-completion", "before-ack", "after-ack", "during-status",
                          "after-completion"),
        "disconnect": ("during-status", "before-ack", "after-ack", "before-completion",
                       "after-completion"),
        "garbage": ("during-status", "before-ack", "after-ack", "before-completion",
                    "after-completion"),
    }),
    CONCERT: MappingProxyType({
        "nak": ("before-ack",),
        "bad-checksum": ("before-completion",),
        "no-answer": ("before-ack", *PHASES[1:]),
        "late-answer": ("before-completion", "before-ack", "after-ack", "during-status",
                        "after-completion"),
        "after-timeout": ("before-completion", "before-ack", "after-ack", "during-status",
                          "after-completion"),
        "disconnect": ("during-status", "before-ack", "after-ack", "before-completion",
                       "after-completion"),
        "garbage": ("before-completion", "before-ack", "after-ack", "during-status",
                    "after-completion"),
    }),
})
COUNTED = frozenset({"nak", "bad-checksum"})
OUTCOMES = frozenset({"approve", "decline", "cancel", "busy"})  # no phase: they are answers


class FaultScriptError(KioskError, ValueError):
    """A fault script entry the simulator cannot follow."""


@dataclass(frozen=True, slots=True)
class Fault:
    """One scripted fault: what goes wrong, in which phase, how many times (nak, checksum)."""

    name: str
    phase: str | None = None
    count: int = 1

    def __str__(self) -> str:
        text = self.name if self.phase is None else f"{self.name}@{self.phase}"
        return text if self.count == 1 else f"{text}*{self.count}"

    def strikes(self, phase: str) -> bool:
        return self.phase == phase


APPROVE = Fault("approve")


def phases_for(name: str, protocol: str) -> tuple[str, ...]:
    """The phases ``name`` can strike in for ``protocol``; () for the outcome faults."""
    return _PHASES_BY_PROTOCOL[protocol].get(name, ())


def parse_fault(spec: str, protocol: str) -> Fault:
    """``NAME[@PHASE][*COUNT]`` -> Fault, or a :class:`FaultScriptError` saying what is wrong."""
    if protocol not in _PHASES_BY_PROTOCOL:
        raise FaultScriptError(f"unknown protocol {protocol!r}", "it is zvt or concert")
    head, _, count_text = spec.strip().partition("*")
    name, _, phase = head.partition("@")
    if name not in FAULTS:
        raise FaultScriptError(f"unknown terminal fault {name!r}",
                               f"the faults are {', '.join(FAULTS)}")
    allowed = phases_for(name, protocol)
    if phase and phase not in allowed:
        where = ", ".join(allowed) if allowed else "no phase (it is an answer)"
        raise FaultScriptError(f"fault {name!r} cannot strike {phase!r} on {protocol}",
                               f"it strikes {where}")
    count = _count(name, count_text, spec)
    return Fault(name, phase or (allowed[0] if allowed else None), count)


def _count(name: str, text: str, spec: str) -> int:
    if not text:
        return 1
    if name not in COUNTED or not text.isdigit() or not 1 <= int(text) <= 99:
        raise FaultScriptError(f"fault entry {spec!r} has a bad count",
                               "only nak and bad-checksum take *COUNT, 1 to 99")
    return int(text)


class FaultScript:
    """The faults still to come; thread-safe so a test can add to it while the sim runs."""

    def __init__(self, protocol: str, specs: Iterable[str | Fault] = ()) -> None:
        self.protocol = protocol
        self._faults: deque[Fault] = deque()
        self._lock = threading.Lock()
        self.extend(specs)

    def extend(self, specs: Iterable[str | Fault]) -> None:
        """Append entries; all are checked before any is added."""
        parsed = [s if isinstance(s, Fault) else parse_fault(s, self.protocol) for s in specs]
        for fault in parsed:
            if fault.phase is not None and fault.phase not in phases_for(fault.name,
                                                                         self.protocol):
                where = ", ".join(phases_for(fault.name, self.protocol)) or "no phase"
                raise FaultScriptError(f"fault {fault} cannot strike on {self.protocol}",
                                       f"it strikes {where}")
        with self._lock:
            self._faults.extend(parsed)

    def next(self) -> Fault:
        """The fault for the transaction that starts now ("approve" once the script is done)."""
        with self._lock:
            return self._faults.popleft() if self._faults else APPROVE

    def pending(self) -> tuple[Fault, ...]:
        with self._lock:
            return tuple(self._faults)


def fault_matrix(protocol: str) -> tuple[Fault, ...]:
    """Every fault in every phase it can strike on ``protocol``: what a test suite should run."""
    matrix: list[Fault] = []
    for name in FAULTS:
        phases = phases_for(name, protocol)
        if phases:
            matrix.extend(Fault(name, phase) for phase in phases)
        else:
            matrix.append(Fault(name))
    return tuple(matrix)
