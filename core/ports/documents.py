"""Where the supporting documents handed in for requests are kept, in the core's unit of work.

A document is kept with its request in the same transaction that stops the request being
"document due", so that the two never disagree. Listing reads no file: only opening one does.
"""

from __future__ import annotations

from typing import Protocol

from core.domain.documents import Document


class DocumentRepository(Protocol):
    def add(self, document: Document) -> Document:
        """Keep a document, file and all; returned with its id.

        Raises:
            Conflict: a document with the same ``ref`` is kept already (another transaction kept the
                same upload first): the unit of work runs again, and then finds it.
        """
        ...

    def for_request(self, request_id: int, *, with_content: bool = False) -> list[Document]:
        """The request's documents, oldest first; their files (``content``) only when asked for."""
        ...

    def by_ref(self, ref: str) -> Document | None:
        """The document a platform's file (``slack:F0123``) became, if it was handed in before (no file)."""
        ...
