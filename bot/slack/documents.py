"""Supporting documents in Slack: a file dropped into the DM with the bot, the hand-in form, Open.

* A file dropped into the direct messages with LeaveBot (a ``message`` event of subtype
  ``file_share``) is handed in for the request its message names (``LV-1042``), or for the
  person's one request with a document due. Slack also tells of the upload with ``file_shared``:
  that one is handed in too when it can be placed without words, and whichever of the two keeps the
  file first answers, so that the person reads one reply. Refusals (a kind of file not taken, a
  file too big, several requests waiting) are answered to the message, which has the words.
* The "Hand in a document" button (on the reply to an application, a document reminder, the
  answer to ``/leave document``) opens a form with a file input; its file is handed in for that
  request, and the answer comes in the DM.
* "Open the document" (on the notice an approver gets) and ``/leave document LV-1042`` answer with
  one single-use link per document, for the employee, the approver chain and HR only.

Files are fetched with ``files.info`` and the file's private URL, with the bot token, from Slack
only (:mod:`bot.documents`).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.documents import FetchFailed, fetch, is_https, same_origin
from bot.slack import render
from bot.slack.api import error_code
from bot.slack.door import Ack, Respond, SlackDoor, ephemeral
from bot.slack.escape import plain_from_slack
from bot.slack.forms import decode_metadata, encode_metadata
from core.commands import HandInDocument, ShowDocuments
from core.domain.dates import parse_request_id
from core.domain.documents import MAX_BYTES, MAX_PER_REQUEST, DocumentFile
from core.errors import BadCommand
from core.views import DocumentHandedInView, DocumentsView

log = logging.getLogger(__name__)

#: The answer to words typed into the DM: commands go after /leave; files are documents.
HINT = ("I read commands typed after /leave (try /leave help). A file dropped here is handed in as the supporting "
        "document of your leave: put the request's number (LV-1042) in the message when several wait for one.")
FORM_TITLE = "Hand in a document"
#: The form's file input (block id), as its errors name it.
FILE_BLOCK = "document"
#: Where Slack keeps files, besides the Web API's own host (a stand-in's, in tests).
SLACK_FILE_HOSTS = (".slack.com", ".slack-gov.com")


async def handle_message(door: SlackDoor, event: dict[str, Any], client: AsyncWebClient) -> None:
    """A message in the DM with the bot: its files handed in one by one; words alone get :data:`HINT`."""
    if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype") not in (None, "file_share"):
        return
    user_id, channel = str(event.get("user") or ""), str(event.get("channel") or "")
    if not user_id or not channel:
        return
    listed = event.get("files")
    files = [str(f["id"]) for f in listed if isinstance(f, dict) and f.get("id")] if isinstance(listed, list) else []
    if not files:
        await _post(client, channel, render.notice_text(HINT))
        return
    words = plain_from_slack(str(event.get("text") or ""))
    for file_id in files[:MAX_PER_REQUEST]:
        await _hand_in(door, client, user_id, channel, file_id, words=words)


async def handle_file_shared(door: SlackDoor, event: dict[str, Any], client: AsyncWebClient) -> None:
    """``file_shared`` in a DM with the bot: handed in when it can be placed without words; its refusals
    are left to the message that came with the file."""
    channel, user_id, file = str(event.get("channel_id") or ""), str(event.get("user_id") or ""), event.get("file")
    file_id = str(event.get("file_id") or (file.get("id") if isinstance(file, dict) else "") or "")
    if channel.startswith("D") and user_id and file_id:
        await _hand_in(door, client, user_id, channel, file_id, answer_refusals=False)


async def handle_hand_in_click(door: SlackDoor, ack: Ack, body: dict[str, Any], client: AsyncWebClient) -> None:
    """"Hand in a document for LV-1042": open the form with the file input."""
    await ack()
    number = _clicked(body)
    if number is None:
        return
    metadata = encode_metadata({"id": number})
    try:
        await client.views_open(trigger_id=str(body.get("trigger_id")), view=render.document_modal(number, metadata))
    except SlackApiError as error:
        log.warning("views.open for a document failed: %s", error_code(error))


async def handle_document_submit(door: SlackDoor, ack: Ack, body: dict[str, Any], view: dict[str, Any],
                                 client: AsyncWebClient) -> None:
    """The form's file, handed in for its request; the form closes at once (fetching a file may take
    longer than Slack waits for a submission) and the answer comes in the DM with the bot."""
    number = decode_metadata(view.get("private_metadata")).get("id", "")
    try:
        request_id = parse_request_id(number)
    except BadCommand as error:
        await ack(response_action="update", view=render.info_modal(FORM_TITLE, error.message))
        return
    files = _submitted_files(view)
    if not files:
        await ack(response_action="errors", errors=render.field_errors({FILE_BLOCK: "Choose the file to hand in."}))
        return
    await ack()
    user_id = str((body.get("user") or {}).get("id") or "")
    try:
        opened = await client.conversations_open(users=user_id)
    except SlackApiError as error:
        log.warning("conversations.open for %s failed: %s", user_id, error_code(error))
        return
    channel = str((opened.get("channel") or {}).get("id") or user_id)
    for file_id in files:
        await _hand_in(door, client, user_id, channel, file_id, request_id=request_id)


async def handle_open_click(door: SlackDoor, ack: Ack, body: dict[str, Any], client: AsyncWebClient,
                            respond: Respond) -> None:
    """"Open the document": a one-time link to each of the request's documents, for the clicker only."""
    await ack()
    number = _clicked(body)
    if number is None:
        return
    user_id = str((body.get("user") or {}).get("id") or "")
    asked = await door.ask(client, user_id, ShowDocuments(parse_request_id(number)))
    if asked is None:
        await respond(**ephemeral(render.notice_text(await door.refuse_stranger(user_id, "document"))))
        return
    shown = asked[1].view
    if isinstance(shown, DocumentsView):
        shown = await door.hand_out(shown)
    await respond(**ephemeral(render.reply(shown)))


