"""``kiosk-fleet ...``: the fleet manager's tools.

This first version prepares catalogues: generate a realistic one (demos, benchmarks) and check
an update file exactly as a kiosk would judge it, before anything is sent. Pushing signed
updates over MQTT, watching acknowledgements and collecting sales come with the MQTT issue.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk.errors import CatalogueError
from kiosk.fleet import catgen
from kiosk.store.catalogue_update import parse_update


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk-fleet", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("generate", help="write a generated catalogue (and optionally a delta); "
                   "takes kiosk.fleet.catgen's options, e.g. --products 1000 --out c.json")
    check = sub.add_parser("check", help="validate a snapshot or delta file as a kiosk would")
    check.add_argument("file", type=Path)
    check.add_argument("--currency", default="EUR")
    return parser


def _check(path: Path, currency: str) -> int:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CatalogueError(f"cannot read {path}", str(exc)) from None
    update = parse_update(data, currency=currency)
    base = f" on base {update.base}" if update.base else ""
    print(f"{path}: valid {update.kind} version {update.version}{base}, "
          f"{len(update.upsert)} products")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, rest = parser.parse_known_args(argv)
    if rest and args.command != "generate":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    try:
        if args.command == "generate":
            return catgen.main(rest)
        return _check(args.file, args.currency)
    except CatalogueError as exc:
        print(f"kiosk-fleet: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
