"""Kill test of the sales journal: SIGKILL a kiosk while it commits sales, then audit the journal.

A child process plays the kiosk: through the JournalWriter (the app's own path) it saves the
open basket, then commits the payment's ``approved`` step and the sale with three stock
movements in one transaction, and only when the future has resolved does it write
``D <seq> <record_id>`` to its stdout pipe: that is "reported committed", what the kiosk would
have told the shopper. Before each write it announces what is in flight (``B``: basket save,
``S``: sale commit, ``V``: voiding the basket found open at start).

The parent kills it with SIGKILL, either after a random delay or by ``KIOSK_FAULT_AT`` at one
of the journal's fault points (inside the transaction, before and after COMMIT), then opens
the journal as the next start would and counts:

* ``corrupt``: the journal does not open or SQLite's quick_check fails;
* ``lost_sales``: a sale reported committed is missing, or has another sequence number;
* ``sequence_gaps``: missing sequence numbers; ``chain_breaks``: trials whose chain fails;
* ``kills_mid_commit``: kills that landed while a journal write was in flight.

The next child continues on the same journal (it voids the basket it finds open), so the
chain grows across kills; a fresh journal is started every ``segment`` trials to keep the
audit of a 1000-trial run short.

Usage: python bench/crash_journal.py --trials 200 [--seed 1] [--mode durable]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kiosk import faults  # noqa: E402
from kiosk.errors import JournalError  # noqa: E402
from kiosk.store.journal import Journal  # noqa: E402
from kiosk.store.journal_entries import payment_entry, sale_entry  # noqa: E402
from kiosk.store.writer import JournalWriter  # noqa: E402

FAULT_POINTS = ("journal.log-before-write", "journal.log-before-sync", "journal.log-after-sync",
                "journal.after-record", "journal.after-stock", "journal.after-outbox",
                "journal.before-commit", "journal.after-commit")
GTINS = ("04006381333931", "05449000000996", "03017620422003")
# durable: the real kiosk. report-early: a deliberately broken kiosk that says "committed"
# before the commit (the negative control). unsafe-pragmas: synchronous=OFF and
# journal_mode=MEMORY, to show what SIGKILL alone can and cannot reveal (see the test).
MODES = ("durable", "report-early", "unsafe-pragmas")


# -- the child: a kiosk selling as fast as it can --------------------------------------------

def _say(line: str) -> None:
    os.write(1, (line + "\n").encode())


def child(db: Path, trial: int, mode: str) -> None:
    with JournalWriter(db) as writer:
        if mode == "unsafe-pragmas":
            writer.submit(lambda j: j.conn.execute("PRAGMA journal_mode = MEMORY")).result()
            writer.submit(lambda j: j.conn.execute("PRAGMA synchronous = OFF")).result()
        now = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=trial)
        _say("V")
        writer.submit(Journal.void_basket, at=now, reason="restart after kill").result()
        writer.submit(Journal.set_levels, dict.fromkeys(GTINS, 10**6), now).result()
        number = writer.submit(Journal.next_sale_number).result()
        _say("ready")
        for n in range(10**9):
            sale_id, at = f"t{trial}-{n}", now + timedelta(seconds=n + 1)
            _say(f"B {sale_id}")
            basket = {"sale_number": number, "lines": [{"gtin": g, "qty": 1} for g in GTINS]}
            writer.submit(Journal.save_basket, sale_id, basket, at=at).result()
            entries = [
                payment_entry(sale_id, f"{sale_id}-p", "approved", amount_minor=597,
                              currency="EUR"),
                sale_entry(sale_id, number, {"total": 597, "lines": basket["lines"]},
                           stock=[(g, -1, 999_990) for g in GTINS]),
            ]
            _say(f"S sale:{sale_id}")
            if mode == "report-early":
                _say(f"D ? sale:{sale_id}")
            done = writer.submit(Journal.commit_entries, entries, at=at).result()
            if mode != "report-early":
                _say(f"D {done[1].seq} sale:{sale_id}")
            number += 1


# -- the parent: kill, reopen, audit ---------------------------------------------------------

@dataclass
class Tally:
    trials: int = 0
    kills_random: int = 0
    kills_fault: int = 0
    kills_mid_commit: int = 0
    in_flight_committed: int = 0
    in_flight_rolled_back: int = 0
    sales_reported: int = 0
    lost: set[str] = field(default_factory=set)
    sequence_gaps: int = 0
    chain_breaks: int = 0
    corrupt: int = 0
    basket_conflicts: int = 0
    by_point: Counter[str] = field(default_factory=Counter)

    def summary(self) -> dict[str, int | dict[str, int]]:
        return {
            "trials": self.trials, "kills_random": self.kills_random,
            "kills_fault": self.kills_fault, "kills_mid_commit": self.kills_mid_commit,
            "in_flight_committed": self.in_flight_committed,
            "in_flight_rolled_back": self.in_flight_rolled_back,
            "sales_reported": self.sales_reported, "lost_sales": len(self.lost),
            "sequence_gaps": self.sequence_gaps, "chain_breaks": self.chain_breaks,
            "corrupt": self.corrupt, "basket_conflicts": self.basket_conflicts,
            "fault_points": dict(sorted(self.by_point.items())),
        }


class Zygote:
    """A pre-imported Python that forks one kiosk child per trial.

    Starting a fresh interpreter and importing the journal costs a few hundred milliseconds
    on a small machine; forking a process that already did costs one. The parent gives the
    zygote the write end of a new pipe for each child (SCM_RIGHTS over a socketpair); the
    child's stdout is that pipe, the zygote reaps it and reports how it ended.
    """

    def __init__(self) -> None:
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {k: v for k, v in os.environ.items() if k != "KIOSK_FAULT_AT"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--zygote", str(theirs.fileno())],
            pass_fds=[theirs.fileno()], env=env)
        theirs.close()

    def _receive(self, timeout: float) -> list[str]:
        self.sock.settimeout(timeout)
        return self.sock.recv(4096).decode().split()

    def spawn(self, db: Path, trial: int, mode: str, fault: str | None) -> tuple[int, int]:
        """Fork a child; returns its pid and the read end of its stdout pipe."""
        read_end, write_end = os.pipe()
        order = json.dumps({"db": str(db), "trial": trial, "mode": mode, "fault": fault})
        socket.send_fds(self.sock, [order.encode()], [write_end])
        os.close(write_end)
        _, pid = self._receive(30)
        return int(pid), read_end

    def reaped(self, timeout: float) -> int:
        """The exit code of the last child (negative: killed by that signal)."""
        _, _, code = self._receive(timeout)
        return int(code)

    def close(self) -> None:
        self.sock.close()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def zygote(fd: int) -> None:
    """Serve fork orders; the journal modules are already imported, so each fork is quick."""
    sock = socket.socket(fileno=fd)
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(sock, 4096, 1)
        except OSError:
            return
        if not message:
            return
        order = json.loads(message)
        pid = os.fork()
        if pid == 0:
            sock.close()
            os.dup2(fds[0], 1)
            os.close(fds[0])
            if order["fault"]:
                faults.arm(order["fault"])
            try:
                child(Path(order["db"]), order["trial"], order["mode"])
            except BaseException:  # noqa: BLE001 - reported to the parent, which fails
                _say("E " + traceback.format_exc().replace("\n", " | "))
            os._exit(1)
        os.close(fds[0])
        sock.send(f"pid {pid}".encode())
        _, status = os.waitpid(pid, 0)
        sock.send(f"exit {pid} {os.waitstatus_to_exitcode(status)}".encode())


def _read(fd: int, until: bytes | None, timeout: float) -> bytes:
    """Read a child's pipe until ``until`` is seen, or to EOF (it died)."""
    seen, deadline = b"", time.monotonic() + timeout
    while (until is None or until not in seen) and time.monotonic() < deadline:
        readable, _, _ = select.select([fd], [], [], 0.05)
        if readable:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            seen += chunk
    return seen


