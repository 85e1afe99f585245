"""Synthetic catalogues for benchmarks and kill tests: N realistic products from a seed.

Realistic where it costs the kiosk something: GTINs in the spellings real shelves carry
(EAN-13 from several countries, UPC-A, EAN-8, GTIN-14 multipacks) with correct check digits,
names in English, French and Simplified Chinese, all four VAT codes of the default config,
weighed produce with PLUs and deli items keyed like in-store weight labels, age-restricted
alcohol, bottle deposits, and the three kinds of promotions. The same seed always gives the
same catalogue, so a benchmark or a failing kill trial can be reproduced exactly.

``python -m kiosk.fleet.catgen --products 100000 --out catalogue.json`` writes a snapshot;
``--delta-changes 1000 --delta-out delta.json`` also writes a delta against it.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.core.gtin import with_check_digit

# Name parts are "English|French|Chinese".
BRANDS = (
    "Bellevue|Bellevue|贝勒维", "Les Prés|Les Prés|绿野", "Nordika|Nordika|北欧佳",
    "Casa Verde|Casa Verde|绿屋", "Golden Field|Champ d'Or|金田", "Maison Alba|Maison Alba|阿尔巴",
    "Sunrise|Soleil Levant|旭日", "Kerlann|Kerlann|凯尔兰", "Alpenhof|Alpenhof|阿尔卑斯",
    "Blue Harbor|Port Bleu|蓝港", "Petit Moulin|Petit Moulin|小磨坊",
    "Jade Garden|Jardin de Jade|翠园",
)
FOOD = ("||", "Organic |bio |有机", "Light |allégé |低脂", "Family pack |format familial |家庭装",
        "Classic |classique |经典")
NON_FOOD = ("||", "Classic |classique |经典", "Family pack |format familial |家庭装",
            "Eco |écologique |环保")


@dataclass(frozen=True, slots=True)
class Family:
    """A shelf: what its products are called and how they are taxed, sold and priced."""

    category: str
    vat: str
    nouns: tuple[str, ...]
    sizes: tuple[str, ...]
    prices: tuple[int, int]  # minor units (per kg for weighed)
    weight: int  # share of the catalogue
    unit: str = "each"
    min_age: int = 0
    deposit: bool = False
    variants: tuple[str, ...] = FOOD


FAMILIES = (
    Family("dairy", "reduced",
           ("Whole milk|Lait entier|全脂牛奶", "Natural yoghurt|Yaourt nature|原味酸奶",
            "Butter|Beurre|黄油", "Cream cheese|Fromage frais|奶油奶酪",
            "Crème fraîche|Crème fraîche|法式酸奶油"),
           ("1 L|1 L|1升", "500 g|500 g|500克", "4 x 125 g|4 x 125 g|4 x 125克",
            "250 g|250 g|250克"),
           (79, 649), 12),
    Family("bakery", "reduced",
           ("Sliced bread|Pain de mie|切片面包", "Croissants|Croissants|牛角包",
            "Brioche|Brioche|布里欧修", "Rye bread|Pain de seigle|黑麦面包"),
           ("x4|x4|4个", "500 g|500 g|500克", "400 g|400 g|400克"), (89, 459), 8),
    Family("grocery", "reduced",
           ("Penne pasta|Penne|通心粉", "Basmati rice|Riz basmati|香米",
            "Olive oil|Huile d'olive|橄榄油", "Ground coffee|Café moulu|研磨咖啡",
            "Green tea|Thé vert|绿茶"),
           ("500 g|500 g|500克", "1 kg|1 kg|1公斤", "75 cl|75 cl|75厘升",
            "20 bags|20 sachets|20袋"),
           (99, 1299), 20),
    Family("snacks", "reduced",
           ("Salted crisps|Chips salées|咸味薯片", "Butter biscuits|Petits beurre|黄油饼干",
            "Dark chocolate|Chocolat noir|黑巧克力", "Roasted almonds|Amandes grillées|烤杏仁"),
           ("150 g|150 g|150克", "200 g|200 g|200克", "100 g|100 g|100克"), (89, 499), 12),
    Family("drinks", "reduced",
           ("Still water|Eau plate|矿泉水", "Orange juice|Jus d'orange|橙汁", "Cola|Cola|可乐",
            "Sparkling water|Eau gazeuse|气泡水"),
           ("1.5 L|1,5 L|1.5升", "6 x 50 cl|6 x 50 cl|6 x 50厘升", "1 L|1 L|1升"), (45, 599),
           10, deposit=True),
    Family("alcohol", "standard",
           ("Lager|Bière blonde|拉格啤酒", "Red wine|Vin rouge|红葡萄酒",
            "Dry cider|Cidre brut|干苹果酒",
            "Single malt whisky|Whisky single malt|单一麦芽威士忌"),
           ("33 cl|33 cl|33厘升", "75 cl|75 cl|75厘升", "6 x 25 cl|6 x 25 cl|6 x 25厘升"),
           (129, 3999), 7, min_age=18, deposit=True, variants=("||", "Organic |bio |有机")),
    Family("household", "standard",
           ("Washing-up liquid|Liquide vaisselle|洗洁精", "Kitchen roll|Essuie-tout|厨房纸巾",
            "Bin bags|Sacs poubelle|垃圾袋"),
           ("500 ml|500 ml|500毫升", "x2|x2|2卷", "30 L x 20|30 L x 20|30升 x 20"), (119, 699),
           9, variants=NON_FOOD),
    Family("hygiene", "standard",
           ("Shampoo|Shampooing|洗发水", "Toothpaste|Dentifrice|牙膏",
            "Shower gel|Gel douche|沐浴露"),
           ("250 ml|250 ml|250毫升", "75 ml|75 ml|75毫升"), (149, 799), 8, variants=NON_FOOD),
    Family("frozen", "reduced",
           ("Garden peas|Petits pois|青豆", "Margherita pizza|Pizza margherita|玛格丽特披萨",
            "Vanilla ice cream|Glace vanille|香草冰淇淋"),
           ("450 g|450 g|450克", "1 L|1 L|1升"), (159, 699), 6),
    Family("ready-meals", "intermediate",
           ("Ham sandwich|Sandwich jambon|火腿三明治", "Chicken salad bowl|Salade poulet|鸡肉沙拉",
            "Hot coffee|Café chaud|热咖啡"),
           ("||", "large|grand|大杯"), (150, 650), 3),
    Family("press", "super-reduced",
           ("Daily newspaper|Quotidien|日报", "TV guide|Programme télé|电视周刊"),
           ("||",), (130, 450), 1, variants=("||",)),
    Family("produce", "reduced",
           ("Apples|Pommes|苹果", "Bananas|Bananes|香蕉", "Tomatoes|Tomates|番茄",
            "Carrots|Carottes|胡萝卜", "Potatoes|Pommes de terre|土豆", "Pears|Poires|梨"),
           ("loose|vrac|散装",), (99, 599), 3, unit="kg"),
    Family("deli", "reduced",
           ("Cooked ham|Jambon cuit|熟火腿", "Comté cheese|Comté|孔泰奶酪", "Olives|Olives|橄榄"),
           ("by weight|à la coupe|称重",), (990, 3990), 1, unit="kg"),
)
DEPOSITS = (("03760000009010", 10), ("03760000009027", 20), ("03760000009034", 25))
EAN13_PREFIXES = ("300", "330", "340", "376", "400", "410", "500", "540", "800", "840", "870",
                  "690")


def _words(text: str) -> tuple[str, str, str]:
    en, fr, zh = text.split("|")
    return en, fr, zh


def _names(brand: str, variant: str, noun: str, size: str) -> dict[str, str]:
    (b_en, b_fr, b_zh), (v_en, v_fr, v_zh) = _words(brand), _words(variant)
    (n_en, n_fr, n_zh), (s_en, s_fr, s_zh) = _words(noun), _words(size)
    return {"en": " ".join(f"{b_en} {v_en}{n_en.lower() if v_en else n_en} {s_en}".split()),
            "fr": " ".join(f"{n_fr} {v_fr}{b_fr} {s_fr}".split()),
            "zh": f"{b_zh}{v_zh}{n_zh} {s_zh}".strip()}


class _Generator:
    """Holds what must stay unique across a catalogue: GTINs, PLUs, label item numbers."""

    def __init__(self, rng: random.Random, taken: set[str] | None = None) -> None:
        self.rng = rng
        self.gtins: set[str] = set(taken or ()) | {g for g, _ in DEPOSITS}
        self.plus: set[str] = set()
        self.next_plu = 3000
        self.next_label = 100000

    def _unique(self, make: Any) -> str:
        while True:
            gtin = make()
            if gtin not in self.gtins:
                self.gtins.add(gtin)
                return gtin

    def trade_gtin(self) -> str:
        """EAN-13 (most), UPC-A, EAN-8 or GTIN-14 multipack, as GTIN-14."""
        rng = self.rng
        roll = rng.random()

        def digits(n: int) -> str:
            return f"{rng.randrange(10**n):0{n}d}"

        if roll < 0.85:
            return self._unique(lambda: "0" + with_check_digit(rng.choice(EAN13_PREFIXES)
                                                               + digits(9)))
        if roll < 0.93:
            return self._unique(lambda: "00" + with_check_digit(rng.choice("0167") + digits(10)))
        if roll < 0.98:
            return self._unique(lambda: "000000" + with_check_digit(
                rng.choice(("30", "40", "50", "69")) + digits(5)))
        return self._unique(lambda: with_check_digit("1" + rng.choice(EAN13_PREFIXES)
                                                     + digits(9)))

    def label_gtin(self) -> str:
        """Keyed like a '2IIIIIIVVVVVK' weight label: item digits kept, value digits zeroed."""
        def make() -> str:
            self.next_label += 1
            return "0" + with_check_digit(f"2{self.next_label:06d}00000")

        return self._unique(make)

    def plu(self) -> str:
        """Four-digit produce PLUs, then five-digit ones (9 + the number, as organic PLUs)."""
        while True:
            self.next_plu += 1
            plu = str(self.next_plu) if self.next_plu < 10000 else f"9{self.next_plu:05d}"
            if plu not in self.plus:
                self.plus.add(plu)
                return plu

    def product(self, family: Family) -> dict[str, Any]:
        rng = self.rng
        weighed = family.unit == "kg"
        names = _names(rng.choice(BRANDS), rng.choice(family.variants), rng.choice(family.nouns),
                       rng.choice(family.sizes))
        item: dict[str, Any] = {
            "gtin": self.label_gtin() if weighed else self.trade_gtin(), "names": names,
            "price": rng.randrange(*family.prices), "vat": family.vat,
            "category": family.category, "unit": family.unit,
            "low_stock": 0 if weighed else rng.randrange(2, 21),
        }
        if family.category == "produce":
            item["plu"] = self.plu()
        if family.min_age:
            item["min_age"] = family.min_age
        if family.deposit and rng.random() < 0.4:
            item["deposit"] = rng.choice(DEPOSITS)[0]
        if rng.random() < 0.3:
            item["image"] = f"images/{item['gtin']}.jpg"
        return item


def _deposit_items() -> list[dict[str, Any]]:
    names = "Bottle deposit {0:.2f}|Consigne bouteille {0:.2f}|瓶子押金 {0:.2f}"
    items = []
    for gtin, price in DEPOSITS:
        en, fr, zh = names.format(price / 100).split("|")
        items.append({"gtin": gtin, "names": {"en": en, "fr": fr.replace(".", ","), "zh": zh},
                      "price": price, "vat": "standard", "category": "deposit", "unit": "each"})
    return items


def _promotion(rng: random.Random, number: int,
               by_category: dict[str, list[str]]) -> dict[str, Any]:
    category = rng.choice(sorted(c for c in by_category if c != "deposit"))
    gtins = by_category[category]
    pid = f"promo-{number:05d}"
    roll = rng.random()
    if roll < 0.4:
        gtin = rng.choice(gtins)
        return {"id": pid, "kind": "multibuy", "gtins": [gtin], "quantity": 3, "pay_for": 2,
                "names": {"en": "3 for 2", "fr": "3 pour 2", "zh": "买二送一"}}
    if roll < 0.7:
        group = sorted(set(rng.sample(gtins, min(len(gtins), rng.randrange(2, 6)))))
        if len(group) < 2:
            group = gtins[:2] if len(gtins) >= 2 else group
        price = rng.randrange(300, 1000)
        return {"id": pid, "kind": "mixmatch", "gtins": group, "quantity": 2, "price": price,
                "names": {"en": f"Any 2 for {price / 100:.2f}",
                          "fr": f"2 au choix pour {price / 100:.2f}".replace(".", ","),
                          "zh": f"任选两件 {price / 100:.2f}"}}
    percent = rng.choice((5, 10, 15, 20))
    return {"id": pid, "kind": "category", "category": category, "percent_bp": percent * 100,
            "names": {"en": f"{percent}% off {category}", "fr": f"-{percent} % {category}",
                      "zh": f"{category} 减{percent}%"}}


def generate_snapshot(products: int, *, seed: int = 0, version: str = "gen-1",
                      currency: str = "EUR", promotions: int | None = None) -> dict[str, Any]:
    """A schema-1 snapshot of ``products`` products (at least 10) and its promotions."""
    if products < 10:
        raise ValueError("a generated catalogue has at least 10 products")
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    gen = _Generator(rng)
    families = rng.choices(FAMILIES, weights=[f.weight for f in FAMILIES],
                           k=products - len(DEPOSITS))
    items = _deposit_items() + [gen.product(family) for family in families]
    by_category: dict[str, list[str]] = {}
    for item in items:
        by_category.setdefault(item["category"], []).append(item["gtin"])
    count = promotions if promotions is not None else max(3, min(200, products // 500))
    promos = [_promotion(rng, n, by_category) for n in range(1, count + 1)]
    return {"schema": 1, "kind": "snapshot", "version": version, "currency": currency,
            "products": items, "promotions": promos}


def generate_delta(base: dict[str, Any], changes: int, *, seed: int = 0,
                   version: str | None = None) -> dict[str, Any]:
    """A delta of ``changes`` products against ``base`` (a snapshot, or a catalogue state dict).

    About 80 % price changes, 10 % new products, 10 % deletions (never a deposit item, nor a
    product another one links to), plus one promotion replaced when there are promotions.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    products = base["products"]
    linked = {p.get("deposit") for p in products} | {g for g, _ in DEPOSITS}
    gen = _Generator(rng, {p["gtin"] for p in products})
    gen.plus = {p["plu"] for p in products if "plu" in p}
    picked = rng.sample(range(len(products)), min(changes, len(products)))
    upsert, delete = [], []
    for n, index in enumerate(picked):
        old = products[index]
        if n % 10 == 9 and old["gtin"] not in linked:
            delete.append(old["gtin"])
        elif n % 10 == 8:
            upsert.append(gen.product(rng.choices(FAMILIES, [f.weight for f in FAMILIES])[0]))
        else:
            upsert.append({**old, "price": max(1, old["price"] + rng.choice((-20, -10, 10, 30)))})
    delta: dict[str, Any] = {
        "schema": 1, "kind": "delta", "version": version or f"{base['version']}+{changes}",
        "base": base["version"], "currency": base["currency"], "upsert": upsert,
        "delete": delete, "promotions_upsert": [], "promotions_delete": []}
    if base.get("promotions"):
        old = base["promotions"][rng.randrange(len(base["promotions"]))]
        delta["promotions_delete"] = [old["id"]]
        delta["promotions_upsert"] = [{**old, "id": f"{old['id']}-{delta['version']}"}]
    return delta


