"""Deciding a request or a comp-off claim from an e-mailed Approve or Reject link.

The link is the approver's credential: it is bound to one person (the approver it was sent to),
one request or claim and one answer (:mod:`core.domain.links`, subject ``request:42:approve``).
Looking at it (:func:`decision_link`, the confirmation page a GET shows) uses nothing up, since
mail scanners follow links. Confirming (:func:`decide_by_link`) runs the very use case a chat
click runs (:func:`core.requests.workflow.decide`, :func:`core.compoff.claims.decide_claim`), as the
link's person, audited with source ``email``, and uses the link up in the same commit as the
decision.

Which refusals use the link up: only a final one. A request already decided stays decided, so
its link is spent with the refusal; a request moved to someone else may come back (a delegation
ends, the manager returns), a missing reason is the reader's to add, an approver marked inactive
may be restored: those refusals are recorded (as a click's are) and the link still works until it
expires.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import datetime
from typing import Any, cast

from core.commands import Decide, DecideClaim
from core.compoff.claims import claim_view, comp_off_type, decide_claim
from core.delivery.notices import approval_notice
from core.directory.links import check_link
from core.domain.approvals import check_can_decide, may_see
from core.domain.compoff import format_claim_number
from core.domain.links import LinkPurpose, LinkToken, hash_token
from core.domain.model import Employee, RequestStatus, format_request_number
from core.errors import AlreadyDecided, InactiveEmployee, LeaveError, LinkRefused, NotAllowed
from core.ports import Clock, UnitOfWork
from core.requests import queries, workflow
from core.shared import audit
from core.shared.context import CommandContext, Presenter, acting_for, latest_policy, local_today, person
from core.views import CompOffClaimView, DecidedView, DecisionLinkView

#: The door that decisions by link are recorded as coming through.
SOURCE = "email"
REQUEST, CLAIM = "request", "claim"
ANSWERS = {"approve": True, "reject": False}


def parse_subject(token: LinkToken) -> tuple[str, int, bool]:
    """``(request|claim, id, approve)`` of a decision link; a subject of any other shape is refused
    as unknown (it was not made by :mod:`core.directory.links` for a decision)."""
    kind, _, rest = token.subject.partition(":")
    number, _, answer = rest.partition(":")
    if kind not in (REQUEST, CLAIM) or not number.isdigit() or answer not in ANSWERS:
        raise LinkRefused("unknown", "This link is not valid. Ask for a new one.")
    return kind, int(number), ANSWERS[answer]


def decision_link(uow: UnitOfWork, clock: Clock, raw: str) -> DecisionLinkView:
    """What the link would decide, as its approver sees it now; nothing is used up or written.

    Raises:
        LinkRefused: unknown, used (saying who decided, when that is known) or expired.
        InactiveEmployee: the approver is no longer listed as active.
    """
    token = _checked(uow, raw, clock.now())
    kind, number, approve = parse_subject(token)
    actor = _approver(uow, token)
    policy = latest_policy(uow)
    if kind == REQUEST:
        seen = queries.request_seen_by(uow, clock, actor.email, number)
        if seen is None:
            raise NotAllowed(f"{format_request_number(number)} isn't yours to decide; /leave pending lists those "
                             "waiting for you.", audit.NOT_APPROVER)
        if seen.can_decide:
            seen = replace(seen, approver_notice=approval_notice(uow, clock, number, actor.email))
        return DecisionLinkView(person(actor), approve, seen.can_decide, policy.reject_reason_required, request=seen)
    claim, can_decide = _claim_seen_by(uow, clock, actor, number)
    return DecisionLinkView(person(actor), approve, can_decide, policy.reject_reason_required, claim=claim)


def decide_by_link(uow: UnitOfWork, clock: Clock, raw: str, reason: str,
                   public_url: str | None = None) -> DecidedView | CompOffClaimView:
    """Decide as the link says, as its person, and use the link up: one commit for both.

    The use case's own commits (of the decision, or of a refusal's audit line) are held back
    (:class:`_HeldCommit`) and made here, once, with the link used or not as the module's docstring
    says.

    Raises:
        LinkRefused: unknown, used or expired; nothing was done.
        LeaveError: the decision's refusal ("already decided by ...", not yours, a reason needed),
            recorded as a click's is.
    """
    now = clock.now()
    token = _checked(uow, raw, now)
    kind, number, approve = parse_subject(token)
    try:
        actor = _approver(uow, token)
    except InactiveEmployee:
        known = uow.employees.get(token.employee_id)
        uow.audit.add(audit.stranger(now, known.email if known else token.employee_id, SOURCE,
                                     f"{'approve' if approve else 'reject'} {kind} {number} by e-mail link"))
        uow.commit()  # the link stays usable: the approver may be listed as active again
        raise
    held = _HeldCommit(uow)
    ctx = CommandContext(cast(UnitOfWork, held), clock, actor, local_today(clock, actor.time_zone), SOURCE,
                         public_url=public_url)
    try:
        view: DecidedView | CompOffClaimView = (
            workflow.decide(ctx, Decide(number, approve, reason)) if kind == REQUEST
            else decide_claim(ctx, DecideClaim(number, approve, reason)))
    except AlreadyDecided:
        _use(uow, token, now)  # final: the link has nothing left to do
        uow.commit()
        raise
    except LeaveError as error:
        if isinstance(error, NotAllowed) and not error.audited:
            uow.audit.add(audit.refusal(now, actor.email, error.action or "decide", SOURCE, error.message))
            held.committed = True
        if held.committed:
            uow.commit()  # the refusal's audit line; the link stays usable
        raise
    _use(uow, token, now)
    uow.commit()
    return view


def _checked(uow: UnitOfWork, raw: str, now: datetime) -> LinkToken:
    """:func:`check_link` for a decision; a used link's refusal also says who decided, when known."""
    try:
        return check_link(uow, raw, LinkPurpose.DECIDE, now)
    except LinkRefused as error:
        if error.reason != "used":
            raise
        decided = _decided_by(uow, raw)
        raise LinkRefused("used", f"{error.message} {decided}" if decided else error.message) from None


