"""Putting items into the basket: scans, keyed-in codes, PLUs, quick picks, kiosk QR codes.

A scan from attract starts the sale; a scan on the receipt screen ends the finished sale and
starts the next (the next shopper does not wait for the receipt timeout). Scanning the same
plain product again adds one to its line instead of a new line. A product with a bottle
deposit brings its deposit line with it, linked (kiosk.core.rules). Anything that cannot be
sold is *refused* (a message and an error beep; the session does not change), with the
barcode parser's, the catalogue's or the sale rules' own reason.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from kiosk.core.barcode import parse_scan
from kiosk.core.basket import Line
from kiosk.core.codes import KioskCode, KioskCodeKind, ProductCode, Rejected
from kiosk.core.effects import Beep, Effect, ShowMessage
from kiosk.core.events import CodeKeyedIn, ItemScanned, PluEntered, QuickPickChosen
from kiosk.core.money import minor_units
from kiosk.core.product import Product
from kiosk.core.rules import check_add, deposit_lines
from kiosk.core.sale import StaffAction
from kiosk.core.session_guards import (
    ADD,
    OUT_OF_ORDER,
    closed,
    refuse,
    reject,
    shopper_block,
    staff_block,
)
from kiosk.core.session_lifecycle import next_sale, reprice, settle, staff_action
from kiosk.core.session_model import (
    BASKET_OPEN,
    Outcome,
    Refusal,
    S,
    Session,
    SessionContext,
)
from kiosk.core.staff import Permission
from kiosk.errors import CatalogueError

UNKNOWN_PRODUCT = "This item is not in the catalogue. Please ask a staff member."


@dataclass(frozen=True, slots=True)
class _Item:
    product: Product
    quantity: int = 1
    weight_g: int | None = None
    label_price: int | None = None


def on_item_scanned(session: Session, event: ItemScanned, ctx: SessionContext) -> Outcome:
    return _scan(session, ctx, event.code, event.symbology, event.at)


def on_code_keyed_in(session: Session, event: CodeKeyedIn, ctx: SessionContext) -> Outcome:
    """Staff key in what the camera could not read; audited when the item goes in."""
    block = staff_block(session, ctx, event.staff_id, Permission.KEY_IN_CODE)
    if block is not None:
        return Outcome(session, (), block)
    outcome = _scan(session, ctx, event.code, None, event.at)  # the digits decide what it is
    if outcome.rejected is not None or outcome.refused is not None:
        return outcome
    keyed = StaffAction(event.staff_id, "key-in", event.at, {"code": event.code})
    audited, record = staff_action(outcome.session, ctx, keyed)
    return Outcome(audited, (*outcome.effects, record))


def on_plu_entered(session: Session, event: PluEntered, ctx: SessionContext) -> Outcome:
    gate = _open_for_adding(session, ctx, event.at)
    if isinstance(gate, Outcome):
        return gate
    product = ctx.catalogue.by_plu(event.plu)
    if product is None:
        return refuse(session, "unknown-plu", f"There is no product with code {event.plu}",
                      {"plu": event.plu})
    if not product.weighed:
        return _add(session, gate, ctx, event.at, _Item(product))
    if event.weight_g is None or event.weight_g <= 0:
        return refuse(session, "weight-needed",
                      "Place the item on the scale before choosing it", {"plu": event.plu})
    return _add(session, gate, ctx, event.at, _Item(product, weight_g=event.weight_g))


def on_quick_pick(session: Session, event: QuickPickChosen, ctx: SessionContext) -> Outcome:
    if event.gtin not in ctx.rules.quick_picks:
        return reject(session, "not-a-quick-pick", f"{event.gtin} is not a quick-pick item")
    gate = _open_for_adding(session, ctx, event.at)
    if isinstance(gate, Outcome):
        return gate
    product = ctx.catalogue.by_gtin(event.gtin)
    if product is None:
        return refuse(session, "unknown-product", UNKNOWN_PRODUCT, {"gtin": event.gtin})
    return _add(session, gate, ctx, event.at, _Item(product))


def _scan(session: Session, ctx: SessionContext, text: str, symbology: str | None,
          at: datetime) -> Outcome:
    local = at.astimezone(ctx.timezone)
    result = parse_scan(text, symbology=symbology, templates=ctx.templates,
                        currency_decimals=minor_units(ctx.currency), currency=ctx.currency,
                        reference_year=ctx.reference_year or local.year)
    if isinstance(result, KioskCode) and result.kind is KioskCodeKind.STAFF:
        # A badge is how staff start to sign in, whatever the kiosk is doing: ask for the PIN.
        return Outcome(session, (ShowMessage("staff-pin", {"staff_id": result.payload}),))
    gate = _open_for_adding(session, ctx, at)
    if isinstance(gate, Outcome):
        return gate
    if isinstance(result, Rejected):
        return refuse(session, result.code, result.reason, {"scanned": text})
    if isinstance(result, KioskCode):
        return _kiosk_code(session, gate, ctx, at, result)
    item = _product_item(ctx, result, local.date().isoformat())
    if isinstance(item, Refusal):
        return refuse(session, item.code, item.reason, item.params)
    return _add(session, gate, ctx, at, item)


def _open_for_adding(session: Session, ctx: SessionContext,
                     at: datetime) -> tuple[Session, tuple[Effect, ...]] | Outcome:
    """The session to add to (a sale started if need be), or the rejection."""
    block = shopper_block(session)
    if block is not None:
        return Outcome(session, (), block)
    if session.phase in BASKET_OPEN:
        return session, ()
    if session.phase is S.ATTRACT:
        return session.with_phase(S.SCANNING, at), ()
    if session.phase is S.RECEIPT:
        return _next_shopper(session, ctx, at)
    return closed(session, ADD)


def _next_shopper(session: Session, ctx: SessionContext,
                  at: datetime) -> tuple[Session, tuple[Effect, ...]] | Outcome:
    """A scan on the receipt screen: the paid sale ends and the next one starts with it."""
    fresh, effects = next_sale(session, ctx, at)
    waited = shopper_block(fresh)  # a lock that waited for this sale to end
    if waited is not None:
        return Outcome(session, (), waited)
    if fresh.phase is not S.ATTRACT:  # a device failure that waited for it
        return reject(session, "out-of-order", OUT_OF_ORDER)
    return fresh.with_phase(S.SCANNING, at), effects


def _product_item(ctx: SessionContext, code: ProductCode, today: str) -> _Item | Refusal:
    product = ctx.catalogue.by_gtin(code.gtin)
    if product is None:
        return Refusal("unknown-product", UNKNOWN_PRODUCT, {"gtin": code.gtin})
    if code.expiry is not None and code.expiry < today:
        return Refusal("expired", f"This item expired on {code.expiry} and cannot be sold",
                       {"gtin": code.gtin, "expiry": code.expiry})
    if product.weighed and code.weight_g is None and code.price is None:
        return Refusal("weight-needed", "This item is sold by weight: weigh it at the scale "
                       "and choose it on the screen", {"gtin": code.gtin})
    return _Item(product, weight_g=code.weight_g, label_price=code.price)


def _kiosk_code(original: Session, gate: tuple[Session, tuple[Effect, ...]],
                ctx: SessionContext, at: datetime, code: KioskCode) -> Outcome:
    if code.kind is KioskCodeKind.COUPON:
        return refuse(original, "coupon-not-accepted",
                      "Coupons are not accepted at this checkout; please ask a staff member")
    base, effects = gate
    priced = reprice(replace(base, member=code.payload), ctx, base.lines, base.links, at)
    if isinstance(priced, Refusal):
        return refuse(original, priced.code, priced.reason)
    shown = ShowMessage("loyalty-accepted", {"member": code.payload,
                                             "total": priced.total.minor})
    return Outcome(priced, (*effects, shown, Beep("ok")))


def _mergeable(line: Line, item: _Item) -> bool:
    """Same plain product again: one more on its line rather than a new line."""
    return (line.product.gtin == item.product.gtin and not item.product.weighed
            and item.weight_g is None and item.label_price is None
            and line.weight_g is None and line.label_price is None
            and line.override_price is None)


def _add(original: Session, gate: tuple[Session, tuple[Effect, ...]], ctx: SessionContext,
         at: datetime, item: _Item) -> Outcome:
    base, effects = gate
    local_time = at.astimezone(ctx.timezone).time()
    violation = check_add(ctx.rules, base.lines, item.product, item.quantity, local_time)
    if violation is not None:
        return refuse(original, violation.code, violation.reason, violation.params)
    try:
        deposits = deposit_lines(item.product, item.quantity, ctx.catalogue)
    except CatalogueError as exc:
        return refuse(original, "cannot-sell", exc.message, {"gtin": item.product.gtin})
    target = next((line for line in base.lines if _mergeable(line, item)), None)
    if target is not None:
        lines, line_id, next_id = _merged(base, target, item.quantity), target.line_id, None
        links = base.links
    else:
        line_id = base.next_line_id
        new = [Line(line_id, item.product, item.quantity, item.weight_g, item.label_price)]
        links = base.links
        if deposits:
            new.append(Line(line_id + 1, deposits[0].product, deposits[0].quantity))
            links = (*links, (line_id, line_id + 1))
        lines, next_id = (*base.lines, *new), line_id + len(new)
    priced = reprice(base, ctx, tuple(lines), links, at)
    if isinstance(priced, Refusal):
        return refuse(original, priced.code, priced.reason)
    if next_id is not None:
        priced = replace(priced, next_line_id=next_id)
    settled, more = settle(priced, ctx, at)
    added = ShowMessage("item-added", {"line_id": line_id, "gtin": item.product.gtin,
                                       "name": item.product.name(settled.language),
                                       "total": settled.total.minor})
    return Outcome(settled, (*effects, added, Beep("ok"), *more))


def _merged(base: Session, target: Line, more: int) -> tuple[Line, ...]:
    quantity = target.quantity + more
    child = base.deposit_of(target.line_id)
    return tuple(
        replace(line, quantity=quantity) if line.line_id in (target.line_id, child) else line
        for line in base.lines)
