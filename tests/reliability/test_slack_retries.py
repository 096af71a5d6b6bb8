"""1,000 Slack deliveries, each sent once and replayed with ``X-Slack-Retry-Num`` 1..3, all shuffled together
and sent concurrently: one request per original, one decision per request, one notice per event.

Slack retries a request it got no answer for within 3 seconds, with the same body (the same
``trigger_id``, the same modal view id, the same button). A replay may arrive while the original
is still being handled. The door answers each one; the core's idempotency keys (applications) and
status checks (decisions) make the copies harmless, and the outbox sends each notice once.

100 people on the real server (the app of ``leavebot serve``) on MariaDB, where copies really race
(row locks, unique keys; SQLite would queue them one by one behind its single writer): 100
typed applications and 25 modal ones (500 deliveries), then their managers approve the 100 and
reject the 25 through the reason modal (500 deliveries). The per-person brake is raised
(``RATE_LIMIT_*``), because here one manager decides ten requests within a second, four times each.
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
    decision_audit,
    decisions_made,
    leave_taken,
    outbox_left,
    posts_per_delivery,
    serve_in_process,
    server_settings,
    settled_targets,
    until,
    working_days,
)

pytestmark = pytest.mark.asyncio

REPLAYS = (None, 1, 2, 3)  # the original, then Slack's three retries
IN_FLIGHT = 4
MODAL_APPLICANTS = 25


async def replay_all(traffic: SlackTraffic, bodies: list[str], shuffle: random.Random) -> Counter[int]:
    """Send every body once and as each of its retries, in a shuffled order, ``IN_FLIGHT`` at a time."""
    copies = [(body, retry) for body in bodies for retry in REPLAYS]
    shuffle.shuffle(copies)
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def send(body: str, retry: int | None) -> int:
        async with gate:
            status, _ = await traffic.post(body, retry=retry)
            return status

    return Counter(await asyncio.gather(*(send(body, retry) for body, retry in copies)))


@pytest.mark.parametrize("db_url", [pytest.param("mysql", marks=pytest.mark.mysql)], indirect=True)
async def test_replayed_deliveries_make_one_request_one_decision_and_one_notice_each(
        db_url: str, slack_api: FakeSlack, org: Org, http: aiohttp.ClientSession) -> None:
    settings = server_settings(db_url, slack_api, rate_limit_per_minute=100_000, rate_limit_burst=100_000)
    server = await serve_in_process(settings)
    try:
        service, engine = server.runtime.service, server.runtime.engine
        service.import_employees(org.csv())
        traffic = SlackTraffic(slack_api, http, server.base)
        shuffle = random.Random(1000)
        typed_day, modal_day = working_days(engine, 2)

        typed = [traffic.command(m.slack_id, f"apply casual {typed_day.isoformat()}", traffic.response_url())
                 for m in org.staff]
        modal = [traffic.apply_modal(m.slack_id, f"VAPPLY{m.employee_id}", "sick", modal_day)
                 for m in org.staff[:MODAL_APPLICANTS]]
        assert await replay_all(traffic, typed + modal, shuffle) == {200: 4 * (len(typed) + len(modal))}
        expected = len(typed) + len(modal)
        await until(lambda: len(service.list_requests()) >= expected and not outbox_left(engine), 60,
                    "every application to be filed and announced")

        requests = service.list_requests()
        filed = Counter((r.employee.email, r.type_key, r.start) for r in requests)
        assert filed == Counter({(m.email, "casual", typed_day): 1 for m in org.staff}
                                | {(m.email, "sick", modal_day): 1 for m in org.staff[:MODAL_APPLICANTS]})

        decisions = []
        for request in requests:
            assert request.approver is not None
            manager = org.by_email(request.approver.email)
            if request.type_key == "casual":
                decisions.append(traffic.click(manager.slack_id, "leave_approve", request.number,
                                               traffic.response_url()))
            else:
                decisions.append(traffic.reject_modal(manager.slack_id, f"VREJECT{request.id}", request.number,
                                                      "the release week"))
        assert len(typed + modal + decisions) * len(REPLAYS) == 1000
        assert await replay_all(traffic, decisions, shuffle) == {200: 4 * len(decisions)}
        await until(lambda: not service.list_requests(status=RequestStatus.PENDING) and not outbox_left(engine), 60,
                    "every request to be decided and every notice sent")
        await slack_api.settle(quiet=0.5)

        decided = {r.id: r.status for r in service.list_requests()}
        assert decided == {r.id: RequestStatus.APPROVED if r.type_key == "casual" else RequestStatus.REJECTED
                           for r in requests}
        assert decisions_made(engine) == Counter(decided.keys())  # one decision row each
        audited = decision_audit(engine)
        assert audited == {r.id: ["approve" if r.type_key == "casual" else "reject"] for r in requests}
        approved = {request_id for request_id, status in decided.items() if status is RequestStatus.APPROVED}
        assert leave_taken(engine) == Counter(approved)  # the days were taken once, only for approvals

        posts = posts_per_delivery(slack_api)
        assert set(posts.values()) == {1}  # every message once...
        sent = settled_targets(engine)
        assert set(posts) <= sent  # ...each one a delivery the outbox recorded...
        # ...and every card and outcome was posted (a closed request only redraws the decider's own card).
        assert {target for target in sent if ":approval_needed:" in target or ":decided:" in target} <= set(posts)
        cards = Counter(call.params["channel"] for call in slack_api.calls_to("chat.postMessage")
                        if "leave_approve" in str(call.params.get("blocks")))
        assert sum(cards.values()) == expected  # one approval card per request
    finally:
        await server.close()
