"""Cut lists: the first rows and a count of the rest, cut shorter again for a door with less room."""

from __future__ import annotations

from core.domain.lists import LIST_LIMIT, cut, shorter


def rows(n: int) -> list[dict[str, int]]:
    return [{"n": i} for i in range(n)]


def test_a_list_is_cut_to_the_limit_with_a_count_of_the_rest() -> None:
    assert cut(rows(40)) == {"rows": rows(LIST_LIMIT), "more": 40 - LIST_LIMIT, "total": 40}
    assert cut(rows(3)) == {"rows": rows(3), "more": 0, "total": 3}


def test_shorter_cuts_every_cut_list_again_however_deep_and_leaves_the_rest_alone() -> None:
    payload = {"kind": "hr_digest", "chart": {"rows": [1, 2, 3]}, "upcoming": cut(rows(40)),
               "insight": {"near_limit": cut([{"department": "A", "days": cut(rows(10))}]), "year_end": None}}
    short = shorter(payload, 4)
    assert short["upcoming"] == {"rows": rows(4), "more": 36, "total": 40}
    assert short["insight"]["near_limit"]["rows"][0]["days"] == {"rows": rows(4), "more": 6, "total": 10}
    assert short["insight"]["near_limit"]["more"] == 0
    assert short["chart"] == payload["chart"] and short["kind"] == "hr_digest" and short["insight"]["year_end"] is None
    assert payload["upcoming"] == cut(rows(40)), "the stored payload is not changed"
