"""Assisted mode: the staff member's screen over the shopper's sale.

Left, the basket (tap a line to select it for a void or a price override) and, when a payment
is UNKNOWN, the terminal's evidence; right, the actions the role may take now
(:mod:`kiosk.screens.staff_assisted_model`). An action that needs input opens its form over
both (a new price with a reason, the digits of a code, paid / not paid, why a sale is set
aside, which suspended sale to recall), so its keys keep their 15 mm on a 7-inch panel.
Every tap becomes a session event carrying the signed-in staff id; the session audits it
(journal and outbox) or rejects it, and a rejection is shown as the session worded it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from kivy.clock import Clock
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.togglebutton import ToggleButton

from kiosk.core import events as ev
from kiosk.core.money import Money
from kiosk.core.suspended import SuspendedSale
from kiosk.screens import i18n
from kiosk.screens.base import KioskScreen
from kiosk.screens.routing import ASSISTED
from kiosk.screens.staff_assisted_model import RECALL_LABEL, AssistedView, assisted_view
from kiosk.screens.staff_forms import FORMS, Form, FormPanel, recall_form
from kiosk.screens.view import ScreenView
from kiosk.screens.widgets import KButton, KLabel, MutedLabel


class LineButton(ToggleButton):
    """One basket line; selecting it is UI-only (nothing is sent until an action)."""


class StaffActionKey(KButton):
    """One assisted-mode action; smaller type where the grid is narrow (staff.kv), so an
    action and why it is disabled stay inside the key on a 7-inch panel."""

    line_id: int = 0


class AssistedScreen(KioskScreen):
    """Widgets: ``ids.title``, ``ids.timer``, ``ids.lines``, ``ids.total``, ``ids.evidence``,
    ``ids.actions`` (one button per action, ``action_buttons[name]``), ``ids.form``
    (a :class:`FormPanel` while an action needs input), ``ids.notice`` (the session's last
    rejection, or what was done)."""

    screen_name: ClassVar[str] = ASSISTED
    model = ObjectProperty(None, allownone=True)  # the AssistedView on screen
    notice = StringProperty("")
    form = ObjectProperty(None, allownone=True)  # the Form being filled in, if any

    def __init__(self, shell: Any, **kwargs: Any) -> None:
        super().__init__(shell, **kwargs)
        self.selected: int | None = None
        self.action_buttons: dict[str, KButton] = {}
        self.line_buttons: dict[int, LineButton] = {}
        self._ticker: Any = None
        self.shell.kiosk.loop.subscribe(self._outcome)

    def on_enter(self, *args: Any) -> None:
        self._ticker = Clock.schedule_interval(lambda _dt: self.refresh(), 1.0)

    def on_leave(self, *args: Any) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None
        self.close_form()
        self.selected, self.notice = None, ""

    def show(self, view: ScreenView) -> None:
        super().show(view)
        self.refresh()

    def _outcome(self, event: object, _session: object, outcome: Any) -> None:
        """The session's word on a staff event: its rejection reason, shown as is."""
        if isinstance(event, ev.Event) and outcome.rejected is not None and \
                getattr(event, "staff_id", None) is not None:
            self.notice = outcome.rejected.reason

    # -- drawing ----------------------------------------------------------------------------

    def refresh(self) -> None:
        if self.view is None:
            return
        session = self.view.session
        if self.selected is not None and session.line(self.selected) is None:
            self.selected = None
        model = assisted_view(session, self.shell.kiosk.ctx, self.now(), self.selected)
        self.model = model
        if model is None:
            return
        lang = self.view.language
        member = self.shell.kiosk.staff.get(model.staff_id)
        self.ids.title.text = self.tr("staff.assisted.title",
                                      name=member.name if member else model.staff_id)
        self.ids.timer.text = self.tr("staff.assisted.ends_in", role=self._role(model.role, lang),
                                      seconds=model.seconds_left)
        self._draw_lines(model, lang)
        self.ids.total.text = self.tr("staff.assisted.total", total=i18n.money(model.total, lang))
        self._draw_evidence(model, lang)
        self._draw_actions(model)
        self.ids.notice_label.text = self.notice

    def _role(self, role: str, lang: str) -> str:
        """A configured role's name; a role the catalogues do not know shows as configured."""
        key = f"staff.role.{role}"
        return self.tr(key) if i18n.has(key, lang) else role

    def _draw_lines(self, model: AssistedView, lang: str) -> None:
        box = self.ids.lines
        box.clear_widgets()
        self.line_buttons = {}
        for row in model.lines:
            name = row.names.get(lang) or row.names.get("en") or str(row.line_id)
            qty = i18n.grams(row.weight_g, lang) if row.weight_g is not None else f"x{row.quantity}"
            mark = " *" if row.overridden else ""
            button = LineButton(text=f"{name}  {qty}  {i18n.money(row.amount, lang)}{mark}",
                                group="lines", state="down" if row.line_id == self.selected
                                else "normal")
            button.line_id = row.line_id
            button.key = f"line.{row.line_id}"
            button.bind(on_release=lambda b: self.select(b.line_id if b.state == "down" else None))
            self.line_buttons[row.line_id] = button
            box.add_widget(button)

    def _draw_evidence(self, model: AssistedView, lang: str) -> None:
        box = self.ids.evidence
        box.clear_widgets()
        found = model.evidence
        if found is None:
            return
        texts = [self.tr("staff.resolve.title", amount=i18n.money(found.amount, lang),
                         attempt=found.attempt_id),
                 self.tr("staff.resolve.reason", reason=found.reason or "-")]
        if found.card:
            texts.append(self.tr("staff.resolve.card", card=found.card))
        if found.late_answer:
            texts.append(self.tr("staff.resolve.late", outcome=found.late_answer))
        texts.append(self.tr("staff.resolve.receipt") if found.receipt_lines
                     else self.tr("staff.resolve.no_receipt"))
        labels = [KLabel(text=t) for t in texts]
        labels += [MutedLabel(text=line) for line in found.receipt_lines]
        for label in labels:
            box.add_widget(label)

    def _draw_actions(self, model: AssistedView) -> None:
        grid = self.ids.actions
        if not self.action_buttons:
            for action in model.actions:
                button = StaffActionKey()
                button.key = f"staff.{action.name}"
                button.bind(on_release=lambda _b, name=action.name: self.act(name))
                self.action_buttons[action.name] = button
                grid.add_widget(button)
        for action in model.actions:
            button = self.action_buttons[action.name]
            button.text = self.tr(action.label) if action.enabled else \
                f"{self.tr(action.label)}\n({self.tr(action.why)})"
            button.disabled = not action.enabled or self.form is not None

    # -- touches ----------------------------------------------------------------------------

    def select(self, line_id: int | None) -> None:
        self.selected = line_id
        self.refresh()

    def act(self, name: str) -> None:
        model = self.model
        if model is None or not model.action(name).enabled:
            return
        self.notice = ""
        staff, at = model.staff_id, self.now()
        simple: dict[str, ev.Event] = {
            "approve_age": ev.AgeApproved(at=at, staff_id=staff),
            "refuse_age": ev.AgeRefused(at=at, staff_id=staff),
            "reprint": ev.ReprintRequested(at=at, staff_id=staff),
            "sign_out": ev.AssistedExited(at=at, staff_id=staff),
        }
        if name in simple:
            self.send(simple[name])
        elif name == "void_line" and self.selected is not None:
            self.send(ev.LineVoided(at=at, line_id=self.selected))
        elif name == "lock":
            self.send(ev.KioskUnlocked(at=at, by=staff) if model.locked
                      else ev.KioskLocked(at=at, by=staff, reason="closed by staff"))
        elif name == "report":
            self.shell.set_local(report=True)
        elif name == "suspend_sale" and model.action(name).label == RECALL_LABEL:
            self.open_form(recall_form(model.suspended, self._held_label))
        elif name in FORMS:
            self.open_form(FORMS[name])

    def open_form(self, form: Form) -> None:
        self.form = form
        panel = FormPanel(form=form, screen=self)
        line = self.line_buttons.get(self.selected) if self.selected is not None else None
        if form.name == "override_price" and line is not None:  # the basket is covered now
            panel.ids.title.text += f"\n{line.text}"
        self.ids.form.clear_widgets()
        self.ids.form.add_widget(panel)
        self.ids.form.opacity = 1
        self.refresh()

    def close_form(self) -> None:
        self.form = None
        self.ids.form.clear_widgets()
        self.ids.form.opacity = 0
        self.refresh()

    def submit(self, form: Form, digits: str, choice: str) -> None:
        """A form's OK: the event it stands for, with the staff id of who is signed in."""
        model = self.model
        if model is None:
            return
        at, staff = self.now(), model.staff_id
        if form.name == "override_price" and self.selected is not None:
            self.send(ev.PriceOverridden(at=at, line_id=self.selected, new_price=int(digits),
                                         staff_id=staff, reason=i18n.tr(choice, "en")))
        elif form.name == "key_in":
            self.send(ev.CodeKeyedIn(at=at, code=digits, staff_id=staff))
        elif form.name == "cancel_sale":
            self.send(ev.SaleCancelled(at=at, staff_id=staff, reason=i18n.tr(choice, "en")))
        elif form.name == "suspend_sale":
            self.send(ev.SaleSuspended(at=at, staff_id=staff, reason=i18n.tr(choice, "en")))
        elif form.name == "recall_sale":
            self.send(ev.SaleRecalled(at=at, staff_id=staff, sale_id=choice))
        elif form.name == "resolve_payment" and model.evidence is not None:
            outcome = ev.PaymentOutcome.APPROVED if choice == "staff.resolve.paid" \
                else ev.PaymentOutcome.DECLINED
            self.send(ev.PaymentResolved(at=at, attempt_id=model.evidence.attempt_id,
                                         outcome=outcome, staff_id=staff))
        self.close_form()

    def _held_label(self, held: SuspendedSale) -> str:
        """A suspended sale as staff pick it: number, items, total, local time suspended."""
        lang = self.view.language if self.view is not None else "en"
        local = held.suspended_at.astimezone(self.shell.kiosk.ctx.timezone)
        return self.tr("staff.recall.choice", number=held.sale_number, items=held.item_count,
                       total=i18n.money(held.total, lang), time=f"{local:%H:%M}")

    def money_text(self, minor: int) -> str:
        currency = self.shell.kiosk.ctx.currency
        return i18n.money(Money(minor, currency), self.view.language if self.view else "en")


SCREENS = (AssistedScreen,)
