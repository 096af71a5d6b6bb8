"""Supporting documents on SQLite and MariaDB: migration 0014, the terminal's ``document LV-1001 FILE``
and ``document LV-1001``, the limits, who may hand in and open, the approvers' notices, and the
Monday reminder that stops once the document is in."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from bot.cli.chat import run_chat
from core.commands import CancelRequest, Decide, HandInDocument, ShowDocuments
from core.domain.documents import MAX_BYTES, MAX_PER_REQUEST, DocumentFile
from core.ports import AuditQuery, UnitOfWorkFactory
from core.service import LeaveService
from core.views import DocumentHandedInView, DocumentsView, Notice, NoticeKind, RefusalView
from storage import migrate
from storage.engine import make_engine

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR a scanned page"
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic a phone photo"


class Recorder:
    """A door that remembers the notices it was given."""

    name = "slack"

    def __init__(self) -> None:
        self.sent: list[Notice] = []

    def deliver(self, notice: Notice) -> None:
        self.sent.append(notice)


def sick_leave(service: LeaveService, start: date = date(2026, 12, 1), end: date = date(2026, 12, 4)) -> int:
    """Ananya's four days of sick leave: more than three need a document."""
    view = service.handle_text("ananya@x.test", f"apply sick {start.isoformat()} to {end.isoformat()} flu", "slack")
    assert not isinstance(view, RefusalView), view
    return view.request.id  # type: ignore[union-attr]


def hand_in(service: LeaveService, content: bytes, *, who: str = "ananya@x.test", request_id: int | None = 1,
            name: str = "certificate.pdf", ref: str | None = None, words: str = "") -> object:
    return service.execute(who, HandInDocument(request_id, DocumentFile(name, content, ref=ref), words=words), "slack")


def due(service: LeaveService, request_id: int = 1) -> bool:
    return next(r for r in service.list_requests("ananya@x.test") if r.id == request_id).document_due


