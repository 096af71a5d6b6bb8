"""Supporting documents in Teams: files attached to a message in the personal chat with the bot.

Teams sends such a file as an attachment of content type
``application/vnd.microsoft.teams.file.download.info`` whose ``downloadUrl`` is a short-lived,
pre-authorised link (the app's manifest says ``supportsFiles``). The door fetches it
(:mod:`bot.documents`) and hands it in for the request the message names (``LV-1042``), or for
the person's one request with a document due. Only an ``https`` link is fetched; in Emulator mode,
where nothing is authenticated, only a link on this machine.
"""

from __future__ import annotations

from dataclasses import dataclass

from botbuilder.schema import Activity

from bot.documents import FetchFailed, fetch, is_https
from bot.teams.emulator import is_loopback_url
from core.domain.documents import DocumentFile

FILE_DOWNLOAD_INFO = "application/vnd.microsoft.teams.file.download.info"


@dataclass(frozen=True)
class AttachedFile:
    """One file attached to a message: its name, where to fetch it, and Teams' id of it."""

    name: str
    url: str
    unique_id: str


def attached_files(activity: Activity) -> list[AttachedFile]:
    """The files attached to a message (cards and inline pictures are not files)."""
    found = []
    for attachment in activity.attachments or []:
        content = attachment.content if isinstance(attachment.content, dict) else {}
        url = content.get("downloadUrl")
        if attachment.content_type == FILE_DOWNLOAD_INFO and isinstance(url, str) and url:
            found.append(AttachedFile(str(attachment.name or "document"), url, str(content.get("uniqueId") or "")))
    return found


async def fetch_attached(attached: AttachedFile, *, emulator: bool) -> DocumentFile:
    """The attached file, from Teams' link (nothing but ``https``; in Emulator mode, this machine only).

    Raises:
        FetchFailed: the link is not one the door follows, or the file could not be fetched.
    """
    trusted = is_loopback_url(attached.url) if emulator else is_https(attached.url)
    if not trusted:
        raise FetchFailed(f"Teams gave no address I follow for {attached.name}")
    ref = f"teams:{attached.unique_id}" if attached.unique_id else None
    return await fetch(attached.url, attached.name, ref)
