"""A kiosk's MQTT side as its own process, so tests can SIGKILL it mid-stream.

It runs exactly what the kiosk runs (JournalWriter, MqttLink, OutboxPump), sells sales numbered
on from the journal's next sale number up to ``--sales``, then waits until the outbox is empty
and says ``drained``; it stops cleanly when its stdin closes. Progress lines go to stdout.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

from kiosk.store.journal import Journal
from kiosk.store.writer import JournalWriter
from kiosk.sync.delivery import OutboxPump
from kiosk.sync.link import MqttLink
from kiosk.sync.link_config import LinkSettings
from kiosk.sync.messages import Status

sys.path.insert(0, str(Path(__file__).parent))
from mqtt_helpers import sell


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--store", default="s1")
    parser.add_argument("--kiosk", default="k1")
    parser.add_argument("--password-file", type=Path, required=True)
    parser.add_argument("--sales", type=int, default=0)
    parser.add_argument("--pace", type=float, default=0.0)
    parser.add_argument("--window", type=int, default=20)
    args = parser.parse_args()
    settings = LinkSettings(
        store=args.store, kiosk=args.kiosk, host="127.0.0.1", port=args.port,
        username=f"{args.store}/{args.kiosk}", password=args.password_file.read_text().strip(),
        reconnect_min_s=0.05, reconnect_max_s=0.5, keepalive_s=5, app_version="test-kiosk")
    writer = JournalWriter(args.data / "journal.sqlite3")
    writer.start()
    link = MqttLink(settings, status=lambda: Status(True, "test-kiosk", "v1", {}),
                    inflight_limit=args.window)
    pump = OutboxPump(writer, link, window=args.window, idle_poll_s=0.2)
    link.start()
    pump.start()
    if not link.wait_connected(60):
        sys.exit(f"not connected: {link.last_error}")
    print("ready", flush=True)
    first = writer.submit(Journal.next_sale_number).result()
    for number in range(first, args.sales + 1):
        sell(writer, 1, first=number)
        pump.kick()
        print(f"sold {number}", flush=True)
        time.sleep(args.pace)
    print("sold-all", flush=True)
    while writer.submit(Journal.outbox_counts).result().pending:
        time.sleep(0.05)
    print("drained", flush=True)
    stdin_closed = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stdin_closed.set()), daemon=True).start()
    stdin_closed.wait()
    pump.stop()
    link.stop()
    writer.close()
    print("stopped", flush=True)


if __name__ == "__main__":
    main()
