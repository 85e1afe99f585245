"""The shopper's accessibility mode, as far as the session cares: time.

Large text, high contrast and speech are the screen's business; what the session owns is the
clock the shopper races against. While accessibility mode is on, every timeout a shopper faces
(an empty basket left alone, the receipt screen, the wait for the card terminal) lasts
``SessionContext.accessible_time_factor`` longer (``SessionContext.shopper_timeout``). The
choice lasts until the sale ends, like the language; a new sale starts without it.
"""

from __future__ import annotations

from dataclasses import replace

from kiosk.core.events import AccessibilityChosen
from kiosk.core.session_guards import shopper_block
from kiosk.core.session_model import Outcome, Session, SessionContext


def on_accessibility_chosen(session: Session, event: AccessibilityChosen,
                            ctx: SessionContext) -> Outcome:
    block = shopper_block(session)
    if block is not None:
        return Outcome(session, (), block)
    return Outcome(replace(session, accessible=event.on))
