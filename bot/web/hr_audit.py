"""HR's audit page: the audit log searched by person, action, dates and request id (``AuditQuery``)."""

from __future__ import annotations

from datetime import date

from aiohttp import web

from bot.web.hr import desk_view, hr_page, refused
from bot.web.session import viewer
from core.commands import SearchAudit
from core.domain.dates import parse_request_id
from core.errors import BadCommand

routes = web.RouteTableDef()

AUDIT = "/web/hr/audit"
FIELDS = ("person", "action", "from", "to", "request")


@routes.get(AUDIT)
async def audit_page(request: web.Request) -> web.StreamResponse:
    person = await viewer(request)
    typed = {name: request.query.get(name, "").strip() for name in FIELDS}
    try:
        search = SearchAudit(person=typed["person"] or None, action=typed["action"] or None,
                             start=_day(typed["from"], "From"), end=_day(typed["to"], "To"),
                             request_id=_request(typed["request"]))
    except BadCommand as error:
        raise refused(request, person, error.message) from None
    except ValueError as error:
        raise refused(request, person, str(error)) from None
    if search.start and search.end and search.end < search.start:
        raise refused(request, person, "Put the earlier date first.")
    view = await desk_view(request, person, search)
    return hr_page(request, "hr_audit.j2", person, view=view, typed=typed)


def _day(text: str, label: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{label}: '{text}' is not a date; write it as 2026-11-25.") from None


def _request(text: str) -> int | None:
    """The request id as chat reads it (``LV-1042``); raises ``BadCommand`` with chat's message."""
    return parse_request_id(text) if text else None
