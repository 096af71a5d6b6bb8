"""Fixtures for the web dashboard in a real browser: Debian's Chromium driven by Playwright, against
``leavebot serve``'s application on 127.0.0.1 over a real database with the small organisation of
the integration tests (``tests/integration/conftest.py``).

Browser tests run on SQLite (a browser test is slow, and what differs between databases is covered
over HTTP by ``tests/integration/test_web_*.py`` on both). Without Chromium at :data:`CHROMIUM` they are
skipped with the reason locally, and fail in CI (``CI=true``), so that they cannot silently stop running.
Screenshots go to ``test-output/screenshots/`` (kept out of git) for a reviewer to look at.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from aiohttp import web
from sqlalchemy import Engine

from core.service import LeaveService
from tests.integration.conftest import (  # noqa: F401 - the integration tests' database fixtures, reused
    clock,
    engine,
    migrated_mysql,
    migrated_sqlite,
    mysql_server,
    new_database,
    service,
    uow_factory,
)
from tests.unit.fakes import FixedClock
from tests.web_door import chat_link, web_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives Chromium (fails in CI when it is missing, else skipped)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test here is a browser test."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(params=[pytest.param("sqlite", id="sqlite")])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite database (see the module's docstring for why not MySQL too), migrated when the
    test asks for an engine."""
    with new_database(request, tmp_path, migrated="engine" in request.fixturenames) as url:
        yield url


@pytest.fixture
def served(engine: Engine, service: LeaveService, clock: FixedClock) -> Iterator[str]:  # noqa: F811
    """``http://127.0.0.1:PORT`` of the application with the web door, served from a thread of its own
    (the browser is driven synchronously from the test's)."""
    app = web_app(engine, service, clock)
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    started = threading.Event()
    port: list[int] = []

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", 0)
        loop.run_until_complete(site.start())
        port.append(runner.addresses[0][1])
        started.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=serve, name="web-door", daemon=True)
    thread.start()
    assert started.wait(30), "the web door did not start"
    try:
        yield f"http://127.0.0.1:{port[0]}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless (Playwright's own browser download is not used).

    One per module, not per session: Playwright's synchronous driver keeps an event loop running in
    the test thread while it is open, which the asyncio tests sharing this worker could not run beside.
    """
    if not CHROMIUM.exists():
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true requires the browser tests to run: {reason}", pytrace=False)
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def new_page(browser: Browser, served: str) -> Iterator[Callable[[], Page]]:
    """Pages in browser contexts of their own (each a different person's browser: its own cookies),
    at a phone-friendly width unless the test resizes them; all closed after the test."""
    contexts: list[Any] = []

    def open_page() -> Page:
        context = browser.new_context(base_url=served, viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return context.new_page()

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def signed_in_page(new_page: Callable[[], Page], service: LeaveService) -> Callable[[str], Page]:  # noqa: F811
    """A page signed in as the person with this e-mail: the link comes from their ``/leave web`` answer
    at the terminal door, is opened, and its Sign in button pressed."""

    def sign_in(email: str) -> Page:
        page = new_page()
        page.goto(chat_link(service, email))
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(re.compile(r".*/web/$"))
        return page

    return sign_in


@pytest.fixture
def screenshot() -> Callable[[Page, str], Path]:
    """Save the whole page as ``test-output/screenshots/NAME.png``, for a reviewer; its path."""

    def save(page: Page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
