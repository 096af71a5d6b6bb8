"""In-memory stand-in of the documents port, kept in :class:`tests.unit.fakes.State`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from core.domain.documents import Document
from core.ports import Conflict


class FakeDocuments:
    def __init__(self, state: Any) -> None:
        self.s = state

    def add(self, document: Document) -> Document:
        if document.ref is not None and self.by_ref(document.ref) is not None:
            raise Conflict(f"document {document.ref} is kept already")
        kept = replace(document, id=len(self.s.documents) + 1)
        self.s.documents.append(kept)
        return kept

    def for_request(self, request_id: int, *, with_content: bool = False) -> list[Document]:
        found = sorted((d for d in self.s.documents if d.request_id == request_id),
                       key=lambda d: (d.handed_in_at, d.id or 0))
        return [d if with_content else replace(d, content=b"") for d in found]

    def by_ref(self, ref: str) -> Document | None:
        return next((replace(d, content=b"") for d in self.s.documents if d.ref == ref), None)
