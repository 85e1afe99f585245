"""``kiosk-fleet ...``: the fleet manager's tools.

  generate   write a realistic generated catalogue (demos, benchmarks)
  check      validate a snapshot or delta file exactly as a kiosk would
  keygen     make the fleet's Ed25519 signing key (the public half goes into kiosk configs)
  push       sign and publish a catalogue (full, or the delta from a previous version) to one
             store, several or all; optionally to a share of kiosks first, then the rest
  push-staff sign and publish a store's staff file (ids, roles, scrypt PIN hashes); every
             kiosk of the store verifies, writes and reloads it, and answers
  status     one line per kiosk: online, last seen, versions, pending acks, alerts
  collect    store every kiosk's sales, stock, events and acks in a central SQLite database
  report     sales by day, hour, product, kiosk, payment method; best sellers; peak hours;
             low stock; as tables, and as CSV with --csv-dir
  simulate   run N headless kiosks against a broker (try a push, feed the collector)

Every command that talks to the broker takes --host, --port, --username, --password-file and
the --tls-* options.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import UTC
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.clock import utc_now
from kiosk.errors import ConfigError, KioskError
from kiosk.fleet import catgen
from kiosk.store.catalogue_update import parse_update
from kiosk.sync.messages import MessageRejected, parse_time

from . import collect, keys, push_staff, report, simulate
from . import publication as pub
from .acks import AckWatcher
from .broker_client import BrokerSettings, FleetClient, add_broker_arguments
from .push import Pusher, PushPlan
from .status import status_table
from .updates import compute_delta, load_catalogue, load_json
from .view import build_views, retained_filters


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk-fleet", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("generate", help="write a generated catalogue (and optionally a delta); "
                   "takes kiosk.fleet.catgen's options, e.g. --products 1000 --out c.json")
    check = sub.add_parser("check", help="validate a snapshot or delta file as a kiosk would")
    check.add_argument("file", type=Path)
    check.add_argument("--currency", default="EUR")
    keygen = sub.add_parser("keygen", help="make the fleet signing key")
    keygen.add_argument("--out", type=Path, default=Path("fleet.key"))
    _push_parser(sub)
    staff = sub.add_parser("push-staff", help="sign and publish a store's staff file")
    staff.add_argument("file", type=Path, help='{"staff": [{"id", "name", "role", "pin"}]} with '
                       "scrypt PIN hashes")
    staff.add_argument("--key", type=Path, required=True, help="the fleet's private key")
    staff.add_argument("--store", action="append", default=[], help="repeatable")
    staff.add_argument("--wait", type=float, default=0.0,
                       help="wait this many seconds for every kiosk's answer and list them")
    add_broker_arguments(staff)
    status = sub.add_parser("status", help="a table of kiosks")
    status.add_argument("--store", action="append", default=[])
    status.add_argument("--db", type=Path, help="the collector's database (acks, alerts)")
    status.add_argument("--csv", type=Path)
    add_broker_arguments(status)
    col = sub.add_parser("collect", help="collect sales, stock, events and acks")
    col.add_argument("--db", type=Path, required=True)
    col.add_argument("--group", default="central", help="shared-subscription group")
    col.add_argument("--client-id", default="kiosk-fleet-collector")
    col.add_argument("--seconds", type=float, help="stop after this long (default: never)")
    add_broker_arguments(col)
    rep = sub.add_parser("report", help="sales reports from the collector's database")
    rep.add_argument("--db", type=Path, required=True)
    rep.add_argument("--by", action="append", choices=report.REPORTS,
                     help="which report (repeatable; default: all)")
    rep.add_argument("--from", dest="since", help="first day, YYYY-MM-DD (store time)")
    rep.add_argument("--to", dest="until", help="last day, YYYY-MM-DD")
    rep.add_argument("--store")
    rep.add_argument("--tz", default="UTC", help="the store's time zone, e.g. Europe/Paris")
    rep.add_argument("--top", type=int, default=10)
    rep.add_argument("--csv-dir", type=Path, help="also write each table as CSV here")
    simulate.add_arguments(sub.add_parser("simulate", help="run simulated kiosks"))
    return parser


def _push_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    push = sub.add_parser("push", help="sign and publish a catalogue update")
    push.add_argument("file", type=Path, help="the full catalogue: JSON snapshot or store CSV")
    push.add_argument("--delta-from", type=Path, help="the previous version (JSON): send the "
                      "delta from it; kiosks on another version take the full snapshot")
    push.add_argument("--version", help="the version of a CSV catalogue")
    push.add_argument("--currency", default="EUR", help="the currency of a CSV catalogue")
    push.add_argument("--key", type=Path, required=True, help="the fleet's private key")
    push.add_argument("--store", action="append", default=[], help="repeatable")
    push.add_argument("--all-stores", action="store_true")
    push.add_argument("--effective-at", help="apply at this UTC time, e.g. 2026-03-16T05:00Z")
    push.add_argument("--first", help="a share of each store's kiosks first: 10%% or 3")
    push.add_argument("--first-only", action="store_true", help="stop after the first share")
    push.add_argument("--first-wait", type=float, default=300.0)
    push.add_argument("--wait", type=float, default=0.0,
                      help="wait this many seconds for every kiosk's ack and list them")
    push.add_argument("--part-bytes", type=int, default=256 * 1024)
    add_broker_arguments(push)


def _check(path: Path, currency: str) -> int:
    update = parse_update(load_json(path), currency=currency)
    base = f" on base {update.base}" if update.base else ""
    print(f"{path}: valid {update.kind} version {update.version}{base}, "
          f"{len(update.upsert)} products")
    return 0


def _push(args: argparse.Namespace) -> int:
    if not args.store and not args.all_stores:
        raise ConfigError("no store named", "a push goes to --store S (repeatable) or "
                          "--all-stores", "Name the stores.")
    old = load_catalogue(args.delta_from) if args.delta_from else None
    new = load_catalogue(args.file, version=args.version, currency=args.currency,
                         promotions=old.get("promotions") if old else None)
    delta = compute_delta(old, new) if old else None
    try:
        effective = parse_time(args.effective_at, "--effective-at", "push") \
            if args.effective_at else None
    except MessageRejected as exc:
        raise ConfigError("bad --effective-at", exc.reason) from None
    plan = PushPlan(pub.encode(new, delta, part_bytes=args.part_bytes),
                    keys.SigningKey.load(args.key), tuple(args.store), effective,
                    args.first, args.first_only, args.first_wait, args.wait)
    watcher = AckWatcher()
    with FleetClient(BrokerSettings.from_args(args), name="kiosk-fleet-push",
                     handler=watcher.on_message) as client:
        return Pusher(client, watcher, plan).run()


def _push_staff(args: argparse.Namespace) -> int:
    staff = push_staff.StaffFile.load(args.file)
    key = keys.SigningKey.load(args.key)
    answers = push_staff.Answers()
    with FleetClient(BrokerSettings.from_args(args), name="kiosk-fleet-push-staff",
                     handler=answers.on_message) as client:
        return push_staff.push_staff(client, answers, staff, key, tuple(args.store),
                                     wait_s=args.wait)


def _status(args: argparse.Namespace) -> int:
    with FleetClient(BrokerSettings.from_args(args), name="kiosk-fleet-status") as client:
        filters = [f for s in args.store or ["+"] for f in retained_filters(s)]
        views = build_views(client.retained(filters))
    table = status_table(views, utc_now(), args.db)
    print(table.render())
    if args.csv:
        table.write_csv(args.csv)
    for view in views.values():
        for problem in view.problems:
            print(f"warning: {problem}")
    return 0


def _report(args: argparse.Namespace) -> int:
    try:
        tz = UTC if args.tz == "UTC" else ZoneInfo(args.tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown time zone {args.tz!r}", "use a name like Europe/Paris") \
            from None
    if not args.db.exists():
        raise ConfigError(f"no database at {args.db}", "collect writes it",
                          "Run 'kiosk-fleet collect --db ...' first.")
    tables = report.build(args.db, tuple(args.by or report.REPORTS), tz=tz, since=args.since,
                          until=args.until, store=args.store, top=args.top)
    for table in tables:
        print(table.render(), end="\n\n")
    if args.csv_dir:
        args.csv_dir.mkdir(parents=True, exist_ok=True)
        for name, table in zip(args.by or report.REPORTS, tables, strict=True):
            table.write_csv(args.csv_dir / f"{name}.csv")
        print(f"CSV written to {args.csv_dir}")
    return 0


def _keygen(args: argparse.Namespace) -> int:
    for line in keys.keygen(args.out):
        print(line)
    return 0


def _collect(args: argparse.Namespace) -> int:
    return collect.run(BrokerSettings.from_args(args), args.db, group=args.group,
                       client_id=args.client_id, seconds=args.seconds)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": lambda args: _check(args.file, args.currency), "keygen": _keygen, "push": _push,
    "push-staff": _push_staff,
    "status": _status, "collect": _collect, "report": _report, "simulate": simulate.main,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, rest = parser.parse_known_args(argv)
    if rest and args.command != "generate":
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    try:
        if args.command == "generate":
            return catgen.main(rest)
        return COMMANDS[args.command](args)
    except KioskError as exc:
        print(f"kiosk-fleet: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
