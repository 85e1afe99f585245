"""The end-of-day (Z) report on screen, and on paper at a tap.

Opened from assisted mode by a role with the ``reports`` permission. The day's records are
read on the journal's own thread (``Kiosk.writer``) and summed by the pure builder
(:mod:`kiosk.core.report_z`), so the screen shows exactly the figures the paper prints.
Printing goes to the receipt printer off the UI thread; viewing and printing are audited as
staff actions with the staff id, like every other staff action.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future
from datetime import date
from typing import Any, ClassVar

from kivy.clock import Clock
from kivy.properties import ObjectProperty, StringProperty

from kiosk.core.effects import RecordStaffAction
from kiosk.core.report_z import ZReport, z_document
from kiosk.core.sale import StaffAction
from kiosk.screens import i18n
from kiosk.screens.base import KioskScreen
from kiosk.screens.routing import REPORT
from kiosk.screens.view import ScreenView
from kiosk.screens.widgets import KLabel, MutedLabel
from kiosk.store.report_journal import day_report


class ReportScreen(KioskScreen):
    """Widgets: ``ids.title``, ``ids.figures`` (one label per figure), ``ids.status``,
    ``ids.print_button``, ``ids.back``."""

    screen_name: ClassVar[str] = REPORT
    report = ObjectProperty(None, allownone=True)  # the ZReport on screen
    status = StringProperty("")

    def on_enter(self, *args: Any) -> None:
        self.report, self.status = None, self.tr("staff.report.loading")
        self._load()

    def show(self, view: ScreenView) -> None:
        super().show(view)
        self._draw()

    def _staff_id(self) -> str:
        staff = self.view.session.staff if self.view is not None else None
        return staff.staff_id if staff is not None else "unknown"

    def _today(self) -> date:
        return self.now().astimezone(self.shell.kiosk.ctx.timezone).date()

    def _load(self) -> None:
        kiosk = self.shell.kiosk
        cfg, ctx, day = kiosk.config, kiosk.ctx, self._today()
        future: Future[ZReport] = kiosk.writer.submit(lambda journal: day_report(
            journal, day, ctx.timezone, store_id=cfg.store.store_id,
            kiosk_id=cfg.store.kiosk_id, currency=ctx.currency))
        future.add_done_callback(lambda f: Clock.schedule_once(lambda _dt: self._loaded(f)))
        self._audit("z-report-viewed", {"day": day.isoformat()})

    def _loaded(self, future: Future[ZReport]) -> None:
        error = future.exception()
        if error is not None:
            self.status = self.tr("staff.report.failed", reason=str(error))
        else:
            self.report, self.status = future.result(), ""
        self._draw()

    def _audit(self, action: str, detail: dict[str, Any]) -> None:
        record = StaffAction(self._staff_id(), action, self.now(), detail)
        self.shell.kiosk.handlers.record_staff_action(RecordStaffAction.of(record, None))

    # -- drawing ----------------------------------------------------------------------------

    def _draw(self) -> None:
        lang = self.view.language if self.view is not None else "en"
        self.ids.title.text = self.tr("staff.report.title", day=self._today().isoformat())
        self.ids.back.text = self.tr("staff.report.back")
        self.ids.print_button.text = self.tr("staff.report.print")
        self.ids.print_button.disabled = self.report is None
        self.ids.status.text = self.status
        box = self.ids.figures
        box.clear_widgets()
        if self.report is None:
            return
        for label in self._figures(self.report, lang):
            box.add_widget(label)

    def _figures(self, report: ZReport, lang: str) -> list[KLabel]:
        def money(amount: Any) -> str:
            return i18n.money(amount, lang)
        rows = [
            self.tr("staff.report.completed", count=report.completed),
            self.tr("staff.report.voided", count=report.voided),
            self.tr("staff.report.suspended", count=report.suspended),
            self.tr("staff.report.items", count=report.items),
            self.tr("staff.report.takings", amount=money(report.gross)),
            self.tr("staff.report.discounts", amount=money(report.discounts)),
        ]
        rows += [self.tr(f"staff.report.tender_{t.method}", count=t.count, amount=money(t.amount))
                 if i18n.has(f"staff.report.tender_{t.method}", lang)
                 else f"{t.method}: {t.count}, {money(t.amount)}" for t in report.tenders]
        rows += [self.tr("staff.report.vat", rate=f"{v.rate_bp / 100:g}%", net=money(v.net),
                         vat=money(v.vat)) for v in report.vat]
        rows += [self.tr("staff.report.resolved", count=report.resolved_by_staff),
                 self.tr("staff.report.unknown", count=report.unknown_open)]
        labels: list[KLabel] = [KLabel(text=row) for row in rows]
        labels += [MutedLabel(text=f"{name}: {count}") for name, count in report.staff_actions]
        return labels

    # -- touches ----------------------------------------------------------------------------

    def back(self) -> None:
        self.shell.set_local(report=False)

    def print_report(self) -> None:
        report, printer = self.report, self.shell.kiosk.devices.printer
        if report is None:
            return
        if printer is None:
            self.status = self.tr("staff.report.no_printer")
            self._draw()
            return
        at = self.now()
        local = at.astimezone(self.shell.kiosk.ctx.timezone)
        document = z_document(report, printed_at=local.strftime("%Y-%m-%d %H:%M"))
        job_id = f"z-{report.kiosk_id}-{report.day.isoformat()}-{local:%H%M%S}"
        self.status = self.tr("staff.report.printing")
        self._draw()
        self._audit("z-report-printed", {"day": report.day.isoformat(), "job": job_id})

        def work() -> None:
            result = printer.print_document(job_id, document)
            Clock.schedule_once(lambda _dt: self._printed(result.ok, result.detail))

        threading.Thread(target=work, name=f"print-{job_id}", daemon=True).start()

    def _printed(self, ok: bool, detail: str) -> None:
        self.status = self.tr("staff.report.printed") if ok else \
            self.tr("staff.report.print_failed", reason=detail)
        self._draw()


SCREENS = (ReportScreen,)
