"""The catalogue file: TinyDB's JSON layout, written in one canonical form and sealed by a digest.

The file is an ordinary TinyDB database (tables ``products``, ``promotions``, ``meta``), so
TinyDB's own ``Query`` and any JSON tool can read it. The mirror always writes it the same way::

    {"products":{
    "3760000009010":P1,
    "3760000009027":P2
    },"promotions":{"1":Q1,...},"meta":{"1":META}}

A product's TinyDB document id is its GTIN read as a number, so each product's line is
self-contained and a product keeps its id from version to version. Products are sorted by
GTIN, one per line, and promotions by id; each entry is ``json.dumps`` of its ``to_dict()``
with sorted keys, compact separators and ASCII escapes, so the only raw newlines in the file
are the ones between products. ``META`` holds the version, currency, schema, when it was
applied, the counts, and ``digest``: the SHA-256 of the bytes between the opening ``{`` and
``,"meta":``, which is exactly the canonical encoding of the content. So the digest is both:

- an integrity seal: a file that parses but was altered, truncated and re-closed, or mixes two
  versions no longer matches it, and is treated as corrupt;
- the fast path: when the bytes in place match the digest they are our own validated output,
  so loading can skip re-validating 100k products, and even building them until they are
  looked up (:mod:`kiosk.store.catalogue_records`); that is what keeps a cold start of a
  100k-product catalogue well under a second and a half. Each product's line is kept as bytes,
  so a delta rewrites the file by joining lines instead of re-encoding 100k products.

A file in another layout (written by stock TinyDB, or by hand) goes through the slow path:
every product and promotion is validated and re-encoded canonically, and the result must match
the recorded digest. Only the mirror writes this file; nothing here touches the disk.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kiosk.core.product import Product
from kiosk.core.promotions import Promotion
from kiosk.errors import CatalogueError
from kiosk.store.catalogue_products import parse_products
from kiosk.store.catalogue_records import ProductTable, check_record, record_of
from kiosk.store.catalogue_update import (
    SCHEMA,
    CatalogueState,
    check_version,
    parse_promotions,
)

DIGEST_PREFIX = "sha256:"
_HEAD = b'{"products":{\n'
_PRODUCTS_END = b'\n},"promotions":'
_SEPARATOR = b",\n"
_META = b',"meta":{"1":'
_TAIL = b"}}"
META_FIELDS = ("schema", "version", "currency", "applied_at", "digest", "products", "promotions")


class _ConstantError(ValueError):
    """NaN and Infinity are not JSON; Python's parser accepts them unless told otherwise."""


def _reject_constant(name: str) -> Any:
    raise _ConstantError(f"{name} is not a JSON number")


def _loads(raw: bytes) -> Any:
    return json.loads(raw, parse_constant=_reject_constant)


@dataclass(frozen=True, slots=True)
class Meta:
    version: str
    currency: str
    applied_at: str  # ISO 8601, UTC
    digest: str
    products: int
    promotions: int
    schema: int = SCHEMA

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in META_FIELDS}


@dataclass(frozen=True, slots=True)
class CatalogueFile:
    """A decoded file: the state, its meta record, and the products' canonical lines.

    The lines are needed only when an update rewrites the file, so a file read on the fast
    path keeps its verified bytes and splits them on first use instead of during start-up.
    """

    state: CatalogueState
    meta: Meta
    raw: bytes = b""  # the verified file, in our layout (fast path)
    lines: dict[str, bytes] | None = None  # each product's line by GTIN (slow path)

    def fragments(self) -> dict[str, bytes]:
        """Each product's line, by GTIN."""
        if self.lines is not None:
            return self.lines
        end = self.raw.index(_PRODUCTS_END)
        lines = self.raw[len(_HEAD):end].split(_SEPARATOR)
        return dict(zip(self.state.products, lines, strict=True))


