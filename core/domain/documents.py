"""Supporting documents (a medical certificate, say): which files are taken, and how one is recognised.

A leave type may need a document (``document_required_above_days`` in the policy); the employee
hands it in afterwards, in the chat they use. A file is recognised by its first bytes, never by its
name or by the type a platform claims, so that what is kept and later served to an approver is
what it says it is: a PDF, a JPEG, a PNG or a HEIC photo (what a phone's camera makes), of at most
:data:`MAX_BYTES`. Anything else is refused with the same words in every door.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime

#: The largest file taken: a scan or a phone photo fits; the database keeps it whole.
MAX_BYTES = 10 * 1024 * 1024
#: How many documents one request may gather (a certificate of several pages, sent page by page).
MAX_PER_REQUEST = 5
#: What is taken, in the words every refusal and every how-to uses.
ACCEPTED = "a PDF, JPEG, PNG or HEIC file of at most 10 MB"

PDF, JPEG, PNG, HEIC = "application/pdf", "image/jpeg", "image/png", "image/heic"
#: The file name's ending for each media type, for a name that lacks a fitting one.
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png", HEIC: "heic"}
#: The brands of an ISO media file (``ftyp`` box) that are HEIF pictures.
HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"})
#: The longest file name kept; longer ones lose the middle of their stem, never their ending.
NAME_LIMIT = 120

_UNSAFE_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\"\\\\/<>|:*?]")


@dataclass(frozen=True)
class DocumentFile:
    """A file as a door received it, not yet checked.

    Attributes:
        name: the file's name as the person's platform gave it (or the path's last part).
        content: its bytes; empty when the door did not fetch a file over the limit.
        size: its size as the platform declared it, when ``content`` was not fetched; None when
            ``content`` is the whole file.
        ref: the platform's own id of the file (``slack:F0123``): the same file handed in twice (a
            platform that tells of it twice) is kept once.
    """

    name: str
    content: bytes = b""
    size: int | None = None
    ref: str | None = None

    @property
    def length(self) -> int:
        """How big the file is, as far as anyone knows."""
        return len(self.content) if self.size is None else self.size


@dataclass(frozen=True)
class Document:
    """A document kept with a request. ``content`` is empty when it was only listed, not opened."""

    request_id: int
    name: str
    media_type: str
    size: int
    sha256: str
    handed_in_at: datetime
    handed_in_by: str  # the employee id of the request's employee
    source: str  # the door it came through
    ref: str | None = None
    content: bytes = b""
    id: int | None = None


def media_type_of(content: bytes) -> str | None:
    """The media type the bytes are (by their signature), or None for anything not taken."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content[4:8] == b"ftyp" and content[8:12] in HEIF_BRANDS:
        return HEIC
    return None


def digest(content: bytes) -> str:
    """The SHA-256 of a file, hex: the same file handed in twice for a request is kept once."""
    return hashlib.sha256(content).hexdigest()


def shown_name(name: str) -> str:
    """A file name as typed or sent, fit to show and keep: its last path part, without invisible or
    quoting characters, at most :data:`NAME_LIMIT` characters (the middle of a longer one cut)."""
    base = re.split(r"[\\/]", name.strip())[-1]
    base = " ".join(_UNSAFE_NAME.sub("", base).split()).strip(". ")
    if len(base) > NAME_LIMIT:
        half = (NAME_LIMIT - 1) // 2
        base = base[:half] + "\u2026" + base[len(base) - (NAME_LIMIT - 1 - half):]
    return base


def safe_name(name: str, media_type: str) -> str:
    """The name a document is kept and served under: :func:`shown_name`, ending in the extension of
    what the file really is (``scan`` of a PDF is ``scan.pdf``, ``photo.jpeg`` stays)."""
    base = shown_name(name)
    stem, dot, ending = base.rpartition(".")
    if not (dot and ending.lower() in _endings(media_type)):
        stem, ending = base, EXTENSIONS[media_type]
    return shown_name(f"{stem or 'document'}.{ending}")


def _endings(media_type: str) -> frozenset[str]:
    """The extensions a file of this type may already carry."""
    return frozenset({"jpg", "jpeg"}) if media_type == JPEG else frozenset({EXTENSIONS[media_type]})


def size_text(size: int) -> str:
    """``212 KB``, ``1.4 MB``: a file's size for people."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / (1024 * 1024):.1f} MB"
