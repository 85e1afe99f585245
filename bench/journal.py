"""Durable sale commits against the disk's own fsync floor (issue 3, bench/journal.py).

Each timed commit is what the app does when a card payment is approved: one commit with the
payment's ``approved`` step, the sale record, three stock movements and their outbox rows
(plus a low-stock alert now and then). Beside it, in the same directory and interleaved with
the commits so both see the same disk, a raw ``write`` + ``fsync`` of a small file: the floor
no durable commit can beat. A commit is durable when its frame is in the journal's commit log
(one write, one fdatasync); SQLite, fsynced too, is brought up to date right after, off the
shopper's path (kiosk/store/journal.py). Target: commit p99 <= 1.5 x fsync p99.

Runs reported:
* ``writer, sale by sale`` (the app's path, in the JSON line): commits through JournalWriter,
  submit to the future's result. Before the next sale the bench lets the writer finish
  applying the previous one to SQLite (untimed): a lane completes a sale every half minute or
  so, and the writer applies it in a millisecond. Every 50 sales a 0.1 s pause, as between
  shoppers, where the writer checkpoints. (Sleeping between sales instead makes every figure
  on this virtual machine, the floor's too, swing with the CPU's wake-up time.)
* ``writer, back to back``: no wait at all, so each commit also waits for SQLite to apply and
  fsync the one before: what a burst costs, and the throughput.
* ``inline``: Journal.commit_entries called directly (no writer thread), applied untimed.

Usage: python bench/journal.py [--commits 2000] [--dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk.store.journal import Journal
from kiosk.store.journal_entries import Entry, payment_entry, sale_entry
from kiosk.store.writer import JournalWriter

ROOT = Path(__file__).resolve().parents[1]
GTINS = ("04006381333931", "05449000000996", "03017620422003")
START = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def sale(number: int, run: str) -> list[Entry]:
    lines = [
        {"gtin": gtin, "name": f"Product {gtin[-4:]}", "qty": 1 + (number + k) % 3,
         "unit_price": 129 + 50 * k, "vat": "standard" if k else "reduced"}
        for k, gtin in enumerate(GTINS)
    ]
    total = sum(line["qty"] * line["unit_price"] for line in lines)
    sale_id = f"{run}-{number:06d}"
    body = {"lines": lines, "total": total, "currency": "EUR",
            "vat": [{"rate": "standard", "gross": total // 2}, {"rate": "reduced",
                                                                  "gross": total - total // 2}]}
    stock = [(line["gtin"], -line["qty"], 20) for line in lines]
    return [
        payment_entry(sale_id, f"{sale_id}-p1", "approved", amount_minor=total, currency="EUR",
                      detail={"terminal_ref": f"T{number:08d}"}),
        sale_entry(sale_id, number, body, stock=stock),
    ]


class FsyncFloor:
    """A small file in the same directory, overwritten and fsynced: the disk's own floor."""

    def __init__(self, folder: Path) -> None:
        self.fd = os.open(folder / "fsync-floor.bin", os.O_RDWR | os.O_CREAT, 0o644)
        self.samples: list[float] = []

    def sample(self) -> None:
        started = time.perf_counter()
        os.pwrite(self.fd, os.urandom(512), 0)
        os.fsync(self.fd)
        self.samples.append((time.perf_counter() - started) * 1000)

    def close(self) -> None:
        os.close(self.fd)


def timed(commit: Callable[[], object], floor: FsyncFloor | None) -> float:
    if floor is not None:
        floor.sample()
    started = time.perf_counter()
    commit()
    return (time.perf_counter() - started) * 1000


def run_inline(path: Path, commits: int, floor: FsyncFloor) -> list[float]:
    with Journal(path) as journal:
        journal.set_levels(dict.fromkeys(GTINS, 10**9), START)
        samples = []
        for n in range(1, commits + 1):
            samples.append(timed(lambda n=n: journal.commit_entries(
                sale(n, "inline"), at=START + timedelta(seconds=n)), floor))
            journal.catch_up()
        return samples


def run_writer(path: Path, commits: int, floor: FsyncFloor, *, sale_by_sale: bool,
               ) -> list[float]:
    samples = []
    with JournalWriter(path, idle_checkpoint_s=0.05) as writer:
        writer.submit(Journal.set_levels, dict.fromkeys(GTINS, 10**9), START).result()
        for n in range(1, commits + 1):
            entries, at = sale(n, "writer"), START + timedelta(seconds=n)
            samples.append(timed(
                lambda e=entries, a=at: writer.submit(Journal.commit_entries, e, at=a).result(),
                floor))
            if sale_by_sale:
                writer.submit(Journal.catch_up).result()
                if n % 50 == 0:
                    time.sleep(0.1)  # between shoppers: the writer checkpoints
    return samples


def describe(name: str, samples: list[float]) -> str:
    return (f"{name:<34} p50 {percentile(samples, 50):7.3f} ms   p99 {percentile(samples, 99):7.3f}"
            f" ms   max {max(samples):7.3f} ms   mean {statistics.fmean(samples):7.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--dir", type=Path, default=None,
                        help="directory for the journals (default: a temp dir under var/bench)")
    args = parser.parse_args()
    temporary = args.dir is None
    if temporary:
        (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
        args.dir = Path(tempfile.mkdtemp(prefix="journal-", dir=ROOT / "var" / "bench"))
    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"journals and fsync file in {args.dir} ({args.commits} sales per run"
          f"{', removed afterwards' if temporary else ''})")
    floor = FsyncFloor(args.dir)
    started = time.perf_counter()
    try:
        paced = run_writer(args.dir / "paced.db", args.commits, floor, sale_by_sale=True)
        burst_started = time.perf_counter()
        burst = run_writer(args.dir / "burst.db", args.commits, floor, sale_by_sale=False)
        burst_s = time.perf_counter() - burst_started
        inline = run_inline(args.dir / "inline.db", args.commits, floor)
    finally:
        floor.close()
        if temporary:
            shutil.rmtree(args.dir)
    fsync_p99 = percentile(floor.samples, 99)
    print(describe("raw write+fsync (floor)", floor.samples))
    print(describe("writer, sale by sale", paced))
    print(describe("writer, back to back", burst) + f"   {args.commits / burst_s:.0f} sales/s")
    print(describe("inline, back to back", inline))
    print(f"commit p99 / fsync p99: sale by sale {percentile(paced, 99) / fsync_p99:.2f}x "
          f"(target <= 1.5x), back to back {percentile(burst, 99) / fsync_p99:.2f}x, inline "
          f"{percentile(inline, 99) / fsync_p99:.2f}x; {time.perf_counter() - started:.0f} s")
    print(json.dumps({
        "bench": "journal", "commits": args.commits,
        "commit_p50_ms": round(percentile(paced, 50), 3),
        "commit_p99_ms": round(percentile(paced, 99), 3),
        "fsync_p99_ms": round(fsync_p99, 3),
    }))


if __name__ == "__main__":
    main()