def advance(base: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``delta`` applied, as a snapshot dict (to chain several deltas)."""
    gone, changed = set(delta["delete"]), {p["gtin"]: p for p in delta["upsert"]}
    products = [changed.pop(p["gtin"], p) for p in base["products"] if p["gtin"] not in gone]
    promos_gone = set(delta["promotions_delete"])
    promotions = [p for p in base["promotions"] if p["id"] not in promos_gone]
    return {**base, "kind": "snapshot", "version": delta["version"],
            "products": products + list(changed.values()),
            "promotions": promotions + delta["promotions_upsert"]}


def update_chain(products: int, deltas: int, changes: int, *, seed: int = 0,
                 prefix: str = "v") -> list[dict[str, Any]]:
    """A snapshot ``{prefix}1`` then ``deltas`` deltas ``{prefix}2``... each on the previous."""
    state = generate_snapshot(products, seed=seed, version=f"{prefix}1",
                              promotions=max(3, products // 100))
    chain = [state]
    for n in range(2, deltas + 2):
        delta = generate_delta(state, changes, seed=seed * 1000 + n, version=f"{prefix}{n}")
        chain.append(delta)
        state = advance(state, delta)
    return chain


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.fleet.catgen", description=__doc__)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--version", default="gen-1")
    parser.add_argument("--currency", default="EUR")
    parser.add_argument("--out", type=Path, required=True, help="snapshot JSON file to write")
    parser.add_argument("--delta-changes", type=int, default=0)
    parser.add_argument("--delta-out", type=Path, help="delta JSON file to write")
    args = parser.parse_args(argv)
    if args.delta_changes and not args.delta_out:
        parser.error("--delta-changes needs --delta-out")
    snapshot = generate_snapshot(args.products, seed=args.seed, version=args.version,
                                 currency=args.currency)
    args.out.write_text(json.dumps(snapshot, ensure_ascii=False), encoding="utf-8")
    print(f"{args.out}: {len(snapshot['products'])} products, "
          f"{len(snapshot['promotions'])} promotions, version {args.version}")
    if args.delta_changes:
        delta = generate_delta(snapshot, args.delta_changes, seed=args.seed + 1)
        args.delta_out.write_text(json.dumps(delta, ensure_ascii=False), encoding="utf-8")
        print(f"{args.delta_out}: {len(delta['upsert'])} upserts, {len(delta['delete'])} "
              f"deletes, {delta['base']} -> {delta['version']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
