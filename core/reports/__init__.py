"""Reports and insight: HR's leave report and the digest's counts (who has not rested, what will
be lost, where the team is thin).

May import: :mod:`core.requests` and everything below it (not :mod:`core.delivery`).
"""
