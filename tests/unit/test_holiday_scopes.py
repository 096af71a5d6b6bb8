"""Holidays scoped right: a state's holidays only where a location maps to it, each date once."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from core.commands import PlanLeave, ShowHolidays
from core.directory.admin import sync_holidays
from core.domain.model import Holiday
from core.domain.workdays import holiday_dates, holidays_listed
from core.errors import LeaveError, PolicyError
from core.policy.rules import parse_policy
from core.service import LeaveService
from core.views import HolidaysView, PlanView
from tests.unit.conftest import policy_document
from tests.unit.fakes import FakeStore, FixedClock

KA_DAY = date(2027, 4, 7)  # a Wednesday: Ugadi, a Karnataka holiday
LISTS: dict[tuple[str, str | None], list[tuple[date, str]]] = {
    ("IN", None): [(date(2027, 1, 26), "Republic Day"), (date(2027, 12, 25), "Christmas Day")],
    ("IN", "KA"): [(date(2027, 1, 26), "Republic Day"), (KA_DAY, "Ugadi")],
}


def fetch(country: str, subdiv: str | None, year: int) -> list[tuple[date, str]]:
    """The ``holidays`` package's answer, as two small lists (the state's repeats the national day)."""
    return [(day, name) for day, name in LISTS[(country, subdiv)] if day.year == year]


def sync(store: FakeStore, clock: FixedClock, subdiv: str | None) -> Any:
    with store() as uow:
        return sync_holidays(uow, clock, fetch, "IN", subdiv, 2027)


def holidays_of(service: LeaveService, email: str, year: int = 2027) -> list[tuple[date, str]]:
    view = service.execute(email, ShowHolidays(year), "test")
    assert isinstance(view, HolidaysView)
    return [(row.day, row.name) for row in view.holidays]


def days_planned(service: LeaveService, email: str, start: date, end: date) -> str:
    view = service.execute(email, PlanLeave("casual", start, end), "test")
    assert isinstance(view, PlanView)
    return view.days.figure


# -- the rule itself ------------------------------------------------------------------------------

def test_a_state_holiday_applies_only_where_the_location_maps_to_that_state() -> None:
    ugadi = Holiday(KA_DAY, "Ugadi", "INDIA", source="holidays:IN-KA", subdivision="KA")
    assert ugadi.applies_to("INDIA", "Bengaluru", "KA")
    assert ugadi.applies_to("INDIA", "Bengaluru", "ka")
    assert not ugadi.applies_to("INDIA", "Mumbai", "MH")
    assert not ugadi.applies_to("INDIA", "Goa office", None)  # a location no state claims
    assert holiday_dates([ugadi], "INDIA", "Mumbai", "MH") == set()


def test_a_date_in_several_lists_is_listed_once_under_the_companys_name() -> None:
    day = date(2027, 1, 26)
    found = [
        Holiday(day, "Republic Day (national)", "INDIA", source="holidays:IN"),
        Holiday(day, "Republic Day (KA)", "INDIA", source="holidays:IN-KA", subdivision="KA"),
        Holiday(day, "Republic Day", "INDIA"),
        Holiday(KA_DAY, "Ugadi", "INDIA", source="holidays:IN-KA", subdivision="KA"),
    ]
    listed = holidays_listed(found, "INDIA", "Bengaluru", "KA")
    assert [(h.day, h.name) for h in listed] == [(day, "Republic Day"), (KA_DAY, "Ugadi")]
    assert [h.name for h in holidays_listed(found[:2], "INDIA", "Bengaluru", "KA")] == ["Republic Day (national)"]
    assert holiday_dates(found, "INDIA", "Bengaluru", "KA") == {day, KA_DAY}


# -- the policy ----------------------------------------------------------------------------------

def test_the_default_policy_maps_its_offices_to_states() -> None:
    india = parse_policy(policy_document()).regions["INDIA"]
    assert india.subdivision_of("bengaluru") == "KA"
    assert india.subdivision_of("Mumbai") == "MH"
    assert india.subdivision_of("Atlantis") is None


@pytest.mark.parametrize(("locations", "where"), [
    ({"Bengaluru": "KA", "bengaluru": "KA"}, "regions.INDIA.locations.bengaluru: this location is named twice"),
    ({"Bengaluru": ""}, "regions.INDIA.locations.Bengaluru"),
    (["Bengaluru"], "regions.INDIA.locations"),
])
def test_a_bad_locations_map_is_refused_naming_the_key(locations: Any, where: str) -> None:
    document = policy_document()
    document["regions"]["INDIA"]["locations"] = locations
    with pytest.raises(PolicyError, match=where):
        parse_policy(document)


# -- syncing and what each person gets -----------------------------------------------------------

def test_a_state_sync_applies_only_to_the_people_of_that_state(service: LeaveService, store: FakeStore,
                                                              clock: FixedClock) -> None:
    synced = sync(store, clock, "ka")
    assert (synced.stored, synced.subdivision, synced.locations) == (2, "KA", ("Bengaluru", "Mysuru"))
    assert (KA_DAY, "Ugadi") in holidays_of(service, "ananya@x.test")  # Bengaluru
    assert (KA_DAY, "Ugadi") not in holidays_of(service, "rahul@x.test")  # Mumbai
    week = (date(2027, 4, 5), date(2027, 4, 9))
    assert days_planned(service, "ananya@x.test", *week) == "4"
    assert days_planned(service, "rahul@x.test", *week) == "5"


def test_a_country_sync_applies_to_the_whole_region(service: LeaveService, store: FakeStore,
                                                   clock: FixedClock) -> None:
    synced = sync(store, clock, None)
    assert (synced.subdivision, synced.locations) == (None, ())
    for email in ("ananya@x.test", "rahul@x.test"):
        assert (date(2027, 12, 25), "Christmas") in holidays_of(service, email)


def test_a_date_synced_in_two_lists_and_the_policy_counts_and_is_listed_once(
        service: LeaveService, store: FakeStore, clock: FixedClock) -> None:
    sync(store, clock, None)
    sync(store, clock, "KA")
    sync(store, clock, "KA")  # again: replaces, never doubles
    listed = holidays_of(service, "ananya@x.test")
    assert [name for day, name in listed if day == date(2027, 1, 26)] == ["Republic Day"]
    assert len(listed) == len({day for day, _ in listed})
    assert days_planned(service, "ananya@x.test", date(2027, 1, 25), date(2027, 1, 29)) == "4"


def test_a_subdivision_no_location_maps_to_is_refused_and_nothing_is_written(
        service: LeaveService, store: FakeStore, clock: FixedClock) -> None:
    before = store.commits
    with pytest.raises(LeaveError, match=r"maps to subdivision 'GA'.*Mapped locations: Bengaluru \(KA\), "
                                         r"Mysuru \(KA\), Mumbai \(MH\)"):
        sync(store, clock, "GA")
    assert store.commits == before
