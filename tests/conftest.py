"""Fixtures for every tier of tests."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _logging_restored() -> Iterator[None]:
    """Give logging back as it was after each test.

    Tests that run ``leavebot`` in-process install its stderr handler on the root logger (left
    there, it would hold pytest's captured, later closed, stream, and threads of later tests would
    log into a closed file) and may quiet library loggers (``leavebot doctor`` does).
    """
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logger.level for name, logger in logging.root.manager.loggerDict.items()
              if isinstance(logger, logging.Logger)}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, logger in logging.root.manager.loggerDict.items():
        if isinstance(logger, logging.Logger) and logger.level != levels.get(name, logging.NOTSET):
            logger.setLevel(levels.get(name, logging.NOTSET))
