"""The benchmarks' organisation generator: reproducible from its seed, and the sizes asked for."""

from __future__ import annotations

from datetime import date

from bench.generate import build

AS_OF = date(2026, 11, 30)


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows() -> None:
    first, again, other = build(7, 20, 1500, AS_OF), build(7, 20, 1500, AS_OF), build(8, 20, 1500, AS_OF)

    assert (first.people, first.requests, first.ledger) == (again.people, again.requests, again.ledger)
    assert first.ledger != other.ledger
    assert [p["joining_date"] for p in first.people] != [p["joining_date"] for p in other.people]


def test_the_counts_are_those_asked_for_with_the_rows_shared_out_evenly() -> None:
    org = build(3, 20, 1505, AS_OF, departments=4)

    per_person: dict[str, int] = {}
    for row in org.ledger_rows():
        per_person[row["employee_id"]] = per_person.get(row["employee_id"], 0) + 1
    assert len(org.people) == 20
    assert sum(per_person.values()) == 1505
    assert sorted(set(per_person.values())) == [75, 76]
    assert len({p["department"] for p in org.people}) == 4
    assert {r["id"] for r in org.requests} == set(range(1, len(org.requests) + 1))


def test_a_person_has_the_same_history_in_a_small_and_a_large_organisation() -> None:
    small, large = build(7, 5, 500, AS_OF), build(7, 40, 4000, AS_OF)

    def history(org_rows: list[dict[str, object]]) -> list[tuple[object, ...]]:
        return [(r["type_key"], r["year"], r["kind"], r["days"], r["source_id"], r["created_at"])
                for r in org_rows if r["employee_id"] == "B00003"]

    assert history(list(small.ledger_rows())) == history(list(large.ledger_rows()))
    assert len(history(list(small.ledger_rows()))) == 100


def test_rows_are_in_the_order_the_jobs_would_have_written_them() -> None:
    org = build(7, 10, 800, AS_OF)

    written = [row["created_at"] for row in org.ledger_rows()]
    assert written == sorted(written)
    assert max(written).date() <= AS_OF
