"""The port contract: every case runs on the in-memory fakes, on SQLite and on MariaDB/MySQL.

The unit tests trust the fakes to behave as storage does; these cases hold both to the promises of
:mod:`core.ports`, so the two cannot drift apart. The databases are the integration suite's own
(each test gets a fresh, migrated one), built through its helpers rather than copied here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.ports import UnitOfWorkFactory
from storage import migrate
from storage import uow as storage_uow
from storage.engine import make_engine
from tests.integration.conftest import mysql_server, new_database  # noqa: F401  (mysql_server: a fixture, reused)
from tests.unit.fakes import FakeStore


@pytest.fixture(
    params=[
        pytest.param("fake", id="fake"),
        pytest.param("sqlite", id="sqlite"),
        pytest.param("mysql", id="mysql", marks=pytest.mark.mysql),
    ]
)
def uow_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[UnitOfWorkFactory]:
    """A factory of units of work on an empty store of the parametrized kind."""
    if request.param == "fake":
        yield FakeStore()
        return
    with new_database(request, tmp_path) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine)
            yield storage_uow.uow_factory(engine)
        finally:
            engine.dispose()
