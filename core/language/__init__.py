"""Reading people's words: the ``/leave`` grammar, the one date parser's reading per person
(their today, their region's date order), whom a typed name means, and which of the words help
shows each person.

May import: :mod:`core.shared` and everything below it.
"""
