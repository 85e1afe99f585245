"""Kill test of the catalogue mirror: SIGKILL a kiosk while it applies updates, then audit.

A child process plays the kiosk: it applies a snapshot ``v1`` and deltas ``v2``, ``v3``, ...
to an empty catalogue directory and writes ``begin <version>`` to its stdout pipe before each
update and ``done <version>`` once the update returned (what the kiosk would acknowledge to
the fleet). The parent SIGKILLs it after a random delay, or the child kills itself at a fault
point (``KIOSK_FAULT_AT``): every step of both atomic writes (``catalogue.*``,
``catalogue-last-good.*``) and of the mirror around them, or, for the control writer, after
each TinyDB operation. Then the parent audits the directory as the next start would see it:

* the file itself, checked independently of the mirror: ``corrupt`` when it does not parse as
  a catalogue; ``mixed_versions`` when it parses but its content is not exactly the version
  its meta record names (digest of products + promotions compared with every version's);
  ``rolled_back`` when it is exactly a version older than the last one acknowledged;
* then the mirror opens it: ``recovered_from_last_good`` when it had to use the copy,
  ``unrecoverable`` when it refused to start; what it serves must be exactly one version.

``writer="atomic"`` is the mirror (``CatalogueMirror.apply``). ``writer="naive"`` is the
negative control: TinyDB's stock ``JSONStorage`` (in-place rewrite) driven item by item, as
TinyDB is normally used; the audit must find corrupt or mixed files with it.

    .venv/bin/python bench/crash_catalogue.py --trials 200 [--writer naive] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kiosk.errors import CatalogueError  # noqa: E402
from kiosk.faults import fault_point  # noqa: E402
from kiosk.store.atomic import FAULT_STEPS  # noqa: E402
from kiosk.store.catalogue import CatalogueHealth, CatalogueMirror  # noqa: E402
from kiosk.store.catalogue_file import content_digest  # noqa: E402
from kiosk.store.catalogue_update import (  # noqa: E402
    CatalogueState,
    next_state,
    parse_products,
    parse_promotions,
    parse_update,
)

CURRENCY = "EUR"
PRODUCTS, DELTAS, CHANGES = 300, 3, 20
POINTS = {
    "atomic": [f"{tag}.{step}" for tag in ("catalogue", "catalogue-last-good")
               for step in FAULT_STEPS]
              + ["catalogue.encoded", "catalogue.written", "catalogue.before-swap"],
    "naive": ["naive.after-item", "naive.before-meta", "naive.after-meta"],
}
COUNTS = ("trials", "kills_mid_write", "corrupt", "mixed_versions", "recovered_from_last_good",
          "rolled_back", "unrecoverable", "killed", "killed_at_fault_point")


# -- the child ------------------------------------------------------------------------------
def _say(line: str) -> None:
    os.write(1, (line + "\n").encode())


def _naive_apply(db: Any, update: dict[str, Any], digest: str) -> None:
    """What a TinyDB user would write: stock operations, one item at a time, in place."""
    from tinydb import Query

    products, promotions, meta = db.table("products"), db.table("promotions"), db.table("meta")
    item = Query()
    if update["kind"] == "snapshot":
        products.truncate()
        products.insert_multiple(update["products"])
        fault_point("naive.after-item")
        promotions.truncate()
        promotions.insert_multiple(update["promotions"])
    for product in update.get("upsert", []):
        products.upsert(product, item.gtin == product["gtin"])
        fault_point("naive.after-item")
    for gtin in update.get("delete", []):
        products.remove(item.gtin == gtin)
        fault_point("naive.after-item")
    for promotion in update.get("promotions_upsert", []):
        promotions.upsert(promotion, item.id == promotion["id"])
    for pid in update.get("promotions_delete", []):
        promotions.remove(item.id == pid)
    fault_point("naive.before-meta")
    meta.truncate()
    meta.insert({"schema": 1, "version": update["version"], "currency": CURRENCY,
                 "applied_at": "2026-01-01T00:00:00Z", "digest": digest,
                 "products": len(products), "promotions": len(promotions)})
    fault_point("naive.after-meta")


def child(directory: Path, writer: str, updates_file: Path) -> int:
    """Apply every update in ``updates_file``, announcing each on stdout."""
    plan = json.loads(updates_file.read_text(encoding="utf-8"))
    updates, digests = plan["updates"], plan["digests"]
    if writer == "atomic":
        mirror = CatalogueMirror(directory, currency=CURRENCY)
        _say("ready")
        for update in updates:
            _say(f"begin {update['version']}")
            result = mirror.apply(update)
            if not result.accepted:
                _say(f"rejected {result.reason}")
                return 1
            _say(f"done {update['version']}")
    else:
        from tinydb import TinyDB
        from tinydb.storages import JSONStorage

        directory.mkdir(parents=True, exist_ok=True)
        db = TinyDB(directory / "catalogue.json", storage=JSONStorage)
        _say("ready")
        for update in updates:
            _say(f"begin {update['version']}")
            _naive_apply(db, update, digests[update["version"]])
            _say(f"done {update['version']}")
    _say("finished")
    return 0


# -- the parent -----------------------------------------------------------------------------
def make_plan(seed: int) -> dict[str, Any]:
    """The updates every trial applies, and the digest of each version's full content."""
    from kiosk.fleet.catgen import update_chain

    updates = update_chain(PRODUCTS, DELTAS, CHANGES, seed=seed)
    state = CatalogueState.empty(CURRENCY)
    digests = {}
    for update in updates:
        state = next_state(state, parse_update(update, currency=CURRENCY))
        digests[update["version"]] = content_digest(state)
    return {"updates": updates, "digests": digests}


