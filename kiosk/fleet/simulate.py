"""``kiosk-fleet simulate --kiosks N``: N headless kiosks against a broker, for trying pushes,
feeding the collector, and the benchmarks.

The kiosks (:mod:`kiosk.fleet.sim_kiosk`) run as threads in a few worker processes (one
Python process per core does not scale to a thousand kiosks' checkout sessions, and a few
hundred threads per process do). Each kiosk has its own directory under ``--data`` with its
catalogue mirror, journal and sync state, and its own broker identity ``{store}/{kiosk}``:
``--local-broker DIR`` starts a Mosquitto of ours in DIR with every identity, ACLs and a fleet
user (its password is written to ``DIR/fleet-password``); ``--credentials FILE`` gives the
identities' passwords (JSON ``{"s001/k001": "..."}``) for a broker of yours.

Workers report ``started``/``stats`` lines on stdout; the parent sums them. The worker side of
the protocol is :func:`worker_main` (``python -m kiosk.fleet.simulate --worker``).
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.errors import ConfigError, KioskError
from kiosk.sync.broker import LocalMosquitto
from kiosk.sync.signing import parse_public_key, trust_map

from .sim_kiosk import Shoppers, SimKiosk, SimSettings
from .updates import load_json

READY_TIMEOUT_S = 900.0
STATS_EVERY_S = 3.0
# Counting what waits in the outboxes asks every kiosk's journal writer, a hundred round trips
# a worker: every fifth report while selling, every report once draining.
PENDING_EVERY = 5
# paho-mqtt waits on its sockets with select(), which cannot watch a descriptor numbered
# FD_SETSIZE (1024) or more: such a kiosk connects, and its CONNACK is never read. A kiosk
# holds about eight descriptors (its socket and paho's wake-up pair, the journal's database,
# WAL, shared memory and commit log, the catalogue lock), so a worker runs at most this many.
SELECT_LIMIT = 1024
KIOSKS_PER_PROCESS = 100
FDS_PER_KIOSK = 12  # with a margin: what opening one more kiosk may take


def identities(kiosks: int, stores: int) -> list[tuple[str, str]]:
    """``s001/k001``...: kiosks spread evenly over stores."""
    per_store = -(-kiosks // stores)
    return [(f"s{n // per_store + 1:03d}", f"k{n % per_store + 1:03d}") for n in range(kiosks)]


def processes_for(kiosks: int, asked: int) -> int:
    """At least ``asked`` workers, and enough that none runs more than KIOSKS_PER_PROCESS."""
    return max(1, min(kiosks, max(asked, math.ceil(kiosks / KIOSKS_PER_PROCESS))))


def raise_open_files() -> int:
    """Every kiosk holds a socket and a few database files: lift the soft limit to the hard."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# -- the worker process ---------------------------------------------------------------------------

def _settings(spec: dict[str, Any]) -> SimSettings:
    return SimSettings(host=spec["host"], port=spec["port"],
                       trusted=trust_map(spec["trusted"]), basket_max=spec["basket_max"],
                       tick_s=spec["tick_s"], parts_timeout_s=spec["parts_timeout_s"],
                       tls_ca=Path(spec["tls_ca"]) if spec["tls_ca"] else None)


def _highest_fd() -> int:
    return max(int(name) for name in os.listdir("/proc/self/fd"))


