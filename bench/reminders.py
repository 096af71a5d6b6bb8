"""Reminders to 1,000 approvers through a rate-limited Slack stand-in: all delivered, none twice.

    /tmp/venv/bin/python -m bench.reminders [APPROVERS] [DATABASE_URL]

Each approver has one request waiting and a known DM channel; the scheduler's 09:30 run plans
one reminder each, and the sender waits out every 429's ``Retry-After``. The ideal time is
APPROVERS / 20 seconds (the workspace cap).
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bench.seed import Clock, seed
from bench.slack_limits import RateLimitedSlack
from bot.scheduled import SlackPoster, posting_client
from bot.settings import Settings
from core.service import LeaveService
from scheduler.runner import AlwaysLeader, SchedulerRunner
from storage import tables
from storage.chat import SqlChatStore
from storage.engine import make_engine
from storage.uow import uow_factory

CAP = 20


def main(approvers: int = 1000, url: str | None = None) -> None:
    slack = RateLimitedSlack(workspace_cap=CAP)
    slack.start()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(url or f"sqlite:///{Path(folder) / 'bench.db'}")
        # One department per approver: every department's manager has one report with a pending request.
        seed(engine, employees=approvers * 2, departments=approvers, requests=0)
        clock = Clock(datetime(2026, 11, 30, 4, 1, tzinfo=UTC))  # Monday 09:31 in Kolkata
        with engine.begin() as connection:
            connection.execute(insert(tables.chat_addresses), [
                {"platform": "slack", "key": f"employee:B{n:05d}", "address": f"D{n:05d}", "updated_at": clock.at}
                for n in range(0, approvers * 2, 2)])
            connection.execute(insert(tables.leave_requests), [
                {"employee_id": f"B{n + 1:05d}", "type_key": "casual", "start_date": datetime(2026, 12, 14).date(),
                 "end_date": datetime(2026, 12, 14).date(), "half": None, "days": 1, "year_days": '{"2026": "1"}',
                 "status": "PENDING", "reason": "", "document_ref": None, "document_due": False,
                 "approver_id": f"B{n:05d}", "decision_note": "", "idempotency_key": None,
                 "created_at": clock.at - timedelta(hours=20), "levels": "manager", "level": 0}
                for n in range(0, approvers * 2, 2)])
        factory = uow_factory(engine)
        settings = Settings(_env_file=None, slack_bot_token="xoxb-bench", slack_signing_secret="bench",  # type: ignore[call-arg]
                            slack_api_url=slack.url)
        service = LeaveService(factory, clock, default_time_zone="Asia/Kolkata")
        runner = SchedulerRunner(factory, clock, "Asia/Kolkata", AlwaysLeader(),
                                 {"slack": SlackPoster(service, SqlChatStore(engine), posting_client(settings))},
                                 jobs=["reminders"])
        started = time.perf_counter()
        report = runner.tick()
        took = time.perf_counter() - started
        again = runner.tick()
        dms = {channel for channel, _ in slack.accepted if channel.startswith("D")}
        repeats = sum(n - 1 for n in slack.accepted.values() if n > 1)
        ideal = approvers / CAP
        print(f"{approvers} approvers: {len(dms)} reminders delivered, {repeats} repeated, "
              f"{slack.refused} answered 429; second tick sent {again.posts.delivered}")
        print(f"total {took:.1f} s (posting window {(slack.last or 0) - (slack.first or 0):.1f} s); "
              f"the cap allows {ideal:.1f} s: ratio {took / ideal:.3f}; waited {report.posts.waited:.0f} s")
        engine.dispose()
    slack.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000, sys.argv[2] if len(sys.argv) > 2 else None)
