"""The leave policy as HR writes it: leave types (and who may take each, :mod:`.eligibility`; how
each counts, :mod:`.counting`), regions, holidays, blackouts, team limits, privacy and calendar
sections, each key checked with a refusal that names it; and the checks an application must pass
by those rules (:mod:`core.policy.validation`).

May import: :mod:`core.domain`, :mod:`core.errors`, :mod:`core.views`.
"""
