"""Supporting documents: handing one in for one's own request, and opening a request's documents.

A leave type may need a document (``document_required_above_days`` in the policy): the request is
"document due" until its employee hands one in, in the door they use (a file dropped into the
chat with the bot, a form's file input, ``document LV-1042 FILE`` in the terminal). Handing one
in keeps the file with the request, stops the request being due (and so the Monday reminders),
writes the audit entry and tells the approvers through the outbox, all in one unit of work.

Only the request's employee may hand one in. Its employee, its approver chain (the approver,
their delegate, whoever decided a level) and HR may open them (:func:`core.domain.approvals.may_see`);
anyone else is told it isn't theirs, in the same words whether the request exists or not, and
the attempt is audited. Every opening is audited too: these are often medical papers.
"""

from __future__ import annotations

import functools
import re
from dataclasses import replace
from datetime import datetime

from core.commands import HandInDocument, ShowDocuments
from core.domain.approvals import may_see
from core.domain.dates import parse_request_id
from core.domain.documents import (
    ACCEPTED,
    MAX_BYTES,
    MAX_PER_REQUEST,
    Document,
    DocumentFile,
    digest,
    media_type_of,
    safe_name,
    shown_name,
    size_text,
)
from core.domain.model import AuditEntry, Employee, Event, LeaveRequest, format_request_number
from core.domain.text import format_span
from core.errors import BadCommand, BadDocument, LeaveError, NotAllowed
from core.ports import UnitOfWork
from core.requests.assessment import ACTIVE
from core.shared import audit
from core.shared.context import CommandContext, acting_for, refuse
from core.views import DocumentCopy, DocumentHandedInView, DocumentInfo, DocumentsView

#: The outbox event of a document handed in; the approvers are told of it.
HANDED_IN = "leave.document"
#: A request number as people write it in a message: ``LV-1042``, ``lv1042``, ``#1042``.
_NUMBER = re.compile(r"(?<![\w-])(?:lv-?|#)[0-9]+(?![\w-])", re.IGNORECASE)


def hand_in(ctx: CommandContext, command: HandInDocument) -> DocumentHandedInView | DocumentsView:
    """Keep a document with one of the asker's active requests; without a file, say how to hand one in.

    The same file again changes nothing: the same upload told twice by the platform (its id) is
    answered as a duplicate, the same bytes uploaded again for the request as repeated, so that
    neither makes two documents, two audit entries or two notices.

    Raises:
        NotAllowed: the request isn't the asker's (audited as ``not_owner``).
        BadDocument: the file is not taken (kind, size), or the request has all it may keep.
        LeaveError: the request is no longer active, or the file names no request the asker has.
    """
    uow, actor = ctx.uow, ctx.actor
    now = ctx.clock.now()
    file = command.file
    earlier = uow.documents.by_ref(file.ref) if file is not None and file.ref else None
    request_id = (command.request_id or (earlier.request_id if earlier else None) or _named(command.words)
                  or _only_due(uow, actor))
    request = uow.requests.lock(request_id)
    if request is None or request.id is None or request.employee_id != actor.employee_id:
        raise _not_yours(uow, now, actor, audit.NOT_OWNER, "hand in a document for", request_id,
                         request.id if request else None, ctx.source)
    if request.status not in ACTIVE:
        raise LeaveError(f"{request.number} is {request.status.value.lower()}; it needs no document now.")
    presenter = ctx.presenter()
    if file is None:
        return DocumentsView(presenter.request(request), yours=True, how_to=True)
    if earlier is not None:
        if earlier.request_id != request.id:
            raise BadDocument(f"That file was handed in for {format_request_number(earlier.request_id)} already.")
        return DocumentHandedInView(presenter.request(request), document_info(earlier), duplicate=True)
    media_type = _checked(file)
    kept = uow.documents.for_request(request.id)
    sha256 = digest(file.content)
    same = next((d for d in kept if d.sha256 == sha256), None)
    if same is not None:
        return DocumentHandedInView(presenter.request(request), document_info(same), repeated=True)
    if len(kept) >= MAX_PER_REQUEST:
        raise BadDocument(f"{request.number} already has {MAX_PER_REQUEST} documents, the most a request keeps; "
                          "ask HR if another is needed.")
    document = uow.documents.add(Document(
        request_id=request.id, name=safe_name(file.name, media_type), media_type=media_type, size=len(file.content),
        sha256=sha256, handed_in_at=now, handed_in_by=actor.employee_id, source=ctx.source, ref=file.ref,
        content=file.content))
    if request.document_due:
        received = replace(request, document_due=False)
        if not uow.requests.update(received, expected=request.status):
            raise LeaveError(f"{request.number} changed while your document came in; send it again.")
        request = received
    _record(uow, now, actor, request, document, ctx.source)
    view = presenter.request(request)  # read before the commit, which then ends the transaction
    uow.commit()
    return DocumentHandedInView(view, document_info(document))


