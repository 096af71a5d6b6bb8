"""``leavebot serve`` killed with SIGKILL in the middle of a burst of approvals, then started again.

Afterwards every request is decided once (status, decision row, audit entry), every ledger sums to
the balance that ``leavebot balance --json`` shows, and every notice reached Slack exactly once,
although the killed process may have posted a notice that it never got to record. Each post
carries message metadata naming its outbox delivery; a round that takes over an unfinished claim
first looks for that metadata in the DM's history (``conversations.history``), so the post is
recorded, not repeated. The second test makes that window happen for certain, in-process.

The killed process's outbox leases would run out after five minutes; the test moves them to now
(``expire_leases``) rather than wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import Engine

from bot.cli.main import build_parser
from bot.settings import Settings
from core.commands import ApplyLeave, Decide
from core.domain.model import RequestStatus
from core.views import AppliedView, DecidedView, NoticeKind
from tests.integration.slack.fake_slack import FakeSlack
from tests.reliability.conftest import (
    Org,
    Pending,
    ServeProcess,
    SlackTraffic,
    apply_for_everyone,
    decision_audit,
    decisions_made,
    expire_leases,
    half_written,
    leave_taken,
    ledger_matches_balances,
    ledger_sums,
    make_org,
    outbox_left,
    posts_per_delivery,
    seeded_service,
    serve_in_process,
    server_settings,
    settled_targets,
    until,
    working_days,
)

pytestmark = pytest.mark.asyncio

IN_FLIGHT = 4


@pytest.fixture
def org() -> Org:
    return make_org(teams=4, size=5)


async def approve(traffic: SlackTraffic, request: Pending, base: str) -> bool:
    """The approver's click; True when the server answered it."""
    body = traffic.click(request.approver.slack_id, "leave_approve", request.number, traffic.response_url())
    try:
        status, _ = await traffic.post(body, base=base)
    except (aiohttp.ClientError, TimeoutError):
        return False
    return status == 200


def shown_balances(url: str, org: Org, engine: Engine) -> dict[tuple[str, int], dict[str, Decimal]]:
    """What ``leavebot balance EMAIL --year YEAR --json`` prints for every (employee, year) in the ledger:
    ``available + pending`` per type. The command's own parser and handler, without a process each."""
    parser = build_parser()
    settings = Settings(_env_file=None, database_url=url, enable_scheduled_jobs=False)  # type: ignore[call-arg]
    shown = {}
    for email, year in sorted({(member.email, year) for (employee_id, _, year) in ledger_sums(engine)
                               for member in org.everyone if member.employee_id == employee_id}):
        args = parser.parse_args(["balance", email, "--year", str(year), "--json"])
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            assert args.handler(args, settings) == 0
        shown[email, year] = {row["type"]: Decimal(str(row["available"])) + Decimal(str(row["pending"]))
                              for row in json.loads(printed.getvalue())}
    return shown


