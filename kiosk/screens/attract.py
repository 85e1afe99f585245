"""Attract: "scan an item or tap to start", the sale's language, accessibility mode.

A language button starts the sale in that language (the session keeps it until the sale ends);
a scan starts it in the default language. The accessibility choices also last for the sale:
large text, high contrast, spoken guidance (offered only where the kiosk has audio and
espeak-ng). The look is the screen's; the session is told too, because with any of them on
every timeout the shopper faces lasts longer (kiosk.core.session_access).
"""

from __future__ import annotations

from kiosk.core import events as ev
from kiosk.screens import i18n, routing
from kiosk.screens.frame import ScreenFrame, button
from kiosk.screens.view import ScreenView
from kiosk.screens.widgets import AccentButton, HugeLabel, KButton, KLabel, LanguageButton, Row


class AttractScreen(ScreenFrame):
    screen_name = routing.ATTRACT
    title_key = "attract.title"

    def build(self) -> None:
        self.prompt = HugeLabel(text="")
        self.prompt.key = "prompt"
        self.hint = KLabel(text="", halign="center")
        self.languages = Row()
        self.access_row = Row()
        self.large = button(KButton, "large-text", lambda: self._toggle("large_text"))
        self.contrast = button(KButton, "high-contrast", lambda: self._toggle("high_contrast"))
        self.speech = button(KButton, "speech", lambda: self._toggle("speech"))
        for widget in (self.large, self.contrast, self.speech):
            self.access_row.add_widget(widget)
        for widget in (self.prompt, self.hint, self.languages, self.access_row):
            self.body.add_widget(widget)
        self.start = button(AccentButton, "start", self._start)
        self.actions.add_widget(self.start)

    def render(self, view: ScreenView) -> None:
        self.prompt.text = view.tr("attract.prompt")
        self.hint.text = view.tr("attract.languages")
        self.start.text = view.tr("attract.start")
        if len(self.languages.children) != len(view.languages):
            self.languages.clear_widgets()
            for lang in view.languages:
                choice = button(LanguageButton, f"lang-{lang}",
                                lambda lang=lang: self._choose(lang),
                                text=i18n.LANGUAGE_NAMES.get(lang, lang))
                self.languages.add_widget(choice)
        access = view.access
        self.large.text = view.tr("attract.large-text." + ("on" if access.large_text else "off"))
        self.contrast.text = view.tr(
            "attract.high-contrast." + ("on" if access.high_contrast else "off"))
        self.speech.text = view.tr("attract.speech." + ("on" if access.speech else "off"))
        self.speech.disabled = not self.shell.speaker.available

    def _choose(self, lang: str) -> None:
        self.send(ev.LanguageChosen(at=self.now(), lang=lang))

    def _start(self) -> None:
        lang = self.view.language if self.view is not None else "en"
        self._choose(lang)

    def _toggle(self, name: str) -> None:
        """The look is the screen's; the session lengthens the shopper's timeouts with it."""
        current = getattr(self.shell.access, name)
        self.shell.set_access(**{name: not current})
        self.send(ev.AccessibilityChosen(at=self.now(), on=self.shell.access.on))
        if name == "speech" and not current:
            self.shell.speak(self.tr("speak.attract"))
