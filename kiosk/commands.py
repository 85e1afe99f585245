"""The ``kiosk`` sub-commands, each a short function over the composition root."""

from __future__ import annotations

import json
import sys
from argparse import Namespace
from collections.abc import Callable

from kiosk.app import JOURNAL_FILE, Kiosk, catalogue_mirror
from kiosk.config import LoadedConfig
from kiosk.errors import CatalogueError, KioskError
from kiosk.headless import COMMANDS, Headless
from kiosk.store.atomic import atomic_write_bytes
from kiosk.store.catalogue_csv import apply_csv
from kiosk.store.journal import Journal


def run(args: Namespace, loaded: LoadedConfig) -> int:
    table: dict[str, Callable[[Namespace, LoadedConfig], int]] = {
        "run": cmd_run, "config": cmd_config, "devices": cmd_devices,
        "catalogue": cmd_catalogue, "journal": cmd_journal,
        "receipt-preview": cmd_receipt_preview,
    }
    return table[args.command](args, loaded)


def cmd_run(args: Namespace, loaded: LoadedConfig) -> int:
    if not args.headless and args.script is None:
        return _run_window(loaded)
    kiosk = Kiosk(loaded)
    try:
        headless = Headless(kiosk)
        if args.script is not None:
            lines = args.script.read_text(encoding="utf-8").splitlines()
            return headless.run_lines(lines, stop_on_error=True)
        interactive = sys.stdin.isatty()
        if interactive:
            print("Type commands (? for the list, quit to stop):\n" + COMMANDS)
        return headless.run_lines(_prompted(interactive), stop_on_error=False)
    finally:
        kiosk.close()


def _run_window(loaded: LoadedConfig) -> int:
    """The touch screen: refuses at once without a display (before devices start)."""
    from kiosk.screens.window import check_display, run_window  # noqa: PLC0415 - Kivy is heavy

    check_display()
    kiosk = Kiosk(loaded)
    try:
        return run_window(kiosk)
    finally:
        kiosk.close()


def _prompted(interactive: bool):
    while True:
        try:
            yield input("kiosk> " if interactive else "")
        except EOFError:
            return


def cmd_config(args: Namespace, loaded: LoadedConfig) -> int:
    print(f"# valid; layers: {', '.join(loaded.sources)}")
    print(json.dumps(loaded.config.model_dump(mode="json"), indent=2, ensure_ascii=False))
    return 0


def cmd_devices(args: Namespace, loaded: LoadedConfig) -> int:
    kiosk = Kiosk(loaded)
    try:
        failed: list[object] = [h for h in kiosk.devices.health().values() if not h.ok]
        if kiosk.mqtt_problem:
            failed.append(kiosk.mqtt_problem)  # the banner already said what is wrong
        if not kiosk.staff:
            print(f"staff: no staff file at {loaded.config.staff.file}: assisted mode cannot be "
                  "unlocked")
        return 1 if failed else 0
    finally:
        kiosk.close()


def cmd_catalogue(args: Namespace, loaded: LoadedConfig) -> int:
    cfg = loaded.config
    data_dir = cfg.resolve(cfg.paths.data_dir)
    if args.action == "status":  # reports only: seeding is the running kiosk's job
        mirror = catalogue_mirror(cfg, data_dir)
        try:
            print(f"catalogue: {mirror.status.message}")
            print(f"version {mirror.version}; {len(mirror)} products; "
                  f"{len(mirror.promotions)} promotions; digest {mirror.digest}")
        finally:
            mirror.close()
        return 0
    mirror = catalogue_mirror(cfg, data_dir)
    try:
        read, result = apply_csv(mirror, args.csv, version=args.catalogue_version,
                                 skip_bad_rows=args.skip_bad_rows)
        print(read.report())
        if result is None or not result.accepted:
            why = result.reason if result is not None else "rows are not valid (listed above)"
            raise CatalogueError(f"the catalogue from {args.csv} was not imported", why,
                                 "Fix the rows named, or use --skip-bad-rows deliberately.")
        print(f"catalogue is now version {mirror.version} with {len(mirror)} products "
              f"and {len(mirror.promotions)} promotions (kept)")
        return 0
    finally:
        mirror.close()


def cmd_journal(args: Namespace, loaded: LoadedConfig) -> int:
    cfg = loaded.config
    path = cfg.resolve(cfg.paths.data_dir) / JOURNAL_FILE
    if not path.exists():
        raise KioskError(f"there is no journal at {path}", "no sale was recorded here yet")
    with Journal(path) as journal:
        report = journal.verify_chain()
        counts = journal.outbox_counts()
        print(f"records {report.records}; chain {'ok' if report.ok else 'BROKEN'}"
              f"{'' if report.ok else f' at seq {report.first_bad_seq}: {report.reason}'}; "
              f"gaps {journal.gaps() or 'none'}; outbox {counts}")
        return 0 if report.ok else 1


def cmd_receipt_preview(args: Namespace, loaded: LoadedConfig) -> int:
    """A sample sale's receipt, through the real ESC/POS bytes and the renderer, as a PNG."""
    from kiosk.clock import utc_now  # noqa: PLC0415 - only this command draws receipts
    from kiosk.hw.printer_preview import render_preview, save_png  # noqa: PLC0415

    preview = render_preview(loaded.config, at=utc_now(), language=args.language)
    try:
        save_png(preview.image, args.out)
        if args.bytes_out is not None:
            atomic_write_bytes(args.bytes_out, preview.data, tag="receipt.preview")
    except OSError as exc:
        raise KioskError(f"cannot write the receipt preview to {args.out}",
                         exc.strerror or str(exc)) from None
    paper = preview.paper
    width, height = preview.image.size
    print(f"receipt preview: {args.out} ({width} x {height} px, one pixel per printer dot)")
    print(f"printer profile {paper.escpos_profile}, {paper.paper_mm} mm paper, {paper.dots} "
          f"dots, {paper.columns} columns; language {preview.language}; {len(preview.data)} "
          f"bytes of ESC/POS")
    print(f"sample sale of {preview.lines} lines from {preview.catalogue}")
    for warning in preview.warnings:
        print(f"warning: the preview may differ from the paper: {warning}")
    return 0