def classify_file(path: Path, digests: dict[str, str]) -> tuple[str, str | None]:
    """What the file holds, judged without the mirror: ("absent"|"corrupt"|"mixed"|"version")."""
    if not path.exists():
        return "absent", None
    try:
        tables = json.loads(path.read_bytes())
        products = parse_products(list(tables["products"].values()), "products", None)
        promotions = parse_promotions(list(tables.get("promotions", {}).values()), "promotions")
        version = next(iter(tables["meta"].values()))["version"]
    except (ValueError, KeyError, TypeError, AttributeError, StopIteration, CatalogueError):
        return "corrupt", None
    content = content_digest(CatalogueState(str(version), CURRENCY, products, promotions))
    if digests.get(version) != content:
        return "mixed", str(version)
    return "version", str(version)


class Trial(NamedTuple):
    number: int
    writer: str
    fault: str | None  # "point:nth", or None for a kill after a random delay
    delay: float


def _audit(directory: Path, digests: dict[str, str], order: list[str], done: list[str],
           in_flight: str | None) -> Counter[str]:
    """Judge one killed directory; each trial counts at most once per outcome."""
    acceptable: set[str | None] = {done[-1]} if done else {None}
    if in_flight is not None:
        acceptable.add(in_flight)
    kind, version = classify_file(directory / "catalogue.json", digests)
    flags = {"corrupt": kind == "corrupt", "mixed_versions": kind == "mixed",
             "rolled_back": kind in ("absent", "version") and version not in acceptable,
             "recovered_from_last_good": False, "unrecoverable": False}
    try:
        with CatalogueMirror(directory, currency=CURRENCY) as mirror:
            flags["recovered_from_last_good"] = (
                mirror.status.health is CatalogueHealth.RECOVERED)
            served = mirror.version
            if served is not None and mirror.digest != digests.get(served):
                flags["mixed_versions"] = True
            elif served not in acceptable:
                flags["rolled_back"] = True
    except CatalogueError:
        flags["unrecoverable"] = True
    return Counter({key: int(flag) for key, flag in flags.items()})


