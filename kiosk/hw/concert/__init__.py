"""Concert V2 (protocol "E"), the French cash-register to payment-terminal protocol.

:mod:`framing` (pure, incremental: ENQ/ACK/NAK/EOT and ``STX`` text ``ETX`` LRC, framed by
length), :mod:`messages` (the 34-character request, the 25- and 80-character answers),
:mod:`link` (the sessions on the port, with their retries) and :mod:`driver` (the kiosk's
:class:`~kiosk.hw.terminal.PaymentTerminal`).
"""
