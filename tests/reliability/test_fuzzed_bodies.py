"""Fuzzed Slack and Teams bodies: every answer is below 500, and nothing is written anywhere.

Slack bodies are correctly signed (so they get past the signature check and reach the
listeners): random form fields, the captured interaction payloads with keys deleted or replaced
by junk (wrong types, huge strings, unicode, nested lists and objects), random JSON events and
random content types. Teams bodies go to ``/api/messages`` in Emulator mode: the captured
activities mutated the same way, random JSON and bodies that are not JSON at all.

The senders are people neither Slack (the stand-in) nor the directory knows, so no reply may
link anyone or file anything: every table keeps its row count, except that the audit log records
the refused attempts (as it records every refusal), and nothing else. Once a body has been answered the
listeners may still be working (Slack is acknowledged first), so the counts are compared again
after the stand-ins have been quiet for a moment.
"""

from __future__ import annotations

import copy
import json
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from aiohttp.test_utils import TestServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from storage import tables
from tests.integration.slack.conftest import payload as slack_payload
from tests.integration.slack.fake_slack import FakeSlack, signed
from tests.integration.teams.conftest import payload as teams_payload
from tests.integration.teams.connector import FakeConnector
from tests.reliability.conftest import FORM, BackgroundLoop, InProcess, row_counts, serve_in_process, server_settings
from tests.unit.conftest import ORG_CSV

FUZZ = settings(max_examples=200, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])
SLACK_PAYLOADS = ("block_actions_approve", "block_actions_home_cancel", "view_submission_apply",
                  "view_submission_reject")
SLACK_EVENTS = ("event_app_home_opened",)
#: Personal-chat activities only: a channel or group chat the bot is messaged in is remembered on
#: purpose (for the scheduler's posts), whoever writes there.
TEAMS_ACTIVITIES = ("message_personal", "invoke_adaptive_card_action", "conversation_update_bot_added_personal")
CONTENT_TYPES = ("application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data",
                 "application/xml", "", "application/json; charset=utf-8")
SLACK_FIELDS = ("command", "text", "user_id", "user_name", "trigger_id", "team_id", "channel_id", "response_url",
                "payload", "ssl_check", "type", "token", "api_app_id", "challenge")


@dataclass
class Fuzzed:
    """The bot's server on SQLite with Slack (at its stand-in) and Teams (Emulator mode) mounted."""

    loop: BackgroundLoop
    app: InProcess
    slack: FakeSlack
    connector: FakeConnector
    engine: Engine
    baseline: dict[str, int]
    #: The audit log's last id before the fuzzing.
    audited: int
    http: requests.Session

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> requests.Response:
        return self.http.post(f"{self.app.base}{path}", data=body, headers=headers, timeout=30)

    def settle(self) -> None:
        """Wait until neither stand-in has heard anything for half a second: the listeners are done."""
        seen = (-1, -1)
        while seen != (len(self.slack.calls), len(self.connector.calls)):
            seen = (len(self.slack.calls), len(self.connector.calls))
            time.sleep(0.5)


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fuzzed]:
    loop = BackgroundLoop()
    connector = FakeConnector()
    connector.start()
    slack = FakeSlack()  # knows nobody: every sender is a stranger
    stand_in = TestServer(slack.app(), host="127.0.0.1")
    loop.run(stand_in.start_server())
    slack.base_url = str(stand_in.make_url("")).rstrip("/")
    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    app = loop.run(serve_in_process(server_settings(url, slack)))
    app.runtime.service.import_employees(ORG_CSV)
    engine = app.runtime.engine
    with engine.connect() as connection:
        audited = int(connection.execute(select(func.coalesce(func.max(tables.audit_log.c.id), 0))).scalar_one())
    fuzzed = Fuzzed(loop, app, slack, connector, engine, row_counts(engine), audited, requests.Session())
    try:
        yield fuzzed
    finally:
        fuzzed.http.close()
        loop.run(app.close())
        loop.run(stand_in.close())
        connector.stop()
        loop.close()


# -- strategies ----------------------------------------------------------------------------------

huge_text = st.builds(lambda piece, times: piece * times, st.text(min_size=1, max_size=3), st.integers(2_000, 40_000))
scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40)
           | huge_text)
junk = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                                           max_size=4),
                    max_leaves=12)


def mutated(data: st.DataObject, document: Any, depth: int = 0) -> Any:
    """``document`` with a few of its keys or items deleted or replaced by junk, at any depth."""
    if not isinstance(document, dict | list) or not document or depth > 6:
        return document
    changed = copy.copy(document)
    keys = list(changed.keys()) if isinstance(changed, dict) else list(range(len(changed)))
    for _ in range(data.draw(st.integers(0, 3))):
        key = data.draw(st.sampled_from(keys))
        action = data.draw(st.sampled_from(["delete", "junk", "descend", "descend"]))
        if action == "delete" and isinstance(changed, dict):
            changed.pop(key, None)
            keys.remove(key)
            if not keys:
                break
        elif action == "junk":
            changed[key] = data.draw(junk)
        elif key in changed if isinstance(changed, dict) else key < len(changed):
            changed[key] = mutated(data, changed[key], depth + 1)
    return changed


def strangers(document: Any, stand_in: str) -> Any:
    """Senders nobody knows, and every reply address pointed at a stand-in (never anywhere else)."""
    if isinstance(document, list):
        return [strangers(item, stand_in) for item in document]
    if not isinstance(document, dict):
        return document
    fixed = {key: strangers(value, stand_in) for key, value in document.items()}
    for key in ("response_url", "serviceUrl"):
        if key in fixed:
            fixed[key] = stand_in
    if isinstance(fixed.get("response_urls"), list):
        fixed["response_urls"] = []
    for key in ("user", "from"):
        if isinstance(fixed.get(key), dict) and "id" in fixed[key]:
            fixed[key] = {**fixed[key], "id": f"U9FUZZ{zlib.crc32(json.dumps(fixed[key]).encode())}",
                          "aadObjectId": "aad-nobody"}
    if isinstance(fixed.get("user_id"), str):
        fixed["user_id"] = "U9FUZZSTRANGER"
    return fixed


