"""The values a process keeps per database: only under the token they were read with, and no more
than the capacity, the least recently used going first; a person's leave under that person's token."""

from __future__ import annotations

from storage.cache import MISSING, Kind, ProcessCache


def test_a_value_is_returned_only_under_the_token_it_was_kept_with() -> None:
    cache = ProcessCache()
    cache.put(Kind.POLICIES, "t1", "versions", ("v1",))
    assert cache.get(Kind.POLICIES, "t1", "versions") == ("v1",)
    assert cache.get(Kind.POLICIES, "t2", "versions") is MISSING
    assert cache.get(Kind.HOLIDAYS, "t1", "versions") is MISSING  # each kind has its own stamp


def test_keeping_under_a_new_token_drops_what_the_old_one_held() -> None:
    cache = ProcessCache()
    cache.put(Kind.EMPLOYEES, "t1", ("id", "E1"), "Ananya")
    cache.put(Kind.EMPLOYEES, "t1", ("id", "E2"), "Rahul")
    cache.put(Kind.EMPLOYEES, "t2", ("id", "E1"), "Ananya Iyer")
    assert cache.get(Kind.EMPLOYEES, "t2", ("id", "E1")) == "Ananya Iyer"
    assert cache.get(Kind.EMPLOYEES, "t2", ("id", "E2")) is MISSING
    assert cache.get(Kind.EMPLOYEES, "t1", ("id", "E2")) is MISSING


def test_the_least_recently_used_goes_first_beyond_the_capacity() -> None:
    cache = ProcessCache({Kind.HOLIDAYS: 2})
    cache.put(Kind.HOLIDAYS, "t", "INDIA", ("Diwali",))
    cache.put(Kind.HOLIDAYS, "t", "UK", ("Boxing Day",))
    assert cache.get(Kind.HOLIDAYS, "t", "INDIA") == ("Diwali",)  # now the most recently used
    cache.put(Kind.HOLIDAYS, "t", "US", ("Thanksgiving",))
    assert cache.get(Kind.HOLIDAYS, "t", "UK") is MISSING
    assert cache.get(Kind.HOLIDAYS, "t", "INDIA") == ("Diwali",)
    assert cache.get(Kind.HOLIDAYS, "t", "US") == ("Thanksgiving",)


def test_a_persons_leave_is_kept_under_their_own_token_and_a_new_one_drops_it() -> None:
    cache = ProcessCache()
    cache.put_person("E1", "t1", ("ledger", 2026), ("entry",))
    cache.put_person("E2", "u1", ("ledger", 2026), ("other",))
    assert cache.get_person("E1", "t1", ("ledger", 2026)) == ("entry",)
    assert cache.get_person("E1", "t2", ("ledger", 2026)) is MISSING
    cache.put_person("E1", "t2", ("counts", frozenset()), ())
    assert cache.get_person("E1", "t2", ("ledger", 2026)) is MISSING  # read under the old token: gone
    assert cache.get_person("E2", "u1", ("ledger", 2026)) == ("other",)  # each person has their own stamp


def test_the_person_least_recently_asked_for_goes_first_beyond_the_capacity() -> None:
    cache = ProcessCache(people=2)
    cache.put_person("E1", "t", "ledger", 1)
    cache.put_person("E2", "t", "ledger", 2)
    assert cache.get_person("E1", "t", "ledger") == 1
    cache.put_person("E3", "t", "ledger", 3)
    assert cache.get_person("E2", "t", "ledger") is MISSING
    assert (cache.get_person("E1", "t", "ledger"), cache.get_person("E3", "t", "ledger")) == (1, 3)
