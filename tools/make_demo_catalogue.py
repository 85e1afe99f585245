"""Build ``config/demo-catalogue.json`` from ``tools/demo_catalogue_data.py``.

The JSON is generated, never edited by hand, so that no GTIN carries a mistyped check digit:
invented codes get their check digit computed here, codes copied from real packages have theirs
verified. Every product goes through :meth:`Product.from_dict` and every promotion through
:meth:`Promotion.from_dict`, exactly as the kiosk will load them, and the data is checked
against ``config/kiosk.toml`` (VAT codes, label templates) so the demo cannot drift from the
configuration that reads it. The output is deterministic: products sorted by GTIN, promotions
by id, so a review diff shows only real changes.

Run ``.venv/bin/python tools/make_demo_catalogue.py`` to rewrite the file, or with ``--check``
to only report whether the committed file is current (exit status 1 when it is not).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import sys
import tempfile
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from kiosk.core.product import Product
from kiosk.core.promotions import Promotion
from kiosk.errors import CatalogueError

ROOT = Path(__file__).resolve().parents[1]
DATA_FILE = ROOT / "tools" / "demo_catalogue_data.py"
OUTPUT = ROOT / "config" / "demo-catalogue.json"
DEFAULTS = ROOT / "config" / "kiosk.toml"

SECTION_KEYS = {"category", "vat", "min_age", "low_stock", "rows"}
OPTION_KEYS = {"vat", "min_age", "low_stock", "unit", "deposit"}
AGE_LIMITS = {0, 16, 18}
GRAMS_FLOOR = 100  # a weighed product's low-stock threshold below this is surely in kg
DEPOSIT_CATEGORY = "deposit"
CJK = re.compile(r"[\u4e00-\u9fff]")
FIX = "Correct tools/demo_catalogue_data.py and run tools/make_demo_catalogue.py again."

# Codes copied from real packages: the symbology and how many digits its text has.
PRINTED = {"ean13": 13, "ean8": 8, "upca": 12, "upce": 8, "gtin14": 14}


def _bad(what: str, why: str) -> CatalogueError:
    return CatalogueError(what, why, FIX)


def check_digit(body: str) -> str:
    """GS1 mod-10 check digit of ``body`` (any GTIN length without its last digit)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str(-total % 10)


def expand_upce(text: str) -> str:
    """UPC-E (8 digits, number system 0 or 1) to the UPC-A it abbreviates (12 digits)."""
    system, digits, check = text[0], text[1:7], text[7]
    if system not in "01":
        raise _bad(f"UPC-E {text} cannot be expanded", "its number system must be 0 or 1")
    last = digits[5]
    if last in "012":
        middle = digits[:2] + last + "0000" + digits[2:5]
    elif last == "3":
        middle = digits[:3] + "00000" + digits[3:5]
    elif last == "4":
        middle = digits[:4] + "00000" + digits[4]
    else:
        middle = digits[:5] + "0000" + last
    return system + middle + check


def label_key(template: str, item: str) -> str:
    """The catalogue key of an in-store label: value digits zeroed, EAN-13 check recomputed."""
    if template.count("I") != len(item) or not item.isdigit():
        raise _bad(f"item {item!r} does not fit label template {template}",
                   f"it needs exactly {template.count('I')} digits")
    items = iter(item)
    body = "".join(next(items) if c == "I" else c if c.isdigit() else "0"
                   for c in template[:-1])
    return "0" + body + check_digit(body)


def _printed_gtin(kind: str, text: str) -> str:
    """GTIN-14 of a code copied from a real package; its own check digit must hold."""
    if not (text.isdigit() and len(text) == PRINTED[kind]):
        raise _bad(f"code {kind}={text} is malformed", f"{kind} has {PRINTED[kind]} digits")
    digits = expand_upce(text) if kind == "upce" else text
    if check_digit(digits[:-1]) != digits[-1]:
        raise _bad(f"code {kind}={text} has a wrong check digit",
                   f"it should end in {check_digit(digits[:-1])}")
    return digits.zfill(14)


