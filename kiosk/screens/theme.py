"""The one theme: sizes and colours as Kivy properties that theme.kv binds to.

Sizes come from the physical screen, not from pixels: a touch target is at least 15 mm at the
configured dpi (ISO 9241-9 / EN 301 549 ask for large targets on public terminals), text is
sized for arm's length, and large text scales every font. High contrast swaps the palette for
white on black with yellow actions. ``font_name`` follows the sale's language, so Chinese is
drawn with the CJK font named in ``[ui]``.
"""

from __future__ import annotations

from dataclasses import dataclass

from kivy.event import EventDispatcher
from kivy.properties import ColorProperty, NumericProperty, StringProperty

MM_PER_INCH = 25.4
MIN_TARGET_MM = 15.0


@dataclass(frozen=True, slots=True)
class Palette:
    bg: str
    panel: str
    fg: str
    muted: str
    accent: str
    accent_fg: str
    button: str
    button_fg: str
    danger: str
    disabled: str


STANDARD = Palette(bg="#f4f6f8", panel="#ffffff", fg="#1b1f24", muted="#52606d",
                   accent="#0b6e4f", accent_fg="#ffffff", button="#dfe6ec", button_fg="#1b1f24",
                   danger="#b3261e", disabled="#c3cbd2")
HIGH_CONTRAST = Palette(bg="#000000", panel="#000000", fg="#ffffff", muted="#ffffff",
                        accent="#ffd400", accent_fg="#000000", button="#ffffff",
                        button_fg="#000000", danger="#ff5a4e", disabled="#5c5c5c")


def mm_to_px(mm: float, dpi: float) -> int:
    return round(mm / MM_PER_INCH * dpi)


class Theme(EventDispatcher):
    """Bound from theme.kv as ``T`` (``#:import T kiosk.screens.theme.THEME``)."""

    target = NumericProperty(88)  # px, >= 15 mm
    gap = NumericProperty(12)
    font_small = NumericProperty(20)
    font = NumericProperty(26)
    font_big = NumericProperty(36)
    font_huge = NumericProperty(56)
    font_name = StringProperty("Roboto")
    cjk_font_name = StringProperty("Roboto")  # language names such as 中文, in every language
    bg = ColorProperty(STANDARD.bg)
    panel = ColorProperty(STANDARD.panel)
    fg = ColorProperty(STANDARD.fg)
    muted = ColorProperty(STANDARD.muted)
    accent = ColorProperty(STANDARD.accent)
    accent_fg = ColorProperty(STANDARD.accent_fg)
    button = ColorProperty(STANDARD.button)
    button_fg = ColorProperty(STANDARD.button_fg)
    danger = ColorProperty(STANDARD.danger)
    disabled = ColorProperty(STANDARD.disabled)

    def configure(self, *, dpi: float, height_px: int, large_text: bool, high_contrast: bool,
                  font_name: str, cjk_font_name: str) -> None:
        """Recompute for a screen, an accessibility choice and a font; kv follows."""
        self.target = max(mm_to_px(MIN_TARGET_MM, dpi), round(height_px / 9))
        self.gap = max(6, round(self.target / 8))
        base = height_px / 30 * (1.35 if large_text else 1.0)
        self.font_small = round(base * 0.8)
        self.font = round(base)
        self.font_big = round(base * 1.4)
        self.font_huge = round(base * 2.0)
        self.font_name = font_name
        self.cjk_font_name = cjk_font_name
        palette = HIGH_CONTRAST if high_contrast else STANDARD
        for name in Palette.__dataclass_fields__:
            setattr(self, name, getattr(palette, name))


THEME = Theme()
