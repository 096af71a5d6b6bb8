"""The supporting documents of requests (:class:`core.ports.documents.DocumentRepository`), files and all.

Inside the caller's transaction, like every repository of the unit of work. Listing reads every
column but the file, so that a list of documents never pulls megabytes out of the database. The
file is kept as base64 text (see ``storage/tables.py``).
"""

from __future__ import annotations

import base64
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, insert, select
from sqlalchemy.exc import IntegrityError

from core.domain.documents import Document
from core.ports import Conflict
from storage.tables import request_documents

#: Every column but the file itself.
_LISTED = [column for column in request_documents.c if column.name != "content"]


class SqlDocumentRepository:
    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def add(self, document: Document) -> Document:
        """Keep the document; a racing transaction that kept the same platform file first makes this
        one run again (:class:`~core.ports.Conflict`), and then it finds that file kept."""
        values = {"request_id": document.request_id, "filename": document.name, "media_type": document.media_type,
                  "size": document.size, "sha256": document.sha256, "handed_in_at": document.handed_in_at,
                  "handed_in_by": document.handed_in_by, "source": document.source, "ref": document.ref,
                  "content": base64.b64encode(document.content).decode("ascii")}
        try:
            with self._conn.begin_nested():
                result = self._conn.execute(insert(request_documents).values(**values))
        except IntegrityError as error:
            raise Conflict(f"document {document.ref} was kept by another transaction") from error
        key = result.inserted_primary_key
        assert key is not None
        return replace(document, id=int(key[0]))

    def for_request(self, request_id: int, *, with_content: bool = False) -> list[Document]:
        columns = list(request_documents.c) if with_content else _LISTED
        rows = self._conn.execute(select(*columns).where(request_documents.c.request_id == request_id)
                                  .order_by(request_documents.c.handed_in_at, request_documents.c.id)).all()
        return [_document(row, with_content) for row in rows]

    def by_ref(self, ref: str) -> Document | None:
        row = self._conn.execute(select(*_LISTED).where(request_documents.c.ref == ref)).first()
        return _document(row, with_content=False) if row is not None else None


def _document(row: Row[Any], with_content: bool) -> Document:
    return Document(request_id=int(row.request_id), name=row.filename, media_type=row.media_type, size=int(row.size),
                    sha256=row.sha256, handed_in_at=row.handed_in_at, handed_in_by=row.handed_in_by, source=row.source,
                    ref=row.ref, content=base64.b64decode(row.content) if with_content else b"", id=int(row.id))


if TYPE_CHECKING:  # lets mypy prove that the repository implements its port
    from core.ports.documents import DocumentRepository

    def _implements_port(connection: Connection) -> DocumentRepository:
        return SqlDocumentRepository(connection)
