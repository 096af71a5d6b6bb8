"""DocumentRepository: documents kept with their request, listed without their files, opened with
them; one upload (its platform ref) kept once; a file of the largest size taken kept whole."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.domain.documents import MAX_BYTES, PDF, PNG, Document, digest
from core.ports import Conflict, UnitOfWorkFactory
from tests.contract.builders import NOW, added, leave, seed


def document(request_id: int, content: bytes, *, name: str = "certificate.pdf", ref: str | None = None,
             minutes: int = 0) -> Document:
    return Document(request_id=request_id, name=name, media_type=PDF if content.startswith(b"%PDF") else PNG,
                    size=len(content), sha256=digest(content), handed_in_at=NOW + timedelta(minutes=minutes),
                    handed_in_by="E1", source="slack", ref=ref, content=content)


def test_documents_are_listed_oldest_first_without_their_files_and_opened_with_them(
        uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    first, other = added(uow_factory, leave("E1", date(2026, 12, 1)), leave("E2", date(2026, 12, 2)))
    with uow_factory() as uow:
        later = uow.documents.add(document(first, b"%PDF-1.7 page two", name="page-2.pdf", minutes=5))
        earlier = uow.documents.add(document(first, b"\x89PNG\r\n\x1a\n page one", name="page-1.png"))
        uow.documents.add(document(other, b"%PDF-1.7 someone else's"))
        uow.commit()
    assert earlier.id is not None and later.id is not None and earlier.id != later.id
    with uow_factory() as uow:
        listed = uow.documents.for_request(first)
        opened = uow.documents.for_request(first, with_content=True)
    assert [d.name for d in listed] == ["page-1.png", "page-2.pdf"]
    assert [d.content for d in listed] == [b"", b""]
    assert [d.content for d in opened] == [b"\x89PNG\r\n\x1a\n page one", b"%PDF-1.7 page two"]
    assert opened[0] == earlier and opened[1] == later


def test_an_upload_is_found_by_its_ref_and_kept_once(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    [request_id] = added(uow_factory, leave("E1", date(2026, 12, 1)))
    with uow_factory() as uow:
        kept = uow.documents.add(document(request_id, b"%PDF-1.7", ref="slack:F0123"))
        uow.commit()
    with uow_factory() as uow:
        found = uow.documents.by_ref("slack:F0123")
        assert found is not None and found.id == kept.id and found.content == b""
        assert uow.documents.by_ref("slack:F9999") is None
        with pytest.raises(Conflict):
            uow.documents.add(document(request_id, b"%PDF-1.7 again", ref="slack:F0123"))
    with uow_factory() as uow:
        assert len(uow.documents.for_request(request_id)) == 1


def test_a_file_of_the_largest_size_taken_is_kept_whole(uow_factory: UnitOfWorkFactory) -> None:
    seed(uow_factory)
    [request_id] = added(uow_factory, leave("E1", date(2026, 12, 1)))
    content = b"%PDF-1.7\n" + bytes(range(256)) * ((MAX_BYTES - 9) // 256) + b"\x00" * ((MAX_BYTES - 9) % 256)
    assert len(content) == MAX_BYTES
    with uow_factory() as uow:
        uow.documents.add(document(request_id, content))
        uow.commit()
    with uow_factory() as uow:
        [opened] = uow.documents.for_request(request_id, with_content=True)
    assert opened.size == MAX_BYTES and opened.content == content and opened.sha256 == digest(content)
