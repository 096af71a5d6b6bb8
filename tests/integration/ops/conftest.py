"""The operations tests (doctor, backups, shutdown, deployment files) reuse the stand-ins of the
door and calendar tests: pytest finds fixtures by name in this module."""

from __future__ import annotations

from tests.integration.calendars.conftest import google_stand_in, microsoft  # noqa: F401
from tests.integration.ops.test_shutdown import held_slack  # noqa: F401
from tests.integration.slack.conftest import fake_slack, slack_api  # noqa: F401
