"""iCalendar feeds of approved leave: who may read which feed, and what it contains.

A feed is reached by a random token in its URL (calendar apps cannot log in), so the token is
the only secret: long, random, stored, revocable. A person's own feed shows their leave types;
a department's feed is seen by the whole team and follows the calendar privacy rule of
:mod:`core.calendar`. Turning the entries into iCalendar text is the door's job.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from core.calendar import FeedToken, event_key, segments, visible_title
from core.context import Presenter, latest_policy, local_today, person
from core.errors import LeaveError, UnknownEmployee
from core.model import HalfDay, RequestStatus
from core.ports import Clock, UnitOfWork
from core.views import FeedView

FEED_KINDS = ("employee", "department")
#: How far back and ahead a feed reaches; calendar apps refresh it every few hours.
PAST = timedelta(days=183)
AHEAD = timedelta(days=731)


@dataclass(frozen=True)
class FeedItem:
    uid: str
    title: str
    first: date
    last: date  # inclusive
    half: HalfDay | None
    stamp: datetime


@dataclass(frozen=True)
class Feed:
    name: str
    items: tuple[FeedItem, ...]


def new_token() -> str:
    """32 random bytes, URL-safe: unguessable, and safe in a path segment."""
    return secrets.token_urlsafe(32)


def feed_path(token: str) -> str:
    return f"/calendar/{token}.ics"


def my_feed(uow: UnitOfWork, clock: Clock, actor_email: str, public_url: str | None = None) -> FeedView:
    """The asker's own feed link, made on first request and the same one afterwards; a full link
    when ``public_url`` (where people reach this server) is given."""
    employee = uow.employees.by_email(actor_email)
    if employee is None:
        raise UnknownEmployee(f"No employee with e-mail {actor_email}.")
    existing = uow.feeds.active_for("employee", employee.employee_id)
    token = existing or create_feed(uow, clock, "employee", employee.employee_id)
    if existing is None:
        uow.commit()
    path = feed_path(token.token)
    url = public_url.rstrip("/") + path if public_url else None
    return FeedView(person=person(employee), path=path, created=existing is None, url=url)


def create_feed(uow: UnitOfWork, clock: Clock, kind: str, subject: str) -> FeedToken:
    """A new token for a person (by employee id) or a department; the caller commits."""
    if kind == "department":
        if not any(e.department.casefold() == subject.casefold() for e in uow.employees.all()):
            raise LeaveError(f"No employee is in a department called '{subject}'.")
    elif kind != "employee" or uow.employees.get(subject) is None:
        raise LeaveError(f"No such {kind}: {subject}.")
    token = FeedToken(new_token(), kind, subject, clock.now())
    uow.feeds.add(token)
    return token


def feed_for(uow: UnitOfWork, clock: Clock, token: str) -> Feed | None:
    """The feed behind a token; None for an unknown or revoked one (the door answers 404 to both)."""
    found = uow.feeds.get(token)
    if found is None or found.revoked_at is not None:
        return None
    people = [e for e in uow.employees.all()
              if (found.kind == "employee" and e.employee_id == found.subject)
              or (found.kind == "department" and e.department.casefold() == found.subject.casefold())]
    if not people:
        return Feed(found.subject, ())
    policy = latest_policy(uow)
    presenter = Presenter(uow)
    today = local_today(clock, people[0].time_zone)
    names = {e.employee_id: e.name for e in people}
    private = found.kind != "employee"
    items: list[FeedItem] = []
    for request in uow.requests.search(employee_ids=list(names), statuses=[RequestStatus.APPROVED],
                                       overlapping=(today - PAST, today + AHEAD)):
        type_name = presenter.request(request).type_name
        half = request.half if request.start == request.end else None
        title = visible_title(request.type_key, type_name, half, policy.calendar, private)
        if private:
            title = f"{names[request.employee_id]}: {title}"
        for index, (first, last) in enumerate(segments(request.start, request.end, request.cancelled_dates)):
            items.append(FeedItem(uid=f"{event_key(request.id or 0, request.created_at, index)}@leavebot",
                                  title=title, first=first, last=last, half=half,
                                  stamp=request.decided_at or request.created_at))
    name = names[people[0].employee_id] if found.kind == "employee" else found.subject
    return Feed(f"Leave: {name}", tuple(sorted(items, key=lambda i: (i.first, i.uid))))
