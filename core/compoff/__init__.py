"""Comp-off: claims for days off worked, the credits they earn, and how those are spent and lapse.

May import ``core.shared`` and what lies below it (``core.balances``, ``core.ports``, ``core.policy``,
``core.commands``, ``core.views``, ``core.domain``, ``core.errors``); ``core.requests``, ``core.delivery``
and ``core.scheduling`` call it.
"""