def resolve(code: str, data: ModuleType) -> tuple[str, str | None]:
    """(GTIN-14, PLU or None) for a row code (grammar in demo_catalogue_data's docstring)."""
    kind, _, value = code.partition("=")
    if not value:
        if not (len(code) == 12 and code.isdigit()) or code[0] in "02":
            raise _bad(f"code {code!r} is not an EAN-13 body",
                       "an invented code is 12 digits (no check digit), not starting 0 or 2")
        return "0" + code + check_digit(code), None
    if kind in PRINTED:
        return _printed_gtin(kind, value), None
    if kind == "plu":
        ifps = value[-4:]
        if not (len(value) in (4, 5) and value.isdigit() and "3000" <= ifps <= "4999"
                and (len(value) == 4 or value[0] == "9")):
            raise _bad(f"PLU {value!r} is not an IFPS PLU",
                       "it is 3000-4999, or 9 and those four digits for organic produce")
        return label_key(data.WEIGHT_LABEL, value.zfill(6)), value
    if kind == "weight":
        if value.startswith("2"):
            raise _bad(f"weight label item {value} starts with 2",
                       "labels starting 22 carry a price (PRICE_LABEL)")
        return label_key(data.WEIGHT_LABEL, value), None
    if kind == "price":
        return label_key(data.PRICE_LABEL, value), None
    raise _bad(f"code {code!r} has an unknown kind {kind!r}",
               "see the code grammar in tools/demo_catalogue_data.py")


def _names(where: str, names: Mapping[str, str], languages: Sequence[str]) -> dict[str, str]:
    if sorted(names) != sorted(languages):
        raise _bad(f"{where} has names in {sorted(names)}", f"it needs exactly {list(languages)}")
    for lang, name in names.items():
        if not isinstance(name, str) or not name or name != name.strip():
            raise _bad(f"{where} has a bad {lang!r} name", "it must be non-empty, no padding")
    if not CJK.search(names["zh"]):
        raise _bad(f"{where} has a 'zh' name without Chinese", f"got {names['zh']!r}")
    return dict(names)


def _options(code: Any, row: Sequence[Any]) -> dict[str, Any]:
    if not isinstance(code, str):
        raise _bad(f"row {row!r} has code {code!r}", "a code is text, e.g. '376000100001'")
    if len(row) not in (5, 6):
        raise _bad(f"row {code!r} has {len(row)} fields",
                   "a row is (code, price, en, fr, zh) with an optional dict of options")
    options = dict(row[5]) if len(row) == 6 else {}
    unknown = sorted(set(options) - OPTION_KEYS)
    if unknown:
        raise _bad(f"row {code!r} has an unknown option {unknown[0]!r}",
                   f"options are {sorted(OPTION_KEYS)}")
    return options


def product_entry(section: Mapping[str, Any], row: Sequence[Any],
                  data: ModuleType) -> dict[str, Any]:
    """One product dict as the catalogue holds it, before the whole-catalogue checks."""
    code = row[0]
    options = _options(code, row)
    gtin, plu = resolve(code, data)
    kind = code.partition("=")[0] if "=" in code else "ean13"
    if "unit" in options and kind != "plu":
        raise _bad(f"row {code!r} sets a unit", "only loose produce (plu=) chooses its unit")
    variable = kind in ("plu", "weight", "price") or (kind == "gtin14" and gtin[0] == "9")
    default_unit = "kg" if variable else "each"
    entry: dict[str, Any] = {
        "gtin": gtin,
        "names": _names(f"row {code!r}", dict(zip(data.LANGUAGES, row[2:5], strict=True)),
                        data.LANGUAGES),
        "price": row[1],
        "vat": options.get("vat", section["vat"]),
        "category": section["category"],
        "unit": options.get("unit", default_unit),
        "min_age": options.get("min_age", section.get("min_age", 0)),
        "low_stock": options.get("low_stock", section.get("low_stock", 0)),
        "plu": plu,
        "image": None,
    }
    if "deposit" in options:
        entry["deposit"] = resolve(options["deposit"], data)[0]
    try:
        product = Product.from_dict(entry)
    except CatalogueError as error:
        raise _bad(f"row {code!r} is not a valid product", error.message) from None
    return product.to_dict()


