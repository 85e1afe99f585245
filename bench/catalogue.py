"""Catalogue mirror benchmark: cold load, lookups, TinyDB's own Query, a 1k delta, memory.

    .venv/bin/python bench/catalogue.py [--products 100000] [--dir TMP]

Targets on the 2-core development machine: lookup p99 < 20 us, cold load < 1.5 s, 1k-item
delta (with its atomic writes) < 1.5 s. The cold load runs in fresh processes (the file is in
the page cache, as it is on a kiosk restart; dropping the cache needs root and measures the
SD card instead). The last line is one JSON object with the keys the issue names.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kiosk.core.gtin import with_check_digit  # noqa: E402
from kiosk.fleet.catgen import generate_delta, generate_snapshot  # noqa: E402
from kiosk.store.catalogue import CatalogueMirror  # noqa: E402
from kiosk.store.tinystorage import open_query_db  # noqa: E402

TARGETS = {"lookup_p99_us": 20.0, "load_s": 1.5, "delta_1k_s": 1.5}
COLD_LOAD = """
import json, sys, time
t0 = time.perf_counter()
from kiosk.store.catalogue import CatalogueMirror
t1 = time.perf_counter()
mirror = CatalogueMirror(sys.argv[1], currency="EUR")
t2 = time.perf_counter()
rss = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS"))
print(json.dumps({"import_s": t1 - t0, "load_s": t2 - t1, "products": len(mirror),
                  "rss_mb": rss / 1024}))
