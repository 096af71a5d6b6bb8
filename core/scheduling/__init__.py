"""The scheduled work: when each job is due, the periodic ledger jobs (accrual, year end),
reminders and escalation, the digests, and posting what the runs planned, paced and exactly once.

May import: :mod:`core.delivery`, :mod:`core.reports` and everything below them.
"""
