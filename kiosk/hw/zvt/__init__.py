"""ZVT, the German/Austrian/Swiss cash-register to payment-terminal protocol, over a serial line.

The layers are kept apart as the protocol itself keeps them (and OctoPrint's warning about one
serial module growing to thousands of lines): :mod:`framing` turns bytes into frames and back
(pure, incremental), :mod:`apdu` the frame's content into a command, :mod:`bmp` and :mod:`tlv`
its fields, :mod:`messages` the commands the kiosk sends and the answers it understands,
:mod:`codes` the terminal's numbers into words a shopper can read. Only :mod:`link` and
:mod:`driver` touch the serial port.
"""
