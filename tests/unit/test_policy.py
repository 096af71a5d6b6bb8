"""The policy document: the built-in one parses, and every malformed key is named."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.domain.amount import Amount
from core.errors import PolicyError, UnknownLeaveType
from core.policy.rules import parse_policy
from tests.unit.conftest import policy_document


def test_default_policy_matches_the_contract() -> None:
    policy = parse_policy(policy_document())
    india = policy.region("IN")
    assert india is not None and india.key == "INDIA" and india.weekend == frozenset({5, 6})
    by_code = {t.code: t for t in policy.types_for("INDIA")}
    assert {code: t.days_per_year for code, t in by_code.items()} == {
        "CL": 12, "SL": 12, "PL": 12, "ML": 0, "PTL": 15,
    }
    maternity = by_code["ML"].counting
    assert (maternity.calendar_days, maternity.days_per_occurrence) == (True, 182)
    assert by_code["ML"].eligible.max_occurrences == 2
    assert by_code["CL"].max_carry_forward == 5 and by_code["PL"].max_carry_forward == 10
    assert by_code["PL"].min_notice_days == 7
    assert by_code["SL"].needs_document(Amount.days(4)) and not by_code["SL"].needs_document(Amount.days(3))
    assert by_code["ML"].needs_document(Amount.days("0.5"))
    names = {h.name for h in policy.holidays if h.day.year == 2026}
    assert {"New Year", "Republic Day", "Holi", "Independence Day", "Gandhi Jayanti", "Diwali", "Christmas"} == names


def test_find_type_by_key_or_code_any_case() -> None:
    policy = parse_policy(policy_document())
    assert policy.find_type("INDIA", "ptl").key == "paternity"
    assert policy.find_type("INDIA", "Casual").code == "CL"
    with pytest.raises(UnknownLeaveType, match=r"Valid types: casual \(CL\), sick \(SL\)"):
        policy.find_type("INDIA", "vacation")


def broken(path: list[Any], value: Any) -> dict[str, Any]:
    document = copy.deepcopy(policy_document())
    target = document
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


@pytest.mark.parametrize(
    ("path", "value", "named"),
    [
        (["leave_types", "casual", "days_per_year"], "twelve", "leave_types.casual.days_per_year"),
        (["leave_types", "casual", "days_per_year"], -1, "leave_types.casual.days_per_year"),
        (["leave_types", "casual", "days_per_year"], 1.3, "leave_types.casual.days_per_year"),
        (["leave_types", "casual", "accrual"], "weekly", "leave_types.casual.accrual"),
        (["leave_types", "casual", "advance"], "all", "leave_types.casual.advance"),
        (["leave_types", "casual", "colour"], "red", "leave_types.casual.colour"),
        (["leave_types", "sick", "code"], "CL", "leave_types.sick.code"),
        (["leave_types", "sick", "name"], KeyError, "leave_types.sick.name"),
        (["leave_types"], [], "leave_types"),
        (["regions", "INDIA", "weekend", 0], "funday", "regions.INDIA.weekend[0]"),
        (["regions", "INDIA", "leave_types", 0], "sabbatical", "regions.INDIA.leave_types[0]"),
        (["regions", "INDIA", "holidays", 2, "date"], "2026-02-30", "regions.INDIA.holidays[2].date"),
        (["regions", "INDIA", "holidays", 0], "New Year", "regions.INDIA.holidays[0]"),
        (["regions"], KeyError, "policy.regions"),
        (["reject_reason"], "sometimes", "reject_reason"),
    ],
)
def test_malformed_policy_names_the_key(path: list[Any], value: Any, named: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(broken(path, value))
    assert caught.value.message.startswith(named), caught.value.message


def test_holidays_per_location() -> None:
    document = broken(["regions", "INDIA", "holidays"], [
        {"date": "2026-09-14", "name": "Ganesh Chaturthi", "locations": ["Mumbai", "Pune"]},
    ])
    policy = parse_policy(document)
    assert [(h.location, h.applies_to("INDIA", "mumbai")) for h in policy.holidays] == [("Mumbai", True),
                                                                                          ("Pune", False)]


def test_the_readmes_annotated_example_is_a_policy_that_loads() -> None:
    """The README's policy section shows every key in one file: that file must be one `policies
    load` accepts, so that it can be copied as a start."""
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    example = readme.split("## The policy file", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    document = yaml.safe_load(example)
    policy = parse_policy(document)
    assert set(policy.leave_types) == set(document["leave_types"])
    assert set(policy.regions) == set(document["regions"])