def _open_kiosks(spec: dict[str, Any], kiosks: list[SimKiosk], halt: threading.Event,
                 shoppers: Shoppers | None) -> None:
    """Open and start the kiosks one after the other, paced at ``ramp_per_s`` for this worker:
    a thousand connecting in the same instant is a storm no store sees (kiosks boot at
    different times) and only slows everything. Stops opening more when told to stop, and
    refuses (saying why) a kiosk whose descriptors paho's select() could not watch."""
    sim = _settings(spec)
    initial = load_json(Path(spec["initial"])) if spec["initial"] else None
    turns = threading.Lock()  # one kiosk's catalogue work at a time in this process
    for number, (store, kiosk, password, data, seed) in enumerate(spec["kiosks"]):
        if halt.is_set():
            return
        if _highest_fd() + FDS_PER_KIOSK >= SELECT_LIMIT:
            left = len(spec["kiosks"]) - number
            print(f"failed {left} kiosks from {store}/{kiosk} on: their descriptors would pass "
                  f"{SELECT_LIMIT - 1}, which paho-mqtt's select() cannot watch; run more "
                  "worker processes", flush=True)
            return
        try:
            opened = SimKiosk(sim, store, kiosk, password, Path(data), seed=seed,
                              initial=initial, work_lock=turns)
        except (KioskError, TimeoutError, OSError) as exc:  # an overloaded disk, a bad dir
            print(f"failed {store}/{kiosk}: {exc or type(exc).__name__}", flush=True)
            continue
        opened.start()
        kiosks.append(opened)
        if shoppers is not None:
            shoppers.add(opened)
        halt.wait(1 / spec["ramp_per_s"])


def _quiet_gc() -> None:
    """A worker holds a hundred kiosks' catalogues, millions of objects a kiosk on its own never
    has, and every full collection walks them (a tenth of a pushed catalogue's cost here): the
    young generation is collected after 100k allocations, the old one rarely."""
    gc.set_threshold(100_000, 50, 100)


def worker_main() -> None:
    """Run the kiosks the spec on stdin names; report; stop when stdin closes."""
    spec = json.loads(sys.stdin.readline())
    limit = raise_open_files()
    _quiet_gc()
    kiosks: list[SimKiosk] = []
    halt, done = threading.Event(), threading.Event()
    shoppers = None
    if spec["sell_every_s"]:
        shoppers = Shoppers(spec["sell_every_s"], random.Random(len(spec["kiosks"])))  # noqa: S311
        if not spec.get("sell_on_command"):
            shoppers.start()

    def commands() -> None:
        for line in sys.stdin:
            if line.strip() == "start-selling" and shoppers is not None:
                shoppers.start()
                print("selling", flush=True)
            elif line.strip() == "stop-selling":
                halt.set()
                if shoppers is not None:
                    shoppers.stop()
                print("stopped-selling", flush=True)
        halt.set()
        done.set()

    def report() -> None:
        pending, turn = 0, 0
        while not done.wait(STATS_EVERY_S):
            if halt.is_set() or turn % PENDING_EVERY == 0:
                pending = sum(k.pending() for k in list(kiosks))
            turn += 1
            print(_stats(list(kiosks), pending), flush=True)

    threading.Thread(target=commands, daemon=True).start()
    threading.Thread(target=report, daemon=True).start()
    _open_kiosks(spec, kiosks, halt, shoppers)
    print(f"started {len(kiosks)} nofile={limit}", flush=True)
    done.wait()
    if shoppers is not None:
        shoppers.stop()
    print(_stats(kiosks, sum(k.pending() for k in kiosks)), flush=True)
    for kiosk in kiosks:
        kiosk.stop()
    print("stopped", flush=True)


def _stats(kiosks: list[SimKiosk], pending: int) -> str:
    connected = sum(k.link.connected for k in kiosks)
    reached = sum(k.link.connects > 0 for k in kiosks)
    sold = sum(k.seller.sold for k in kiosks)
    return (f"stats opened={len(kiosks)} connected={connected} reached={reached} sold={sold} "
            f"pending={pending}")


# -- the parent ----------------------------------------------------------------------------------

@dataclass(slots=True)
class Worker:
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def last(self, prefix: str) -> dict[str, int] | None:
        for line in reversed(self.lines):
            if line.startswith(prefix):
                pairs = (w.split("=", 1) for w in line.split()[1:] if "=" in w)
                return {k: int(v) for k, v in pairs}
        return None


