"""Fixtures for every tier of tests."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _root_logging_restored() -> Iterator[None]:
    """Give the root logger back as it was after each test.

    Tests that run ``leavebot`` in-process install its stderr handler on the root logger; left
    there, it would hold pytest's captured (and later closed) stream, and threads of later tests
    would log into a closed file.
    """
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
