"""A local stand-in of the Bot Connector service: the ``serviceUrl`` that Teams' activities name.

It runs an aiohttp server on 127.0.0.1 in a thread of its own (the SDK makes some calls with
blocking ``requests``, so it must not share the test's event loop), records every call, answers
the way Teams does, and can be told to fail the next calls with a status such as 429 or 500.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from aiohttp import web


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    conversation_id: str | None
    activity_id: str | None
    body: Any
    #: The id the stand-in gave what was posted (``1:message-7``), or the status it failed with.
    answer: str = ""
    #: The ``Authorization`` header the bot sent: its Bot Framework token, when it has an app id.
    authorization: str | None = None

    @property
    def card(self) -> dict[str, Any] | None:
        """The Adaptive Card the call carried, if any."""
        for attachment in (self.body or {}).get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                content: dict[str, Any] = attachment["content"]
                return content
        return None


@dataclass
class Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    times: int
    headers: dict[str, str] = field(default_factory=dict)
    code: str = "ServiceError"


class FakeConnector:
    """The stand-in; ``host`` is where it listens (``0.0.0.0`` to catch a call to any address of this machine)."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.calls: list[Call] = []
        self.failures: list[Failure] = []
        #: Members by Teams user id (``29:...``): what GET .../members/{id} answers.
        self.members: dict[str, dict[str, Any]] = {}
        #: Channels by team id: what GET /v3/teams/{id}/conversations answers.
        self.channels: dict[str, list[dict[str, Any]]] = {}
        #: Files attached to messages, by name: what their ``downloadUrl`` (:meth:`file_url`) serves.
        self.files: dict[str, bytes] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.url = ""
        self.port = 0

    # -- control --------------------------------------------------------------------------------

    def start(self) -> None:
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            self._runner = web.AppRunner(self._app())
            loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, self.host, 0)
            loop.run_until_complete(site.start())
            self.port = self._runner.addresses[0][1]
            self.url = f"http://127.0.0.1:{self.port}/"
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self._runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=serve, name="fake-bot-connector", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the fake connector did not start")

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)

    def fail(self, method: str, path_pattern: str, status: int, times: int = 1,
             headers: dict[str, str] | None = None, code: str = "ServiceError") -> None:
        """Answer the next ``times`` matching calls with ``status`` (e.g. 429 with Retry-After)."""
        with self._lock:
            self.failures.append(Failure(method, re.compile(path_pattern), status, times, headers or {}, code))

    def add_member(self, user_id: str, aad: str, name: str, email: str | None) -> None:
        self.members[user_id] = {
            "id": user_id, "name": name, "aadObjectId": aad, "givenName": name.split()[0],
            "surname": name.split()[-1], "email": email, "userPrincipalName": email, "tenantId": "tenant-1",
            "userRole": "user",
        }

    def file_url(self, name: str) -> str:
        """The pre-authorised ``downloadUrl`` of an attached file, as Teams gives one."""
        return f"{self.url}files/{name}"

    def recorded(self, method: str | None = None, conversation_id: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if (method is None or c.method == method)
                    and (conversation_id is None or c.conversation_id == conversation_id)]

    def sent(self, conversation_id: str | None = None) -> list[Call]:
        """Messages the bot posted (replies and new messages), oldest first."""
        return [c for c in self.recorded("POST", conversation_id) if c.path.endswith("/activities")
                or "/activities/" in c.path]

    def clear(self) -> None:
        with self._lock:
            self.calls.clear()

    # -- the service ----------------------------------------------------------------------------

    def _app(self) -> web.Application:
        app = web.Application(middlewares=[self._record])
        app.router.add_post("/v3/conversations", self._create_conversation)
        app.router.add_post("/v3/conversations/{conversation}/activities", self._send)
        app.router.add_post("/v3/conversations/{conversation}/activities/{activity}", self._send)
        app.router.add_put("/v3/conversations/{conversation}/activities/{activity}", self._update)
        app.router.add_get("/v3/conversations/{conversation}/members/{member}", self._member)
        app.router.add_get("/v3/teams/{team}/conversations", self._channels)
        app.router.add_get("/files/{name}", self._file)
        return app

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        body = await request.json() if request.can_read_body else None
        conversation = request.match_info.get("conversation")
        activity = request.match_info.get("activity")
        path = unquote(request.path)
        with self._lock:
            failure = next((f for f in self.failures if f.times > 0 and f.method == request.method
                            and f.pattern.search(path)), None)
            if failure is not None:
                failure.times -= 1
        if failure is not None:
            response: web.Response = web.json_response(
                {"error": {"code": failure.code, "message": f"status {failure.status}"}},
                status=failure.status, headers=failure.headers)
            answer = str(failure.status)
        else:
            response = await handler(request)
            is_json = response.content_type == "application/json"
            answer = str(json.loads(response.text or "{}").get("id") or "") if is_json and response.text else ""
        call = Call(request.method, path, unquote(conversation) if conversation else None,
                    unquote(activity) if activity else None, body, answer, request.headers.get("Authorization"))
        with self._lock:
            self.calls.append(call)
        return response

    async def _create_conversation(self, request: web.Request) -> web.Response:
        return web.json_response({"id": f"a:new-conversation-{next(self._ids)}", "activityId": None}, status=201)

    async def _send(self, request: web.Request) -> web.Response:
        return web.json_response({"id": f"1:message-{next(self._ids)}"}, status=201)

    async def _update(self, request: web.Request) -> web.Response:
        return web.json_response({"id": unquote(request.match_info["activity"])}, status=200)

    async def _member(self, request: web.Request) -> web.Response:
        member = self.members.get(unquote(request.match_info["member"]))
        if member is None:
            return web.json_response({"error": {"code": "MemberNotFoundInConversation", "message": "no member"}},
                                     status=404)
        return web.json_response(member)

    async def _file(self, request: web.Request) -> web.Response:
        content = self.files.get(unquote(request.match_info["name"]))
        if content is None:
            return web.Response(status=404, text="no such file")
        return web.Response(body=content, content_type="application/octet-stream")

    async def _channels(self, request: web.Request) -> web.Response:
        channels = self.channels.get(unquote(request.match_info["team"]), [])
        return web.json_response({"conversations": channels})
