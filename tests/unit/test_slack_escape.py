"""Text that reaches Slack: escaped so it pings nobody, cut so that no post is refused."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.slack.escape import (
    ELLIPSIS,
    SECTION_TEXT,
    code_mrkdwn,
    escape_mrkdwn,
    mentioned_user,
    plain_from_slack,
    truncate,
)


def test_broadcasts_and_mentions_are_shown_not_sent() -> None:
    assert escape_mrkdwn("<!channel> & <@U123> <https://evil.example|click>") == (
        "&lt;!channel&gt; &amp; &lt;@U123&gt; &lt;https://evil.example|click&gt;"
    )


def test_a_path_in_a_code_span_keeps_its_marks_and_links_nothing() -> None:
    # A one-time link's token has _ and -: a look-alike _ would make the path one nobody can open.
    assert code_mrkdwn("/downloads/a_b-c_d") == "/downloads/a_b-c_d"
    assert code_mrkdwn("https://x.example/feeds/t?a=1&b=<2>`") == "https://x.example/feeds/t?a=1&amp;b=&lt;2&gt;"


def test_text_within_the_limit_is_left_alone() -> None:
    assert truncate("family visit", 75) == "family visit"
    assert truncate("x" * SECTION_TEXT, SECTION_TEXT) == "x" * SECTION_TEXT


def test_long_text_is_cut_with_an_ellipsis() -> None:
    cut = truncate("word " * 1000, SECTION_TEXT)
    assert len(cut) <= SECTION_TEXT and cut.endswith(ELLIPSIS)


def test_a_cut_never_splits_an_entity_or_a_token() -> None:
    assert truncate("ab &amp; cd", 7) == "ab" + ELLIPSIS
    assert truncate("on <!date^1795583520^{time}|05:12 UTC> sharp", 20) == "on" + ELLIPSIS
    # Plain text has no tokens: it is cut where the limit falls.
    assert truncate("R&D team offsite", 5, markup=False) == "R&D" + ELLIPSIS


@given(st.text(max_size=400), st.integers(min_value=2, max_value=300))
def test_escaped_and_cut_text_is_short_and_inert(text: str, limit: int) -> None:
    shown = truncate(escape_mrkdwn(text), limit)
    assert len(shown) <= limit
    assert "<" not in shown and ">" not in shown
    # Every & left starts a whole entity.
    assert all(re.match(r"&(amp|lt|gt);", shown[i:]) for i, ch in enumerate(shown) if ch == "&")


def test_slack_formatting_is_turned_back_into_what_was_typed() -> None:
    typed = plain_from_slack("see <@U0PRIYA|priya> in <#C0OPS|ops> &amp; <https://x.example/a?b=1|the doc> &lt;3")
    assert typed == "see @priya in #ops & https://x.example/a?b=1 <3"
    assert plain_from_slack("<!channel> party") == "@channel party"


def test_a_whole_mention_names_a_user() -> None:
    assert mentioned_user("<@U0PRIYA|priya>") == "U0PRIYA"
    assert mentioned_user("<@W0ENT>") == "W0ENT"
    assert mentioned_user("priya@x.test") is None
