"""Persistence: the catalogue mirror (TinyDB file + in-memory index), the sales journal and
outbox (SQLite), and the atomic file writes they rely on.

Nothing is imported here on purpose: a kill-test child or a CLI command imports only the
module it needs, so starting one stays fast.
"""