async def fetch_file(client: AsyncWebClient, file_id: str) -> DocumentFile:
    """The file Slack keeps as ``file_id``: ``files.info``, then its private URL with the bot token.

    Raises:
        FetchFailed: Slack would not show the file, or gave an address that is not Slack's.
    """
    try:
        answer = await client.files_info(file=file_id)
    except SlackApiError as error:
        raise FetchFailed(f"Slack would not show me the file ({error_code(error)})") from error
    file = answer.get("file") or {}
    name, ref = str(file.get("name") or file.get("title") or "document"), f"slack:{file_id}"
    size = int(file.get("size") or 0)
    if size > MAX_BYTES:
        return DocumentFile(name, size=size, ref=ref)
    url = str(file.get("url_private_download") or file.get("url_private") or "")
    if not _from_slack(url, client.base_url):
        raise FetchFailed(f"Slack gave no address of its own for {name}")
    return await fetch(url, name, ref, headers={"Authorization": f"Bearer {client.token}"},
                       timeout=float(client.timeout))


async def _hand_in(door: SlackDoor, client: AsyncWebClient, user_id: str, channel: str, file_id: str, *,
                   words: str = "", request_id: int | None = None, answer_refusals: bool = True) -> None:
    """Fetch one file and hand it in for ``user_id``; answer in ``channel`` when this call kept it (or,
    with ``answer_refusals``, when it was refused), never for an upload kept before."""
    try:
        file = await fetch_file(client, file_id)
    except FetchFailed as error:
        log.warning("file %s of %s not fetched: %s", file_id, user_id, error)
        if answer_refusals:
            await _post(client, channel, render.notice_text(f"{error}; please send it again."))
        return
    asked = await door.ask(client, user_id, HandInDocument(request_id, file, words=words))
    if asked is None:
        if answer_refusals:
            await _post(client, channel, render.notice_text(await door.refuse_stranger(user_id, "document")))
        return
    actor, view = asked[0], asked[1].view
    if isinstance(view, DocumentHandedInView) and view.duplicate:
        return  # the other event of the same upload kept it, and answered
    if not isinstance(view, DocumentHandedInView) and not answer_refusals:
        return
    await _post(client, channel, render.reply(view))
    if isinstance(view, DocumentHandedInView) and not view.repeated:
        await door.publish_home(client, actor)


def _from_slack(url: str, api_base: str) -> bool:
    """A file URL the bot token may be sent to: Slack's own file hosts, or the Web API's host."""
    if same_origin(url, api_base):
        return True
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    return is_https(url) and host.endswith(SLACK_FILE_HOSTS)


def _submitted_files(view: dict[str, Any]) -> list[str]:
    """The ids of the files chosen in the form's file input."""
    element = _mapping(_mapping(_mapping(_mapping(view.get("state")).get("values")).get(FILE_BLOCK)).get("value"))
    files = element.get("files")
    return [str(f["id"]) for f in files if isinstance(f, dict) and f.get("id")] if isinstance(files, list) else []


def _mapping(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one (a body Slack never sends)."""
    return value if isinstance(value, dict) else {}


def _clicked(body: dict[str, Any]) -> str | None:
    """The request number a button carries, if it is one."""
    actions = body.get("actions")
    value = str(_mapping(actions[0] if isinstance(actions, list) and actions else None).get("value") or "")
    try:
        parse_request_id(value)
    except BadCommand:
        log.warning("a button carried '%s', which is not a request id", value)
        return None
    return value


async def _post(client: AsyncWebClient, channel: str, message: dict[str, Any]) -> None:
    try:
        await client.chat_postMessage(channel=channel, text=message["text"], blocks=message["blocks"])
    except SlackApiError as error:
        log.warning("chat.postMessage to %s failed: %s", channel, error_code(error))
