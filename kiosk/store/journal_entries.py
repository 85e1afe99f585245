"""The records the app writes, as entries for :meth:`Journal.commit_entries`.

Each builder fixes the record id from the caller's own stable ids (``sale:{sale_id}``,
``payment:{attempt_id}:{status}``, ...), so a retry after a crash or a timeout produces the
very same id and the journal records it once. Several entries may go in one transaction: the
app commits the payment's ``approved`` step and the completed sale together, so there is no
instant at which a shopper has paid for a sale that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from kiosk.errors import JournalError
from kiosk.store import outbox as outbox_store
from kiosk.store.chain import canonical_json, check_kind, check_record_id
from kiosk.store.open_basket import OpenBasket
from kiosk.store.outbox import OutboxItem
from kiosk.store.stock import StockMove, check_moves

# started: before the terminal is asked; approved/declined/cancelled: its answer; unknown:
# request sent and no answer (the kiosk never guesses); a staff resolution is recorded as the
# answer it gives, with ``resolved_by`` in the payload; late-*: an answer that came after the
# kiosk had declared the attempt unknown; approved-stray: an approval for an attempt the sale no
# longer counts (a card may have been charged: alerted, for staff to refund).
PAYMENT_STATUSES = ("started", "approved", "declined", "cancelled", "unknown", "resolved",
                    "late-approved", "late-declined", "late-cancelled", "late-unknown",
                    "approved-stray")


@dataclass(frozen=True, slots=True)
class Entry:
    """One record to append; ``closes_basket`` is the sale id whose open basket it ends."""

    kind: str
    record_id: str
    payload: Mapping[str, Any]
    stock: tuple[StockMove | tuple[str, int, int | None], ...] = ()
    outbox: tuple[OutboxItem, ...] = ()
    closes_basket: str | None = None


@dataclass(frozen=True, slots=True)
class Draft:
    """An entry validated and encoded exactly as it will be stored and hashed."""

    kind: str
    record_id: str
    payload: str
    topic: str
    moves: tuple[StockMove, ...]
    items: tuple[OutboxItem, ...]
    closes_basket: str | None


def prepare(entry: Entry) -> Draft:
    """Everything is validated before the transaction opens: a bad input never half-applies."""
    if not isinstance(entry, Entry):
        raise JournalError(f"cannot record {entry!r}", "the journal records Entry values")
    check_kind(entry.kind)
    check_record_id(entry.record_id)
    payload = entry.payload
    number = payload.get("sale_number") if isinstance(payload, Mapping) else None
    if number is not None and not (type(number) is int and number >= 1):
        raise JournalError(f"cannot record {entry.kind} {entry.record_id}",
                           f"its sale_number {number!r} is not a whole number from 1")
    return Draft(
        kind=entry.kind, record_id=entry.record_id, payload=canonical_json(payload),
        topic=outbox_store.topic_for(entry.kind), moves=check_moves(entry.stock),
        items=tuple(outbox_store.check_item(i) for i in entry.outbox),
        closes_basket=entry.closes_basket,
    )


def with_ids(payload: Mapping[str, Any], **ids: Any) -> dict[str, Any]:
    """Add the identifying fields, refusing a payload that already says something else."""
    if not isinstance(payload, Mapping):
        raise JournalError("cannot record the payload", f"a {type(payload).__name__} is not a "
                           "mapping")
    body = dict(payload)
    for key, value in ids.items():
        if key in body and body[key] != value:
            raise JournalError(f"cannot record {key} {value!r}",
                               f"the payload says {key} is {body[key]!r}")
        body[key] = value
    return body


def sale_entry(sale_id: str, sale_number: int, payload: Mapping[str, Any], *,
               stock: Iterable[StockMove | tuple[str, int, int | None]] = (),
               outbox: Iterable[OutboxItem] = ()) -> Entry:
    """A completed sale; it clears its open basket in the same transaction."""
    body = with_ids(payload, sale_id=sale_id, sale_number=sale_number)
    return Entry("sale", f"sale:{sale_id}", body, tuple(stock), tuple(outbox),
                 closes_basket=sale_id)


def payment_entry(sale_id: str, attempt_id: str, status: str, *, amount_minor: int,
                  currency: str, detail: Mapping[str, Any] | None = None,
                  outbox: Iterable[OutboxItem] = ()) -> Entry:
    """One step of a payment attempt: each step is its own record, never an update."""
    if status not in PAYMENT_STATUSES:
        raise JournalError(f"cannot record payment attempt {attempt_id} as {status!r}",
                           f"a payment step is one of {', '.join(PAYMENT_STATUSES)}")
    if type(amount_minor) is not int:
        raise JournalError(f"cannot record payment attempt {attempt_id}",
                           f"its amount {amount_minor!r} is not integer minor units")
    body = with_ids(dict(detail or {}), sale_id=sale_id, attempt_id=attempt_id, status=status,
                    amount_minor=amount_minor, currency=currency)
    return Entry("payment_attempt", f"payment:{attempt_id}:{status}", body,
                 outbox=tuple(outbox))


def staff_entry(action_id: str, staff_id: str, action: str, *,
                detail: Mapping[str, Any] | None = None) -> Entry:
    """Every staff action is audited in the chain (DESIGN.md: staff)."""
    body = with_ids(dict(detail or {}), staff_id=staff_id, action=action)
    return Entry("staff_action", f"staff:{action_id}", body)


def stock_entry(movement_id: str, moves: Iterable[StockMove | tuple[str, int, int | None]], *,
                reason: str) -> Entry:
    """A movement that is not a sale: a delivery counted in, breakage, a staff correction."""
    checked = check_moves(moves)
    body = {"reason": reason, "moves": [{"gtin": m.gtin, "delta": m.delta} for m in checked]}
    return Entry("stock_movement", f"stock:{movement_id}", body, checked)


def basket_void_entry(basket: OpenBasket, reason: str) -> Entry:
    """The open basket, voided on start instead of resumed; keeps its sale number used."""
    body: dict[str, Any] = {"sale_id": basket.sale_id, "reason": reason,
                            "basket": basket.payload}
    if "sale_number" in basket.payload:
        body["sale_number"] = basket.payload["sale_number"]
    return Entry("basket_void", f"basket_void:{basket.sale_id}", body,
                 closes_basket=basket.sale_id)
