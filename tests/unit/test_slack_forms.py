"""The apply modal's values read into a command, and the core's refusals placed on their field."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.slack.forms import (
    DOCUMENT_BLOCK,
    END_BLOCK,
    HALF_BLOCK,
    START_BLOCK,
    TYPE_BLOCK,
    FormErrors,
    decode_metadata,
    encode_metadata,
    field_for_refusal,
    read_apply_form,
)
from core.commands import ApplyLeave
from core.domain.amount import NO_DAYS, Amount
from core.domain.model import HalfDay
from core.errors import LeaveError
from core.policy.rules import parse_policy
from core.policy.validation import validate_balance, validate_dates, validate_notice, validate_working_days
from core.views import BalanceRow
from tests.unit.conftest import policy_document

PAYLOADS = Path(__file__).resolve().parents[1] / "payloads" / "slack"
TODAY = date(2026, 11, 25)


def submitted_view() -> dict[str, Any]:
    view: dict[str, Any] = json.loads((PAYLOADS / "view_submission_apply.json").read_text())["view"]
    return view


def test_the_captured_submission_reads_as_an_application() -> None:
    assert read_apply_form(submitted_view()) == ApplyLeave(
        "casual", date(2026, 12, 7), date(2026, 12, 9), None, "family visit", None)


def test_an_empty_end_is_a_single_day_and_a_half_day_is_read() -> None:
    view = submitted_view()
    values = view["state"]["values"]
    values["end"]["value"]["selected_date"] = None
    values["half"]["value"]["selected_option"] = {"value": "SECOND"}
    values["document"]["value"]["value"] = "https://drive.example/note.pdf"
    command = read_apply_form(view)
    assert isinstance(command, ApplyLeave)
    assert (command.end, command.half, command.document_ref) == (date(2026, 12, 7), HalfDay.SECOND,
                                                                 "https://drive.example/note.pdf")


def test_missing_required_values_are_named_on_their_field() -> None:
    view = submitted_view()
    view["state"]["values"]["leave_type"]["value"]["selected_option"] = None
    view["state"]["values"]["start"]["value"]["selected_date"] = None
    result = read_apply_form(view)
    assert isinstance(result, FormErrors) and set(result.errors) == {TYPE_BLOCK, START_BLOCK}


def _refusal(check: Callable[[], object]) -> str:
    with pytest.raises(LeaveError) as caught:
        check()
    return caught.value.message


def _casual() -> Any:
    return parse_policy(policy_document()).find_type("INDIA", "casual")


def _privilege() -> Any:
    return parse_policy(policy_document()).find_type("INDIA", "privilege")


def _row(available: Amount) -> BalanceRow:
    return BalanceRow("casual", "CL", "Casual leave", available, NO_DAYS, NO_DAYS)


# (the refused span, the core's check that refuses it, the field the refusal belongs on)
CASES: list[tuple[str, date, date, HalfDay | None, Callable[[date, date, HalfDay | None], object], str]] = [
    ("end before start", date(2026, 12, 9), date(2026, 12, 7), None,
     lambda s, e, h: validate_dates(s, e, h, TODAY), END_BLOCK),
    ("half day over a range", date(2026, 12, 7), date(2026, 12, 9), HalfDay.FIRST,
     lambda s, e, h: validate_dates(s, e, h, TODAY), HALF_BLOCK),
    ("end too far ahead", date(2026, 12, 7), date(2028, 12, 9), None,
     lambda s, e, h: validate_dates(s, e, h, TODAY), END_BLOCK),
    ("start long ago", date(2026, 8, 3), date(2026, 8, 4), None,
     lambda s, e, h: validate_dates(s, e, h, TODAY), START_BLOCK),
    ("only a weekend", date(2026, 12, 5), date(2026, 12, 6), None,
     lambda s, e, h: validate_working_days({}, s, e), START_BLOCK),
    ("too little notice", TODAY + timedelta(days=2), TODAY + timedelta(days=2), None,
     lambda s, e, h: validate_notice(_privilege(), s, TODAY), START_BLOCK),
    ("not enough days", date(2026, 12, 7), date(2026, 12, 9), None,
     lambda s, e, h: validate_balance(_casual(), {2026: Amount.days(3)}, {2026: _row(Amount.days(2))}), TYPE_BLOCK),
    ("no such type", date(2026, 12, 7), date(2026, 12, 7), None,
     lambda s, e, h: parse_policy(policy_document()).find_type("INDIA", "vacation"), TYPE_BLOCK),
]


@pytest.mark.parametrize(("name", "start", "end", "half", "check", "block"), CASES, ids=[c[0] for c in CASES])
def test_a_refusal_lands_on_the_field_it_is_about(name: str, start: date, end: date, half: HalfDay | None,
                                                   check: Callable[[date, date, HalfDay | None], object],
                                                   block: str) -> None:
    message = _refusal(lambda: check(start, end, half))
    assert field_for_refusal(message, ApplyLeave("casual", start, end, half)) == block


def test_a_document_refusal_lands_on_the_document_field() -> None:
    command = ApplyLeave("sick", date(2026, 12, 7), date(2026, 12, 11))
    assert field_for_refusal("Sick leave above 3 days needs a document; add its link.", command) == DOCUMENT_BLOCK


def test_metadata_round_trips_and_stays_within_slack_limit() -> None:
    data = {"id": "LV-1001", "channel": "D0VIKRAM", "ts": "1700000001.000100",
            "response_url": "https://x/" + "y" * 4000}
    decoded = decode_metadata(encode_metadata(data))
    assert decoded == {"id": "LV-1001", "channel": "D0VIKRAM", "ts": "1700000001.000100"}
    assert decode_metadata("not json") == {} and decode_metadata(None) == {}
