"""The simulated terminal's own journal: what it booked, whatever the kiosk believes.

A test asks it "was this shopper charged exactly once?" from the terminal's side of the cable,
independently of the kiosk's journal. A transaction is booked the moment the terminal decides it
(before the result is sent), exactly as a real terminal's host has already moved the money when
the result gets lost on the way to the cash register.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from kiosk.clock import Clock, utc_now

CHARGE = "charge"
REVERSAL = "reversal"
REFUND = "refund"

APPROVED = "approved"
DECLINED = "declined"
CANCELLED = "cancelled"
REFUSED = "refused"  # busy, bad request, nothing to reverse: never started
ABANDONED = "abandoned"  # the dialogue stopped before any decision: nothing moved


@dataclass(frozen=True, slots=True)
class SimTransaction:
    """One transaction as the terminal saw it. ``delivered``: the kiosk acknowledged the result."""

    seq: int
    protocol: str
    kind: str
    outcome: str
    amount_minor: int
    currency: int
    fault: str
    at: datetime
    trace_no: int | None = None
    receipt_no: int | None = None
    reverses_seq: int | None = None
    delivered: bool = False
    detail: str = ""

    @property
    def approved(self) -> bool:
        return self.outcome == APPROVED

    def line(self) -> str:
        """One line for the simulator's console, the terminal's journal printout."""
        amount = f"{self.amount_minor // 100}.{self.amount_minor % 100:02d}"
        parts = [f"#{self.seq}", self.kind, amount, f"cur={self.currency:03d}", self.outcome]
        if self.trace_no is not None:
            parts.append(f"trace={self.trace_no:06d}")
        if self.receipt_no is not None:
            parts.append(f"receipt={self.receipt_no:04d}")
        if self.reverses_seq is not None:
            parts.append(f"reverses=#{self.reverses_seq}")
        parts.append("delivered" if self.delivered else "NOT-delivered")
        parts.append(f"fault={self.fault}")
        if self.detail:
            parts.append(f"({self.detail})")
        return " ".join(parts)


Listener = Callable[[SimTransaction], None]


class TerminalJournal:
    """Thread-safe list of transactions; listeners hear each one once it is finished."""

    def __init__(self, protocol: str, clock: Clock = utc_now) -> None:
        self.protocol = protocol
        self._clock = clock
        self._entries: list[SimTransaction] = []
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def book(self, kind: str, outcome: str, amount_minor: int, currency: int, fault: str, *,
             trace_no: int | None = None, receipt_no: int | None = None,
             reverses_seq: int | None = None, detail: str = "") -> SimTransaction:
        """Record a decided (or refused) transaction and return it with its sequence number."""
        with self._lock:
            entry = SimTransaction(len(self._entries) + 1, self.protocol, kind, outcome,
                                   amount_minor, currency, fault, self._clock(),
                                   trace_no=trace_no, receipt_no=receipt_no,
                                   reverses_seq=reverses_seq, detail=detail)
            self._entries.append(entry)
        return entry

    def finish(self, seq: int, *, delivered: bool) -> SimTransaction:
        """The transaction's dialogue is over; tell the listeners (the CLI prints a line)."""
        with self._lock:
            entry = replace(self._entries[seq - 1], delivered=delivered)
            self._entries[seq - 1] = entry
        for listener in self._listeners:
            listener(entry)
        return entry

    def entries(self) -> tuple[SimTransaction, ...]:
        with self._lock:
            return tuple(self._entries)

    def approved(self, kind: str) -> tuple[SimTransaction, ...]:
        return tuple(e for e in self.entries() if e.kind == kind and e.approved)

    def approved_charges(self) -> tuple[SimTransaction, ...]:
        return self.approved(CHARGE)

    def standing_charges(self) -> tuple[SimTransaction, ...]:
        """Approved charges that no approved reversal took back: money actually taken."""
        reversed_seqs = {e.reverses_seq for e in self.approved(REVERSAL)}
        return tuple(e for e in self.approved_charges() if e.seq not in reversed_seqs)

    def net_charged_minor(self) -> int:
        """Standing charges minus approved refunds, in minor units."""
        return (sum(e.amount_minor for e in self.standing_charges())
                - sum(e.amount_minor for e in self.approved(REFUND)))

    def last_decided(self) -> SimTransaction | None:
        """The latest approved or declined transaction: what "repeat receipt" reports."""
        decided = [e for e in self.entries() if e.outcome in (APPROVED, DECLINED)]
        return decided[-1] if decided else None

    def find_receipt(self, receipt_no: int) -> SimTransaction | None:
        for entry in self.entries():
            if entry.receipt_no == receipt_no and entry.kind == CHARGE and entry.approved:
                return entry
        return None

    def is_reversed(self, seq: int) -> bool:
        return any(e.reverses_seq == seq for e in self.approved(REVERSAL))
