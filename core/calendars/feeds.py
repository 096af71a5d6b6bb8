"""iCalendar feeds of approved leave: who may read which feed, and what it contains.

A feed is reached by a random token in its URL (calendar apps cannot log in), so the token is
the only secret: long, random, revocable, and kept only as its hash (:mod:`core.domain.tokens`), which is
why a link is shown once, when it is made. A person's own feed shows their leave types, and stops
when they become inactive; a department's feed is seen by the whole team, so it shows only the
types the policy makes public (:mod:`core.policy.privacy`). Turning the entries into iCalendar text is the door's job.
"""

from __future__ import annotations

from datetime import timedelta

from core.calendars.entries import event_key, segments, visible_title
from core.domain.model import RequestStatus
from core.domain.tokens import new_token, token_hash
from core.errors import LeaveError, UnknownEmployee
from core.ports import Clock, UnitOfWork
from core.ports.calendars import FeedToken
from core.shared.context import Presenter, latest_policy, local_today, person
from core.views import Feed, FeedItem, FeedView

#: How far back and ahead a feed reaches; calendar apps refresh it every few hours.
PAST = timedelta(days=183)
AHEAD = timedelta(days=731)


def feed_path(token: str) -> str:
    return f"/calendar/{token}.ics"


def my_feed(uow: UnitOfWork, clock: Clock, actor_email: str, public_url: str | None = None) -> FeedView:
    """A new link to the asker's own feed; a full link when ``public_url`` (where people reach this
    server) is given.

    Only a token's hash is kept, so an earlier link cannot be shown again. Someone who asks again
    has lost it or wants a fresh one, so they get a new link and their earlier ones stop: each
    person has one working link of their own, and asking is also how they shut a leaked one.
    """
    employee = uow.employees.by_email(actor_email)
    if employee is None:
        raise UnknownEmployee(f"No employee with e-mail {actor_email}.")
    replaced = False
    while ((earlier := uow.feeds.active_for("employee", employee.employee_id)) is not None
           and uow.feeds.revoke(earlier.token_hash, clock.now())):
        replaced = True
    path = feed_path(create_feed(uow, clock, "employee", employee.employee_id))
    uow.commit()
    url = public_url.rstrip("/") + path if public_url else None
    return FeedView(person=person(employee), path=path, replaced=replaced, url=url)


def create_feed(uow: UnitOfWork, clock: Clock, kind: str, subject: str) -> str:
    """A new feed of a person (by employee id) or a department; the caller commits.

    Returns:
        The link's token: shown once, as only its hash is stored.
    """
    if kind == "department":
        if not any(e.department.casefold() == subject.casefold() for e in uow.employees.all()):
            raise LeaveError(f"No employee is in a department called '{subject}'.")
    elif kind != "employee" or uow.employees.get(subject) is None:
        raise LeaveError(f"No such {kind}: {subject}.")
    token = new_token()
    uow.feeds.add(FeedToken(token_hash(token), kind, subject, clock.now()))
    return token


def new_feed_link(uow: UnitOfWork, clock: Clock, employee_email: str | None = None,
                  department: str | None = None) -> str:
    """HR's new feed of a person (by e-mail) or of a department; the link's path, shown this once."""
    if employee_email is not None:
        employee = uow.employees.by_email(employee_email)
        if employee is None:
            raise LeaveError(f"No employee with e-mail {employee_email}.")
        token = create_feed(uow, clock, "employee", employee.employee_id)
    elif department is not None:
        token = create_feed(uow, clock, "department", department)
    else:
        raise LeaveError("Name the employee or the department the feed is for.")
    uow.commit()
    return feed_path(token)


def revoke_feed(uow: UnitOfWork, clock: Clock, link: str) -> bool:
    """Stop the feed named by its token or its link (``.../calendar/TOKEN.ics``): it answers 404 from
    now on. False when no active feed has that token."""
    token = link.removesuffix(".ics").rsplit("/", 1)[-1]
    revoked = uow.feeds.revoke(token_hash(token), clock.now())
    uow.commit()
    return revoked


def feed_for(uow: UnitOfWork, clock: Clock, token: str) -> Feed | None:
    """The feed behind a token; None for an unknown or revoked one, or the feed of someone no longer
    active (the door answers 404 to all)."""
    found = uow.feeds.get(token_hash(token))
    if found is None or found.revoked_at is not None:
        return None
    if found.kind == "employee":
        owner = uow.employees.get(found.subject)
        if owner is None or not owner.is_active:
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
        title = visible_title(request.type_key, type_name, half, policy.privacy.public_types, private)
        if private:
            title = f"{names[request.employee_id]}: {title}"
        for index, (first, last) in enumerate(segments(request.start, request.end, request.cancelled_dates)):
            items.append(FeedItem(uid=f"{event_key(request.id or 0, request.created_at, index)}@leavebot",
                                  title=title, first=first, last=last, half=half,
                                  stamp=request.decided_at or request.created_at))
    name = names[people[0].employee_id] if found.kind == "employee" else found.subject
    return Feed(f"Leave: {name}", tuple(sorted(items, key=lambda i: (i.first, i.uid))))
