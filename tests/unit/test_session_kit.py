"""Shared set-up for the session tests: a small real catalogue, a context, and a driver.

Imported by the other ``test_session*`` modules (pytest puts this folder on ``sys.path``). Its
own tests check the fixture itself: the GTINs are real and check-digit valid, and the label
used for the weighed item really maps to the catalogue's key.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.core import events as ev
from kiosk.core.effects import Effect
from kiosk.core.gtin import check_digit
from kiosk.core.labels import LabelTemplate
from kiosk.core.money import Money
from kiosk.core.product import Product, Unit
from kiosk.core.promotions import Promotion
from kiosk.core.rules import SaleRules
from kiosk.core.session import Outcome, Session, SessionContext, new_session, step
from kiosk.core.staff import DEFAULT_ROLES, Roles

# Real products (EAN-13 as printed on the pack), stored as GTIN-14.
NUTELLA = "03017620422003"  # Nutella 400 g
COKE = "05449000000996"  # Coca-Cola 33 cl can
EVIAN = "03068320114453"  # Evian 1.5 l
BEER = "08712000025649"  # Heineken 25 cl bottle, with a bottle deposit
WHISKY = "05099873089798"  # Jack Daniel's 70 cl
PEN = "04006381333931"  # Stabilo Point 88
CHOCOLATE = "07622210449283"  # Milka 100 g
# Store-internal codes (restricted circulation, prefix 2).
BANANAS = "02100401000000"  # weighed; key of the scale label 2100401-VVVVV-K
DEPOSIT = "02000000000251"  # bottle deposit 0.25
BAG = "02000000001005"  # carrier bag quick pick
BANANA_LABEL_1234G = "2100401012348"  # 1.234 kg of bananas from the store's scale

T0 = datetime(2025, 3, 14, 16, 0, tzinfo=UTC)  # 17:00 in Paris, a Friday afternoon
PARIS = ZoneInfo("Europe/Paris")


def _product(gtin: str, name: str, price: int, vat: str, category: str, **extra: Any) -> Product:
    return Product(gtin=gtin, names={"en": name, "fr": name + " (fr)"}, price=price, vat=vat,
                   category=category, **extra)


PRODUCTS = (
    _product(NUTELLA, "Nutella 400 g", 429, "reduced", "grocery"),
    _product(COKE, "Coca-Cola 33 cl", 120, "standard", "drinks"),
    _product(EVIAN, "Evian 1.5 l", 85, "reduced", "water"),
    _product(BEER, "Heineken 25 cl", 199, "standard", "alcohol", min_age=18, deposit=DEPOSIT),
    _product(WHISKY, "Jack Daniel's 70 cl", 2899, "standard", "alcohol", min_age=18),
    _product(PEN, "Stabilo Point 88", 150, "standard", "stationery"),
    _product(CHOCOLATE, "Milka 100 g", 135, "reduced", "grocery"),
    _product(BANANAS, "Bananas", 199, "reduced", "produce", unit=Unit.KG, plu="4011"),
    _product(DEPOSIT, "Bottle deposit", 25, "standard", "deposit"),
    _product(BAG, "Carrier bag", 10, "standard", "bags"),
)


@dataclass(frozen=True)
class Catalogue:
    """A dict-backed ProductLookup, as the mirror's in-memory index is."""

    by_code: dict[str, Product]

    def by_gtin(self, gtin: str) -> Product | None:
        return self.by_code.get(gtin)

    def by_plu(self, plu: str) -> Product | None:
        return next((p for p in self.by_code.values() if p.plu == plu), None)


CATALOGUE = Catalogue({p.gtin: p for p in PRODUCTS})
EVIAN_3_FOR_2 = Promotion.from_dict({"id": "evian-3for2", "kind": "multibuy",
                                     "names": {"en": "Evian 3 for 2"}, "gtins": [EVIAN],
                                     "quantity": 3, "pay_for": 2})
