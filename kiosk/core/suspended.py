"""A suspended sale: a basket staff set aside so the lane can serve the next shopper.

Real lanes need it: the shopper went back for the milk, forgot their wallet in the car, or
the queue grew behind a long query. Staff suspend the open basket; the sale ends with a
``suspended`` record (nothing paid, no stock moved, its number used like any sale's), and the
lines are kept as they were scanned (each with its product as it was, as the journaled open
basket keeps them) so that staff on this kiosk can recall them into a new sale later, at the
prices the shopper was shown. An age approval is not kept: whoever recalls the sale checks
again, since the person at the lane may not be the one who left.

:meth:`SuspendedSale.to_dict` is the form the journal's record and the kiosk's list of
suspended sales hold; :meth:`SuspendedSale.from_dict` reads it back and says what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.core.basket import Line
from kiosk.core.money import Money
from kiosk.core.sale import line_from_dict, line_to_dict


@dataclass(frozen=True, slots=True)
class SuspendedSale:
    """``total`` and ``item_count`` are as priced when suspended, for the recall list."""

    sale_id: str
    sale_number: int
    lines: tuple[Line, ...]
    links: tuple[tuple[int, int], ...]
    member: str | None
    total: Money
    item_count: int
    suspended_at: datetime
    staff_id: str
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "sale_id": self.sale_id, "sale_number": self.sale_number,
            "lines": [line_to_dict(line) for line in self.lines],
            "links": [list(link) for link in self.links], "member": self.member,
            "total": self.total.minor, "currency": self.total.currency,
            "item_count": self.item_count, "suspended_at": self.suspended_at.isoformat(),
            "staff_id": self.staff_id, "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Any) -> SuspendedSale:
        """ValueError (or CatalogueError from a line's product) naming the bad field."""
        if not isinstance(data, dict):
            raise ValueError("a suspended sale is not an object")
        texts = {k: data.get(k) for k in ("sale_id", "currency", "suspended_at", "staff_id")}
        bad = sorted(k for k, v in texts.items() if not isinstance(v, str) or not v)
        ints = {k: data.get(k) for k in ("sale_number", "total", "item_count")}
        bad += sorted(k for k, v in ints.items() if type(v) is not int)
        if bad:
            raise ValueError(f"a suspended sale lacks usable {', '.join(bad)}")
        lines, links = data.get("lines"), data.get("links")
        if not isinstance(lines, list) or not lines or not isinstance(links, list):
            raise ValueError(f"suspended sale {texts['sale_id']} has no lines")
        member, reason = data.get("member"), data.get("reason", "")
        if not (member is None or isinstance(member, str)) or not isinstance(reason, str):
            raise ValueError(f"suspended sale {texts['sale_id']} has a bad member or reason")
        return cls(
            sale_id=str(texts["sale_id"]), sale_number=ints["sale_number"],
            lines=tuple(line_from_dict(line) for line in lines),
            links=tuple(_link(link) for link in links), member=member,
            total=Money(ints["total"], str(texts["currency"])),
            item_count=ints["item_count"],
            suspended_at=_aware(str(texts["suspended_at"])),
            staff_id=str(texts["staff_id"]), reason=reason)


def _link(value: Any) -> tuple[int, int]:
    if not (isinstance(value, list) and len(value) == 2 and all(type(v) is int for v in value)):
        raise ValueError(f"a suspended sale's line link {value!r} is not two line ids")
    return value[0], value[1]


def _aware(text: str) -> datetime:
    at = datetime.fromisoformat(text)
    if at.tzinfo is None:
        raise ValueError(f"suspended_at {text!r} has no time zone")
    return at
