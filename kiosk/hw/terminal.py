"""The payment terminal: its interface and what every driver shares (the in-process simulator
is :mod:`kiosk.hw.terminal_sim`).

A payment is asynchronous. :meth:`PaymentTerminal.authorise` returns at once; the terminal
posts :class:`TerminalStatus` while it talks to the card holder ("insert-card", "enter-pin", ...)
and one :class:`TerminalOutcome` at the end. Every request carries an ``attempt_id`` that the
journal recorded first: asking again with the same id never charges again, it only repeats the
answer (:class:`AttemptBook`; Odoo's IoT drivers do the same with their action ids).

``approved``, ``declined`` and ``cancelled`` are answers; ``unknown`` means the request went out
and no clear answer came back. The kiosk never guesses what became of it: staff resolve it, from
the terminal's own receipt or with what the protocol offers (:class:`Capabilities`: ZVT can ask
for the last receipt again, reverse a payment and refund; Concert V2 cannot). An answer that
arrives after ``unknown`` (a late answer, or one a recovery found) is posted as another
:class:`TerminalOutcome` for the same attempt, and the session keeps it for staff to see.

Real terminals speak ZVT (:mod:`kiosk.hw.zvt`) or Concert V2 (:mod:`kiosk.hw.concert`) on a
serial line; :func:`real_terminal` opens one (the factory names the drivers). A port that is
missing or held by another program is a health failure: the shopper sees "card payment
unavailable" and staff are called; nothing pretends to take a payment it cannot take.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import serial

from kiosk.core.events import PaymentOutcome
from kiosk.core.money import Money
from kiosk.errors import DeviceError, KioskError
from kiosk.hw.health import TERMINAL, DeviceHealth, Post

NO_TERMINAL_ACTION = "Card payment is unavailable; staff are called to take the payment."
REMEMBERED_ATTEMPTS = 1000  # answers kept for repeated requests; the journal keeps them all

# What the screen may be asked to show while the terminal talks to the card holder.
STATUS_KEYS = frozenset({"insert-card", "enter-pin", "wrong-pin", "processing", "remove-card",
                         "card-not-accepted", "approved", "declined"})

# ISO 4217 numeric codes, which both protocols send, for the currencies the kiosk knows.
CURRENCY_NUMERIC: Mapping[str, int] = {
    "EUR": 978, "GBP": 826, "USD": 840, "CHF": 756, "CNY": 156, "SEK": 752, "NOK": 578,
    "DKK": 208, "PLN": 985, "CZK": 203, "HUF": 348, "CAD": 124, "AUD": 36, "NZD": 554,
    "HKD": 344, "SGD": 702, "JPY": 392, "KRW": 410, "ISK": 352, "KWD": 414, "BHD": 48,
    "TND": 788,
}


@dataclass(frozen=True, slots=True)
class TerminalStatus:
    """What the terminal asks of the shopper now; the screen shows the matching message."""

    attempt_id: str
    message_key: str  # one of STATUS_KEYS


@dataclass(frozen=True, slots=True)
class TerminalOutcome:
    """The final answer for an attempt (or a late one, after ``unknown``).

    ``amount`` is what the terminal reports having charged, the requested amount when it does
    not say. ``receipt_lines`` is the shopper's copy of the terminal's receipt, printed on the
    kiosk's receipt; ``merchant_lines`` the store's copy, kept in the journal.
    """

    attempt_id: str
    outcome: PaymentOutcome
    amount: Money
    auth_code: str = ""
    masked_pan: str = ""
    card_type: str = ""
    terminal_id: str = ""
    receipt_lines: tuple[str, ...] = ()
    detail: str = ""
    trace_no: str = ""
    receipt_no: str = ""
    merchant_lines: tuple[str, ...] = ()
    result_code: str = ""  # the protocol's own code, in hex (ZVT) or as sent (Concert)


@dataclass(frozen=True, slots=True)
class TerminalReport:
    """The answer to a staff action or a recovery that is not a payment's outcome."""

    action: str  # "status", "reversal", "refund", "recovery"
    ok: bool
    detail: str
    attempt_id: str = ""
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a protocol lets the kiosk do beyond paying (data, not branches, per protocol)."""

    cancel: bool = False  # ask the terminal to stop a payment in progress
    status_enquiry: bool = False  # ask the terminal how it is
    recovery: bool = False  # ask the terminal what became of its last transaction
    reversal: bool = False  # undo an approved payment of today by its receipt number
    refund: bool = False  # pay an amount back to a card


@dataclass(frozen=True, slots=True)
class TerminalSettings:
    """A real terminal's configuration as plain values (the factory builds it from config).

    Timeouts per phase: ``ack_timeout_s`` for the one-byte ACK/NAK of the link,
    ``answer_timeout_s`` for the terminal's first answer to a command, ``timeout_s`` for the
    card holder's dialogue up to the result, ``completion_timeout_s`` for silence after the
    result (receipt lines, completion), ``reconnect_s`` between tries to reach a terminal.
    """

    protocol: str
    port: str
    baudrate: int
    currency: str
    password: str = ""
    pos_number: str = "01"
    long_answer: bool = True
    ack_timeout_s: float = 1.0
    answer_timeout_s: float = 5.0
    timeout_s: float = 120.0
    completion_timeout_s: float = 30.0
    reconnect_s: float = 30.0

    @property
    def currency_numeric(self) -> int:
        return CURRENCY_NUMERIC[self.currency]


class PaymentRequestError(KioskError, ValueError):
    """A payment request the kiosk should never have made (bad amount, reused attempt id)."""


class PaymentTerminal(Protocol):
    """What the shell needs of a card terminal; every driver and the simulator provide it.

    ``authorise`` returns at once; progress (:class:`TerminalStatus`), the final answer
    (:class:`TerminalOutcome`) and staff reports (:class:`TerminalReport`) are posted from the
    driver's thread. The same ``attempt_id`` asked again never charges again.
    """

    capabilities: Capabilities

    def authorise(self, attempt_id: str, sale_id: str, amount: Money) -> None: ...

    def cancel(self, attempt_id: str) -> None: ...

    def recover(self, attempt_id: str, sale_id: str, amount: Money) -> None: ...

    def enquire(self) -> None: ...

    def reverse(self, attempt_id: str, receipt_no: str, amount: Money) -> None: ...

    def refund(self, refund_id: str, amount: Money) -> None: ...

    def status(self) -> DeviceHealth: ...

    def close(self) -> None: ...


Driver = Callable[[TerminalSettings, Post], PaymentTerminal]


def mask_pan(pan: str) -> str:
    """A card number as a receipt and the journal may show it (``*`` masks a digit).

    The terminal's masking is kept when at most the first six and last four digits show (what
    PCI DSS allows on a receipt); anything more is masked here, so a full card number from a
    terminal set up to send one never reaches the journal.
    """
    head = pan[:6] if len(pan) > 12 else ""
    if not pan[len(head):-4].strip("*"):
        return pan
    return head + "*" * (len(pan) - len(head) - 4) + pan[-4:]


@dataclass
class _Entry:
    sale_id: str
    amount: Money
    outcome: TerminalOutcome | None = None


class AttemptBook:
    """Which attempts a terminal was asked for, and their answers: never charge twice.

    :meth:`admit` says whether a request is new (send it), in progress (do nothing: its one
    outcome will come) or answered (post that answer again). Memory is bounded for a kiosk
    that runs for months; only answered attempts are forgotten, oldest first.
    """

    NEW = "new"
    PENDING = "pending"

    def __init__(self, limit: int = REMEMBERED_ATTEMPTS) -> None:
        self._limit = limit
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def admit(self, attempt_id: str, sale_id: str, amount: Money) -> str | TerminalOutcome:
        if amount.minor <= 0:
            raise PaymentRequestError(f"payment {attempt_id} asks for {amount}",
                                      "a card payment must be a positive amount")
        with self._lock:
            known = self._entries.get(attempt_id)
            if known is None:
                self._entries[attempt_id] = _Entry(sale_id, amount)
                self._forget_oldest()
                return self.NEW
        if (known.sale_id, known.amount) != (sale_id, amount):
            raise PaymentRequestError(
                f"attempt {attempt_id} was first made for sale {known.sale_id} over "
                f"{known.amount}", "an attempt id never changes its sale or amount",
                "Start a new attempt with a new id.")
        return known.outcome if known.outcome is not None else self.PENDING

    def answer(self, outcome: TerminalOutcome) -> None:
        """Keep the first answer; a late answer is posted but does not replace it."""
        with self._lock:
            entry = self._entries.get(outcome.attempt_id)
            if entry is not None and entry.outcome is None:
                entry.outcome = outcome

    def pending(self, attempt_id: str) -> bool:
        with self._lock:
            entry = self._entries.get(attempt_id)
            return entry is not None and entry.outcome is None

    def _forget_oldest(self) -> None:
        excess = len(self._entries) - self._limit
        if excess > 0:
            done = [key for key, e in self._entries.items() if e.outcome is not None][:excess]
            for key in done:
                del self._entries[key]


def _port_error(port: str, exc: BaseException) -> DeviceError:
    text = str(exc)
    if "lock" in text.lower() or "busy" in text.lower():
        return DeviceError(f"Card terminal port {port} is busy",
                           f"another program holds the serial port ({text})",
                           "Stop the other program using it (only the kiosk may talk to the "
                           "terminal). " + NO_TERMINAL_ACTION)
    return DeviceError(f"Card terminal not found on {port}",
                       f"the serial port cannot be opened ({text})",
                       "Check the terminal's cable and power and devices.terminal.port. "
                       + NO_TERMINAL_ACTION)


def open_port(port: str, baudrate: int) -> serial.Serial:
    """Open the terminal's port for this process alone (a second program would garble the
    line); raises :class:`DeviceError` saying whether it is missing or busy."""
    try:
        return serial.Serial(port, baudrate, timeout=0, write_timeout=5, exclusive=True)
    except (serial.SerialException, ValueError, OSError) as exc:
        raise _port_error(port, exc) from None


def probe_port(port: str, baudrate: int) -> DeviceError | None:
    """Whether the terminal's serial port can be opened (and is then closed again)."""
    try:
        open_port(port, baudrate).close()
    except DeviceError as exc:
        return exc
    return None


