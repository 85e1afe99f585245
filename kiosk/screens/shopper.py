"""The shopper screens the shell registers (staff screens come from staff_*.py)."""

from __future__ import annotations

from kiosk.screens.attract import AttractScreen
from kiosk.screens.base import KioskScreen
from kiosk.screens.basket import BasketScreen
from kiosk.screens.done import DoneScreen
from kiosk.screens.overlays import AgeScreen, HelpScreen, LockedScreen, OutOfOrderScreen
from kiosk.screens.payment import PaymentScreen, PaymentUnknownScreen

SCREENS: tuple[type[KioskScreen], ...] = (
    AttractScreen, BasketScreen, AgeScreen, PaymentScreen, PaymentUnknownScreen, DoneScreen,
    HelpScreen, OutOfOrderScreen, LockedScreen,
)
