"""Balances and the ledger: what a person is entitled to period by period (grants, accrual,
carry-forward, expiry) and balances derived from ledger entries, one way, everywhere.

May import: :mod:`core.domain`, :mod:`core.policy`, :mod:`core.views`.
"""