MEMBER_CHOC = Promotion.from_dict({"id": "member-grocery", "kind": "category",
                                   "names": {"en": "Members: 10% off grocery"},
                                   "category": "grocery", "percent_bp": 1000,
                                   "member_only": True})
WEIGHT_LABEL = LabelTemplate.from_config("2IIIIIIVVVVVK", "weight", 3, "FR scales")
CASH_ROLES = Roles.from_config({**{r: [p.value for p in ps]
                                   for r, ps in DEFAULT_ROLES.permissions.items()},
                                "cashier": ["take_cash", "void_line"]})


def make_ctx(**changes: Any) -> SessionContext:
    ctx = SessionContext(
        catalogue=CATALOGUE, store_id="store-0001", kiosk_id="k01", currency="EUR",
        vat_rates={"standard": 2000, "reduced": 550}, timezone=PARIS,
        promotions=(EVIAN_3_FOR_2, MEMBER_CHOC), templates=(WEIGHT_LABEL,),
        rules=SaleRules(category_hours={"alcohol": (time(8), time(22))},
                        max_quantity_per_line=6, max_items_per_sale=40, quick_picks=(BAG,)),
        roles=DEFAULT_ROLES, languages=("en", "fr", "zh"), default_language="en",
    )
    return replace(ctx, **changes)


def ean13(gtin14: str) -> str:
    return gtin14[1:]


@dataclass
class Kiosk:
    """Drives a session the way the loop does, with a clock that moves one second a step."""

    ctx: SessionContext = field(default_factory=make_ctx)
    sale_number: int = 1
    now: datetime = T0
    session: Session = field(init=False)
    outcomes: list[Outcome] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.session = new_session(self.ctx, self.sale_number)

    def send(self, event_type: type[ev.Event], *args: Any, after: float = 1,
             **kwargs: Any) -> Outcome:
        self.now += timedelta(seconds=after)
        outcome = step(self.session, event_type(*args, at=self.now, **kwargs), self.ctx)
        self.session = outcome.session
        self.outcomes.append(outcome)
        return outcome

    # Shorthands for the events tests use most.
    def scan(self, gtin14: str, **kw: Any) -> Outcome:
        return self.send(ev.ItemScanned, ean13(gtin14), "ean13", **kw)

    def pay(self) -> Outcome:
        return self.send(ev.PayPressed)

    def staff(self, staff_id: str = "s-017", role: str = "attendant") -> Outcome:
        return self.send(ev.StaffUnlocked, staff_id, role)

    def attempt_id(self) -> str:
        attempt = self.session.in_flight or self.session.attempts[-1]
        return attempt.attempt_id

    def approve(self, **kw: Any) -> Outcome:
        auth = {"auth_code": "A1B2C3", "masked_pan": "************4242", "terminal_id": "T-77"}
        return self.send(ev.PaymentResult, self.attempt_id(), ev.PaymentOutcome.APPROVED,
                         self.session.total, auth, **kw)

    def answer(self, outcome: ev.PaymentOutcome, **auth: str) -> Outcome:
        return self.send(ev.PaymentResult, self.attempt_id(), outcome, None, auth)

    def effects(self, kind: type[Effect]) -> list[Any]:
        return [e for o in self.outcomes for e in o.effects if isinstance(e, kind)]


def kinds(outcome: Outcome) -> list[str]:
    return [type(effect).__name__ for effect in outcome.effects]


def eur(minor: int) -> Money:
    return Money(minor, "EUR")


def test_the_catalogue_gtins_have_valid_check_digits() -> None:
    for product in PRODUCTS:
        assert len(product.gtin) == 14
        assert check_digit(product.gtin[:-1]) == int(product.gtin[-1]), product.names["en"]


def test_the_banana_label_maps_to_the_catalogue_key() -> None:
    assert WEIGHT_LABEL.lookup_gtin(BANANA_LABEL_1234G) == BANANAS
    assert CATALOGUE.by_plu("4011") is CATALOGUE.by_gtin(BANANAS)
