"""Two replicas on one database answer clicks on the same requests at the same time: one decision each.

Each replica is the app of ``leavebot serve`` with an engine (and an outbox delivery thread) of its
own, on the same SQLite file or MariaDB database, as two processes behind a load balancer would
be. Every pending request gets two decisions at once, one sent to each replica: approve and
approve, or approve and a rejection through the reason modal. Exactly one wins (status, one
decision row, one audit entry, the ledger moved once); the other click is told the request was
already decided, and who decided it; and the notices of the decision go out once although both
replicas deliver the outbox.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter

import aiohttp
import pytest

from core.domain.model import RequestStatus
from tests.integration.slack.fake_slack import FakeSlack
from tests.reliability.conftest import (
    Org,
    SlackTraffic,
    apply_for_everyone,
    decision_audit,
    decisions_made,
    leave_taken,
    make_org,
    outbox_left,
    posts_per_delivery,
    serve_in_process,
    server_settings,
    until,
)

pytestmark = pytest.mark.asyncio


@pytest.fixture
def org() -> Org:
    return make_org(teams=4, size=5)


async def test_the_same_clicks_on_two_replicas_decide_each_request_once(
        db_url: str, slack_api: FakeSlack, org: Org, http: aiohttp.ClientSession) -> None:
    settings = server_settings(db_url, slack_api)
    first = await serve_in_process(settings)
    second = await serve_in_process(settings)
    try:
        service, engine = first.runtime.service, first.runtime.engine
        service.import_employees(org.csv())
        pending = apply_for_everyone(service, org)
        traffic = SlackTraffic(slack_api, http, first.base)

        clicks: list[tuple[int, str, str, str]] = []  # (request, replica, body, response_url)
        for index, request in enumerate(pending):
            manager = request.approver.slack_id
            approve_url, other_url = traffic.response_url(), traffic.response_url()
            clicks.append((request.request_id, first.base,
                           traffic.click(manager, "leave_approve", request.number, approve_url), approve_url))
            other = (traffic.click(manager, "leave_approve", request.number, other_url) if index % 2 else
                     traffic.reject_modal(manager, f"VREJECT{request.request_id}", request.number, "overlaps"))
            clicks.append((request.request_id, second.base, other, other_url))
        random.Random(2).shuffle(clicks)

        async def send(base: str, body: str) -> tuple[int, str]:
            return await traffic.post(body, base=base)

        answers = await asyncio.gather(*(send(base, body) for _, base, body, _ in clicks))
        assert {status for status, _ in answers} == {200}
        await until(lambda: not service.list_requests(status=RequestStatus.PENDING), 30, "every request decided")
        await until(lambda: not outbox_left(engine), 30, "both replicas to finish delivering")
        await slack_api.settle(quiet=0.5)

        decided = {r.id: r for r in service.list_requests()}
        assert decisions_made(engine) == Counter(decided.keys())
        audited = decision_audit(engine)
        assert {request_id: len(actions) for request_id, actions in audited.items()} == dict.fromkeys(decided, 1)
        for request_id, final in decided.items():
            won = "approve" if final.status is RequestStatus.APPROVED else "reject"
            assert audited[request_id] == [won]
        approved = [i for i, r in decided.items() if r.status is RequestStatus.APPROVED]
        assert leave_taken(engine) == Counter(approved)

        # The loser of each pair hears that it came second: in the reject modal's answer, or privately.
        told: Counter[int] = Counter()
        for (request_id, _, _, url), (_, body) in zip(clicks, answers, strict=True):
            said = body + " ".join(str(reply.get("text", "")) for reply in traffic.replies(url))
            if "was already" in said:
                verb = decided[request_id].status.value.lower()
                assert f"{decided[request_id].number} was already {verb} by Manager" in said
                told[request_id] += 1
        assert told == Counter(decided.keys())

        posts = posts_per_delivery(slack_api)
        assert posts and set(posts.values()) == {1}
        outcomes = [delivery for delivery in posts if ":decided:" in delivery]
        assert len(outcomes) == len(decided)  # each employee told the outcome once
    finally:
        await second.close()
        await first.close()
