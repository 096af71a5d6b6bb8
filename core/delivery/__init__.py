"""Delivering the outbox: who must be told what about each event, and handing those notices to
each door once, with back-off on failure.

May import: :mod:`core.requests` and everything below it (not :mod:`core.reports`).
"""
