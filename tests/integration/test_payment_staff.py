"""Staff and the card terminal in assisted mode: status, recovery, reversal, refund.

Each request needs a signed-in member allowed to resolve payments, is audited in the journal
before it goes out, and its answer is said on the console and journaled as an alert.
"""

from __future__ import annotations

from pathlib import Path

from payment_kiosk import ITEM, SALE, TOTAL, alerts, journal_rows, open_till
from payment_sims import simulator, wait_until

from kiosk.core.money import Money


def test_staff_ask_the_zvt_terminal_and_reverse_a_payment(tmp_path: Path) -> None:
    with simulator("zvt") as sim:
        till = open_till("zvt", sim, tmp_path / "data")
        try:
            till.wait_for({"attract"})
            assert till.kiosk.terminal_action("status") == (
                "refused: a staff member allowed to resolve payments must be signed in")
            till.run(f"scan {ITEM}", "pay")
            till.wait_for({"attract"})
            [payment] = [p for p in journal_rows(till, "payment_attempt")
                         if p["status"] == "approved"]
            till.run("staff s01 9876")
            assert till.kiosk.terminal_action("status") == "asked the card terminal: status"
            wait_until(lambda: any(line.startswith("terminal status: ok: The card terminal is "
                                                   "ready (software TSIM-1.0)")
                                   for line in till.out))
            said = till.kiosk.terminal_action("reverse", attempt_id=f"{SALE}-P1",
                                              receipt_no=payment["receipt_no"],
                                              amount=Money(TOTAL, "EUR"))
            assert said == "asked the card terminal: reverse"
            wait_until(lambda: any(line.startswith("terminal reversal: ok:")
                                   for line in till.out))
            till.shell.settle()
            actions = [a["action"] for a in journal_rows(till, "staff_action")]
            assert {"terminal-status", "terminal-reverse"} <= set(actions)
            assert {"terminal-status", "terminal-reversal"} <= set(alerts(till))
        finally:
            till.close()
        assert sim.journal.standing_charges() == ()  # the payment was taken back


def test_concert_cannot_enquire_and_says_so(tmp_path: Path) -> None:
    with simulator("concert") as sim:
        till = open_till("concert", sim, tmp_path / "data")
        try:
            till.wait_for({"attract"})
            till.run("staff s01 9876")
            assert till.kiosk.terminal_action("status") == (
                "refused: this terminal's protocol cannot status")
            assert till.kiosk.terminal_action("refund", amount=Money(100, "EUR")) == (
                "asked the card terminal: refund")
            wait_until(lambda: any(line.startswith("terminal refund: ok:")
                                   for line in till.out))
        finally:
            till.close()
        assert sim.journal.net_charged_minor() == -100