async def test_a_killed_server_restarts_with_every_decision_and_notice_exactly_once(
        db_url: str, slack_api: FakeSlack, org: Org, http: aiohttp.ClientSession, tmp_path: Path) -> None:
    service, engine = seeded_service(db_url, org)
    pending = apply_for_everyone(service, org)
    first = await ServeProcess(db_url, slack_api, tmp_path, "first").start(http)
    second: ServeProcess | None = None
    try:
        traffic = SlackTraffic(slack_api, http, first.base)
        gate = asyncio.Semaphore(IN_FLIGHT)
        answered: list[int] = []

        async def click(request: Pending) -> None:
            async with gate:
                if await approve(traffic, request, first.base):
                    answered.append(request.request_id)

        clicks = [asyncio.create_task(click(request)) for request in pending]
        # Clicks are acknowledged at once and decided after; kill once a quarter are decided, while
        # the others are being decided and the first notices are being sent.
        await until(lambda: len(decisions_made(engine)) >= len(pending) // 4, 60, "the first decisions")
        first.kill()
        await asyncio.gather(*clicks)

        expire_leases(engine)
        second = await ServeProcess(db_url, slack_api, tmp_path, "second").start(http)
        undecided = {r.id for r in service.list_requests(status=RequestStatus.PENDING)}
        # Slack would retry the clicks that got no answer; the approvers click again.
        for request in (p for p in pending if p.request_id in undecided):
            assert await approve(traffic, request, second.base)
        await until(lambda: not service.list_requests(status=RequestStatus.PENDING), 60, "every request decided")
        await until(lambda: not outbox_left(engine), 60, "the outbox to be delivered")
        await slack_api.settle(quiet=0.5)

        ids = [p.request_id for p in pending]
        assert {r.id: r.status for r in service.list_requests()} == dict.fromkeys(ids, RequestStatus.APPROVED)
        assert decisions_made(engine) == Counter(ids)
        assert decision_audit(engine) == {request_id: ["approve"] for request_id in ids}
        assert leave_taken(engine) == Counter(ids)
        assert half_written(engine) == []
        shown = shown_balances(db_url, org, engine)
        assert ledger_matches_balances(engine, lambda email, year: shown[email, year], org) == []

        # Every notice posted once; every card and outcome the outbox recorded as sent was posted. (A
        # card posted just before the kill may stay unrecorded: by the next round its request was
        # decided, so there is no card to send any more, and the event is done.)
        posts = posts_per_delivery(slack_api)
        assert set(posts.values()) == {1}, [delivery for delivery, times in posts.items() if times > 1]
        sent = settled_targets(engine)
        wanted = {target for target in sent if f":{NoticeKind.APPROVAL_NEEDED}:" in target
                  or f":{NoticeKind.DECIDED}:" in target}
        assert wanted <= set(posts)
    finally:
        first.kill()
        if second is not None:
            second.stop()
        engine.dispose()


class Died(BaseException):
    """The process died: nothing after this point of the delivery runs (not even error handling)."""


async def test_a_notice_sent_but_not_recorded_before_a_crash_is_not_sent_again(
        db_url: str, slack_api: FakeSlack, org: Org) -> None:
    """Slack accepted the post, then the process died before recording it: the next round finds the
    post by its metadata in the DM and records it instead of posting again."""
    server = await serve_in_process(server_settings(db_url, slack_api))
    try:
        runtime = server.runtime
        runtime.delivery.stop()  # this test runs the outbox itself
        service, engine = runtime.service, runtime.engine
        service.import_employees(org.csv())
        [notifier] = [n for n in runtime.delivery.notifiers if n.name == "slack"]

        class DiesAfterPosting:
            name = notifier.name

            def deliver(self, notice: Any) -> None:
                notifier.deliver(notice)
                raise Died

        [day] = working_days(engine, 1)
        employee = org.staff[0]
        applied = service.execute(employee.email, ApplyLeave("casual", day, day), "cli")
        assert isinstance(applied, AppliedView)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, service.deliver_notices, [notifier])  # the approver's card
        decided = service.execute(org.manager_of(employee).email, Decide(applied.request.id, approve=True), "cli")
        assert isinstance(decided, DecidedView)
        posted = len(slack_api.calls_to("chat.postMessage"))
        with pytest.raises(Died):  # the outcome DM goes out; the process dies before recording it
            await loop.run_in_executor(None, service.deliver_notices, [DiesAfterPosting()])
        assert len(slack_api.calls_to("chat.postMessage")) == posted + 1
        unrecorded = set(posts_per_delivery(slack_api)) - settled_targets(engine)
        assert len(unrecorded) == 1 and ":decided:" in unrecorded.pop()

        expire_leases(engine)
        await loop.run_in_executor(None, service.deliver_notices, [notifier])
        assert len(slack_api.calls_to("chat.postMessage")) == posted + 1  # looked up, not posted again
        assert slack_api.calls_to("conversations.history")
        assert set(posts_per_delivery(slack_api)) <= settled_targets(engine)
        assert set(posts_per_delivery(slack_api).values()) == {1}
        assert not outbox_left(engine)
    finally:
        await server.close()