@contextmanager
def paused_gc() -> Iterator[None]:
    """Building 100k small objects triggers the cyclic GC hundreds of times for nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# One encoder for every entry: ``json.dumps`` would build a new one per call, which is a third
# of the cost of a product's line. No circular check: entries come from parsed JSON or from
# validated Products, and a cycle would still end in a RecursionError, refused below.
_ENCODER = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), sort_keys=True,
                            allow_nan=False, check_circular=False)


def _dumps(value: Any) -> bytes:
    return _ENCODER.encode(value).encode("ascii")


def encode_record(record: Mapping[str, Any]) -> bytes:
    """The canonical line of a product from its canonical record (``Product.to_dict()``);
    CatalogueError when a field is not JSON-able."""
    try:
        return b'"%d":%s' % (int(record["gtin"]), _dumps(record))
    except (TypeError, ValueError, RecursionError) as exc:
        raise CatalogueError(f"product {record['gtin']} cannot be stored",
                             f"a field holds a value JSON cannot represent ({exc})",
                             "Fix the product on the fleet side.") from None


def encode_products(products: Mapping[str, Product]) -> dict[str, bytes]:
    """Every product's canonical line by GTIN; a table's records are encoded as they are."""
    if isinstance(products, ProductTable):
        return {gtin: encode_record(record) for gtin, record in products.records()}
    return {gtin: encode_record(record_of(product)) for gtin, product in products.items()}


def _table(entries: list[bytes]) -> bytes:
    return b"{" + b",".join([b'"%d":%s' % (n, e) for n, e in enumerate(entries, 1)]) + b"}"


def encode_content(fragments: Mapping[str, bytes], promotions: Mapping[str, Promotion]) -> bytes:
    """The canonical encoding of products and promotions: what the digest covers."""
    products = _SEPARATOR.join([fragments[gtin] for gtin in sorted(fragments)])
    promos = _table([_dumps(promotions[pid].to_dict()) for pid in sorted(promotions)])
    return _HEAD[1:] + products + _PRODUCTS_END + promos


def digest_of(content: bytes | memoryview) -> str:
    return DIGEST_PREFIX + hashlib.sha256(content).hexdigest()


def content_digest(state: CatalogueState) -> str:
    """The digest of a state computed from scratch: how tests and the kill check compare."""
    return digest_of(encode_content(encode_products(state.products), state.promotions))


def encode_file(state: CatalogueState, fragments: Mapping[str, bytes],
                applied_at: datetime) -> tuple[bytes, Meta]:
    """The whole file for ``state``; ``fragments`` must hold every product's canonical bytes."""
    if state.version is None:
        raise ValueError("an empty first-boot state is never written")
    content = encode_content(fragments, state.promotions)
    when = applied_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    meta = Meta(state.version, state.currency, when, digest_of(content),
                len(state.products), len(state.promotions))
    return b"{" + content + _META + _dumps(meta.to_dict()) + _TAIL, meta


def _corrupt(what: str, why: str = "") -> CatalogueError:
    return CatalogueError(what, why)


def _meta(doc: Any, currency: str) -> Meta:
    if not isinstance(doc, dict):
        raise _corrupt("its meta record is missing or not an object")
    missing = [name for name in META_FIELDS if name not in doc]
    if missing:
        raise _corrupt(f"its meta record has no {missing[0]!r}")
    if doc["schema"] != SCHEMA or isinstance(doc["schema"], bool):
        raise _corrupt(f"it is written in schema {doc['schema']!r:.20}",
                       f"this kiosk reads schema {SCHEMA}")
    if doc["currency"] != currency:
        raise _corrupt(f"it is priced in {doc['currency']!r:.20}",
                       f"this kiosk sells in {currency}")
    texts = ("applied_at", "digest")
    if not all(isinstance(doc[name], str) for name in texts):
        raise _corrupt("its meta record has a non-text 'applied_at' or 'digest'")
    counts = (doc["products"], doc["promotions"])
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in counts):
        raise _corrupt("its meta record has non-integer counts")
    try:
        version = check_version(doc["version"], "version")
    except CatalogueError as exc:
        raise _corrupt(f"its meta record has a bad version ({exc.why})") from None
    return Meta(version, currency, doc["applied_at"], doc["digest"], *counts)


