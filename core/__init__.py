"""The domain and its use cases: plain Python, no I/O framework.

The doors (``bot/``, ``scheduler/``) reach it only through its public surface: the front desk
:mod:`core.service`, what people ask (:mod:`core.commands`), what they are answered
(:mod:`core.views`), refusals (:mod:`core.errors`), the ports they implement (:mod:`core.ports`),
what a watcher sees (:mod:`core.observation`) and the nouns (:mod:`core.domain`). Everything else
lives in one package per capability, layered as ``pyproject.toml``'s import contracts say
(docs/architecture.md draws it).
"""