def real_terminal(settings: TerminalSettings, post: Post,
                  drivers: Mapping[str, Driver]) -> tuple[PaymentTerminal | None, DeviceHealth]:
    """A real terminal, or None and the health saying why it is unavailable.

    A port missing at start is a failure reported now; the kiosk tries again when restarted
    (``kiosk devices`` shows it). Once a driver runs, it reconnects by itself.
    """
    problem = probe_port(settings.port, settings.baudrate)
    if problem is None and settings.protocol not in drivers:
        problem = DeviceError(f"Card terminal on {settings.port} cannot be used",
                              f"the kiosk has no driver for the protocol {settings.protocol}",
                              NO_TERMINAL_ACTION)
    if problem is not None:
        return None, DeviceHealth.failed(TERMINAL, problem, simulated=False)
    terminal = drivers[settings.protocol](settings, post)
    return terminal, terminal.status()


def __getattr__(name: str) -> object:
    """The in-process simulator lives in :mod:`kiosk.hw.terminal_sim` (it needs this module);
    its names stay importable from here, where the interface is."""
    if name in {"SimulatedTerminal", "SimulatedCard", "FAULTS"}:
        from kiosk.hw import terminal_sim  # noqa: PLC0415 - terminal_sim imports this module

        return getattr(terminal_sim, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