def _fast(raw: bytes, currency: str) -> CatalogueFile | None:
    """Our own layout, vouched for by the digest; None sends the file down the slow path."""
    cut = raw.rfind(_META)
    if not (raw.startswith(_HEAD) and raw.endswith(_TAIL)) or cut < 0:
        return None
    try:
        doc = _loads(raw[cut + len(_META):-len(_TAIL)])
    except (ValueError, RecursionError):
        return None
    meta = _meta(doc, currency)
    if digest_of(memoryview(raw)[1:cut]) != meta.digest:
        return None
    try:
        return _build_trusted(raw, meta, currency)
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError, CatalogueError):
        return None  # bytes we wrote ourselves cannot fail here; let the slow path say why


def _build_trusted(raw: bytes, meta: Meta, currency: str) -> CatalogueFile | None:
    """The verified bytes as a state whose products are built on first use."""
    tables = _loads(raw)
    records = list(tables["products"].values())
    lines = raw.count(_SEPARATOR, len(_HEAD), raw.index(_PRODUCTS_END)) + 1
    if not all(check_record(record) for record in records):
        return None
    products = ProductTable({record["gtin"]: record for record in records})
    if not lines == len(records) == len(products):
        return None
    promos = [Promotion.from_dict(d) for d in tables["promotions"].values()]
    promotions = {p.promotion_id: p for p in promos}
    return CatalogueFile(CatalogueState(meta.version, currency, products, promotions), meta, raw)


def _table_entries(tables: dict[str, Any], name: str) -> list[Any]:
    table = tables.get(name, {})
    if not isinstance(table, dict):
        raise _corrupt(f"its {name!r} table is not an object")
    return list(table.values())


def _slow(raw: bytes, currency: str) -> CatalogueFile:
    """Any TinyDB layout: parse, validate everything, re-encode, and compare with the digest."""
    try:
        tables = _loads(raw)
    except RecursionError:
        raise _corrupt("it is not valid JSON", "it is nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, bad UTF-8, NaN, an absurdly long number
        raise _corrupt("it is not valid JSON", str(exc)) from None
    if not isinstance(tables, dict):
        raise _corrupt("it is not a TinyDB database", "the top level is not an object")
    if "meta" not in tables or "products" not in tables:
        raise _corrupt("it is not a catalogue", "the 'meta' or 'products' table is missing")
    metas = _table_entries(tables, "meta")
    if len(metas) != 1:
        raise _corrupt(f"its meta table holds {len(metas)} records", "it must hold exactly one")
    meta = _meta(metas[0], currency)
    products = parse_products(_table_entries(tables, "products"), "products", None)
    promotions = parse_promotions(_table_entries(tables, "promotions"), "promotions")
    fragments = encode_products(products)
    if digest_of(encode_content(fragments, promotions)) != meta.digest:
        raise _corrupt("its content does not match its digest",
                       "it was altered, or mixes parts of two versions")
    return CatalogueFile(CatalogueState(meta.version, currency, products, promotions), meta,
                         lines=fragments)


def decode_file(raw: bytes, currency: str) -> CatalogueFile:
    """Decode and verify a catalogue file; CatalogueError (``what``/``why``) says what is wrong."""
    if not raw.strip():
        raise _corrupt("it is empty")
    with paused_gc():
        loaded = _fast(raw, currency) or _slow(raw, currency)
    meta, state = loaded.meta, loaded.state
    if (meta.products, meta.promotions) != (len(state.products), len(state.promotions)):
        raise _corrupt("its record counts do not match its meta record",
                       f"meta says {meta.products} products and {meta.promotions} promotions")
    if not state.products:
        raise _corrupt("it holds no products")
    return loaded
