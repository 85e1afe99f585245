"""``kiosk ...``: the entry point store IT and the appliance's service use.

Thin on purpose: it parses arguments, loads configuration and hands over to
:mod:`kiosk.app`. Every error that reaches here is a :class:`KioskError` printed as one line a
person can act on (exit status 2 for configuration, 1 otherwise), never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk import __version__
from kiosk.config import load_config
from kiosk.errors import ConfigError, KioskError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Self-checkout kiosk")
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    parser.add_argument("--config", type=Path, default=None,
                        help="site configuration file (default: /etc/kiosk/kiosk.toml if present)")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the kiosk")
    run.add_argument("--config", type=Path, default=argparse.SUPPRESS)
    run.add_argument("--headless", action="store_true",
                     help="no window: commands from --script or standard input")
    run.add_argument("--script", type=Path, default=None,
                     help="file of commands to run (scan, pay, wait ...), then exit")

    check = sub.add_parser("config", help="validate the configuration and print it")
    check.add_argument("--config", type=Path, default=argparse.SUPPRESS)

    devices = sub.add_parser("devices", help="which devices are real or simulated, and health")
    devices.add_argument("--config", type=Path, default=argparse.SUPPRESS)

    cat = sub.add_parser("catalogue", help="catalogue mirror: status, CSV import")
    cat.add_argument("--config", type=Path, default=argparse.SUPPRESS)
    cat_sub = cat.add_subparsers(dest="action", required=True)
    cat_sub.add_parser("status", help="version, product count, health of the mirror")
    imp = cat_sub.add_parser("import-csv", help="replace the catalogue from a store CSV file")
    imp.add_argument("csv", type=Path)
    imp.add_argument("--version", dest="catalogue_version", required=True,
                     help="version name for the imported catalogue, e.g. store-2026-11-23")
    imp.add_argument("--skip-bad-rows", action="store_true",
                     help="import the valid rows and list the others (default: all or nothing)")

    preview = sub.add_parser("receipt-preview",
                             help="draw a sample sale's receipt as the printer would print it")
    preview.add_argument("--config", type=Path, default=argparse.SUPPRESS)
    preview.add_argument("--out", type=Path, required=True,
                         help="PNG file to write (one pixel per printer dot)")
    preview.add_argument("--language", default=None,
                         help="receipt language (default: locale.language)")
    preview.add_argument("--bytes", dest="bytes_out", type=Path, default=None,
                         help="also write the ESC/POS bytes the printer would receive")

    jrn = sub.add_parser("journal", help="sales journal: verify the chain, show counts")
    jrn.add_argument("--config", type=Path, default=argparse.SUPPRESS)
    jrn.add_argument("action", choices=["verify", "status"])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        loaded = load_config(args.config)
        from kiosk import app  # noqa: PLC0415 - a bad config reports before heavy imports

        return app.dispatch(args, loaded)
    except ConfigError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2
    except KioskError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
