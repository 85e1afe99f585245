"""Card terminal simulators: ZVT and Concert V2 spoken on a pty pair, byte for byte.

They code every byte on their own and never import the kiosk's drivers, so a mistake shared by
both sides cannot hide. ``kiosk-terminal-sim --protocol zvt|concert`` runs one for store IT and
the demo.
"""
