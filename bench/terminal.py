"""The card terminal drivers with their production timeouts, against the protocol simulators.

One run: both protocols on a pty with pyserial, the kiosk's drivers configured exactly as
config/kiosk.toml ships them (ACK 1 s, first answer 5 s, card dialogue 120 s, completion 30 s).
The simulated card holder is quick (``--card-step``) so the figures show the drivers' own cost;
the faults show how long the production timeouts make a shopper wait before "unknown":

* payment round trip (authorise -> outcome), p50 and max over ``--payments``;
* a frame NAKed once, then taken (one retransmission);
* no ACK at all (three transmissions, 1 s each) and no first answer (5 s): both UNKNOWN.

Prints figures, then one JSON object as its last line.
"""

from __future__ import annotations

import argparse
import json
import queue
import statistics
import time
from dataclasses import replace

from kiosk.config import TerminalConfig
from kiosk.core.money import Money
from kiosk.hw.factory import PROTOCOL_DRIVERS
from kiosk.hw.terminal import TerminalOutcome, TerminalSettings
from kiosk.hw.termsim.concert_sim import ConcertSimulator
from kiosk.hw.termsim.sim_base import SimTiming, TerminalSimulator
from kiosk.hw.termsim.zvt_sim import ZvtSimulator

SIMULATORS: dict[str, type[TerminalSimulator]] = {"zvt": ZvtSimulator,
                                                  "concert": ConcertSimulator}
FAULTS = {"nak_once": "nak@before-ack", "no_ack": "no-answer@before-ack",
          "no_answer": "no-answer@after-ack"}


def production(protocol: str, port: str) -> TerminalSettings:
    cfg = TerminalConfig(mode="real", protocol=protocol, port=port)  # the shipped defaults
    return TerminalSettings(protocol, port, cfg.baudrate, cfg.currency, password="000000",
                            pos_number=cfg.pos_number, long_answer=cfg.long_answer,
                            ack_timeout_s=cfg.ack_timeout_s,
                            answer_timeout_s=cfg.answer_timeout_s, timeout_s=cfg.timeout_s,
                            completion_timeout_s=cfg.completion_timeout_s,
                            reconnect_s=cfg.reconnect_s)


def pay(terminal: object, events: queue.Queue[object], attempt: str,
        amount: Money) -> tuple[float, str]:
    start = time.perf_counter()
    terminal.authorise(attempt, "bench", amount)  # type: ignore[attr-defined]
    while True:
        event = events.get(timeout=300)
        if isinstance(event, TerminalOutcome) and event.attempt_id == attempt:
            return time.perf_counter() - start, event.outcome.value


def bench(protocol: str, payments: int, card_step: float) -> dict[str, float | str]:
    timing = replace(SimTiming(), card_step_s=card_step, silence_s=7.0)
    sim = SIMULATORS[protocol](timing=timing).start()
    events: queue.Queue[object] = queue.Queue()
    try:
        start = time.perf_counter()
        terminal = PROTOCOL_DRIVERS[protocol](production(protocol, sim.path), events.put)
        ready_s = time.perf_counter() - start
        rounds = [pay(terminal, events, f"p{n}", Money(100 + n, "EUR"))[0]
                  for n in range(payments)]
        figures: dict[str, float | str] = {
            f"{protocol}_ready_s": round(ready_s, 3),
            f"{protocol}_pay_p50_ms": round(statistics.median(rounds) * 1000, 1),
            f"{protocol}_pay_max_ms": round(max(rounds) * 1000, 1)}
        for name, fault in FAULTS.items():
            sim.script([fault])
            seconds, outcome = pay(terminal, events, name, Money(229, "EUR"))
            figures[f"{protocol}_{name}_s"] = round(seconds, 2)
            figures[f"{protocol}_{name}_outcome"] = outcome
            time.sleep(timing.silence_s)  # the silent terminal comes back before the next
        terminal.close()  # type: ignore[attr-defined]
        figures[f"{protocol}_approved_charges"] = len(sim.journal.approved_charges())
        return figures
    finally:
        sim.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--payments", type=int, default=20)
    parser.add_argument("--card-step", type=float, default=0.05,
                        help="seconds per step of the simulated card holder (default 0.05)")
    args = parser.parse_args()
    cfg = TerminalConfig()
    result: dict[str, float | str] = {
        "ack_timeout_s": cfg.ack_timeout_s, "answer_timeout_s": cfg.answer_timeout_s,
        "timeout_s": cfg.timeout_s, "completion_timeout_s": cfg.completion_timeout_s}
    for protocol in ("zvt", "concert"):
        figures = bench(protocol, args.payments, args.card_step)
        for key, value in figures.items():
            print(f"{key:32} {value}")
        result |= figures
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
