"""The end-of-day (Z) report: one kiosk's day summed from its journal, for staff and paper.

Pure: it takes the day's records as the JSON-ready mappings the journal holds (sale records as
:meth:`kiosk.core.sale.Sale.to_dict` writes them, staff actions, alerts) and returns a
:class:`ZReport` value; :func:`z_document` lays it out as a printable
:class:`~kiosk.core.receipt_doc.Document`, so the staff screen and the paper show the same
figures. The shell picks the records (kiosk.store.report_journal) and the day.

Only completed sales count towards takings; voided sales are counted apart, and a payment that
is still UNKNOWN is listed on its own line because the money may or may not be in the bank:
the person closing the day must see it rather than find it in a total.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from kiosk.core.money import Money
from kiosk.core.receipt_doc import Align, Blank, Column, Document, Pair, Rule, Size, Table, Text
from kiosk.errors import KioskError


class ReportError(KioskError, ValueError):
    """A journal record could not be read into the report (the journal is damaged or foreign)."""


@dataclass(frozen=True, slots=True)
class Tender:
    """Takings of one payment method: how many payments and how much."""

    method: str
    count: int
    amount: Money


@dataclass(frozen=True, slots=True)
class VatTotal:
    code: str
    rate_bp: int
    net: Money
    vat: Money
    gross: Money


@dataclass(frozen=True, slots=True)
class ZReport:
    store_id: str
    kiosk_id: str
    day: date
    currency: str
    completed: int
    voided: int
    suspended: int  # set aside by staff; a recalled one is counted again as its new sale
    items: int
    first_sale: int | None
    last_sale: int | None
    gross: Money
    discounts: Money
    tenders: tuple[Tender, ...]
    vat: tuple[VatTotal, ...]
    unknown_open: int  # payments still UNKNOWN: money that may or may not have been taken
    resolved_by_staff: int
    staff_actions: tuple[tuple[str, int], ...]  # action name -> count, sorted by name
    alerts: tuple[tuple[str, int], ...]  # alert kind -> count (pin-lockout, paper-out, ...)


def _field(record: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = record.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise ReportError(f"a journal record has no usable {key!r}",
                          f"record {record.get('sale_id', '?')} has {key} = {value!r}",
                          "Check the journal with `kiosk journal`.")
    return value


def _money(record: Mapping[str, Any], key: str, currency: str) -> Money:
    return Money(_field(record, key, int), currency)


def _sum_vat(sales: Sequence[Mapping[str, Any]], currency: str) -> tuple[VatTotal, ...]:
    rows: dict[tuple[str, int], tuple[int, int, int]] = {}
    for sale in sales:
        for row in _field(sale, "vat", list):
            key = (_field(row, "code", str), _field(row, "rate_bp", int))
            net, vat, gross = rows.get(key, (0, 0, 0))
            rows[key] = (net + _field(row, "net", int), vat + _field(row, "vat", int),
                         gross + _field(row, "gross", int))
    return tuple(VatTotal(code, rate, Money(net, currency), Money(vat, currency),
                          Money(gross, currency))
                 for (code, rate), (net, vat, gross) in sorted(rows.items()))


def _tenders(sales: Sequence[Mapping[str, Any]], currency: str) -> tuple[Tender, ...]:
    counts: Counter[str] = Counter()
    amounts: Counter[str] = Counter()
    for sale in sales:
        for payment in _field(sale, "payments", list):
            if _field(payment, "outcome", str) != "approved":
                continue
            method = _field(payment, "method", str)
            counts[method] += 1
            amounts[method] += _field(payment, "amount", int)
    return tuple(Tender(method, counts[method], Money(amounts[method], currency))
                 for method in sorted(counts))


def _payments(sales: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    for sale in sales:
        yield from _field(sale, "payments", list)


def build_z_report(sales: Sequence[Mapping[str, Any]], staff_actions: Sequence[Mapping[str, Any]],
                   alerts: Sequence[Mapping[str, Any]], *, store_id: str, kiosk_id: str,
                   day: date, currency: str) -> ZReport:
    """Sum one day's sale records, staff actions and alerts (the shell chose the day's)."""
    for sale in sales:
        if _field(sale, "currency", str) != currency:
            raise ReportError(f"sale {sale.get('sale_id')} is in {sale.get('currency')}",
                              f"this kiosk's day is reported in {currency}")
    statuses = Counter(_field(s, "status", str) for s in sales)
    done = [s for s in sales if _field(s, "status", str) == "completed"]
    numbers = [_field(s, "sale_number", int) for s in sales]
    discounts = sum(_field(d, "amount", int) for s in done for d in _field(s, "discounts", list))
    payments = list(_payments(sales))
    return ZReport(
        store_id=store_id, kiosk_id=kiosk_id, day=day, currency=currency,
        completed=len(done), suspended=statuses["suspended"],
        voided=len(sales) - len(done) - statuses["suspended"],
        items=sum(_field(s, "item_count", int) for s in done),
        first_sale=min(numbers, default=None), last_sale=max(numbers, default=None),
        gross=Money(sum(_field(s, "total", int) for s in done), currency),
        discounts=Money(discounts, currency),
        tenders=_tenders(done, currency), vat=_sum_vat(done, currency),
        unknown_open=sum(1 for p in payments if p.get("outcome") == "unknown"),
        resolved_by_staff=sum(1 for p in payments if p.get("resolved_by")),
        staff_actions=tuple(sorted(Counter(_field(a, "action", str)
                                           for a in staff_actions).items())),
        alerts=tuple(sorted(Counter(_field(a, "kind", str) for a in alerts).items())),
    )


def _rate(bp: int) -> str:
    whole, frac = divmod(bp, 100)
    return f"{whole}%" if frac == 0 else f"{whole}.{frac:02d}".rstrip("0") + "%"


def _counts(title: str, rows: tuple[tuple[str, int], ...]) -> list[Text | Pair]:
    if not rows:
        return []
    return [Text(title, bold=True), *(Pair(name, str(count), indent=2) for name, count in rows)]


def z_document(report: ZReport, *, printed_at: str) -> Document:
    """The Z report on paper (the store's working language, English); ``printed_at`` is the
    local time the shell formatted, so the paper says when it was taken."""
    span = ("-" if report.first_sale is None
            else f"{report.first_sale} - {report.last_sale}")
    blocks: list[Any] = [
        Text("Z REPORT", Align.CENTER, bold=True, size=Size.LARGE),
        Text(f"{report.store_id} / {report.kiosk_id}", Align.CENTER),
        Pair("Day", report.day.isoformat()), Pair("Printed", printed_at), Rule(),
        Pair("Completed sales", str(report.completed)), Pair("Voided sales", str(report.voided)),
        Pair("Suspended sales", str(report.suspended)),
        Pair("Sale numbers", span), Pair("Items sold", str(report.items)),
        Pair("Discounts given", report.discounts.decimal_str()),
        Pair(f"TAKINGS {report.currency}", report.gross.decimal_str(), bold=True), Rule(),
    ]
    if report.tenders:
        blocks.append(Table((Column("Tender", Align.LEFT, 2), Column("Count"), Column("Amount")),
                            tuple((t.method, str(t.count), t.amount.decimal_str())
                                  for t in report.tenders)))
    if report.vat:
        blocks.append(Table((Column("VAT", Align.LEFT), Column("Net"), Column("Tax"),
                             Column("Gross")),
                            tuple((_rate(v.rate_bp), v.net.decimal_str(), v.vat.decimal_str(),
                                   v.gross.decimal_str()) for v in report.vat)))
    blocks += [Rule(), Pair("Payments resolved by staff", str(report.resolved_by_staff)),
               Pair("Payments still UNKNOWN", str(report.unknown_open), bold=True)]
    blocks += _counts("Staff actions", report.staff_actions)
    blocks += _counts("Alerts", report.alerts)
    blocks += [Blank(), Text("End of report", Align.CENTER)]
    return Document("z-report", tuple(blocks))
