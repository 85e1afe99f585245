"""The simulated terminal's receipt text and the result data it reports for a transaction.

Every receipt says it comes from a simulator, so a demo receipt is never taken for a payment.
"""

from __future__ import annotations

from datetime import datetime

from kiosk.hw.termsim.sim_base import SimCard
from kiosk.hw.termsim.zvt_messages import RESULT_DECLINED, RESULT_OK, TransactionResult

CURRENCY_ALPHA = {978: "EUR", 756: "CHF", 826: "GBP", 840: "USD", 985: "PLN", 203: "CZK"}
TITLES = {"charge": "CARD PAYMENT", "refund": "REFUND", "reversal": "REVERSAL"}
SIMULATED = "SIMULATED TERMINAL - NOT A REAL PAYMENT"


def format_amount(amount_minor: int, currency: int) -> str:
    code = CURRENCY_ALPHA.get(currency, f"{currency:03d}")
    return f"{code} {amount_minor // 100}.{amount_minor % 100:02d}"


def transaction_result(*, approved: bool, amount_minor: int, currency: int, trace_no: int,
                       when: datetime, card: SimCard, terminal_id: str,
                       auth_code: str | None, receipt_no: int | None,
                       original_trace_no: int | None = None) -> TransactionResult:
    """The 04 0F content: full card data when approved, the essentials when declined."""
    return TransactionResult(
        result_code=RESULT_OK if approved else RESULT_DECLINED,
        amount_minor=amount_minor, currency=currency, trace_no=trace_no,
        time_hhmmss=when.strftime("%H%M%S"), date_mmdd=when.strftime("%m%d"),
        masked_pan=card.masked_pan, terminal_id=terminal_id, card_type_id=card.card_type_id,
        card_name=card.card_name,
        expiry_yymm=card.expiry_yymm if approved else None,
        card_seq_no=card.sequence_no if approved else None,
        payment_type=card.payment_type if approved else None,
        auth_code=auth_code if approved else None,
        receipt_no=receipt_no if approved else None,
        original_trace_no=original_trace_no,
    )


def receipt_lines(kind: str, result: TransactionResult) -> tuple[str, ...]:
    """The customer receipt the terminal has the cash register print (06 D1 / 06 D3)."""
    approved = result.result_code == RESULT_OK
    trace = f"Trace {result.trace_no:06d}"
    if result.receipt_no is not None:
        trace += f"  Receipt {result.receipt_no:04d}"
    lines = [
        SIMULATED,
        TITLES[kind],
        f"Terminal-ID {result.terminal_id}",
        trace,
        f"{result.card_name} {result.masked_pan}",
        f"Date {result.date_mmdd[2:]}.{result.date_mmdd[:2]}. "
        f"{result.time_hhmmss[:2]}:{result.time_hhmmss[2:4]}:{result.time_hhmmss[4:]}",
        f"Amount {format_amount(result.amount_minor, result.currency)}",
    ]
    if result.auth_code:
        lines.append(f"Auth code {result.auth_code}")
    lines.append("APPROVED" if approved else "DECLINED")
    return tuple(lines)
