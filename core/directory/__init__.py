"""The directory: reading the employee CSV (every row checked), linking chat accounts to
employees, one-time links (sign-in, decisions by e-mail), and HR's and the deployer's
administration (policy versions, holidays, listings, the digests' channels).

May import: :mod:`core.scheduling` and everything below it; only :mod:`core.service` imports it.
"""
