"""The HTTP access log, without the secrets that some paths carry.

A calendar feed's or a download's token *is* the credential, and it sits in the path. aiohttp
decodes a path before routing it, so many spellings of one link reach its handler (``%2E`` for
``.``, an encoded letter of the token, a query string after it), and a pattern over the request
line as sent cannot know them all. Instead, a request that a route with a variable part answered
is logged under the route's template (``GET /calendar/{name}``), without its query string;
anything else is logged as sent, through the same redaction as every log line (which also
catches a token in the ``Referer``).
"""

from __future__ import annotations

from collections.abc import Iterable

from aiohttp.abc import AbstractMatchInfo
from aiohttp.web import BaseRequest, Request, StreamResponse
from aiohttp.web_log import AccessLogger
from aiohttp.web_urldispatcher import DynamicResource

#: The key aiohttp's access log gives the request line (``%r``).
REQUEST_LINE = "first_request_line"


class SafeAccessLogger(AccessLogger):
    """aiohttp's access log, with the request line of a templated route reduced to its template."""

    def _format_line(self, request: BaseRequest, response: StreamResponse,
                     time: float) -> Iterable[tuple[str | tuple[str, str], str]]:
        return [(key, safe_request_line(request) if key == REQUEST_LINE else value)
                for key, value in super()._format_line(request, response, time)]


def safe_request_line(request: BaseRequest) -> str:
    """``METHOD PATH HTTP/x.y``, where PATH is the route's template when the route has a variable part."""
    path = request.path_qs
    match = request.match_info if isinstance(request, Request) else None
    if isinstance(match, AbstractMatchInfo):
        resource = match.route.resource
        if isinstance(resource, DynamicResource):
            path = resource.canonical
    return f"{request.method} {path} HTTP/{request.version.major}.{request.version.minor}"
