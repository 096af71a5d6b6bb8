"""The terminal door: ``leavebot chat --as EMAIL``.

Like the Slack and Teams doors it only translates: a line of text goes to the core's text
grammar, the view that comes back is rendered as plain text. At a terminal it is a prompt loop;
with piped input it answers one command per line, so that a conversation can be scripted.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Protocol, TextIO

from bot.cli.documents import save_documents, with_file
from bot.cli.strangers import unknown_person
from bot.render_text import render
from core import views
from core.commands import Command
from core.errors import LeaveError, UnknownEmployee

PROMPT = "leave> "
QUIT_WORDS = frozenset({"quit", "exit"})
SOURCE = "console"
#: Where the chat draws ``team week|month`` pictures: they are looked at once, and kept out of the working tree.
PICTURE_DIR = Path(tempfile.gettempdir()) / "leavebot-pictures"


class ChatService(Protocol):
    """The part of the core's service that a chat needs."""

    def handle_text(self, actor_email: str, text: str, source: str,
                    adjust: Callable[[Command], Command] | None = None) -> views.View: ...

    def balance_of(self, email: str, year: int | None = None) -> views.BalanceView: ...

    def has_employees(self) -> bool: ...


def run_chat(
    service: ChatService, email: str, stdin: TextIO, stdout: TextIO, stderr: TextIO | None = None,
    report_dir: Path | None = None, picture_dir: Path | None = None, database: str = "the database",
) -> int:
    """Chat as ``email`` until end of input or ``quit``; return the process exit code.

    An e-mail that is not in the directory is bad input (exit 2), said once on stderr with what
    to do about it, rather than answered with a refusal for every line: the message names
    ``database`` and says when it has nobody in it at all (a chat started outside the folder of its
    SQLite file opens an empty one there). A report's files are written into ``report_dir`` (by
    default the current directory) and their paths shown, and so are a request's documents
    (``document LV-1042``; ``document LV-1042 FILE`` hands FILE in). The picture of
    ``team week|month`` (a terminal shows its counts as a table) is looked at once and thrown away:
    it goes into ``picture_dir``, by default :data:`PICTURE_DIR`, out of the working tree.
    """
    errors = stderr if stderr is not None else sys.stderr
    try:
        person = service.balance_of(email).person
    except UnknownEmployee:
        errors.write(unknown_person(email, database, service.has_employees()) + "\n")
        errors.flush()
        return 2
    except LeaveError as exc:
        errors.write(exc.message + "\n")
        errors.flush()
        return 2
    interactive = stdin.isatty()
    if interactive:
        if stdin is sys.stdin:
            with contextlib.suppress(ImportError):
                import readline  # noqa: F401  (imported for its effect: line editing in input())
        stdout.write(f"Hi {person.name}. Type help for what I can do, quit to leave.\n")
    while True:
        line = _read_line(stdin, stdout, interactive)
        if line is None:
            if interactive:
                stdout.write("\n")
            return 0
        text = line.strip()
        if not text or (not interactive and text.startswith("#")):
            continue
        if text.casefold() in QUIT_WORDS:
            return 0
        view = service.handle_text(email, text, source=SOURCE, adjust=with_file)
        if isinstance(view, views.FilesView):
            view = save_report(view, report_dir or Path.cwd())
        if isinstance(view, views.DocumentsView):
            view = save_documents(view, report_dir or Path.cwd())
        reply = render(view)
        if isinstance(view, views.TeamChartView):
            reply += f"\nPicture: {save_chart(view, picture_dir or PICTURE_DIR)}"
        stdout.write(reply + "\n\n")
        stdout.flush()


def _read_line(stdin: TextIO, stdout: TextIO, interactive: bool) -> str | None:
    """The next line, or None at end of input (Ctrl-D, or Ctrl-C at the prompt)."""
    if not interactive:
        line = stdin.readline()
        return line if line else None
    try:
        if stdin is sys.stdin and stdout is sys.stdout:
            # input() gives line editing and history when readline is available.
            return input(PROMPT)
        stdout.write(PROMPT)
        stdout.flush()
        line = stdin.readline()
        return line if line else None
    except (EOFError, KeyboardInterrupt):
        return None


def save_report(view: views.FilesT, directory: Path) -> views.FilesT:
    """Write the files of a report (or of payroll) into ``directory`` (made if missing, same names
    replaced); the view now lists where they are."""
    directory.mkdir(parents=True, exist_ok=True)
    links = []
    for file in view.files:
        path = directory / file.name
        path.write_text(file.text, encoding="utf-8")
        links.append(views.ReportLink(file.name, str(path)))
    return replace(view, links=tuple(links))


def save_chart(view: views.TeamChartView, directory: Path) -> Path:
    """Draw the heat map into ``directory`` (made if missing, the same name replaced); its path.

    The charts (matplotlib) are imported here, on the first picture, so that a chat starts without them.
    """
    from bot import charts

    drawn = charts.picture(view.heatmap, view.scope)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / drawn.filename
    path.write_bytes(drawn.png)
    return path