def _unique(what: str, values: Iterable[str | None]) -> None:
    twice = sorted(v for v, n in Counter(v for v in values if v is not None).items() if n > 1)
    if twice:
        raise _bad(f"{what} {twice[0]!r} is used twice", f"each {what} names one product")


def _check_low_stock(where: str, product: Mapping[str, Any]) -> None:
    """Stock is counted in items or grams (kiosk/store/stock.py): catch a threshold in kg."""
    threshold = product.get("low_stock", 0)
    if product["unit"] == "kg" and 0 < threshold < GRAMS_FLOOR:
        raise _bad(f"{where} has low_stock {threshold}",
                   "a weighed product's threshold is in grams, that looks like kilograms")
    if product["unit"] == "each" and threshold >= GRAMS_FLOOR:
        raise _bad(f"{where} has low_stock {threshold}",
                   "an item's threshold counts items, that looks like grams")


def _check_product(product: Mapping[str, Any], by_gtin: Mapping[str, Mapping[str, Any]],
                   vat_codes: set[str]) -> None:
    where = f"product {product['gtin']} ({product['names']['en']})"
    if product["vat"] not in vat_codes:
        raise _bad(f"{where} has VAT code {product['vat']!r}",
                   f"config/kiosk.toml defines {sorted(vat_codes)}")
    if product.get("min_age", 0) not in AGE_LIMITS:
        raise _bad(f"{where} has age limit {product['min_age']}", f"use one of {AGE_LIMITS}")
    if product["category"] == "alcohol" and product.get("min_age") != 18:
        raise _bad(f"{where} is alcohol without age limit 18", "French law sets 18")
    if product["price"] <= 0:
        raise _bad(f"{where} has no price", "every demo product is for sale")
    _check_low_stock(where, product)
    deposit = product.get("deposit")
    if deposit is not None:
        target = by_gtin.get(deposit)
        if target is None or target["category"] != DEPOSIT_CATEGORY:
            raise _bad(f"{where} links deposit {deposit}",
                       f"that is not a product of category {DEPOSIT_CATEGORY!r}")
    if product["category"] == DEPOSIT_CATEGORY and (deposit or product.get("min_age")):
        raise _bad(f"{where} is a deposit item", "it has no deposit or age limit of its own")


def build_products(data: ModuleType, vat_codes: set[str]) -> list[dict[str, Any]]:
    """Every product of every section, checked one by one and as a whole, sorted by GTIN."""
    listed = {id(section) for section in data.SECTIONS}
    forgotten = [name for name, value in vars(data).items()
                 if isinstance(value, dict) and "rows" in value and id(value) not in listed]
    if forgotten:
        raise _bad(f"section {forgotten[0]} is not in SECTIONS", "its products would be lost")
    products = []
    for section in data.SECTIONS:
        unknown = sorted(set(section) - SECTION_KEYS)
        if unknown:
            raise _bad(f"section {section.get('category')!r} has key {unknown[0]!r}",
                       f"sections have {sorted(SECTION_KEYS)}")
        products += [product_entry(section, row, data) for row in section["rows"]]
    _unique("PLU", (p.get("plu") for p in products))  # before GTIN: a PLU makes its GTIN
    _unique("GTIN", (p["gtin"] for p in products))
    _unique("English name", (p["names"]["en"] for p in products))
    by_gtin = {p["gtin"]: p for p in products}
    for product in products:
        _check_product(product, by_gtin, vat_codes)
    return sorted(products, key=lambda p: p["gtin"])


