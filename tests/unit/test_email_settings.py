"""E-mail's settings and the pieces that need no server: ``SMTP_URL`` read, who hears by which medium,
and a message's parts and Message-ID."""

from __future__ import annotations

import pytest

from bot.email.compose import compose
from bot.email.transport import parse_smtp_url
from bot.settings import SettingsError, door_states, load_settings
from core.domain.reach import CHAT, EMAIL, NotifyBy, Reach

SENDER = "LeaveBot <leave@example.com>"
BOTH = frozenset({CHAT, EMAIL})


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://bot:p%40ss@mail.example.com", ("mail.example.com", 587, "bot", "p@ss", "starttls")),
    ("smtps://bot:pw@mail.example.com", ("mail.example.com", 465, "bot", "pw", "tls")),
    ("smtp://localhost:1025", ("localhost", 1025, None, None, "none")),
    ("smtp://relay.internal:25?security=none", ("relay.internal", 25, None, None, "none")),
    ("smtp://relay.internal:25", ("relay.internal", 25, None, None, "starttls")),
])
def test_smtp_urls_say_where_and_how(url: str, expected: tuple[object, ...]) -> None:
    s = parse_smtp_url(url, SENDER)
    assert (s.host, s.port, s.username, s.password, s.security) == expected
    assert s.from_address == SENDER


@pytest.mark.parametrize(("url", "problem"), [
    ("http://mail.example.com", "must start with smtp://"),
    ("smtp://bot:secret@mail.example.com:port", "the port must be a number"),
    ("smtp://:secret@", "names no host"),
    ("smtp://bot:secret@mail.example.com?security=plain", "security=plain is not one of starttls, tls, none"),
    ("smtp://bot:secret@mail.example.com?security=none", "would send the password unencrypted"),
])
def test_a_bad_smtp_url_is_one_line_without_the_password(url: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem) as refused:
        parse_smtp_url(url, SENDER)
    assert "secret" not in str(refused.value)


@pytest.mark.parametrize(("values", "line"), [
    ({"smtp_url": "smtp://bot:secret@mail.example.com"}, "EMAIL_FROM: required when SMTP_URL is set"),
    ({"smtp_url": "ftp://bot:secret@mail.example.com", "email_from": SENDER}, "SMTP_URL: must start with smtp://"),
    ({"email_from": "LeaveBot"}, "EMAIL_FROM: must be an e-mail address"),
    ({"hr_digest_emails": "hr@example.com, payroll"}, "HR_DIGEST_EMAILS: 'payroll' is not an e-mail address"),
])
def test_malformed_e_mail_settings_stop_start_up_with_one_line(values: dict[str, str], line: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(_env_file=None, **values)
    assert str(refused.value).startswith(line) and "secret" not in str(refused.value)


def test_e_mail_is_off_without_smtp_url_and_on_with_it() -> None:
    off = load_settings(_env_file=None)
    assert not off.email_enabled and off.smtp() is None
    assert door_states(off)["email"].detail == "SMTP_URL not set"
    on = load_settings(_env_file=None, smtp_url="smtp://bot:hunter2@mail.example.com", email_from=SENDER,
                       hr_digest_emails="hr@example.com, , payroll@example.com")
    assert on.email_enabled and on.hr_digest_addresses == ("hr@example.com", "payroll@example.com")
    state = door_states(on)["email"]
    assert (state.state, state.detail) == ("configured", f"mail.example.com:587 (starttls) from {SENDER}")
    assert "hunter2" not in repr(on) + repr(on.smtp())


@pytest.mark.parametrize(("reach", "available", "media"), [
    (Reach(None, chat_linked=True), BOTH, {CHAT}),
    (Reach(None, chat_linked=False), BOTH, {EMAIL}),
    (Reach(None, chat_linked=False), frozenset({CHAT}), {CHAT}),  # no mail server: chat finds them by e-mail
    (Reach(NotifyBy.EMAIL, chat_linked=True), BOTH, {EMAIL}),
    (Reach(NotifyBy.EMAIL, chat_linked=True), frozenset({CHAT}), {CHAT}),
    (Reach(NotifyBy.BOTH, chat_linked=True), BOTH, {CHAT, EMAIL}),
    (Reach(NotifyBy.CHAT, chat_linked=True), BOTH, {CHAT}),
    (Reach(NotifyBy.CHAT, chat_linked=True), frozenset({EMAIL}), set()),  # a terminal with e-mail alone
])
def test_who_hears_by_which_medium(reach: Reach, available: frozenset[str], media: set[str]) -> None:
    assert reach.media(available) == media


def test_a_message_has_both_parts_and_a_message_id_of_its_seed() -> None:
    one = compose(sender=SENDER, to="a@example.com", subject="LV-1 \n approved", text="t", html="<p>h</p>",
                  message_id_seed="3/email:decided:E3", unsubscribe_url="https://x/email/notify/T")
    again = compose(sender=SENDER, to="a@example.com", subject="LV-1 approved", text="t", html="<p>h</p>",
                    message_id_seed="3/email:decided:E3")
    other = compose(sender=SENDER, to="a@example.com", subject="LV-1 approved", text="t", html="<p>h</p>",
                    message_id_seed="4/email:decided:E3")
    assert one["Message-ID"] == again["Message-ID"] != other["Message-ID"]
    assert str(one["Message-ID"]).endswith("@example.com>")
    assert one["Subject"] == "LV-1 approved" and one["List-Unsubscribe"] == "<https://x/email/notify/T>"
    assert [p.get_content_type() for p in one.walk()] == ["multipart/alternative", "text/plain", "text/html"]


def test_pictures_ride_with_the_html_as_related_parts() -> None:
    message = compose(sender=SENDER, to="a@example.com", subject="Digest", text="t", html='<img src="cid:map">',
                      message_id_seed="digest", images={"map": (b"\x89PNG", "image/png")})
    assert [p.get_content_type() for p in message.walk()] == [
        "multipart/alternative", "text/plain", "multipart/related", "text/html", "image/png"]
    picture = next(p for p in message.walk() if p.get_content_type() == "image/png")
    assert picture["Content-ID"] == "<map>" and picture.get_content() == b"\x89PNG"
