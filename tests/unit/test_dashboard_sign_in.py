"""``/leave web`` and signing in to the dashboard, on the fakes: the link, who it signs in, and what
is refused and recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.commands import OpenDashboard
from core.errors import InactiveEmployee, LeaveError, LinkRefused
from core.language.grammar import parse_command
from core.ports import AuditQuery
from core.ports.limits import RateLimit
from core.service import LeaveService
from core.views import DashboardLinkView, HelpView, WebVisitor
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FakeStore, FixedClock

ANANYA = "ananya@x.test"


def link_of(service: LeaveService, email: str = ANANYA) -> DashboardLinkView:
    view = service.handle_text(email, "web", "test")
    assert isinstance(view, DashboardLinkView), view
    return view


def token(view: DashboardLinkView) -> str:
    return view.path.removeprefix("/web/sign-in/")


def test_the_word_takes_nothing_after_it(clock: FixedClock) -> None:
    assert parse_command("web", clock.now().date()) == OpenDashboard()
    with pytest.raises(LeaveError, match="/leave web takes nothing after it"):
        parse_command("web please", clock.now().date())


def test_the_link_is_a_path_without_a_public_address_and_works_for_15_minutes(service: LeaveService,
                                                                              clock: FixedClock) -> None:
    view = link_of(service)
    assert view.url is None and view.path.startswith("/web/sign-in/") and len(token(view)) >= 40
    assert (view.minutes, view.expires_at) == (15, clock.now() + timedelta(minutes=15))
    assert view.person.email == ANANYA
    assert token(link_of(service)) != token(view)  # every ask, a new link


def test_with_a_public_address_the_link_is_complete(store: FakeStore, clock: FixedClock) -> None:
    service = LeaveService(store, clock, public_url="https://leave.example.com/")
    service.load_policy(policy_document(), "test")
    service.import_employees(ORG_CSV)
    view = link_of(service)
    assert view.url == "https://leave.example.com" + view.path


def test_help_offers_it(service: LeaveService) -> None:
    help_view = service.handle_text(ANANYA, "help", "test")
    assert isinstance(help_view, HelpView)
    assert any(command.usage == "/leave web" for command in help_view.commands)


def test_checking_uses_nothing_and_signing_in_works_once(service: LeaveService) -> None:
    raw = token(link_of(service))
    expected = WebVisitor("E3", ANANYA, "Ananya Iyer", is_hr=False, is_manager=True,
                          time_zone="Asia/Kolkata")  # Kiran reports to her
    assert service.check_sign_in(raw, "10.0.0.1") == expected
    assert service.check_sign_in(raw, "10.0.0.1") == expected
    assert service.sign_in(raw, "web", "10.0.0.1") == expected
    with pytest.raises(LinkRefused) as used:
        service.sign_in(raw, "web", "10.0.0.1")
    assert used.value.reason == "used"
    entries = service.audit_log(AuditQuery(action="web.sign_in"))
    assert [(e.actor, e.outcome, e.source) for e in entries] == [(ANANYA, "ok", "web"), (ANANYA, "refused", "web")]


def test_an_expired_or_unknown_link_is_refused_and_recorded(service: LeaveService, clock: FixedClock) -> None:
    raw = token(link_of(service))
    clock.at += timedelta(minutes=15)
    with pytest.raises(LinkRefused) as expired:
        service.sign_in(raw, "web", "10.0.0.1")
    with pytest.raises(LinkRefused) as unknown:
        service.sign_in("made-up", "web", "10.0.0.1")
    assert (expired.value.reason, unknown.value.reason) == ("expired", "unknown")
    entries = service.audit_log(AuditQuery(action="web.sign_in"))
    assert [(e.actor, e.outcome) for e in entries] == [(ANANYA, "refused"), ("unknown link", "refused")]


def test_a_leaver_cannot_sign_in_and_is_no_visitor(service: LeaveService) -> None:
    raw = token(link_of(service, "rahul@x.test"))
    service.import_employees(ORG_CSV.replace("Mumbai,INDIA,2023-02-01,ACTIVE", "Mumbai,INDIA,2023-02-01,INACTIVE"))
    with pytest.raises(InactiveEmployee):
        service.sign_in(raw, "web", "10.0.0.1")
    assert service.visitor("E4") is None
    assert service.visitor("E1") == WebVisitor("E1", "hr@x.test", "Meera Nair", is_hr=True, is_manager=True,
                                                 time_zone="Asia/Kolkata")


def test_sign_in_attempts_are_braked_per_client(store: FakeStore, clock: FixedClock) -> None:
    service = LeaveService(store, clock, rate_limit=RateLimit(per_minute=1, burst=2))
    service.load_policy(policy_document(), "test")
    service.import_employees(ORG_CSV)
    for _ in range(2):
        with pytest.raises(LinkRefused):
            service.check_sign_in("guess", "10.0.0.9")
    with pytest.raises(LeaveError, match="going a bit fast") as held:
        service.check_sign_in("guess", "10.0.0.9")
    assert getattr(held.value, "retry_after", 0) > 0
    with pytest.raises(LinkRefused):  # another client is not held back
        service.check_sign_in("guess", "10.0.0.10")