def _promotion_entry(spec: Mapping[str, Any], by_gtin: Mapping[str, Mapping[str, Any]],
                     data: ModuleType) -> dict[str, Any]:
    entry = {k: v for k, v in spec.items() if k != "codes"}
    where = f"promotion {spec.get('id')!r}"
    _names(where, spec.get("names", {}), data.LANGUAGES)
    if "codes" in spec:
        entry["gtins"] = [resolve(code, data)[0] for code in spec["codes"]]
        for gtin in entry["gtins"]:
            if gtin not in by_gtin:
                raise _bad(f"{where} names {gtin}", "no product has that GTIN")
            if by_gtin[gtin]["unit"] != "each":
                raise _bad(f"{where} names weighed product {gtin}", "deals skip weighed items")
    elif spec.get("category") not in {p["category"] for p in by_gtin.values()}:
        raise _bad(f"{where} names category {spec.get('category')!r}", "no product has it")
    try:
        return Promotion.from_dict(entry).to_dict()
    except CatalogueError as error:
        raise _bad(f"{where} is not a valid promotion", error.message) from None


def build_promotions(data: ModuleType, products: Sequence[Mapping[str, Any]]
                     ) -> list[dict[str, Any]]:
    """Every promotion, resolved to GTINs and checked against the products, sorted by id."""
    by_gtin = {p["gtin"]: p for p in products}
    promotions = [_promotion_entry(spec, by_gtin, data) for spec in data.PROMOTIONS]
    _unique("promotion id", (p["id"] for p in promotions))
    _unique("GTIN in a deal", (g for p in promotions for g in p.get("gtins", [])))
    return sorted(promotions, key=lambda p: p["id"])


def check_config(data: ModuleType, config_path: Path = DEFAULTS) -> set[str]:
    """The VAT codes of the configuration, after checking it holds the data's label templates."""
    with config_path.open("rb") as handle:
        config = tomllib.load(handle)
    patterns = {t.get("pattern") for t in config.get("barcode", {}).get("templates", [])}
    for name in ("WEIGHT_LABEL", "PRICE_LABEL"):
        if getattr(data, name) not in patterns:
            raise _bad(f"{name} {getattr(data, name)} is not a template of {config_path.name}",
                       f"the kiosk reads labels with {sorted(p for p in patterns if p)}")
    return set(config.get("vat", {}))


def check_photos(data: ModuleType, products: Sequence[Mapping[str, Any]]) -> None:
    """Every photographed code listed in PHOTOS is a product, so the camera demo finds it."""
    gtins = {p["gtin"] for p in products}
    for photo, code in data.PHOTOS.items():
        if resolve(code, data)[0] not in gtins:
            raise _bad(f"photo {photo} shows {code}", "no product has that code")


def load_data(path: Path = DATA_FILE) -> ModuleType:
    """The data module, loaded from its file so this runs from anywhere (and from tests)."""
    spec = importlib.util.spec_from_file_location("demo_catalogue_data", path)
    if spec is None or spec.loader is None:
        raise _bad(f"cannot load {path}", "it is not a Python file")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_catalogue(data: ModuleType | None = None) -> dict[str, Any]:
    """The whole snapshot, validated; raises :class:`CatalogueError` naming the bad entry."""
    data = data or load_data()
    vat_codes = check_config(data)
    products = build_products(data, vat_codes)
    check_photos(data, products)
    return {
        "schema": 1,
        "kind": "snapshot",
        "version": data.VERSION,
        "currency": data.CURRENCY,
        "products": products,
        "promotions": build_promotions(data, products),
    }


def render(catalogue: Mapping[str, Any]) -> str:
    """The file's text: one-space indent and real accents and hanzi, for people to read."""
    return json.dumps(catalogue, indent=1, ensure_ascii=False) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` whole, so an interrupted run never leaves half a catalogue behind."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        os.chmod(temp, 0o644)  # mkstemp makes it private; this is a shared config file
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="only check that the committed file is current")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    try:
        catalogue = build_catalogue()
    except CatalogueError as error:
        print(f"demo catalogue not built: {error.message}", file=sys.stderr)
        return 2
    text = render(catalogue)
    summary = f"{len(catalogue['products'])} products, {len(catalogue['promotions'])} promotions"
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date; run tools/make_demo_catalogue.py",
                  file=sys.stderr)
            return 1
        print(f"{args.output} is current ({summary})")
        return 0
    write_atomically(args.output, text)
    print(f"wrote {args.output} ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
