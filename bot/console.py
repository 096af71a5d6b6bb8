"""The terminal door: ``leavebot chat --as EMAIL``.

Like the Slack and Teams doors it only translates: a line of text goes to the core's text
grammar, the view that comes back is rendered as plain text. At a terminal it is a prompt loop;
with piped input it answers one command per line, so that a conversation can be scripted.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Protocol, TextIO

from bot.render_text import render
from core import views
from core.errors import LeaveError, UnknownEmployee

PROMPT = "leave> "
QUIT_WORDS = frozenset({"quit", "exit"})
SOURCE = "console"


class ChatService(Protocol):
    """The part of the core's service that a chat needs."""

    def handle_text(self, actor_email: str, text: str, source: str) -> views.View: ...

    def balance_of(self, email: str, year: int | None = None) -> views.BalanceView: ...


def run_chat(
    service: ChatService, email: str, stdin: TextIO, stdout: TextIO, stderr: TextIO | None = None
) -> int:
    """Chat as ``email`` until end of input or ``quit``; return the process exit code.

    An e-mail that is not in the directory is bad input (exit 2), said once on stderr with what
    to do about it, rather than answered with a refusal for every line.
    """
    errors = stderr if stderr is not None else sys.stderr
    try:
        person = service.balance_of(email).person
    except UnknownEmployee:
        errors.write(f"No employee with e-mail {email}; ask HR to add you (leavebot employees import)\n")
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
        view = service.handle_text(email, text, source=SOURCE)
        stdout.write(render(view) + "\n\n")
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
