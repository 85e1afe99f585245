"""A completed sale as a receipt document, the way a supermarket prints it.

Pure: the shell passes the store's header, the local time zone and the QR template. The
receipt shows the store (name, address, VAT number), the local date and time, the sale number
and checkout, each line with its quantity or weight and unit price, each promotion as a line
of its own, the total, the VAT per rate (each line carries the rate's letter, as on a till
receipt), the tenders (card with masked PAN, authorisation code and terminal data), and a QR
code that identifies the sale for the e-receipt and for refunds, with the sale id under it.

Everything printed comes from the :class:`Sale` as committed: nothing is re-priced, so a
reprint next week shows exactly what the shopper paid.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo

from kiosk.core.basket import PricedLine
from kiosk.core.money import Money
from kiosk.core.receipt_doc import (
    Align,
    Blank,
    Block,
    Column,
    Document,
    Pair,
    Qr,
    Rule,
    Size,
    Table,
    Text,
)
from kiosk.core.receipt_words import DATE_FORMATS, say, words_for
from kiosk.core.sale import PaymentRecord, Sale

QR_FIELDS = frozenset({"sale_id", "store_id", "kiosk_id", "sale_number"})
DEFAULT_QR = "{sale_id}"
TERMINAL_FIELDS = ("terminal_id", "trace")  # payment-result keys printed under a card tender


@dataclass(frozen=True, slots=True)
class ReceiptHeader:
    name: str
    address: tuple[str, ...] = ()
    vat_number: str = ""


def qr_template_problem(template: str) -> str | None:
    """Why ``template`` cannot make a receipt's QR payload, or None when it can."""
    try:
        fields = [name for _, name, spec, conv in string.Formatter().parse(template)
                  if name is not None]
    except ValueError as exc:
        return f"it is not a valid template ({exc})"
    unknown = sorted(set(fields) - QR_FIELDS)
    if unknown:
        return f"it names {unknown}; the fields are {sorted(QR_FIELDS)}"
    if "sale_id" not in fields:
        return "it must contain {sale_id}, so the code identifies the sale"
    return None


def receipt_qr(template: str, sale: Sale) -> str:
    """What the receipt's QR code holds: by default the sale id itself (refund desks scan it);
    a store with e-receipts sets a link such as ``https://r.example/{store_id}/{sale_id}``."""
    problem = qr_template_problem(template)
    if problem is not None:
        raise ValueError(f"receipt QR template {template!r}: {problem}")
    return template.format(sale_id=sale.sale_id, store_id=sale.store_id,
                           kiosk_id=sale.kiosk_id, sale_number=sale.sale_number)


def mask_pan(pan: str) -> str:
    """Only the last four digits of a card number may be printed (PCI DSS)."""
    digits = sum(c.isdigit() for c in pan)
    seen = 0
    out = []
    for char in pan:
        if char.isdigit():
            seen += 1
            out.append(char if seen > digits - 4 else "*")
        else:
            out.append(char)
    return "".join(out)


def _amount(amount: Money) -> str:
    return amount.decimal_str()


def _vat_letters(sale: Sale) -> dict[str, str]:
    return {vat.code: chr(ord("A") + i) for i, vat in enumerate(sale.basket.vat)}


def _rate(bp: int) -> str:
    whole, frac = divmod(bp, 100)
    return f"{whole}%" if frac == 0 else f"{whole}.{frac:02d}".rstrip("0") + "%"


def _name(names: Mapping[str, str], lang: str, fallback: str) -> str:
    return names.get(lang) or names.get("en") or next(iter(names.values()), fallback)


def _header(sale: Sale, header: ReceiptHeader, words: Mapping[str, str], tz: tzinfo,
            lang: str) -> list[Block]:
    blocks: list[Block] = [Text(header.name, Align.CENTER, bold=True, size=Size.LARGE)]
    blocks += [Text(line, Align.CENTER) for line in header.address]
    if header.vat_number:
        blocks.append(Text(say(words, "vat_number", number=header.vat_number), Align.CENTER))
    local = sale.completed_at.astimezone(tz).strftime(DATE_FORMATS.get(lang, "%d/%m/%Y %H:%M"))
    blocks += [Blank(), Pair(local, say(words, "sale", number=sale.sale_number)),
               Text(say(words, "checkout", kiosk=sale.kiosk_id)), Rule()]
    return blocks


def _line(line: PricedLine, letter: str, lang: str, words: Mapping[str, str]) -> list[Block]:
    blocks: list[Block] = [Pair(_name(line.names, lang, line.gtin),
                                f"{_amount(line.amount)} {letter}")]
    if line.weight_g is not None:
        kilos = f"{line.weight_g // 1000}.{line.weight_g % 1000:03d}"
        blocks.append(Text(f"{kilos} kg x {_amount(line.unit_price)}{words['per_kg']}",
                           indent=2))
    elif line.quantity != 1:
        blocks.append(Text(f"{line.quantity} x {_amount(line.unit_price)}", indent=2))
    return blocks


