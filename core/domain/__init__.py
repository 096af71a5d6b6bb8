"""The nouns of leave management and the pure rules over them: people, requests, ledger entries,
amounts, dates as people type them, working days, the org chart's reporting lines, the heat map's
counts, how dates and counts read in a message, the scheduled jobs and when each is due, and which
supporting documents are taken.

May import: :mod:`core.errors` only. No storage, no clock: everything here is a function of its
arguments. The doors may import it (it is part of the public surface).
"""
