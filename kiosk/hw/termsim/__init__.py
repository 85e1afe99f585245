"""Card terminal simulators: ZVT and Concert V2 spoken on a pty pair, byte for byte.

They code every byte on their own and never import the kiosk's drivers, so a mistake shared by
both sides cannot hide. ``kiosk-terminal-sim --protocol zvt|concert`` runs one for store IT and
the demo.

In a test::

    from kiosk.hw.termsim.zvt_sim import ZvtSimulator      # or concert_sim.ConcertSimulator
    with ZvtSimulator(faults=["decline", "no-answer@before-completion"], timing=SimTiming(...))
            as sim:
        ... open sim.path with pyserial (or give it to the driver) ...
        sim.wait_idle(10)                      # the transaction in progress has finished
        sim.journal.approved_charges()         # what the terminal booked, whatever the kiosk saw

Modules: ``faults`` (the script), ``sim_base`` (thread, timing, card), ``journal`` (the
terminal's bookings), ``port`` (pty behind a stable path), ``zvt_wire``/``zvt_apdu``/
``zvt_messages`` and ``concert_wire`` (pure codecs), ``zvt_link``/``zvt_dialogue``/``zvt_sim``
and ``concert_sim`` (the terminals), ``cli``.
"""