"""


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def cold_loads(directory: Path, runs: int) -> list[dict[str, Any]]:
    results = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", COLD_LOAD, str(directory)], cwd=ROOT,
                             check=True, capture_output=True, text=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def probe_gtins(snapshot: dict[str, Any], count: int, rng: random.Random) -> list[str]:
    """90 % GTINs in the catalogue, 10 % valid GTINs that are not (a stranger's product)."""
    present = [p["gtin"] for p in snapshot["products"]]
    known = set(present)
    probes = []
    for _ in range(count):
        if rng.random() < 0.9:
            probes.append(rng.choice(present))
            continue
        while True:
            gtin = "0" + with_check_digit(f"99{rng.randrange(10**10):010d}")
            if gtin not in known:
                probes.append(gtin)
                break
    return probes


def time_lookups(mirror: CatalogueMirror, probes: list[str]) -> list[float]:
    clock = time.perf_counter_ns
    lookup = mirror.by_gtin
    samples = []
    for gtin in probes:
        start = clock()
        lookup(gtin)
        samples.append((clock() - start) / 1000)
    return samples


def time_tinydb(path: Path, probes: list[str]) -> tuple[float, list[float]]:
    from tinydb import Query  # only this bench uses TinyDB's query API

    db = open_query_db(path)
    table = db.table("products", cache_size=0)  # no query cache: every lookup really searches
    gtin = Query().gtin
    start = time.perf_counter()
    table.search(gtin == probes[0])  # first query reads and parses the file
    first_s = time.perf_counter() - start
    samples = []
    for probe in probes[1:]:
        start_ns = time.perf_counter_ns()
        table.search(gtin == probe)
        samples.append((time.perf_counter_ns() - start_ns) / 1000)
    db.close()
    return first_s, samples


def install(directory: Path, products: int, seed: int) -> dict[str, Any]:
    """Generate the catalogue and apply it once as a snapshot; returns the snapshot."""
    start = time.perf_counter()
    snapshot = generate_snapshot(products, seed=seed, version="bench-1")
    print(f"generated {products} products in {time.perf_counter() - start:.2f} s")
    with CatalogueMirror(directory, currency="EUR") as mirror:
        start = time.perf_counter()
        result = mirror.apply(snapshot)
        if not result.accepted:
            raise SystemExit(f"snapshot rejected: {result.reason}")
        print(f"snapshot applied (validate + encode + 2 atomic writes) in "
              f"{time.perf_counter() - start:.2f} s")
    size_mb = (directory / "catalogue.json").stat().st_size / 2**20
    print(f"catalogue file: {size_mb:.1f} MiB")
    return snapshot


def measure_cold(directory: Path, runs: int) -> tuple[float, float]:
    """(median cold load, median RSS) over fresh processes."""
    colds = cold_loads(directory, runs)
    load_s = statistics.median(c["load_s"] for c in colds)
    child_rss = statistics.median(c["rss_mb"] for c in colds)
    print("cold load in fresh processes: " + ", ".join(f"{c['load_s']:.3f} s" for c in colds)
          + f" (median {load_s:.3f} s; import {colds[0]['import_s']:.3f} s)")
    print(f"RSS of a process holding the loaded catalogue: {child_rss:.1f} MiB")
    return load_s, child_rss


def measure_lookups(mirror: CatalogueMirror, snapshot: dict[str, Any], count: int,
                    tinydb_count: int, rng: random.Random) -> tuple[float, float, float]:
    """(p50, p99, TinyDB p50) in microseconds, for the same random GTINs."""
    probes = probe_gtins(snapshot, count, rng)
    lookups = time_lookups(mirror, probes)
    p50, p99 = percentile(lookups, 0.5), percentile(lookups, 0.99)
    hits = sum(mirror.by_gtin(g) is not None for g in probes)
    print(f"{len(probes)} lookups by GTIN ({hits} hits; each product is built on its first "
          f"lookup): p50 {p50:.2f} us, p99 {p99:.2f} us, max {max(lookups):.1f} us")
    again = time_lookups(mirror, probes)
    print(f"the same lookups again (all built): p50 {percentile(again, 0.5):.2f} us, "
          f"p99 {percentile(again, 0.99):.2f} us")
    first_s, tiny = time_tinydb(mirror.path, probes[: tinydb_count + 1])
    tiny_p50 = percentile(tiny, 0.5)
    print(f"TinyDB Query: first query (reads the file) {first_s:.2f} s; {len(tiny)} queries "
          f"p50 {tiny_p50:.0f} us, i.e. {tiny_p50 / p50:,.0f}x the index's p50")
    return p50, p99, tiny_p50


def measure_delta(mirror: CatalogueMirror, snapshot: dict[str, Any], seed: int) -> float:
    delta = generate_delta(snapshot, 1000, seed=seed + 1, version="bench-2")
    start = time.perf_counter()
    result = mirror.apply(delta)
    delta_s = time.perf_counter() - start
    if not result.accepted:
        raise SystemExit(f"delta rejected: {result.reason}")
    print(f"1k-item delta ({len(delta['upsert'])} upserts, {len(delta['delete'])} deletes) "
          f"applied with its atomic writes in {delta_s:.3f} s")
    return delta_s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--dir", type=Path, default=None, help="working directory (default: temp)")
    parser.add_argument("--lookups", type=int, default=200_000)
    parser.add_argument("--tinydb-lookups", type=int, default=40)
    parser.add_argument("--cold-runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="kiosk-bench-catalogue-"))
    directory = work / "catalogue"
    if (directory / "catalogue.json").exists():
        parser.error(f"{directory} already holds a catalogue; give an empty --dir")

    snapshot = install(directory, args.products, args.seed)
    load_s, child_rss = measure_cold(directory, args.cold_runs)
    start = time.perf_counter()
    mirror = CatalogueMirror(directory, currency="EUR")
    print(f"in-process load: {time.perf_counter() - start:.3f} s ({mirror.status.message})")
    p50, p99, tiny_p50 = measure_lookups(mirror, snapshot, args.lookups, args.tinydb_lookups,
                                         random.Random(args.seed))
    delta_s = measure_delta(mirror, snapshot, args.seed)
    mirror.close()
    if args.dir is None:
        shutil.rmtree(work)  # 60 MB of catalogue files nobody asked to keep
    print(f"RSS of this bench process (generator data included): {rss_mb():.1f} MiB")

    summary = {"bench": "catalogue", "products": args.products, "load_s": round(load_s, 3),
               "lookup_p50_us": round(p50, 2), "lookup_p99_us": round(p99, 2),
               "tinydb_query_p50_us": round(tiny_p50, 1), "delta_1k_s": round(delta_s, 3),
               "rss_mb": round(child_rss, 1)}
    for key, limit in TARGETS.items():
        verdict = "ok" if summary[key] < limit else "MISSED"
        print(f"target {key} < {limit}: {summary[key]} {verdict}")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
