"""The scheduler tests' organisation: the unit tests' people, escalation after 3 working days,
and channels for HR (Slack and Teams) and Engineering (Slack)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from core.ports import UnitOfWork
from core.service import LeaveService
from tests.unit.conftest import policy_document
from tests.unit.fakes import FixedClock


@pytest.fixture
def org(service: LeaveService, uow_factory: Callable[[], UnitOfWork], clock: FixedClock) -> LeaveService:
    """The unit tests' organisation, escalation after 3 working days, and channels for HR and Engineering."""
    document = policy_document()
    document["escalate_after_working_days"] = 3
    service.load_policy(document, "test")
    with uow_factory() as uow:
        uow.channels.save("slack", "digest:hr", "CHR", clock.now())
        uow.channels.save("teams", "digest:hr", "channel:T1:HR", clock.now())
        uow.channels.save("slack", "digest:dept:Engineering", "CENG", clock.now())
        uow.commit()
    return service


# The stand-ins of the doors' own tests, reused here (pytest finds fixtures by name in this module).
from tests.integration.slack.conftest import fake_slack, slack_api  # noqa: E402, F401
from tests.integration.teams.conftest import connector, make_rig, rig, settings  # noqa: E402, F401
