"""Pure domain code: money and VAT, barcodes, products, pricing, the checkout session, staff.

Nothing here touches a disk, a clock, a device or the network; ``tests/unit/test_layering.py``
keeps it that way. Inputs that depend on the world (the time, the catalogue) are passed in.
"""
