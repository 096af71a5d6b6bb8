"""A Slack Web API stand-in that enforces rate limits the way Slack does: HTTP 429 and ``Retry-After``.

``chat.postMessage`` is limited to one message a second per channel and ``workspace_cap`` a
second across the workspace (a sliding one-second window); every accepted message is counted
per (channel, text) so that a repeat would show.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import Counter, deque
from typing import Any

from aiohttp import web


class RateLimitedSlack:
    def __init__(self, workspace_cap: int = 20, per_channel_seconds: float = 1.0) -> None:
        self.workspace_cap = workspace_cap
        self.per_channel_seconds = per_channel_seconds
        self.accepted: Counter[tuple[str, str]] = Counter()
        self.refused = 0
        self.first: float | None = None
        self.last: float | None = None
        self._window: deque[float] = deque()
        self._channel_last: dict[str, float] = {}
        self._runner: web.AppRunner | None = None
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.url = ""

    async def _post(self, request: web.Request) -> web.Response:
        form: dict[str, Any] = dict(await request.post()) if request.content_type != "application/json" \
            else await request.json()
        channel, text = str(form.get("channel")), str(form.get("text"))
        now = time.monotonic()
        while self._window and now - self._window[0] >= 1.0:
            self._window.popleft()
        wait = 0.0
        if len(self._window) >= self.workspace_cap:
            wait = 1.0 - (now - self._window[0])
        last = self._channel_last.get(channel)
        if last is not None and now - last < self.per_channel_seconds:
            wait = max(wait, self.per_channel_seconds - (now - last))
        if wait > 0:
            self.refused += 1
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": str(max(1, math.ceil(wait)))})
        self._window.append(now)
        self._channel_last[channel] = now
        self.accepted[(channel, text)] += 1
        self.first = self.first or now
        self.last = now
        return web.json_response({"ok": True, "channel": channel, "ts": f"{now:.6f}"})

    def start(self) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/chat.postMessage", self._post)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}/api/"

    def stop(self) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
