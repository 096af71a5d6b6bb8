"""Reading people's words: the ``/leave`` grammar, the one date parser's reading per person
(their today, their region's date order) and whom a typed name means.

May import: :mod:`core.shared` and everything below it.
"""
