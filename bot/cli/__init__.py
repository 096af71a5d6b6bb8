"""The terminal door: the ``leavebot`` command (:mod:`bot.cli.main`), its subcommand groups, and
the terminal chat (:mod:`bot.cli.chat`).

``leavebot`` is installed as ``bot.cli:main`` and ``python -m bot.cli`` runs the same.
"""

from bot.cli.main import main

__all__ = ["main"]
