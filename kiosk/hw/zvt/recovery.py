"""From a ZVT dialogue's end to the kiosk's outcome, and what a recovery may conclude.

Recovery asks the terminal to repeat its last receipt (``06 20``): the terminal answers with the
status information of its last transaction. That is evidence, not a verdict: when it matches
the UNKNOWN attempt (same amount, and not the transaction the kiosk saw before this payment)
the kiosk posts it as a late outcome for the attempt, the session records it for staff, and
staff resolve. When it does not match, the kiosk says so and concludes nothing: a terminal that
booked a payment but lost the line before printing may still show the receipt before it.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.money import Money
from kiosk.hw.terminal import TerminalOutcome
from kiosk.hw.zvt import codes
from kiosk.hw.zvt.dialogue import Result
from kiosk.hw.zvt.messages import Message, Refused, StatusInfo


@dataclass(frozen=True, slots=True)
class Finding:
    """Recovery learned nothing about the attempt itself; ``detail`` says why."""

    detail: str


def outcome_of(attempt_id: str, amount: Money, result: Result,
               prefix: str = "") -> TerminalOutcome:
    """The kiosk's view of a dialogue's end, with the terminal's data and receipts."""
    info = result.info
    charged = (Money(info.amount_minor, amount.currency)
               if info is not None and info.amount_minor is not None else amount)
    code = result.result_code
    return TerminalOutcome(
        attempt_id, result.outcome, charged,
        auth_code=info.auth_code if info else "", masked_pan=info.masked_pan if info else "",
        card_type=info.card_type if info else "", terminal_id=info.terminal_id if info else "",
        receipt_lines=result.customer_lines, detail=prefix + result.detail,
        trace_no=info.trace_no if info else "", receipt_no=info.receipt_no if info else "",
        merchant_lines=result.merchant_lines,
        result_code=f"{code:02X}" if code is not None else "")


def _when(info: StatusInfo) -> str:
    date = f"{info.date[2:]}.{info.date[:2]}." if len(info.date) == 4 else ""
    time = (f"{info.time[:2]}:{info.time[2:4]}:{info.time[4:]}" if len(info.time) == 6
            else "")
    return " ".join(part for part in (date, time) if part)


def _describe(info: StatusInfo) -> str:
    parts = [f"trace {info.trace_no}" if info.trace_no else "",
             f"receipt {info.receipt_no}" if info.receipt_no else "", _when(info)]
    return ", ".join(p for p in parts if p)


def evidence(attempt_id: str, amount: Money, result: Result, last: Message | None,
             before_trace: str | None) -> TerminalOutcome | Finding:
    """What the terminal's repeated last receipt says about ``attempt_id``."""
    info = result.info
    if info is None or info.result_code is None:
        if isinstance(last, Refused) and last.code:
            return Finding("The card terminal refused to repeat its last receipt: "
                           f"{codes.refusal_text(last.code)} Ask again in a moment.")
        return Finding(f"The card terminal did not repeat its last receipt: {result.detail} "
                       "Check the terminal's own journal.")
    seen = _describe(info)
    amount_matches = info.amount_minor in (None, amount.minor)
    if not amount_matches or (before_trace and info.trace_no == before_trace):
        over = (f" over {Money(info.amount_minor, amount.currency)}"
                if info.amount_minor is not None else "")
        return Finding(f"The card terminal's last receipt ({seen}{over}) does not look like "
                       f"this payment of {amount}. Check the terminal's own journal before "
                       "resolving: the kiosk does not conclude from what it does not see.")
    caveat = ("" if before_trace else " The kiosk did not see the terminal's transaction "
              "before this payment, so compare the time with the sale before resolving.")
    return outcome_of(attempt_id, amount, result,
                      f"From the terminal's last receipt ({seen}):{caveat} ")
