"""The modals' submitted values, read into core commands; refusals placed on the field they concern.

The modal's block ids name its fields (``leave_type``, ``start``, ``end``, ``half``, ``reason``,
``document``, and ``time_from``/``time_to`` when a type counted in hours is offered); each input's
action id is ``value``. Slack shows an error under the field whose block id it is given, so a
refusal from the core is placed on the field it is about: the words of the core's message decide,
and anything unrecognised lands on the dates, where most refusals belong.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.commands import ApplyLeave
from core.domain.hours import time_range_of_fields
from core.domain.model import HalfDay
from core.domain.text import format_day

TYPE_BLOCK, START_BLOCK, END_BLOCK, HALF_BLOCK, REASON_BLOCK, DOCUMENT_BLOCK = (
    "leave_type", "start", "end", "half", "reason", "document")
#: The hours of a type counted in hours (a "permission"); the form shows them only when it offers one.
FROM_BLOCK, TO_BLOCK = "time_from", "time_to"
VALUE = "value"
METADATA_LIMIT = 3000


@dataclass(frozen=True)
class FormErrors:
    """What is wrong with a submitted form, per block id, before the core is even asked."""

    errors: dict[str, str]


def state_values(view: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``view.state.values`` as ``{block_id: element state}`` (one input per block)."""
    values = (view.get("state") or {}).get("values") or {}
    return {block: (elements or {}).get(VALUE) or {} for block, elements in values.items()}


def _selected(element: Mapping[str, Any]) -> str | None:
    option = element.get("selected_option") or {}
    value = option.get("value")
    return str(value) if value else None


def _text(element: Mapping[str, Any]) -> str:
    return str(element.get("value") or "").strip()


def _date(element: Mapping[str, Any]) -> date | None:
    raw = element.get("selected_date")
    if not raw:
        return None
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        return None


def read_apply_form(view: Mapping[str, Any]) -> ApplyLeave | FormErrors:
    """The apply modal's values as an :class:`ApplyLeave`; an empty end date means a single day."""
    values = state_values(view)
    leave_type = _selected(values.get(TYPE_BLOCK, {}))
    start = _date(values.get(START_BLOCK, {}))
    errors: dict[str, str] = {}
    if not leave_type:
        errors[TYPE_BLOCK] = "Choose a leave type."
    if start is None:
        errors[START_BLOCK] = "Choose the first day of your leave."
    if errors or leave_type is None or start is None:
        return FormErrors(errors)
    end = _date(values.get(END_BLOCK, {})) or start
    half_value = _selected(values.get(HALF_BLOCK, {}))
    half = HalfDay(half_value) if half_value in (HalfDay.FIRST.value, HalfDay.SECOND.value) else None
    reason = _text(values.get(REASON_BLOCK, {}))
    document = _text(values.get(DOCUMENT_BLOCK, {})) or None
    try:
        hours = time_range_of_fields(str(values.get(FROM_BLOCK, {}).get("selected_time") or ""),
                                     str(values.get(TO_BLOCK, {}).get("selected_time") or ""))
    except ValueError as error:
        return FormErrors({TO_BLOCK: str(error)})
    return ApplyLeave(leave_type=leave_type, start=start, end=end, half=half, reason=reason, document_ref=document,
                      time_range=hours)


def read_reason(view: Mapping[str, Any]) -> str:
    return _text(state_values(view).get(REASON_BLOCK, {}))


def field_for_refusal(message: str, command: ApplyLeave) -> str:
    """The block a refusal of ``command`` is about, judged from the words of the core's message."""
    lowered = message.lower()
    if lowered.startswith("your reason"):
        return REASON_BLOCK
    if "leave type" in lowered:
        return TYPE_BLOCK
    if "half day" in lowered:
        return HALF_BLOCK
    if "document" in lowered:
        return DOCUMENT_BLOCK
    if command.end != command.start and (
        "end date" in lowered or (format_day(command.end) in message and format_day(command.start) not in message)
    ):
        return END_BLOCK
    return START_BLOCK


def encode_metadata(data: Mapping[str, str]) -> str:
    """``private_metadata`` for a modal: what it needs to know once submitted (held to Slack's limit)."""
    text = json.dumps({k: v for k, v in data.items() if v}, separators=(",", ":"))
    return text if len(text) <= METADATA_LIMIT else json.dumps({k: v for k, v in data.items() if k != "response_url"})


def decode_metadata(text: str | None) -> dict[str, str]:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
