"""Supporting documents in the terminal chat: ``document LV-1042 FILE`` reads FILE from disk, and
``document LV-1042`` writes the request's documents into the chat's output folder.

The terminal has no upload: the file is the path typed after the request's number, read on this
machine (never more than one byte past the limit, so that a huge file is refused by its size
without being read). Opening writes each document as ``LV-1042-NAME``, as a report's files are
written, and the reply shows where.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from core.commands import Command, HandInDocument
from core.domain.documents import MAX_BYTES, DocumentFile
from core.errors import LeaveError
from core.views import DocumentsView, ReportLink


def with_file(command: Command) -> Command:
    """``command`` with the file that ``document LV-1042 FILE`` names read into it; any other
    command as it is.

    Raises:
        LeaveError: there is no such file, or it cannot be read (said as the reply).
    """
    if not isinstance(command, HandInDocument) or command.file is not None or not command.path:
        return command
    path = Path(command.path).expanduser()
    try:
        if not path.is_file():
            raise LeaveError(f"There is no file {command.path}; give the path of the document after the request's "
                             "number.")
        size = path.stat().st_size
        if size > MAX_BYTES:
            return replace(command, file=DocumentFile(path.name, size=size))
        with path.open("rb") as opened:
            return replace(command, file=DocumentFile(path.name, opened.read(MAX_BYTES + 1)))
    except OSError as error:
        raise LeaveError(f"I can't read {command.path}: {error.strerror or error}.") from None


def save_documents(view: DocumentsView, directory: Path) -> DocumentsView:
    """Write the request's documents into ``directory`` (made if missing, the same names replaced);
    the view then lists where each is."""
    if not view.files:
        return view
    directory.mkdir(parents=True, exist_ok=True)
    links, used = [], set()
    for file in view.files:
        name = f"{view.request.number}-{file.info.name}"
        if name in used:
            name = f"{view.request.number}-{file.info.id}-{file.info.name}"
        used.add(name)
        path = directory / name
        path.write_bytes(file.content)
        links.append(ReportLink(file.info.name, str(path)))
    return replace(view, links=tuple(links))
