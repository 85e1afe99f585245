"""The kill test at scale: SIGKILL the kiosk N times applying catalogue updates, N times
committing sales, and audit what a restart finds (issue 3, bench/crash.py).

Catalogue half (bench/crash_catalogue.py): after each kill the catalogue is exactly the old or
the new version, never a mix, never corrupt. Journal half (bench/crash_journal.py): every sale
reported committed is there, no sequence gap, the hash chain verifies, the journal opens.
``--controls`` also runs each half against its deliberately broken variant (TinyDB's own
non-atomic storage; a kiosk that reports a sale before committing it), whose failures show
the audit can see what it is for; those figures are printed, not put in the summary line.

Usage: python bench/crash.py --trials 1000 [--seed 1] [--controls]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def load(name: str) -> ModuleType:
    """Load a sibling bench module by path (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"bench/{name}.py is missing")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def show(title: str, figures: dict[str, Any], seconds: float) -> None:
    print(f"\n{title} ({seconds:.1f} s)")
    for key, value in figures.items():
        print(f"  {key:>22}: {value}")


def run_controls(catalogue_bench: ModuleType, journal_bench: ModuleType, trials: int,
                 seed: int, workdir: Path) -> None:
    """The broken variants: their failures show each audit can see what it is for."""
    started = time.monotonic()
    naive = catalogue_bench.run_catalogue_trials(trials, writer="naive", seed=seed)
    show("CONTROL: catalogue with TinyDB's non-atomic JSONStorage (should fail)", naive,
         time.monotonic() - started)
    started = time.monotonic()
    early = journal_bench.run_journal_trials(trials, seed=seed, mode="report-early",
                                             workdir=workdir)
    show("CONTROL: kiosk reporting sales before COMMIT (should lose sales)", early,
         time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=1000, help="kills per half")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--controls", action="store_true",
                        help="also run the broken variants (expected to fail)")
    args = parser.parse_args()
    workdir = ROOT / "var"
    workdir.mkdir(exist_ok=True)
    catalogue_bench, journal_bench = load("crash_catalogue"), load("crash_journal")

    started = time.monotonic()
    catalogue = catalogue_bench.run_catalogue_trials(args.trials, writer="atomic",
                                                     seed=args.seed)
    show("catalogue updates, atomic writer", catalogue, time.monotonic() - started)
    started = time.monotonic()
    journal = journal_bench.run_journal_trials(args.trials, seed=args.seed, workdir=workdir)
    show("sales journal", journal, time.monotonic() - started)

    if args.controls:
        run_controls(catalogue_bench, journal_bench, args.trials, args.seed, workdir)

    print(f"\nkills mid-write: catalogue {catalogue['kills_mid_write']}, "
          f"journal {journal['kills_mid_commit']} (of {args.trials} each)")
    print(json.dumps({
        "bench": "crash",
        "trials": args.trials,
        "corrupt": catalogue["corrupt"] + journal["corrupt"],
        "mixed_versions": catalogue["mixed_versions"],
        "lost_sales": journal["lost_sales"],
        "sequence_gaps": journal["sequence_gaps"],
        "chain_breaks": journal["chain_breaks"],
        "kills_mid_write": catalogue["kills_mid_write"] + journal["kills_mid_commit"],
    }))


if __name__ == "__main__":
    main()
