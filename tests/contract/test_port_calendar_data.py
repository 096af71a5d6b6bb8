"""PolicyRepository and HolidayRepository: versions by load order and date, holidays by region and range."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from core.domain.model import Holiday
from core.errors import PolicyError
from core.ports import UnitOfWorkFactory
from tests.contract.builders import NOW
from tests.unit.conftest import policy_document


def version(name: str, effective_from: date | None) -> dict[str, Any]:
    """The built-in policy with its casual leave renamed, in force from ``effective_from``."""
    document = policy_document()
    document.pop("effective_from", None)
    document["leave_types"]["casual"]["name"] = name
    if effective_from is not None:
        document["effective_from"] = effective_from.isoformat()
    return document


def test_no_policy_yet(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        assert uow.policies.current() is None
        assert uow.policies.current_document() is None
        assert uow.policies.in_force(date(2026, 1, 1)) is None


def test_current_is_the_last_loaded_and_in_force_depends_on_the_date(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.policies.save(version("2027 rules", date(2027, 1, 1)), "2027.yaml", NOW)
        uow.policies.save(version("2026 rules", date(2026, 1, 1)), "2026.yaml", NOW + timedelta(minutes=1))
        uow.policies.save(version("fixed 2027", date(2027, 1, 1)), "2027b.yaml", NOW + timedelta(minutes=2))
        uow.policies.save(version("old rules", None), "old.yaml", NOW + timedelta(minutes=3))
        uow.commit()
    with uow_factory() as uow:
        def name_on(day: date) -> str:
            policy = uow.policies.in_force(day)
            assert policy is not None
            return policy.leave_types["casual"].name

        current = uow.policies.current()
        assert current is not None and current.leave_types["casual"].name == "old rules"
        # The document comes back as JSON data: YAML's dates as ISO text.
        assert uow.policies.current_document() == json.loads(json.dumps(version("old rules", None), default=str))
        assert name_on(date(2027, 6, 1)) == "fixed 2027"  # same date: the one loaded later
        assert name_on(date(2026, 12, 31)) == "2026 rules"
        assert name_on(date(1969, 6, 1)) == "old rules"  # before every date: the oldest version


def test_a_document_the_parser_refuses_is_not_stored(uow_factory: UnitOfWorkFactory) -> None:
    document = version("broken", None)
    document["leave_types"]["casual"]["days_per_year"] = "lots"
    with uow_factory() as uow:
        with pytest.raises(PolicyError):
            uow.policies.save(document, "bad.yaml", NOW)
        assert uow.policies.current_document() is None


def holiday(day: date, name: str, location: str | None = None, region: str = "INDIA",
            source: str = "policy") -> Holiday:
    return Holiday(day, name, region, location, source)


def test_between_is_inclusive_in_date_order_for_one_region(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.holidays.replace("INDIA", "policy", [holiday(date(2026, 12, 25), "Christmas"),
                                                 holiday(date(2026, 11, 1), "Rajyotsava", "Bengaluru"),
                                                 holiday(date(2026, 10, 2), "Gandhi Jayanti")])
        uow.holidays.replace("US", "policy", [holiday(date(2026, 11, 26), "Thanksgiving", region="US")])
        uow.commit()
    with uow_factory() as uow:
        found = uow.holidays.between("INDIA", date(2026, 10, 2), date(2026, 12, 25))
        assert [(h.day, h.name, h.location) for h in found] == [
            (date(2026, 10, 2), "Gandhi Jayanti", None),
            (date(2026, 11, 1), "Rajyotsava", "Bengaluru"),
            (date(2026, 12, 25), "Christmas", None),
        ]
        assert uow.holidays.between("INDIA", date(2026, 10, 3), date(2026, 10, 31)) == []


def test_replace_touches_only_its_region_source_and_range(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.holidays.replace("INDIA", "policy", [holiday(date(2026, 1, 26), "Republic Day"),
                                                 holiday(date(2026, 8, 15), "Independence Day")])
        uow.holidays.replace("INDIA", "google", [holiday(date(2026, 8, 15), "Independence Day (Google)")])
        uow.commit()
    with uow_factory() as uow:
        uow.holidays.replace("INDIA", "policy", [holiday(date(2026, 8, 14), "Moved", source="ignored")],
                             start=date(2026, 6, 1), end=date(2026, 12, 31))
        uow.commit()
    with uow_factory() as uow:
        found = uow.holidays.between("INDIA", date(2026, 1, 1), date(2026, 12, 31))
        assert [(h.day, h.name, h.source) for h in found] == [
            (date(2026, 1, 26), "Republic Day", "policy"),  # outside the range: kept
            (date(2026, 8, 14), "Moved", "policy"),  # stored under the source replaced
            (date(2026, 8, 15), "Independence Day (Google)", "google"),  # another source: kept
        ]


def test_replace_keeps_one_per_day_and_location_and_refuses_one_outside_its_range(
    uow_factory: UnitOfWorkFactory,
) -> None:
    with uow_factory() as uow:
        uow.holidays.replace("INDIA", "policy", [holiday(date(2026, 12, 25), "Xmas"),
                                                 holiday(date(2026, 12, 25), "Christmas")])
        with pytest.raises(ValueError, match="outside the range"):
            uow.holidays.replace("INDIA", "policy", [holiday(date(2027, 1, 1), "New Year")],
                                 start=date(2026, 1, 1), end=date(2026, 12, 31))
        uow.commit()
    with uow_factory() as uow:
        found = uow.holidays.between("INDIA", date(2026, 1, 1), date(2027, 12, 31))
        assert [(h.day, h.name) for h in found] == [(date(2026, 12, 25), "Christmas")]
