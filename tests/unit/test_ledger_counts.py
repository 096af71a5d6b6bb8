"""How each kind of ledger entry counts in a balance, and which sources write only once."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.balances.ledger import COUNTED, Counted, balance_rows
from core.domain.amount import NO_DAYS, Amount
from core.domain.model import EntryKind, LeaveRequest, LedgerEntry, RequestStatus, Source, SourceKind
from core.policy.rules import parse_policy
from tests.unit.conftest import policy_document

POLICY = parse_policy(policy_document())
AT = datetime(2026, 11, 25, tzinfo=UTC)
CASUAL = [POLICY.leave_types["casual"]]


def entry(kind: EntryKind, days: str, source: Source, year: int = 2026) -> LedgerEntry:
    return LedgerEntry("E9", "casual", year, kind, Amount.days(days), AT, source)


def test_every_kind_says_how_it_counts() -> None:
    assert set(COUNTED) == set(EntryKind)


@pytest.mark.parametrize(
    ("kind", "days", "source", "part", "shown"),
    [
        (EntryKind.ADJUSTMENT, "2", Source(SourceKind.ADJUSTMENT, "A1"), "entitled", "2"),  # HR adds days
        (EntryKind.ADJUSTMENT, "-1.5", Source(SourceKind.ADJUSTMENT, "A2"), "entitled", "-1.5"),  # or takes some off
        (EntryKind.COMP_OFF, "1", Source(SourceKind.COMP_OFF, "C1"), "entitled", "1"),
        (EntryKind.ENCASHMENT, "-3", Source(SourceKind.ENCASHMENT, "P1"), "lapsed", "3"),  # paid out, not taken
        (EntryKind.EXPIRY, "-2", Source(SourceKind.YEAR_END, "2026"), "lapsed", "2"),
        (EntryKind.REVERSAL, "1", Source.request(7), "taken", "-1"),
    ],
)
def test_an_entry_counts_where_its_kind_says(kind: EntryKind, days: str, source: Source, part: str,
                                            shown: str) -> None:
    grant = entry(EntryKind.ALLOCATION, "12", Source(SourceKind.ALLOCATION, "2026"))
    (row,) = balance_rows(CASUAL, [grant, entry(kind, days, source)], [], 2026)

    parts = {"entitled": row.entitled - Amount.days(12), "taken": row.taken, "lapsed": row.lapsed}
    assert parts == {name: Amount.days(shown if name == part else 0) for name in parts}
    assert COUNTED[kind] is Counted(part)
    # Whatever the kind, what is left is the ledger's sum.
    assert row.available == Amount.days(12) + Amount.days(days)


HALVES = st.integers(-60, 60).map(lambda n: Amount.days(Decimal(n) / 2))


@given(st.lists(st.tuples(st.sampled_from(list(EntryKind)), HALVES), max_size=25),
       st.lists(HALVES.filter(bool), max_size=5))
def test_any_ledger_sums_to_the_balance_shown(moves: list[tuple[EntryKind, Amount]], waiting: list[Amount]) -> None:
    """Whatever was written and whatever waits, the parts of the row add back up to the ledger."""
    entries = [LedgerEntry("E9", "casual", 2026, kind, amount, AT, Source(SourceKind.ADJUSTMENT, str(i)))
               for i, (kind, amount) in enumerate(moves)]
    requests = [LeaveRequest("E9", "casual", AT.date(), AT.date(), days.value, RequestStatus.PENDING, AT,
                             year_days={2026: days}) for days in waiting]
    (row,) = balance_rows(CASUAL, entries, requests, 2026)
    ledger = sum((amount for _kind, amount in moves), NO_DAYS)
    assert row.available + row.pending == ledger
    assert row.entitled - row.taken - row.lapsed == ledger
    assert row.pending == sum(waiting, NO_DAYS)


def test_a_sum_of_nothing_taken_is_shown_as_zero_not_minus_zero() -> None:
    taken = entry(EntryKind.LEAVE_TAKEN, "-1", Source.request(7))
    back = entry(EntryKind.REVERSAL, "1", Source.request(7))
    (row,) = balance_rows(CASUAL, [taken, back], [], 2026)
    assert (row.taken.figure, row.lapsed.figure) == ("0", "0")


def test_entries_of_other_years_do_not_count() -> None:
    (row,) = balance_rows(CASUAL, [entry(EntryKind.COMP_OFF, "1", Source(SourceKind.COMP_OFF, "C1"), 2025)], [], 2026)
    assert (row.entitled, row.available) == (NO_DAYS, NO_DAYS)


def test_only_a_request_may_write_an_entry_kind_more_than_once() -> None:
    assert Source.request(7) == Source(SourceKind.REQUEST, "7")
    assert Source.request(7).once_key is None  # each partial cancel reverses some days again
    assert [kind for kind in SourceKind if not kind.once] == [SourceKind.REQUEST]
    assert Source(SourceKind.COMP_OFF, "C1").once_key == "C1"
