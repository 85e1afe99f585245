"""``kiosk-terminal-sim``: a simulated card terminal for store IT, the demo and tests.

The first line of output is the serial port to give the kiosk (``devices.terminal.port``); it
stays the same for the simulator's whole life, also across the disconnect fault. Then one line
per transaction from the terminal's own journal, until SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from kiosk.errors import KioskError
from kiosk.hw.termsim.concert_sim import ConcertSimulator
from kiosk.hw.termsim.faults import FAULTS, PHASES
from kiosk.hw.termsim.journal import SimTransaction
from kiosk.hw.termsim.sim_base import SimTiming, TerminalSimulator
from kiosk.hw.termsim.zvt_sim import ZvtSimulator

EPILOG = ("faults (one --fault per transaction, in order; NAME, NAME@PHASE or NAME@PHASE*COUNT): "
          + ", ".join(FAULTS) + ". phases: " + ", ".join(PHASES) + ".")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk-terminal-sim", epilog=EPILOG,
                                     description="A ZVT or Concert V2 card terminal on a pty.")
    parser.add_argument("--protocol", choices=("zvt", "concert"), required=True)
    parser.add_argument("--fault", action="append", default=[], metavar="NAME",
                        help="fault for the next transaction; repeat for the ones after")
    parser.add_argument("--delay", type=float, default=1.0, metavar="S",
                        help="seconds per step of the card holder dialogue (default 1)")
    parser.add_argument("--link", metavar="PATH",
                        help="publish the port as this symlink (default: a private temp dir)")
    parser.add_argument("--terminal-id", default="12345678", help="8-digit terminal id")
    parser.add_argument("--late", type=float, default=3.0, metavar="S",
                        help="pause of the late-answer fault (default 3)")
    parser.add_argument("--after-timeout", type=float, default=180.0, metavar="S",
                        help="pause of the after-timeout fault; above the kiosk's timeout")
    parser.add_argument("--silence", type=float, default=30.0, metavar="S",
                        help="how long the no-answer fault stays silent (default 30)")
    return parser


def build(args: argparse.Namespace) -> TerminalSimulator:
    timing = SimTiming(card_step_s=args.delay, late_answer_s=args.late,
                       after_timeout_s=args.after_timeout, silence_s=args.silence)
    if not (args.terminal_id.isdigit() and len(args.terminal_id) == 8):
        raise KioskError(f"terminal id {args.terminal_id!r}", "it has exactly 8 digits")
    simulator_class = ZvtSimulator if args.protocol == "zvt" else ConcertSimulator
    return simulator_class(faults=args.fault, timing=timing, link_path=args.link,
                           terminal_id=args.terminal_id)


def _print_transaction(entry: SimTransaction) -> None:
    print(entry.line(), flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        simulator = build(args)
    except KioskError as error:
        print(f"kiosk-terminal-sim: {error.message}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def _on_signal(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    simulator.journal.subscribe(_print_transaction)
    simulator.start()
    try:
        print(simulator.path, flush=True)
        print(f"# {args.protocol} terminal {args.terminal_id} on {simulator.pty_path}; "
              f"faults: {', '.join(args.fault) or 'none'}; Ctrl-C stops", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        simulator.stop()
    return 0