def _kill_and_collect(zygote_: Zygote, db: Path, trial: int, *, mode: str, fault: str | None,
                      rng: random.Random) -> list[str]:
    pid, fd = zygote_.spawn(db, trial, mode, fault)
    try:
        seen = _read(fd, b"ready\n", timeout=30)
        if fault is None:
            time.sleep(rng.uniform(0.0, 0.04))
            os.kill(pid, signal.SIGKILL)
        seen += _read(fd, None, timeout=30)
        code = zygote_.reaped(timeout=30)
    except BaseException:
        os.kill(pid, signal.SIGKILL)  # never leave a kiosk child selling on its own
        raise
    finally:
        os.close(fd)
    lines = seen.decode().splitlines()
    if code != -signal.SIGKILL:
        raise RuntimeError(f"the kiosk child exited with {code}, not by SIGKILL: {lines[-1:]}")
    return lines


def _set_aside(db: Path, trial: int) -> None:
    """Move a corrupt journal (and its WAL) away; the next child starts a fresh one."""
    for suffix in ("", "-wal", "-shm", "-log"):
        part = Path(f"{db}{suffix}")
        if part.exists():
            part.rename(f"{db}.corrupt-{trial}{suffix}")


def _check(journal: Journal, done: dict[str, int | None], in_flight: list[str] | None,
           tally: Tally) -> None:
    for record_id, seq in done.items():
        stored = journal.record(record_id)
        if stored is None or (seq is not None and stored.seq != seq):
            tally.lost.add(record_id)
    tally.sequence_gaps += sum(last - first + 1 for first, last in journal.gaps())
    tally.chain_breaks += not journal.verify_chain().ok
    basket = journal.open_basket()
    if basket and journal.record(f"sale:{basket.sale_id}") is not None:
        tally.basket_conflicts += 1
    if in_flight is not None and in_flight[0] == "S":
        present = journal.record(in_flight[1]) is not None
        tally.in_flight_committed += present
        tally.in_flight_rolled_back += not present


