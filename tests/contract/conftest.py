"""The port contract: every case runs on the in-memory fakes, on SQLite and on MariaDB/MySQL.

The unit tests trust the fakes to behave as storage does; these cases hold both to the promises of
:mod:`core.ports`, so the two cannot drift apart. The databases are the integration suite's own
(each test gets a fresh, migrated one), built through its helpers rather than copied here.

Besides the core's unit of work, the same store holds the doors' own stores (chat addresses and
cards, downloads), each call a transaction of its own: :func:`stores` gives all three, and
``uow_factory``, ``chat_store`` and ``download_store`` each one of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.ports import UnitOfWorkFactory
from core.ports.chat import ChatStore
from core.ports.downloads import Downloads
from storage import migrate
from storage import uow as storage_uow
from storage.chat import SqlChatStore
from storage.downloads import SqlDownloads
from storage.engine import make_engine
from tests.integration.conftest import (  # noqa: F401  (the database fixtures, reused)
    migrated_mysql,
    migrated_sqlite,
    mysql_server,
    new_database,
)
from tests.unit.chat_fakes import FakeChatStore
from tests.unit.download_fakes import FakeDownloads
from tests.unit.fakes import FakeStore


@dataclass(frozen=True)
class Stores:
    """The core's units of work and the doors' stores, over one store of the parametrized kind."""

    uow_factory: UnitOfWorkFactory
    chat: ChatStore
    downloads: Downloads


@pytest.fixture(
    params=[
        pytest.param("fake", id="fake"),
        pytest.param("sqlite", id="sqlite"),
        pytest.param("mysql", id="mysql", marks=pytest.mark.mysql),
    ]
)
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stores]:
    """An empty store of the parametrized kind."""
    if request.param == "fake":
        yield Stores(FakeStore(), FakeChatStore(), FakeDownloads())
        return
    with new_database(request, tmp_path, migrated=True) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine)
            yield Stores(storage_uow.uow_factory(engine), SqlChatStore(engine), SqlDownloads(engine))
        finally:
            engine.dispose()


@pytest.fixture
def uow_factory(stores: Stores) -> UnitOfWorkFactory:
    """A factory of the core's units of work on an empty store."""
    return stores.uow_factory


@pytest.fixture
def chat_store(stores: Stores) -> ChatStore:
    return stores.chat


@pytest.fixture
def download_store(stores: Stores) -> Downloads:
    return stores.downloads
