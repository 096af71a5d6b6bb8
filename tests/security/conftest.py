"""The security suite: one test per attack, each run against a real server on SQLite and MariaDB.

Every test reproduces an attack the way an outsider would make it (HTTP to a running app, a
crafted CSV, a forged activity), then asserts the refusal **and** that nothing was written and
nothing was sent anywhere else. The real-database fixtures (``db_url`` on SQLite and MariaDB,
each test in a fresh database, ``engine``, ``service``...) are the integration suite's own,
imported here rather than copied; a test module imports the platform stand-ins it needs.
"""

from tests.integration.calendars.conftest import google, google_gateway, google_stand_in  # noqa: F401
from tests.integration.conftest import (  # noqa: F401  (fixtures, reused)
    chat_store,
    clock,
    db_url,
    download_store,
    engine,
    migrated_mysql,
    migrated_sqlite,
    mysql_server,
    service,
    uow_factory,
)
from tests.integration.slack.conftest import fake_slack, slack, slack_api  # noqa: F401
from tests.integration.teams.conftest import connector, make_rig, openid, rig, settings  # noqa: F401
