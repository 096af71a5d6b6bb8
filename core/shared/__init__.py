"""What every use case shares: the person's local today and the policy in force (:mod:`.context`),
the audit trail, the retry loop of one unit of work, the rate limit, the work calendar and the
leave types a person may take (:mod:`.eligibility`).

May import: :mod:`core.balances`, :mod:`core.ports` and everything below them.
"""