def show(ctx: CommandContext, command: ShowDocuments) -> DocumentsView:
    """A request's documents, files and all, for its employee, approver chain or HR; each opening audited.

    Raises:
        NotAllowed: the asker has no part in the request, or it does not exist (audited as
            ``not_approver``, in the same words either way).
    """
    uow, actor = ctx.uow, ctx.actor
    now = ctx.clock.now()
    request = uow.requests.get(command.request_id)
    found = request.id if request is not None else None
    delegators = functools.cache(lambda: acting_for(uow, actor, ctx.today))
    deciders = functools.cache(lambda: {d.decided_by for d in uow.decisions.for_request(found or 0)})
    if request is None or found is None or not may_see(actor, request, delegators, deciders):
        raise _not_yours(uow, now, actor, audit.NOT_APPROVER, "open", command.request_id, found,
                         ctx.source)
    documents = uow.documents.for_request(found, with_content=True)
    yours = request.employee_id == actor.employee_id
    view = ctx.presenter().request(request)
    if documents:
        names = ", ".join(d.name for d in documents)
        uow.audit.add(AuditEntry(at=now, actor=actor.email, action="open_document", request_id=found,
                                 detail=names[:audit.DETAIL_LIMIT], source=ctx.source))
        uow.commit()
    return DocumentsView(view, tuple(DocumentCopy(document_info(d), d.content) for d in documents), yours=yours,
                         how_to=yours and not documents and request.status in ACTIVE)


def document_info(document: Document) -> DocumentInfo:
    """How a kept document is listed."""
    assert document.id is not None
    return DocumentInfo(document.id, document.name, document.media_type, document.size, document.handed_in_at)


def _checked(file: DocumentFile) -> str:
    """The media type of a file that may be kept; refuses one over the limit or of a kind not taken."""
    name = shown_name(file.name) or "That file"
    if file.length > MAX_BYTES:
        raise BadDocument(f"{name} is {size_text(file.length)}; I take {ACCEPTED}. Make it smaller (a scan at a "
                          "lower resolution, or a photo of it) and send it again.")
    media_type = media_type_of(file.content)
    if media_type is None:
        raise BadDocument(f"I can't take {name}: I take {ACCEPTED}. Save it as a PDF, or photograph it, "
                          "and send it again.")
    return media_type


def _named(words: str) -> int | None:
    """The request a message names (``LV-1042``), if it names one; refuses a message that names several."""
    numbers: list[int] = []
    for match in _NUMBER.finditer(words):
        try:
            number = parse_request_id(match.group())
        except BadCommand:
            continue
        if number not in numbers:
            numbers.append(number)
    if len(numbers) > 1:
        shown = " and ".join(format_request_number(n) for n in numbers[:2])
        raise BadCommand(f"Your message names {shown}; send the file once for each request, naming one of them.")
    return numbers[0] if numbers else None


def _only_due(uow: UnitOfWork, actor: Employee) -> int:
    """The asker's one active request that waits for a document; refuses when there is none or several."""
    due = sorted((r for r in uow.requests.search(employee_ids=[actor.employee_id], statuses=ACTIVE)
                  if r.document_due and r.id is not None), key=lambda r: (r.start, r.id or 0))
    if not due:
        raise BadCommand("None of your requests is waiting for a document. To add one to a request anyway, "
                         "send the file again with the request's number in your message, e.g. LV-1042.")
    if len(due) > 1:
        listed = "; ".join(_described(r) for r in due[:5])
        raise BadCommand(f"Several of your requests wait for a document ({listed}). Send the file again with the "
                         f"request's number in your message, e.g. {due[0].number}.")
    assert due[0].id is not None
    return due[0].id


def _described(request: LeaveRequest) -> str:
    return f"{request.number}, {format_span(request.start, request.end, request.half)}"


def _record(uow: UnitOfWork, now: datetime, actor: Employee, request: LeaveRequest, document: Document,
            source: str) -> None:
    """The audit entry and the outbox event of a document handed in, in the caller's transaction."""
    assert request.id is not None
    uow.audit.add(AuditEntry(at=now, actor=actor.email, action="document", request_id=request.id,
                             detail=f"{document.name}, {size_text(document.size)}", source=source))
    uow.outbox.add(Event(HANDED_IN, {"request_id": request.id, "number": request.number,
                                     "employee_id": request.employee_id, "document_id": document.id,
                                     "status": request.status.value, "actor": actor.email}), at=now)


def _not_yours(uow: UnitOfWork, now: datetime, actor: Employee, refusal: str, verb: str, number: int,
               request_id: int | None, source: str) -> NotAllowed:
    """Refuse, and record, an attempt on a request that isn't the actor's, or that does not exist:
    both read alike, so that nobody learns by trying that an id exists."""
    shown = format_request_number(number)
    listed = ("/leave list shows your requests" if refusal == audit.NOT_OWNER
              else "/leave list shows your requests and /leave pending those waiting for you")
    error = NotAllowed(f"{shown} isn't yours to {verb}; {listed}.", refusal)
    refuse(uow, error, AuditEntry(at=now, actor=actor.email, action=refusal, outcome=audit.REFUSED,
                                  request_id=request_id, detail=f"document {shown}", source=source))
    return error