def test_0014_adds_the_documents_table_and_goes_back_cleanly(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0013")
        assert "request_documents" not in inspect(engine).get_table_names()
        migrate.upgrade(engine, "0014")
        assert {c["name"] for c in inspect(engine).get_columns("request_documents")} >= {
            "request_id", "filename", "media_type", "size", "sha256", "ref", "content"}
        config = migrate.alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0013")
        assert migrate.current_revision(engine) == "0013"
        assert "request_documents" not in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_the_terminal_hands_a_file_in_and_writes_the_documents_out(service: LeaveService, tmp_path: Path) -> None:
    certificate = tmp_path / "My Scans" / "certificate.pdf"
    certificate.parent.mkdir()
    certificate.write_bytes(PDF)
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as sparse:
        sparse.truncate(MAX_BYTES + 1)
    out = io.StringIO()
    lines = ["apply sick 1 Dec to 4 Dec flu", "document LV-1001 nowhere.pdf", f"document LV-1001 {huge}",
             f"document LV-1001 {certificate}", "document LV-1001"]
    assert run_chat(service, "ananya@x.test", io.StringIO("\n".join(lines) + "\n"), out,
                    report_dir=tmp_path / "out") == 0
    said = out.getvalue()
    assert "Document due for LV-1001: hand it in with  document LV-1001 FILE" in said
    assert "There is no file nowhere.pdf" in said
    assert "huge.pdf is 10.0 MB; I take a PDF, JPEG, PNG or HEIC file of at most 10 MB" in said
    assert "Thank you: certificate.pdf (1 KB) is now with LV-1001." in said
    assert f"certificate.pdf, 1 KB, handed in Wed 25 Nov 2026: {tmp_path / 'out' / 'LV-1001-certificate.pdf'}" in said
    assert not due(service)

    hr_out = io.StringIO()
    assert run_chat(service, "hr@x.test", io.StringIO("document LV-1001\n"), hr_out, report_dir=tmp_path / "hr") == 0
    assert (tmp_path / "hr" / "LV-1001-certificate.pdf").read_bytes() == PDF
    assert "Documents of LV-1001 (Ananya Iyer, Sick leave" in hr_out.getvalue()


def test_the_document_reminder_stops_once_the_document_is_in(service: LeaveService,
                                                              uow_factory: UnitOfWorkFactory) -> None:
    sick_leave(service)
    [before] = service.runs_for_date("document-reminders", date(2026, 11, 30))
    assert service.run_due(before, ["slack"]).summary == "1 document reminder"
    assert isinstance(hand_in(service, PDF), DocumentHandedInView)
    [after] = service.runs_for_date("document-reminders", date(2026, 12, 7))
    outcome = service.run_due(after, ["slack"])
    assert (outcome.ran, outcome.posts, outcome.summary) == (True, 0, "0 document reminders")
    with uow_factory() as uow:
        targets = [(period, target) for _job, period, target, _ in uow.jobs.posts("document-reminders")]
    assert targets == [("2026-11-30", "slack:person:E3")]


def test_the_limits_each_refused_in_words(service: LeaveService) -> None:
    sick_leave(service)
    refused = hand_in(service, b"MZ\x90\x00 a program", name="certificate.exe")
    assert isinstance(refused, RefusalView) and refused.message.startswith("I can't take certificate.exe")
    declared = service.execute("ananya@x.test", HandInDocument(1, DocumentFile("scan.pdf", size=MAX_BYTES + 1)),
                               "slack")
    assert isinstance(declared, RefusalView) and "scan.pdf is 10.0 MB" in declared.message
    assert due(service)
    for page, content in enumerate((PDF, PNG, HEIC, PDF + b"2", PDF + b"3"), start=1):
        kept = hand_in(service, content, name=f"page {page}")
        assert isinstance(kept, DocumentHandedInView) and not kept.repeated, kept
    assert [f.info.name for f in opened(service, "hr@x.test").files] == [
        "page 1.pdf", "page 2.png", "page 3.heic", "page 4.pdf", "page 5.pdf"]
    again = hand_in(service, PNG, name="the same page")
    assert isinstance(again, DocumentHandedInView) and again.repeated and again.document.name == "page 2.png"
    sixth = hand_in(service, PDF + b"6")
    assert isinstance(sixth, RefusalView)
    assert sixth.message == f"LV-1001 already has {MAX_PER_REQUEST} documents, the most a request keeps; ask HR " \
                            "if another is needed."


def opened(service: LeaveService, who: str, request_id: int = 1) -> DocumentsView:
    view = service.execute(who, ShowDocuments(request_id), "teams")
    assert isinstance(view, DocumentsView), view
    return view


def test_only_the_employee_hands_in_and_only_the_approver_chain_and_hr_open(service: LeaveService) -> None:
    sick_leave(service)
    refused = hand_in(service, PDF, who="rahul@x.test")
    assert isinstance(refused, RefusalView)
    assert refused.message == "LV-1001 isn't yours to hand in a document for; /leave list shows your requests."
    assert isinstance(hand_in(service, PDF, words="for lv-1001"), DocumentHandedInView)
    for who in ("ananya@x.test", "boss@x.test", "hr@x.test"):
        assert [f.content for f in opened(service, who).files] == [PDF], who
    assert opened(service, "ananya@x.test").yours and not opened(service, "boss@x.test").yours
    for who, number in (("rahul@x.test", 1), ("kiran@x.test", 1), ("rahul@x.test", 999)):
        view = service.execute(who, ShowDocuments(number), "slack")
        assert isinstance(view, RefusalView) and view.message.startswith(f"LV-{1000 + number} isn't yours to open;")
    audit = service.audit_log(AuditQuery())
    assert [(e.actor, e.action) for e in audit if e.action in ("not_owner", "not_approver")] == [
        ("rahul@x.test", "not_owner"), ("rahul@x.test", "not_approver"), ("kiran@x.test", "not_approver"),
        ("rahul@x.test", "not_approver")]
    assert [e.actor for e in audit if e.action == "open_document"] == [
        "ananya@x.test", "boss@x.test", "hr@x.test", "ananya@x.test", "boss@x.test"]


def test_which_request_a_file_without_a_number_is_for(service: LeaveService) -> None:
    lone = hand_in(service, PDF, request_id=None)
    assert isinstance(lone, RefusalView) and lone.message.startswith("None of your requests is waiting for a document")
    sick_leave(service)
    sick_leave(service, date(2026, 12, 14), date(2026, 12, 17))
    several = hand_in(service, PDF, request_id=None, words="here you go")
    assert isinstance(several, RefusalView)
    assert several.message.startswith("Several of your requests wait for a document (LV-1001, Tue 1 Dec 2026 to "
                                      "Fri 4 Dec 2026; LV-1002, Mon 14 Dec 2026 to Thu 17 Dec 2026)")
    named = hand_in(service, PDF, request_id=None, words="certificate for #1002 as promised")
    assert isinstance(named, DocumentHandedInView) and named.request.number == "LV-1002"
    service.execute("ananya@x.test", CancelRequest(1), "slack")
    cancelled = hand_in(service, PNG, request_id=None, words="LV-1001")
    assert isinstance(cancelled, RefusalView) and cancelled.message == "LV-1001 is cancelled; it needs no document now."


def test_the_approvers_hear_of_a_document_and_can_open_it(service: LeaveService) -> None:
    sick_leave(service)
    service.execute("boss@x.test", Decide(1, True), "slack")
    door = Recorder()
    service.deliver_notices([door])
    door.sent.clear()
    assert isinstance(hand_in(service, PDF, ref="slack:F0001"), DocumentHandedInView)
    duplicate = hand_in(service, PDF, ref="slack:F0001", request_id=None)
    assert isinstance(duplicate, DocumentHandedInView) and duplicate.duplicate
    report = service.deliver_notices([door])
    assert report.errors == []
    [notice] = door.sent
    assert (notice.kind, notice.recipient.email, notice.request.number) == (
        NoticeKind.DOCUMENT_ADDED, "boss@x.test", "LV-1001")
    assert notice.document is not None and notice.document.name == "certificate.pdf"
    assert not notice.request.document_due