def _decided_by(uow: UnitOfWork, raw: str) -> str:
    """``LV-1042 was approved by Asha Rao.`` for a used link whose request or claim is decided."""
    token = uow.links.get(hash_token(raw))
    if token is None:
        return ""
    try:
        kind, number, _ = parse_subject(token)
    except LinkRefused:
        return ""
    found = uow.requests.get(number) if kind == REQUEST else uow.compoff.get(number)
    if found is None or found.status is RequestStatus.PENDING:
        return ""
    who = Presenter(uow).person(found.decided_by) if found.decided_by else None
    by = f" by {who.name}" if who is not None else ""
    return f"{found.number} was {found.status.value.lower()}{by}."


def _approver(uow: UnitOfWork, token: LinkToken) -> Employee:
    actor = uow.employees.get(token.employee_id)
    if actor is None or not actor.is_active:
        raise InactiveEmployee("You are no longer listed as active in LeaveBot, so this link can't decide; "
                               "ask HR if this is wrong.")
    return actor


def _claim_seen_by(uow: UnitOfWork, clock: Clock, actor: Employee, number: int) -> tuple[CompOffClaimView, bool]:
    """A claim as its approver sees it, and whether they may decide it now (the claim decision's checks)."""
    found = uow.compoff.get(number)
    today = local_today(clock, actor.time_zone)
    delegators = functools.cache(lambda: acting_for(uow, actor, today))
    if found is None or not may_see(actor, found, delegators):
        raise NotAllowed(f"{format_claim_number(number)} isn't yours to decide.", audit.NOT_APPROVER)
    presenter = Presenter(uow, reader=actor)
    employee = presenter.employee(found.employee_id) or actor
    terms = comp_off_type(presenter.policy, employee).comp_off
    assert terms is not None
    try:
        check_can_decide(actor, found, delegators)
        can_decide = found.status is RequestStatus.PENDING
    except LeaveError:
        can_decide = False
    return claim_view(presenter, found, terms.expires_after_days), can_decide


def _use(uow: UnitOfWork, token: LinkToken, now: datetime) -> None:
    """Use the link up, in the caller's transaction; a concurrent use got there first: refused."""
    if not uow.links.use(token.token_hash, now):
        raise LinkRefused("used", "This link has been used already; each link works once.")


class _HeldCommit:
    """The unit of work as a decision by link hands it to the decision's use case: every call goes
    through, except ``commit``, which is only noted, so that :func:`decide_by_link` commits the
    decision (or a refusal's audit line) once, together with using the link up or not."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self.committed = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)

    def commit(self) -> None:
        self.committed = True
