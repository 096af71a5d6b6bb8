"""Supporting documents in the core, on the fakes: which files are taken (by their bytes), the names
they are kept under, the words ``document`` reads, and the request a file without a number is for."""

from __future__ import annotations

from datetime import date

import pytest

from core.commands import HandInDocument, ShowDocuments
from core.domain.documents import HEIC, JPEG, NAME_LIMIT, PDF, PNG, DocumentFile, media_type_of, safe_name, size_text
from core.errors import BadCommand
from core.language.grammar import parse_command
from core.service import LeaveService
from core.views import DocumentHandedInView, RefusalView

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(("content", "expected"), [
    (b"%PDF-1.4\n", PDF),
    (b"\xff\xd8\xff\xdb jpeg", JPEG),
    (b"\x89PNG\r\n\x1a\n png", PNG),
    (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00", HEIC),
    (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00", HEIC),
    (b"\x00\x00\x00\x18ftypisom\x00\x00\x00\x00", None),  # an MP4 video
    (b"PK\x03\x04 docx", None),
    (b"<html><script>", None),
    (b"", None),
])
def test_a_file_is_known_by_its_first_bytes(content: bytes, expected: str | None) -> None:
    assert media_type_of(content) == expected


def test_names_are_kept_plain_short_and_true_to_the_file() -> None:
    assert safe_name("C:\\Users\\ananya\\scan.JPEG", JPEG) == "scan.JPEG"
    assert safe_name("../../etc/passwd", PDF) == "passwd.pdf"
    assert safe_name("report.docx", PDF) == "report.docx.pdf"
    assert safe_name('"\u202eevil\x00".png', PNG) == "evil.png"
    assert safe_name("", HEIC) == "document.heic"
    long = safe_name("a" * 300 + ".pdf", PDF)
    assert len(long) == NAME_LIMIT and long.endswith("a.pdf") and "\u2026" in long


def test_sizes_read_as_people_say_them() -> None:
    assert (size_text(10), size_text(212_000), size_text(10 * 1024 * 1024 + 1)) == ("1 KB", "207 KB", "10.0 MB")


def test_the_document_word() -> None:
    assert parse_command("document LV-1042", TODAY) == ShowDocuments(42)
    assert parse_command("/leave document lv-1042 ~/My Scans/note.pdf", TODAY) == HandInDocument(
        42, path="~/My Scans/note.pdf")
    for words, message in (("document", "Say which request to open or hand a document in for"),
                           ("document tomorrow", "'tomorrow' is not a request id")):
        with pytest.raises(BadCommand, match=message):
            parse_command(words, TODAY)


def test_a_file_goes_to_the_request_its_words_name_else_to_the_one_that_waits(service: LeaveService) -> None:
    for start, end in ((date(2026, 12, 1), date(2026, 12, 4)), (date(2026, 12, 14), date(2026, 12, 17))):
        service.handle_text("ananya@x.test", f"apply sick {start.isoformat()} to {end.isoformat()}", "slack")
    pdf = DocumentFile("note.pdf", b"%PDF-1.7")
    both = service.execute("ananya@x.test", HandInDocument(file=pdf, words="for LV-1001 and LV-1002"), "slack")
    assert isinstance(both, RefusalView) and both.message.startswith("Your message names LV-1001 and LV-1002")
    first = service.execute("ananya@x.test", HandInDocument(file=pdf, words="LV-1001, LV-12345678901 (sorry)"),
                            "slack")
    assert isinstance(first, DocumentHandedInView) and first.request.number == "LV-1001"
    second = service.execute("ananya@x.test", HandInDocument(file=DocumentFile("b.png", b"\x89PNG\r\n\x1a\n")),
                             "slack")
    assert isinstance(second, DocumentHandedInView) and second.request.number == "LV-1002"
    assert second.document.name == "b.png" and not second.request.document_due
