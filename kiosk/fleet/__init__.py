"""The fleet manager's side: build, sign and push catalogues, watch acknowledgements, collect sales.

Runs centrally (``kiosk-fleet``), never on a kiosk; it may import :mod:`kiosk.core`,
:mod:`kiosk.store` and :mod:`kiosk.sync`, and nothing on the kiosk imports it.
"""