def _lines(sale: Sale, lang: str, words: Mapping[str, str]) -> list[Block]:
    letters = _vat_letters(sale)
    blocks: list[Block] = []
    for line in sale.basket.lines:
        blocks += _line(line, letters.get(line.vat, " "), lang, words)
    for discount in sale.basket.discounts:
        label = _name(discount.names, lang, discount.promotion_id)
        blocks.append(Pair(label, f"{_amount(discount.amount)}  ", indent=2))
    return blocks


def _totals(sale: Sale, words: Mapping[str, str]) -> list[Block]:
    count = sale.basket.item_count
    blocks: list[Block] = [
        Rule(),
        Pair(say(words, "total", currency=sale.currency), _amount(sale.total), bold=True,
             size=Size.LARGE),
        Text(words["one_item"] if count == 1 else say(words, "items", count=count)),
    ]
    saved = sum((d.amount for d in sale.basket.discounts), Money.zero(sale.currency))
    if saved:
        blocks.append(Pair(words["savings"], _amount(-saved)))
    return blocks


def _vat_table(sale: Sale, words: Mapping[str, str]) -> list[Block]:
    letters = _vat_letters(sale)
    columns = (Column(words["vat"], Align.LEFT), Column(words["rate"]), Column(words["net"]),
               Column(words["tax"]), Column(words["gross"]))
    rows = tuple((letters[v.code], _rate(v.rate_bp), _amount(v.net), _amount(v.vat),
                  _amount(v.gross)) for v in sale.basket.vat)
    return [Rule(), Table(columns, rows)]


def _tender(payment: PaymentRecord, words: Mapping[str, str], tz: tzinfo,
            lang: str) -> list[Block]:
    auth = payment.auth
    if payment.method != "card":
        blocks: list[Block] = [Pair(words["cash"], _amount(payment.amount), bold=True)]
        if payment.tendered is not None:
            blocks.append(Pair(words["tendered"], _amount(payment.tendered), indent=2))
        if payment.change is not None:
            blocks.append(Pair(words["change"], _amount(payment.change), indent=2))
        return blocks
    card = " ".join(v for v in (words["card"], auth.get("scheme", ""),
                                mask_pan(auth.get("masked_pan", ""))) if v)
    blocks = [Pair(card, _amount(payment.amount), bold=True)]
    if auth.get("auth_code"):
        blocks.append(Text(say(words, "auth_code", code=auth["auth_code"]), indent=2))
    if auth.get("terminal_id"):
        blocks.append(Text(say(words, "terminal", id=auth["terminal_id"]), indent=2))
    if auth.get("trace"):
        blocks.append(Text(say(words, "trace", number=auth["trace"]), indent=2))
    when = payment.at.astimezone(tz).strftime(DATE_FORMATS.get(lang, "%d/%m/%Y %H:%M"))
    blocks.append(Text(when, indent=2))
    slip = auth.get("receipt", "")  # the terminal's own lines for the card holder (ZVT 06 D1/D3)
    if isinstance(slip, str) and slip.strip():
        blocks += [Blank(), *(Text(line.rstrip()) for line in slip.splitlines())]
    return blocks


def _tenders(payments: Sequence[PaymentRecord], words: Mapping[str, str], tz: tzinfo,
             lang: str) -> list[Block]:
    blocks: list[Block] = [Rule()]
    for payment in payments:
        if payment.outcome == "approved":
            blocks += _tender(payment, words, tz, lang)
    return blocks


def _banner(words: Mapping[str, str]) -> Text:
    return Text(f"** {words['reprint']} **", Align.CENTER, bold=True, size=Size.LARGE)


def sale_receipt(sale: Sale, header: ReceiptHeader, *, tz: tzinfo, qr: str,
                 lang: str | None = None, reprint: bool = False) -> Document:
    """The receipt of a completed ``sale``; ``qr`` is its payload (:func:`receipt_qr`).

    ``lang`` defaults to the language the shopper chose; ``reprint`` marks a staff reprint at
    the top and the bottom, so a second paper copy can never pass for a second purchase.
    """
    lang = lang or sale.language
    words = words_for(lang)
    blocks: list[Block] = [_banner(words), Blank()] if reprint else []
    blocks += _header(sale, header, words, tz, lang)
    blocks += _lines(sale, lang, words)
    blocks += _totals(sale, words)
    blocks += _vat_table(sale, words)
    blocks += _tenders(sale.payments, words, tz, lang)
    if sale.member:
        blocks.append(Text(say(words, "member", card=mask_pan(sale.member))))
    blocks += [Rule(), Blank(), Qr(qr, sale.sale_id), Blank(),
               Text(words["thanks"], Align.CENTER)]
    if reprint:
        blocks += [Blank(), _banner(words)]
    return Document("reprint" if reprint else "receipt", tuple(blocks))
