"""The leave year of a region that sets ``leave_year_start: 04-01`` (the Indian financial year)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import pytest

from core.balances.entitlement import carry_expiry_date
from core.commands import ApplyLeave, ShowBalance
from core.domain.amount import Amount
from core.domain.leave_year import CALENDAR_YEAR, LeaveYear
from core.domain.model import EntryKind, SourceKind
from core.domain.schedule import Catchup, Every, Slot, due_runs
from core.domain.workdays import days_by_year
from core.errors import PolicyError
from core.policy.rules import parse_policy
from core.reports.insight import closing_soon
from core.scheduling.scheduled import year_end_slots
from core.service import LeaveService
from core.views import AppliedView, BalanceView, RefusalView
from tests.scenarios import random_operations_keep_the_ledger_whole
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FakeStore, FixedClock

APRIL = LeaveYear(4)


def april_policy(**types: dict[str, Any]) -> dict[str, Any]:
    """The shared organisation's policy with India's leave year starting on 1 April."""
    document = policy_document()
    document["regions"]["INDIA"]["leave_year_start"] = "04-01"
    for key, change in types.items():
        document["leave_types"][key].update(change)
    return document


def april_org(store: FakeStore, today: date, **types: dict[str, Any]) -> LeaveService:
    """10:00 in India on ``today``."""
    service = LeaveService(store, FixedClock(datetime.combine(today, time(4, 30), UTC)),
                           default_time_zone="Asia/Kolkata")
    service.load_policy(april_policy(**types), "test")
    service.import_employees(ORG_CSV)
    return service


def entries(store: FakeStore, employee_id: str, type_key: str) -> list[tuple[int, EntryKind, str, Decimal]]:
    return [(e.year, e.kind, e.source.id if e.source else "", e.amount.value) for e in store.committed.ledger
            if e.employee_id == employee_id and e.type_key == type_key]


# the value ------------------------------------------------------------------------------------


def test_an_april_year_is_named_by_the_year_it_starts_in() -> None:
    assert APRIL.of(date(2026, 3, 31)) == 2025
    assert APRIL.of(date(2026, 4, 1)) == 2026
    assert APRIL.first(2026) == date(2026, 4, 1)
    assert APRIL.last(2026) == date(2027, 3, 31)
    assert APRIL.months(2026)[0] == date(2026, 4, 1) and APRIL.months(2026)[-1] == date(2027, 3, 1)
    assert len(APRIL.months(2026)) == 12
    assert APRIL.name(2026) == "2026 (1 Apr 2026 \u2013 31 Mar 2027)"
    assert CALENDAR_YEAR.name(2026) == "2026"
    assert CALENDAR_YEAR.of(date(2026, 12, 31)) == 2026 and CALENDAR_YEAR.last(2026) == date(2026, 12, 31)


def test_carried_days_expire_on_the_month_day_within_the_new_leave_year() -> None:
    policy = parse_policy(april_policy(privilege={"carry_forward_expires": "06-30"}))
    assert carry_expiry_date(policy.leave_types["privilege"], 2026, APRIL) == date(2026, 6, 30)
    policy = parse_policy(april_policy(privilege={"carry_forward_expires": "01-31"}))
    assert carry_expiry_date(policy.leave_types["privilege"], 2026, APRIL) == date(2027, 1, 31)
    assert carry_expiry_date(policy.leave_types["privilege"], 2026) == date(2026, 1, 31)


# the policy key -------------------------------------------------------------------------------


def test_the_region_reads_its_leave_year_start() -> None:
    assert parse_policy(april_policy()).leave_year("INDIA") == APRIL
    assert parse_policy(policy_document()).leave_year("INDIA") == CALENDAR_YEAR


@pytest.mark.parametrize(("value", "says"), [
    ("04-15", "regions.INDIA.leave_year_start: a leave year starts on the 1st of a month; write 04-01"),
    ("13-01", "regions.INDIA.leave_year_start: '13-01' is not a month and day like 03-31"),
    ("April", "regions.INDIA.leave_year_start: 'April' is not a month and day like 03-31"),
])
def test_a_bad_leave_year_start_is_refused_by_name(value: str, says: str) -> None:
    document = april_policy()
    document["regions"]["INDIA"]["leave_year_start"] = value
    with pytest.raises(PolicyError) as refused:
        parse_policy(document)
    assert str(refused.value.message) == says


def test_a_bad_leave_year_start_writes_nothing() -> None:
    store = FakeStore()
    service = april_org(store, date(2026, 3, 25))
    document = april_policy()
    document["regions"]["INDIA"]["leave_year_start"] = "04-15"
    with pytest.raises(PolicyError):
        service.load_policy(document, "test")
    assert len(store.committed.policies) == 1


# requests and balances ------------------------------------------------------------------------


def test_a_request_over_31_march_is_split_between_the_two_leave_years() -> None:
    # Mon 30 Mar to Thu 2 Apr 2026: two working days in each year.
    split = days_by_year(date(2026, 3, 30), date(2026, 4, 2), None, frozenset({5, 6}), (), APRIL)
    assert split == {2025: Amount.days(2), 2026: Amount.days(2)}
    store = FakeStore()
    service = april_org(store, date(2026, 3, 25))
    view = service.execute("ananya@x.test", ApplyLeave("casual", date(2026, 3, 30), date(2026, 4, 2)), "t")
    assert isinstance(view, AppliedView), view
    assert service.list_requests("ananya@x.test")[0].days == Amount.days(4)
    assert service.balance_of("ananya@x.test", 2025).rows[0].pending == Amount.days(2)
    assert service.balance_of("ananya@x.test", 2026).rows[0].pending == Amount.days(2)


def test_the_balance_defaults_to_the_leave_year_containing_today() -> None:
    march = april_org(FakeStore(), date(2026, 3, 25))
    view = march.execute("ananya@x.test", ShowBalance(), "t")
    assert isinstance(view, BalanceView)
    assert (view.year, view.span) == (2025, "1 Apr 2025 \u2013 31 Mar 2026")
    # Casual accrues 1 a month: all twelve months of the year from April 2025 have begun.
    assert next(r for r in view.rows if r.type_key == "casual").available == Amount.days(12)
    april = april_org(FakeStore(), date(2026, 4, 2))
    view = april.execute("ananya@x.test", ShowBalance(), "t")
    assert isinstance(view, BalanceView) and view.year == 2026
    assert next(r for r in view.rows if r.type_key == "casual").entitled == Amount.days(1)


def test_a_calendar_region_shows_no_span() -> None:
    service = LeaveService(FakeStore(), FixedClock(datetime(2026, 3, 25, 4, 30, tzinfo=UTC)),
                           default_time_zone="Asia/Kolkata")
    service.load_policy(policy_document(), "test")
    service.import_employees(ORG_CSV)
    view = service.execute("ananya@x.test", ShowBalance(), "t")
    assert isinstance(view, BalanceView) and (view.year, view.span) == (2026, "")


def test_a_refusal_for_too_few_days_names_the_leave_year() -> None:
    service = april_org(FakeStore(), date(2026, 3, 25))
    # 26-31 Mar fits the 2025 year; 2026 has April to June's accrual and the 5 days expected to carry.
    view = service.execute("ananya@x.test", ApplyLeave("casual", date(2026, 3, 26), date(2026, 6, 30)), "t")
    assert isinstance(view, RefusalView)
    assert "Only 8 casual leave days left for 2026 (1 Apr 2026 \u2013 31 Mar 2027) by Tue 30 Jun 2026" in view.message


# accrual and year end -------------------------------------------------------------------------


def test_april_accrual_belongs_to_the_new_leave_year() -> None:
    store = FakeStore()
    service = april_org(store, date(2026, 3, 25))
    service.run_job("accrual", date(2026, 3, 25))  # the ledger starts in leave year 2025
    service.run_job("accrual", date(2026, 4, 1))
    casual = entries(store, "E3", "casual")
    assert (2025, EntryKind.ACCRUAL, "2026-03", Decimal(1)) in casual
    assert (2026, EntryKind.ACCRUAL, "2026-04", Decimal(1)) in casual
    assert (2025, EntryKind.ACCRUAL, "2025-04", Decimal(1)) in casual
    assert sum(v for y, k, _, v in casual if y == 2025) == Decimal(12)
    assert not any(y == 2024 for y, _, _, _ in casual)


def test_the_year_end_on_1_april_carries_and_expires_the_leave_year_before() -> None:
    store = FakeStore()
    service = april_org(store, date(2026, 3, 25), privilege={"carry_forward_expires": "06-30"})
    service.run_job("accrual", date(2026, 3, 25))
    assert service.run_job("year-end", date(2026, 3, 31)).written == 0  # the leave year has not ended
    service.run_job("year-end", date(2026, 4, 1))
    casual = entries(store, "E3", "casual")
    assert (2025, EntryKind.CARRIED_OUT, "2025", Decimal(-5)) in casual
    assert (2026, EntryKind.CARRIED_IN, "2025", Decimal(5)) in casual
    assert (2025, EntryKind.EXPIRY, "2025", Decimal(-7)) in casual
    assert service.balance_of("ananya@x.test", 2025).rows[0].available == Amount.days(0)
    # The ten privilege days carried into 2026 expire after 30 Jun 2026, not in January.
    assert (2026, EntryKind.CARRIED_IN, "2025", Decimal(10)) in entries(store, "E3", "privilege")
    service.run_job("accrual", date(2026, 6, 30))
    assert not any(k is EntryKind.EXPIRY and y == 2026 for y, k, _, _ in entries(store, "E3", "privilege"))
    service.run_job("accrual", date(2026, 7, 1))
    assert (2026, EntryKind.EXPIRY, "2025-carry", Decimal(-10)) in entries(store, "E3", "privilege")


def test_next_years_balance_counts_the_carry_forward_expected_at_the_april_year_end() -> None:
    service = april_org(FakeStore(), date(2026, 3, 25))
    service.run_job("accrual", date(2026, 3, 25))
    row = next(r for r in service.balance_of("ananya@x.test", 2026).rows if r.type_key == "casual")
    assert (row.carried_expected, row.carried_from) == (Amount.days(5), 2025)


def test_the_ledger_sources_keep_the_calendar_month() -> None:
    store = FakeStore()
    service = april_org(store, date(2026, 4, 2))
    service.run_job("accrual", date(2026, 4, 2))
    sources = {(e.year, e.source.kind, e.source.id) for e in store.committed.ledger
               if e.employee_id == "E3" and e.type_key == "casual" and e.source is not None}
    assert (2026, SourceKind.ACCRUAL, "2026-04") in sources


# the scheduler --------------------------------------------------------------------------------


def test_the_year_end_slot_runs_on_each_leave_years_first_day() -> None:
    store = FakeStore()
    april_org(store, date(2026, 3, 25))
    with store() as uow:
        slots = year_end_slots(uow, uow.employees.all(), "Asia/Kolkata")
    assert [(s.key, s.month) for s in slots] == [("04-01", 4)]
    april = slots[0]
    runs = due_runs(datetime(2026, 4, 1, 0, 0, tzinfo=UTC), [april])
    assert [(r.day, r.period) for r in runs] == [(date(2026, 4, 1), "2026@04-01")]
    january = Slot("year-end", "", "Asia/Kolkata", time(1, 0), Every.YEAR, Catchup.ALWAYS)
    assert due_runs(datetime(2026, 4, 1, 0, 0, tzinfo=UTC), [january])[0].day == date(2026, 1, 1)


def test_regions_with_different_starts_get_a_slot_each() -> None:
    store = FakeStore()
    service = april_org(store, date(2026, 3, 25))
    document = april_policy()
    document["regions"]["UK"] = {"leave_types": ["casual"]}
    service.load_policy(document, "test")
    service.import_employees(ORG_CSV + "E6,uk@x.test,Sam,Hill,,EMPLOYEE,Sales,London,UK,2024-01-08,ACTIVE,"
                                       "Europe/London\n")
    with store() as uow:
        slots = year_end_slots(uow, uow.employees.all(), "UTC")
    assert [(s.key, s.month) for s in slots] == [("", 1), ("04-01", 4)]


# random operations ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(4))
def test_the_ledger_sums_to_the_balance_shown_over_an_april_year_end(seed: int) -> None:
    store = FakeStore()
    service = april_org(store, date(2026, 2, 24))

    def ledger_sum(employee_id: str, type_key: str, year: int) -> Decimal:
        return sum((e.amount.value for e in store.committed.ledger if e.employee_id == employee_id
                    and e.type_key == type_key and e.year == year), Decimal(0))

    random_operations_keep_the_ledger_whole(service, ledger_sum, seed, steps=40, new_year=date(2026, 4, 1))


# the HR digest --------------------------------------------------------------------------------


def test_the_digest_foresees_the_loss_at_each_persons_own_year_end() -> None:
    store = FakeStore()
    april_org(store, date(2026, 3, 25))
    policy = parse_policy(april_policy())
    with store() as uow:
        people = [e for e in uow.employees.all() if e.employee_id == "E3"]
    # Within three months of 31 March 2026 the year closing is 2025; in November it is far off.
    assert closing_soon(policy, people, date(2026, 1, 5)) == {"E3": 2025}
    assert closing_soon(policy, people, date(2026, 11, 23)) == {}
    assert closing_soon(parse_policy(policy_document()), people, date(2026, 11, 23)) == {"E3": 2026}