def _drained_since_stop(lines: list[str]) -> bool:
    if "stopped-selling" not in lines:
        return False
    after = lines[lines.index("stopped-selling") + 1:]
    return any(line.startswith("stats ") and line.endswith(" pending=0") for line in after)


class FleetSim:
    """The simulated fleet: ``start`` spawns the workers and waits until their kiosks have
    started (and, for a while, until they are connected).

    ``processes`` is a minimum (see :func:`processes_for`); the spec's ``ramp_per_s`` is the
    whole fleet's pace of starting kiosks, shared among the workers. With the spec's
    ``sell_on_command``, the kiosks sell from :meth:`start_selling` on.
    """

    def __init__(self, spec: dict[str, Any], kiosks: list[tuple[str, str, str, str, int]],
                 processes: int) -> None:
        self.spec, self.kiosks = spec, kiosks
        self.processes = processes_for(len(kiosks), processes)
        self.workers: list[Worker] = []

    def start(self, say: Callable[[str], None] = print, connect_wait_s: float = 60.0, *,
              wait: bool = True) -> None:
        """Spawn the workers; with ``wait``, until every kiosk started and (for up to
        ``connect_wait_s``) connected."""
        for index in range(self.processes):
            share = self.kiosks[index::self.processes]
            process = subprocess.Popen(
                [sys.executable, "-m", "kiosk.fleet.simulate", "--worker"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            worker = Worker(process)
            threading.Thread(target=self._read, args=(worker,), daemon=True).start()
            assert process.stdin is not None
            worker_spec = {**self.spec, "kiosks": share,
                           "ramp_per_s": self.spec["ramp_per_s"] / self.processes}
            process.stdin.write(json.dumps(worker_spec) + "\n")
            process.stdin.flush()
            self.workers.append(worker)
        if not wait:
            return
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not all(w.last("started") is not None or w.process.poll() is not None
                      for w in self.workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        deadline = time.monotonic() + connect_wait_s
        while self.connected() < len(self.kiosks) and time.monotonic() < deadline:
            time.sleep(0.2)
        say(f"{self.connected()} of {len(self.kiosks)} kiosks connected in "
            f"{len(self.workers)} processes")

    @staticmethod
    def _read(worker: Worker) -> None:
        assert worker.process.stdout is not None
        for line in worker.process.stdout:
            worker.lines.append(line.strip())

    def _sum(self, key: str) -> int:
        found = [w.last("stats") or {} for w in self.workers]
        return sum(f.get(key, 0) for f in found)

    def failures(self) -> list[str]:
        """The kiosks the workers could not start, with why (their ``failed`` lines)."""
        return [line for w in self.workers for line in w.lines if line.startswith("failed")]

    def connected(self) -> int:
        return self._sum("connected")

    def opened(self) -> int:
        return self._sum("opened")

    def reached(self) -> int:
        """Kiosks that connected at least once."""
        return self._sum("reached")

    def sold(self) -> int:
        return self._sum("sold")

    def pending(self) -> int:
        return self._sum("pending")

    def cpu_seconds(self) -> float:
        """CPU time the worker processes used so far (from /proc; 0 where it is gone)."""
        total = 0.0
        for worker in self.workers:
            try:
                stat = Path(f"/proc/{worker.process.pid}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def start_selling(self, timeout: float = 60.0) -> None:
        """With ``sell_on_command``: every kiosk starts selling now."""
        self._tell("start-selling", "selling", timeout)

    def _tell(self, command: str, answer: str, timeout: float) -> None:
        for worker in self.workers:
            if worker.process.stdin is not None and worker.process.poll() is None:
                worker.process.stdin.write(command + "\n")
                worker.process.stdin.flush()
        deadline = time.monotonic() + timeout
        while any(answer not in w.lines for w in self.workers if w.process.poll() is None) \
                and time.monotonic() < deadline:
            time.sleep(0.1)

    def stop_selling(self) -> None:
        self._tell("stop-selling", "stopped-selling", 60.0)

    def drain(self, timeout: float = 300.0) -> bool:
        """After :meth:`stop_selling`: wait until every outbox reported empty since then."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(_drained_since_stop(w.lines) for w in self.workers):
                return True
            time.sleep(0.2)
        return False

    def stop(self) -> None:
        for worker in self.workers:
            if worker.process.stdin is not None and not worker.process.stdin.closed:
                worker.process.stdin.close()
        for worker in self.workers:
            try:
                worker.process.wait(120)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
            if worker.process.stdout is not None:
                worker.process.stdout.close()


def build_spec(args: argparse.Namespace, host: str, port: int, trusted: Sequence[str]
               ) -> dict[str, Any]:
    return {"host": host, "port": port, "tls_ca": str(args.tls_ca) if args.tls_ca else None,
            "trusted": list(trusted), "sell_every_s": args.sell_every,
            "basket_max": args.basket_max, "tick_s": 1.0, "parts_timeout_s": 120.0,
            "ramp_per_s": 100,
            "initial": str(args.catalogue) if args.catalogue else None}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kiosks", type=int, required=True)
    parser.add_argument("--stores", type=int, default=1)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--data", type=Path, default=Path("var/fleet-sim"))
    parser.add_argument("--fleet-public-key", type=Path, required=True,
                        help="the .pub file kiosk-fleet keygen wrote (hex or PEM)")
    parser.add_argument("--catalogue", type=Path, help="a snapshot every kiosk starts with")
    parser.add_argument("--sell-every", type=float, help="seconds between a kiosk's sales")
    parser.add_argument("--basket-max", type=int, default=5)
    parser.add_argument("--seconds", type=float, help="run this long (default: until Ctrl-C)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--local-broker", type=Path, help="start a Mosquitto of ours here")
    source.add_argument("--credentials", type=Path, help="JSON: identity -> password")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=1883)
    parser.add_argument("--tls-ca", type=Path)


def main(args: argparse.Namespace) -> int:
    if args.kiosks < 1 or args.stores < 1:
        raise ConfigError("nothing to simulate", "--kiosks and --stores must be at least 1")
    ids = identities(args.kiosks, args.stores)
    key_text = args.fleet_public_key.read_text(encoding="ascii")
    parse_public_key(key_text, str(args.fleet_public_key))
    broker = None
    if args.local_broker:
        broker = LocalMosquitto(args.local_broker, kiosks=ids).start()
        fleet_user, fleet_password = broker.fleet_credentials()
        (args.local_broker / "fleet-password").write_text(fleet_password + "\n")
        print(f"broker on 127.0.0.1:{broker.port}; fleet tools: --port {broker.port} "
              f"--username {fleet_user} --password-file {args.local_broker / 'fleet-password'}")
        secrets = {f"{s}/{k}": broker.credentials(s, k)[1] for s, k in ids}
        host, port = "127.0.0.1", broker.port
    else:
        secrets = json.loads(args.credentials.read_text(encoding="utf-8"))
        host, port = args.host, args.port
    kiosks = [(s, k, secrets[f"{s}/{k}"], str(args.data / s / k), n) for n, (s, k) in
              enumerate(ids)]
    sim = FleetSim(build_spec(args, host, port, [key_text]), kiosks, args.processes)
    try:
        sim.start()
        deadline = time.monotonic() + args.seconds if args.seconds else None
        while deadline is None or time.monotonic() < deadline:
            time.sleep(5 if deadline is None else max(0.0, min(5, deadline - time.monotonic())))
            print(f"connected {sim.connected()}, sold {sim.sold()}, "
                  f"undelivered {sim.pending()}", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
        if broker is not None:
            broker.stop()
    print(f"stopped: {sim.sold()} sales sold by {len(kiosks)} kiosks")
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--worker"]:
        worker_main()
    else:
        sys.exit("usage: kiosk-fleet simulate ... (this module's --worker is for workers)")
