"""A local stand-in of the Slack Web API (and of ``response_url`` and Socket Mode) that records every call.

Modelled on bolt-python's ``tests/mock_web_api_server``: an aiohttp app on 127.0.0.1 that answers
the methods LeaveBot uses with the shapes Slack returns, keeps every call for the test to look
at, and can be told to answer a method with 429 + ``Retry-After``, a 500, or an ``ok: false``
error. ``apps.connections.open`` hands out a ``ws://`` URL of its own websocket, which sends
Socket Mode envelopes and collects the acknowledgements.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlencode

from aiohttp import WSMsgType, web

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-leavebot-test"
APP_TOKEN = "xapp-1-leavebot-test"
TEAM_ID = "T0LEAVE"

T = TypeVar("T")


@dataclass
class Call:
    """One request the stand-in received: the Web API method (or ``response_url``) and its arguments."""

    method: str
    params: dict[str, Any]
    token: str | None
    status: int = 200
    answer: dict[str, Any] = field(default_factory=dict)
    #: When it arrived (Unix time): a posted message's place in ``conversations.history``.
    at: float = field(default_factory=time.time)


@dataclass
class Failure:
    status: int = 429
    error: str = "ratelimited"
    retry_after: int | None = None


@dataclass
class SlackUser:
    id: str
    email: str | None
    name: str
    tz: str = "Asia/Kolkata"


@dataclass
class SlackFile:
    """A file someone uploaded: what ``files.info`` tells of it and what its private URL serves."""

    id: str
    name: str
    content: bytes
    mimetype: str = "application/pdf"
    #: The size ``files.info`` declares (the content's own by default).
    size: int | None = None


@dataclass
class FakeSlack:
    """The stand-in's state; :meth:`app` serves it."""

    users: dict[str, SlackUser] = field(default_factory=dict)
    #: Uploaded files by id: ``files.info`` and ``GET /files-pri/{id}/...`` (the bot token required).
    files: dict[str, SlackFile] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    base_url: str = ""
    #: Envelopes the websocket sends once a Socket Mode client connects; acknowledgements land in ``acks``.
    envelopes: list[dict[str, Any]] = field(default_factory=list)
    acks: list[dict[str, Any]] = field(default_factory=list)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Event | None = None

    # -- set-up -----------------------------------------------------------------------------

    def add_user(self, user_id: str, email: str | None, name: str) -> None:
        self.users[user_id] = SlackUser(user_id, email, name)

    def add_file(self, file_id: str, name: str, content: bytes, mimetype: str = "application/pdf",
                 size: int | None = None) -> None:
        self.files[file_id] = SlackFile(file_id, name, content, mimetype, size)

    def fail(self, method: str, *, status: int = 429, error: str = "ratelimited", retry_after: int | None = None,
             times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` with a failure instead."""
        self.failures.setdefault(method, []).extend(Failure(status, error, retry_after) for _ in range(times))

    def response_url(self, name: str) -> str:
        return f"{self.base_url}/response/{name}"

    # -- looking at what happened -----------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.status == 200]

    async def wait_for(self, predicate: Callable[[FakeSlack], bool], timeout: float = 10.0) -> None:
        """Wait until ``predicate`` holds (listeners work after their ack, so replies come later)."""
        deadline = time.monotonic() + timeout
        while not predicate(self):
            if time.monotonic() > deadline:
                seen = [(c.method, c.status) for c in self.calls]
                raise AssertionError(f"the stand-in did not see what was expected; it saw {seen}")
            await asyncio.sleep(0.02)

    async def wait_calls(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        await self.wait_for(lambda fake: len(fake.calls_to(method)) >= count, timeout)
        return self.calls_to(method)

    async def wait_for_calls(self, select: Callable[[], list[T]], count: int = 1, timeout: float = 10.0) -> list[T]:
        """Wait until ``select()`` finds ``count`` things (calls, views...), and return them."""
        await self.wait_for(lambda _fake: len(select()) >= count, timeout)
        return select()

    async def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until no call has arrived for ``quiet`` seconds: the listeners' work is done."""
        deadline = time.monotonic() + timeout
        seen = -1
        while seen != len(self.calls) and time.monotonic() < deadline:
            seen = len(self.calls)
            await asyncio.sleep(quiet)

    # -- the server -------------------------------------------------------------------------

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{name}", self._response_url)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/files-pri/{file_id}/{name:.*}", self._file)
        app.router.add_get("/link", self._socket)
        return app

    async def _arguments(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            body = await request.json()
            return dict(body) if isinstance(body, dict) else {}
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            text = value if isinstance(value, str) else ""
            params[key] = _maybe_json(text)
        return params

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params = {**dict(request.query), **await self._arguments(request)}
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth else params.get("token")
        queued = self.failures.get(method)
        if queued:
            failure = queued.pop(0)
            self.calls.append(Call(method, params, token, failure.status))
            if failure.status >= 500:
                return web.Response(status=failure.status, text="upstream trouble")
            headers = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            return web.json_response({"ok": False, "error": failure.error}, status=failure.status, headers=headers)
        answer = self._answer(method, params)
        self.calls.append(Call(method, params, token, answer=answer))
        return web.json_response(answer)

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "url": "https://acme.slack.com/", "team": "Acme", "user": "leavebot",
                    "team_id": TEAM_ID, "user_id": "ULEAVEBOT", "bot_id": "BLEAVEBOT", "is_enterprise_install": False}
        if method == "users.info":
            user = self.users.get(str(params.get("user")))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            profile = {"real_name": user.name, **({"email": user.email} if user.email else {})}
            return {"ok": True, "user": {"id": user.id, "name": user.name, "tz": user.tz, "profile": profile}}
        if method == "users.lookupByEmail":
            email = str(params.get("email", "")).lower()
            found = next((u for u in self.users.values() if (u.email or "").lower() == email), None)
            if found is None:
                return {"ok": False, "error": "users_not_found"}
            return {"ok": True, "user": {"id": found.id, "name": found.name, "profile": {"email": found.email}}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(params.get("users", "")).lstrip("U")}}
        if method == "chat.postMessage":
            channel = str(params.get("channel", ""))
            channel = "D" + channel[1:] if channel.startswith("U") else channel
            return {"ok": True, "channel": channel, "ts": self._next_ts(), "message": {"text": params.get("text")}}
        if method == "conversations.history":
            return self._history(params)
        if method == "chat.update":
            return {"ok": True, "channel": params.get("channel"), "ts": params.get("ts"), "text": params.get("text")}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method in ("views.open", "views.update", "views.push", "views.publish"):
            return {"ok": True, "view": {"id": f"V{next(self._ts):06d}", **(params.get("view") or {})}}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._ts):06d}"
            return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}
        if method == "files.completeUploadExternal":
            files = _maybe_json(str(params.get("files", "[]")))
            listed = files if isinstance(files, list) else []
            return {"ok": True, "files": [{"id": f.get("id"), "title": f.get("title")} for f in listed]}
        if method == "files.info":
            return self._file_info(str(params.get("file", "")))
        if method == "apps.connections.open":
            return {"ok": True, "url": self.base_url.replace("http://", "ws://") + "/link"}
        return {"ok": True}

    def _history(self, params: dict[str, Any]) -> dict[str, Any]:
        """The messages posted to a channel since ``oldest``, newest first, with metadata when asked."""
        channel, oldest = str(params.get("channel", "")), float(params.get("oldest") or 0)
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        messages = []
        for call in reversed(self.calls_to("chat.postMessage")):
            if call.answer.get("channel") != channel or call.at < oldest:
                continue
            message = {"type": "message", "ts": call.answer["ts"], "text": call.params.get("text")}
            if with_metadata and call.params.get("metadata"):
                message["metadata"] = call.params["metadata"]
            messages.append(message)
        return {"ok": True, "messages": messages, "has_more": False}

    def _file_info(self, file_id: str) -> dict[str, Any]:
        found = self.files.get(file_id)
        if found is None:
            return {"ok": False, "error": "file_not_found"}
        url = f"{self.base_url}/files-pri/{found.id}"
        size = len(found.content) if found.size is None else found.size
        return {"ok": True, "file": {"id": found.id, "name": found.name, "title": found.name,
                                     "mimetype": found.mimetype, "size": size, "url_private": f"{url}/{found.name}",
                                     "url_private_download": f"{url}/download/{found.name}"}}

    async def _file(self, request: web.Request) -> web.Response:
        """A file's private URL: served with the bot token only (Slack shows a sign-in page otherwise)."""
        found = self.files.get(request.match_info["file_id"])
        authorization = request.headers.get("Authorization")
        self.calls.append(Call("file.download", {"file_id": request.match_info["file_id"]},
                               authorization.removeprefix("Bearer ") if authorization else None))
        if found is None or authorization != f"Bearer {BOT_TOKEN}":
            return web.Response(status=403, text="sign in")
        return web.Response(body=found.content, content_type=found.mimetype)

    def _next_ts(self) -> str:
        return f"{1700000000 + next(self._ts)}.000100"

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.calls.append(Call("response_url", {"name": request.match_info["name"], **body}, None))
        return web.Response(text="ok")

    async def _upload(self, request: web.Request) -> web.Response:
        data = await request.read()
        # ``content`` is the text of a text file (a CSV); ``data`` the raw bytes (a PNG).
        params = {"file_id": request.match_info["file_id"], "content": data.decode(errors="replace"), "data": data}
        self.calls.append(Call("upload", params, None))
        return web.Response(text="OK - 1")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self.calls.append(Call("socket.connect", {}, None))
        await socket.send_json({"type": "hello", "num_connections": 1,
                                "connection_info": {"app_id": "A0LEAVE"}, "debug_info": {}})
        for envelope in self.envelopes:
            await socket.send_json(envelope)
        async for message in socket:
            if message.type == WSMsgType.TEXT:
                self.acks.append(json.loads(message.data))
            elif message.type in (WSMsgType.CLOSE, WSMsgType.ERROR):
                break
        self.calls.append(Call("socket.close", {}, None))
        return socket


def _maybe_json(text: str) -> Any:
    if text[:1] in ("[", "{"):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


# -- signed requests, as Slack sends them ------------------------------------------------------


def signature(body: str, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    """Slack's v0 signature: HMAC-SHA256 of ``v0:{timestamp}:{body}`` with the signing secret."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def signed(body: str, content_type: str, *, timestamp: int | None = None, secret: str = SIGNING_SECRET,
           retry: int | None = None) -> dict[str, str]:
    """The headers of a request from Slack: signature, timestamp and, for a retry, its number."""
    stamp = int(time.time()) if timestamp is None else timestamp
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(stamp),
               "X-Slack-Signature": signature(body, stamp, secret)}
    if retry is not None:
        headers["X-Slack-Retry-Num"] = str(retry)
        headers["X-Slack-Retry-Reason"] = "http_timeout"
    return headers


def form_body(fields: dict[str, Any]) -> str:
    return urlencode({k: v if isinstance(v, str) else json.dumps(v) for k, v in fields.items()})


def interaction_body(payload: dict[str, Any]) -> str:
    """Interactivity (buttons, modals) comes form-encoded as one ``payload`` field of JSON."""
    return urlencode({"payload": json.dumps(payload)})