def _audit(db: Path, lines: list[str], tally: Tally, reported: dict[str, int | None]) -> None:
    """Open the journal as the next start would and check it against what was reported."""
    done = {parts[2]: (None if parts[1] == "?" else int(parts[1]))
            for parts in (line.split() for line in lines) if parts[0] == "D"}
    reported.update(done)
    tally.sales_reported += len(done)
    in_flight = lines[-1].split() if lines and lines[-1][:1] in "BSV" else None
    tally.kills_mid_commit += in_flight is not None
    try:
        with Journal(db) as journal:
            _check(journal, done, in_flight, tally)
    except JournalError:  # does not open, fails quick_check, or a read finds damage
        tally.corrupt += 1
        _set_aside(db, tally.trials)


def _recheck_segment(db: Path, reported: dict[str, int | None], tally: Tally) -> None:
    """At the end of a segment, every sale reported in any of its trials is still there."""
    try:
        with Journal(db) as journal:
            for record_id, seq in reported.items():
                stored = journal.record(record_id)
                if stored is None or (seq is not None and stored.seq != seq):
                    tally.lost.add(record_id)
    except JournalError:
        tally.lost.update(reported)  # a journal that no longer opens has lost them all


def _trial(forks: Zygote, db: Path, trial: int, *, mode: str, rng: random.Random, tally: Tally,
           reported: dict[str, int | None]) -> None:
    fault = f"{rng.choice(FAULT_POINTS)}:{rng.randint(1, 6)}" if rng.random() < 0.5 else None
    lines = _kill_and_collect(forks, db, trial, mode=mode, fault=fault, rng=rng)
    tally.trials += 1
    if fault:
        tally.kills_fault += 1
        tally.by_point[fault.partition(":")[0]] += 1
    else:
        tally.kills_random += 1
    _audit(db, lines, tally, reported)


def run_journal_trials(trials: int, *, seed: int, mode: str = "durable",
                       workdir: Path | None = None, segment: int = 100) -> dict[str, object]:
    """Run ``trials`` kills (half at random instants, half at fault points) and audit each."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    rng, tally, forks = random.Random(seed), Tally(), Zygote()
    try:
        with tempfile.TemporaryDirectory(prefix="crash-journal-", dir=workdir) as folder:
            db, reported = Path(folder) / "journal-0.db", {}
            for trial in range(trials):
                if trial and trial % segment == 0:
                    _recheck_segment(db, reported, tally)
                    db, reported = Path(folder) / f"journal-{trial}.db", {}
                _trial(forks, db, trial, mode=mode, rng=rng, tally=tally, reported=reported)
            _recheck_segment(db, reported, tally)
    finally:
        forks.close()
    return {"mode": mode, **tally.summary()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mode", choices=MODES, default="durable")
    parser.add_argument("--zygote", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.zygote is not None:
        zygote(args.zygote)
        return
    started = time.monotonic()
    result = run_journal_trials(args.trials, seed=args.seed, mode=args.mode,
                                workdir=ROOT / "var" if (ROOT / "var").is_dir() else None)
    for key, value in result.items():
        print(f"{key:>22}: {value}")
    print(f"{'seconds':>22}: {time.monotonic() - started:.1f}")
    print(json.dumps({"bench": "crash_journal", **result}))


if __name__ == "__main__":
    main()
