"""A completed sale as the lines of a till receipt (plain text, fixed width).

Pure: the shell passes the store's header and the local time zone. This first layout covers
what a receipt must show (store, local date and time, lines, discounts, total, VAT per rate,
card tender, sale id); the ESC/POS document with QR code, code pages and the 32/42/48-column
profiles grows from it in the printer issue.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import tzinfo

from kiosk.core.money import Money
from kiosk.core.sale import Sale


@dataclass(frozen=True, slots=True)
class ReceiptHeader:
    name: str
    address: tuple[str, ...] = ()
    vat_number: str = ""


def _pair(left: str, right: str, width: int) -> list[str]:
    """``left`` wrapped, ``right`` right-aligned on the last line (amounts never wrap)."""
    room = max(width - len(right) - 1, 8)
    wrapped = textwrap.wrap(left, room) or [""]
    last = wrapped.pop()
    return [*wrapped, f"{last:<{width - len(right)}}{right}"]


def _rate(bp: int) -> str:
    whole, frac = divmod(bp, 100)
    return f"{whole}%" if frac == 0 else f"{whole}.{frac:02d}".rstrip("0") + "%"


def _money(amount: Money) -> str:
    return amount.decimal_str()


def receipt_lines(sale: Sale, header: ReceiptHeader, *, tz: tzinfo, width: int = 42,
                  lang: str = "en", copy: bool = False) -> list[str]:
    """The receipt, line by line; ``copy`` marks a staff reprint."""
    out = [header.name.center(width)]
    out += [line.center(width) for line in header.address]
    if header.vat_number:
        out.append(f"VAT {header.vat_number}".center(width))
    if copy:
        out.append("*** REPRINT ***".center(width))
    local = sale.completed_at.astimezone(tz)
    out += ["", _pair(local.strftime("%Y-%m-%d %H:%M"), f"No {sale.sale_number}", width)[0], ""]
    for line in sale.basket.lines:
        name = line.names.get(lang) or line.names.get("en") or next(iter(line.names.values()))
        out += _pair(name, _money(line.amount), width)
        if line.weight_g is not None:
            out.append(f"  {line.weight_g / 1000:.3f} kg x {_money(line.unit_price)}/kg")
        elif line.quantity != 1:
            out.append(f"  {line.quantity} x {_money(line.unit_price)}")
    for discount in sale.basket.discounts:
        label = discount.names.get(lang) or discount.names.get("en") or discount.promotion_id
        out += _pair(f"  {label}", _money(discount.amount), width)
    out += ["-" * width, *_pair("TOTAL " + sale.currency, _money(sale.total), width), ""]
    out += _vat_table(sale, width)
    out += _tenders(sale.payments, width)
    out += ["", f"Sale {sale.sale_id}".center(width)]
    return out


def _vat_table(sale: Sale, width: int) -> list[str]:
    cols = width // 4
    rows = [f"{'VAT':<{cols}}{'net':>{cols}}{'vat':>{cols}}{'gross':>{width - 3 * cols}}"]
    for vat in sale.basket.vat:
        rows.append(f"{_rate(vat.rate_bp):<{cols}}{_money(vat.net):>{cols}}"
                    f"{_money(vat.vat):>{cols}}{_money(vat.gross):>{width - 3 * cols}}")
    return rows


def _tenders(payments: Sequence, width: int) -> list[str]:
    out: list[str] = [""]
    for payment in payments:
        if payment.outcome != "approved":
            continue
        out += _pair(payment.method.upper(), _money(payment.amount), width)
        card = " ".join(v for v in (payment.auth.get("scheme"), payment.auth.get("masked_pan"))
                        if v)
        if card:
            out.append(f"  {card}")
        if payment.auth.get("auth_code"):
            out.append(f"  auth {payment.auth['auth_code']}")
        if payment.change is not None and payment.change.minor:
            out += _pair("  change", _money(payment.change), width)
    return out