def run_trial(trial: Trial, base: Path, plan_file: Path, digests: dict[str, str],
              order: list[str]) -> Counter[str]:
    directory = base / f"trial-{trial.number:05d}"
    env = dict(os.environ)
    env.pop("KIOSK_FAULT_AT", None)
    if trial.fault:
        env["KIOSK_FAULT_AT"] = trial.fault
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", str(directory), "--writer", trial.writer,
         "--plan", str(plan_file)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        bufsize=0)  # unbuffered: readline must not swallow lines communicate() should see
    assert proc.stdout is not None
    first = proc.stdout.readline().decode().strip()
    if first != "ready":
        proc.kill()
        _, err = proc.communicate()
        raise RuntimeError(f"kill-test child did not start: {first!r} {err.decode()[-2000:]}")
    if trial.fault is None:
        time.sleep(trial.delay)
        proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=120)
    lines = out.decode().splitlines()
    if proc.returncode not in (0, -signal.SIGKILL):
        raise RuntimeError(f"kill-test child failed ({proc.returncode}): {lines[-3:]} "
                           f"{err.decode()[-2000:]}")
    done = [line.split(" ", 1)[1] for line in lines if line.startswith("done ")]
    begun = [line.split(" ", 1)[1] for line in lines if line.startswith("begin ")]
    killed = proc.returncode == -signal.SIGKILL and "finished" not in lines
    in_flight = begun[-1] if begun and begun[-1] not in done else None
    counts = _audit(directory, digests, order, done, in_flight)
    shutil.rmtree(directory, ignore_errors=True)  # 1000 trials must not fill the disk
    counts["trials"] += 1
    counts["killed"] += killed
    counts["killed_at_fault_point"] += killed and trial.fault is not None
    counts["kills_mid_write"] += killed and in_flight is not None
    return counts


def _calibrate(writer: str, base: Path, plan_file: Path) -> float:
    """How long an unkilled child takes from "ready" to "finished": the window for kills."""
    directory = base / f"calibrate-{writer}"
    proc = subprocess.Popen([sys.executable, __file__, "--child", str(directory), "--writer",
                             writer, "--plan", str(plan_file)], stdout=subprocess.PIPE, bufsize=0)
    assert proc.stdout is not None
    proc.stdout.readline()
    start = time.perf_counter()
    while (line := proc.stdout.readline()) and line.strip() != b"finished":
        pass
    elapsed = time.perf_counter() - start
    proc.communicate(timeout=120)
    return elapsed


def run_catalogue_trials(trials: int, *, writer: str = "atomic", seed: int = 1,
                         workers: int = 2) -> dict[str, int]:
    """Run ``trials`` kills against ``writer`` ("atomic" or "naive"); returns the counts."""
    if writer not in POINTS:
        raise ValueError(f"writer must be 'atomic' or 'naive', not {writer!r}")
    rng = random.Random(seed)
    plan = make_plan(seed)
    order = [u["version"] for u in plan["updates"]]
    points = [f"{point}:{nth}" for nth in range(1, len(order) + 1) for point in POINTS[writer]]
    totals: Counter[str] = Counter({key: 0 for key in COUNTS})
    with tempfile.TemporaryDirectory(prefix=f"kiosk-kill-catalogue-{writer}-") as tmp:
        base = Path(tmp)
        plan_file = base / "plan.json"
        plan_file.write_text(json.dumps(plan), encoding="utf-8")
        window = _calibrate(writer, base, plan_file)
        jobs = [Trial(n, writer, points[(n // 2) % len(points)] if n % 2 else None,
                      rng.uniform(0, window)) for n in range(trials)]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for counts in pool.map(lambda t: run_trial(t, base, plan_file, plan["digests"],
                                                       order), jobs):
                totals.update(counts)
    return {key: totals[key] for key in COUNTS}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--writer", choices=sorted(POINTS), default="atomic")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--plan", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.writer, args.plan)
    start = time.perf_counter()
    counts = run_catalogue_trials(args.trials, writer=args.writer, seed=args.seed)
    print(f"catalogue kill test, {args.writer} writer, {time.perf_counter() - start:.1f} s")
    for key, value in counts.items():
        print(f"  {key:>26}: {value}")
    print(json.dumps({"bench": "crash_catalogue", "writer": args.writer, **counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
