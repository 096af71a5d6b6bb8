"""``GET /downloads/{token}``: files the bot hands out by link, for a limited time.

A bot cannot put a file into a Teams chat the way Slack's ``files_upload_v2`` does, so HR's report
reaches Teams as a card with one link per file, and a heat map as a card whose image is a link. A
request's supporting documents (a medical certificate) are opened the same way in Slack and Teams,
one single-use link per document each time someone allowed to see them asks.
Each link carries a random token (:mod:`core.domain.tokens`); the database keeps only its SHA-256,
next to the file. A report's file is taken once: the first request gets it and removes it. A
picture is *shared*: every viewer's Teams client and Microsoft's image proxy fetch it, so it is
served to each request until it expires. Only pictures without names of people are shared (the
heat map: departments and counts), which is why a link that works many times is acceptable there.
An unknown, used, expired or malformed token gets the same bare 404, so nothing tells a guesser
which tokens exist or once existed. Files expired by the clock are removed whenever new links are
made.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from aiohttp import web

from bot.server import call_core
from core.domain.tokens import new_token, token_hash
from core.ports import Clock
from core.ports.downloads import Download, Downloads
from core.views import DocumentsView, FilesT, ReportFile, ReportLink

#: How long a report's link works if nobody has used it.
LIFETIME = timedelta(hours=24)
#: How long a viewer's client may keep a shared picture before asking again.
PICTURE_CACHE = timedelta(hours=1)
PREFIX = "/downloads/"
CSV = "text/csv"
NOT_FOUND = "Not found\n"
#: What :func:`secrets.token_urlsafe` makes (43 characters for 32 bytes); anything else is not a token.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,128}")


@dataclass(frozen=True)
class _File:
    name: str
    media_type: str
    content: str
    expires_at: datetime
    reusable: bool


class DownloadLinks:
    """Makes links to files: a report's file is handed out once, a shared picture until it expires.

    Args:
        downloads: where the files are kept (each call a short transaction of its own).
        public_url: where people reach this server; without it links are paths on this server.
        lifetime: how long a report's link works if unused.
    """

    def __init__(self, downloads: Downloads, clock: Clock, public_url: str | None = None,
                 lifetime: timedelta = LIFETIME) -> None:
        self._downloads = downloads
        self._clock = clock
        self._public_url = public_url.rstrip("/") if public_url else ""
        self._lifetime = lifetime

    @property
    def public(self) -> bool:
        """Whether links are absolute, so that something outside (a Teams client) can follow them."""
        return bool(self._public_url)

    def offer(self, files: Iterable[ReportFile]) -> tuple[ReportLink, ...]:
        """Store the files and return a link to each, which works once; expired files of earlier links go."""
        expires = self._clock.now() + self._lifetime
        return self._single_use([_File(file.name, CSV, file.text, expires, reusable=False) for file in files])

    def hand_out(self, view: DocumentsView) -> DocumentsView:
        """A request's documents with a link to each, which works once: what the person who asked
        (its employee, an approver, HR) opens; asking again makes new links."""
        expires = self._clock.now() + self._lifetime
        return replace(view, links=self._single_use([
            _File(file.info.name, file.info.media_type, Download.binary(file.content), expires, reusable=False)
            for file in view.files]))

    def _single_use(self, kept: list[_File]) -> tuple[ReportLink, ...]:
        return tuple(ReportLink(file.name, url, file.expires_at) for file, url in zip(kept, self._store(kept),
                                                                                        strict=True))

    def share(self, content: bytes, filename: str, media_type: str, lifetime: timedelta) -> str:
        """Store a picture and return a link that serves it to every request until ``lifetime`` has passed.

        Only for what anyone holding the link may see (the heat map carries no names of people):
        a Teams card's image is fetched by every viewer and by Microsoft's image proxy.
        """
        expires = self._clock.now() + lifetime
        (url,) = self._store([_File(filename, media_type, Download.binary(content), expires, reusable=True)])
        return url

    def _store(self, files: list[_File]) -> list[str]:
        """Keep the files, each under a new token, and return their links; expired files go."""
        now = self._clock.now()
        self._downloads.purge(now)
        tokens = [new_token() for _ in files]
        self._downloads.add(*(Download(token_hash(token), file.name, file.media_type, file.content, now,
                                       file.expires_at, reusable=file.reusable)
                              for token, file in zip(tokens, files, strict=True)))
        return [f"{self._public_url}{PREFIX}{token}" for token in tokens]

    def attach(self, view: FilesT) -> FilesT:
        """The report (or payroll) with a link to each of its files."""
        return replace(view, links=self.offer(view.files))

    def take(self, token: str) -> Download | None:
        """The file behind a link (a single-use one stops working); None when there is none (any reason)."""
        if not _TOKEN.fullmatch(token):
            return None
        return self._downloads.take(token_hash(token), self._clock.now())

    def fresh_for(self, download: Download) -> int:
        """Seconds a client may keep a shared file: at most :data:`PICTURE_CACHE`, never past its expiry."""
        left = (download.expires_at - self._clock.now()).total_seconds()
        return max(0, int(min(PICTURE_CACHE.total_seconds(), left)))


LINKS = web.AppKey("download_links", DownloadLinks)


def mount_downloads(app: web.Application, downloads: Downloads, clock: Clock) -> None:
    """Serve the files of download links from ``downloads`` on ``app``.

    HEAD is not served: a link checker's HEAD must not use up a single-use link.
    """
    app[LINKS] = DownloadLinks(downloads, clock)
    app.router.add_get(PREFIX + "{token}", serve_download, allow_head=False)


async def serve_download(request: web.Request) -> web.Response:
    links = request.app[LINKS]
    found = await call_core(request.app, links.take, request.match_info["token"])
    if found is None:
        return web.Response(status=404, text=NOT_FOUND, headers={"Cache-Control": "no-store"})
    if found.reusable:
        # Shown where it is fetched (a card's image), and kept a while by each viewer's client.
        disposition, cache, charset = "inline", f"private, max-age={links.fresh_for(found)}", None
    else:
        text = found.media_type.startswith("text/")
        disposition, cache, charset = "attachment", "no-store", "utf-8" if text else None
    return web.Response(
        body=found.body, content_type=found.media_type, charset=charset,
        headers={"Content-Disposition": f'{disposition}; filename="{_safe_name(found.filename)}"',
                 "Cache-Control": cache, "X-Content-Type-Options": "nosniff"})


def _safe_name(name: str) -> str:
    """The file name for a header: nothing that could end the quoted string or the header."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) or "download"