def form_encoded(fields: dict[str, str]) -> bytes:
    from urllib.parse import urlencode

    return urlencode(fields).encode()


def assert_nothing_written(fuzzed: Fuzzed) -> None:
    """No table gained a row, except the audit log's record of refused attempts (every refusal is audited)."""
    counts = row_counts(fuzzed.engine)
    assert {**counts, "audit_log": 0} == {**fuzzed.baseline, "audit_log": 0}
    with fuzzed.engine.connect() as connection:
        outcomes = set(connection.execute(select(tables.audit_log.c.outcome).where(
            tables.audit_log.c.id > fuzzed.audited)).scalars())
    assert outcomes <= {"refused"}


def assert_harmless(fuzzed: Fuzzed, response: requests.Response, excused: bool = False) -> None:
    """Refused or ignored, never a server error (unless ``excused``), and nothing written."""
    assert response.status_code < 500 or excused, f"{response.status_code}: {response.text}"
    assert_nothing_written(fuzzed)


def assert_nothing_written_at_all(fuzzed: Fuzzed) -> None:
    """Also once the listeners' work after the acknowledgements is done."""
    fuzzed.settle()
    assert_nothing_written(fuzzed)


# -- Slack ---------------------------------------------------------------------------------------


def post_slack(fuzzed: Fuzzed, body: bytes, content_type: str) -> requests.Response:
    headers = signed(body.decode("utf-8", errors="surrogateescape"), content_type)
    return fuzzed.post("/slack/events", body, headers)


def test_random_slack_form_fields(fuzzed: Fuzzed) -> None:
    @FUZZ
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        fields = data.draw(st.dictionaries(st.sampled_from(SLACK_FIELDS) | st.text(max_size=12),
                                           st.text(max_size=200) | huge_text | junk.map(json.dumps), max_size=8))
        if "command" in fields and data.draw(st.booleans()):
            fields["command"] = "/leave"
        fields = strangers(fields, fuzzed.slack.response_url("fuzz"))
        response = post_slack(fuzzed, form_encoded(fields), FORM)
        assert_harmless(fuzzed, response)

    example()
    assert_nothing_written_at_all(fuzzed)


def test_mutated_slack_interactions_and_events(fuzzed: Fuzzed) -> None:
    @FUZZ
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(SLACK_PAYLOADS + SLACK_EVENTS))
        document = strangers(mutated(data, slack_payload(name)), fuzzed.slack.response_url("fuzz"))
        if name in SLACK_EVENTS:
            body, content_type = json.dumps(document).encode(), "application/json"
        else:
            body, content_type = form_encoded({"payload": json.dumps(document)}), FORM
        response = post_slack(fuzzed, body, content_type)
        assert_harmless(fuzzed, response)

    example()
    assert_nothing_written_at_all(fuzzed)


def test_random_slack_json_and_content_types(fuzzed: Fuzzed) -> None:
    @FUZZ
    @given(document=junk, content_type=st.sampled_from(CONTENT_TYPES), as_payload=st.booleans())
    def example(document: Any, content_type: str, as_payload: bool) -> None:
        text = json.dumps(strangers(document, fuzzed.slack.response_url("fuzz")))
        body = form_encoded({"payload": text}) if as_payload else text.encode()
        response = post_slack(fuzzed, body, content_type)
        assert_harmless(fuzzed, response)

    example()
    assert_nothing_written_at_all(fuzzed)


# -- Teams ---------------------------------------------------------------------------------------


def post_teams(fuzzed: Fuzzed, body: bytes, content_type: str = "application/json") -> requests.Response:
    return fuzzed.post("/api/messages", body, {"Content-Type": content_type})


def unimplemented_invoke(document: Any, response: requests.Response) -> bool:
    """The Bot Framework's own answer to an invoke the bot has no handler for (no or another name):
    501 Not Implemented, a deliberate refusal that Teams understands, not a failure."""
    return (response.status_code == 501 and isinstance(document, dict) and document.get("type") == "invoke"
            and document.get("name") != "adaptiveCard/action")


def test_mutated_teams_activities(fuzzed: Fuzzed) -> None:
    @FUZZ
    @given(data=st.data())
    def example(data: st.DataObject) -> None:
        activity = teams_payload(data.draw(st.sampled_from(TEAMS_ACTIVITIES)))
        activity["serviceUrl"] = fuzzed.connector.url
        document = strangers(mutated(data, activity), fuzzed.connector.url)
        response = post_teams(fuzzed, json.dumps(document).encode())
        assert_harmless(fuzzed, response, unimplemented_invoke(document, response))

    example()
    assert_nothing_written_at_all(fuzzed)


def test_random_teams_bodies(fuzzed: Fuzzed) -> None:
    @FUZZ
    @given(document=junk, raw=st.binary(max_size=300), content_type=st.sampled_from(CONTENT_TYPES),
           use_raw=st.booleans())
    def example(document: Any, raw: bytes, content_type: str, use_raw: bool) -> None:
        body = raw if use_raw else json.dumps(strangers(document, fuzzed.connector.url)).encode()
        response = post_teams(fuzzed, body, content_type)
        assert_harmless(fuzzed, response)

    example()
    assert_nothing_written_at_all(fuzzed)
