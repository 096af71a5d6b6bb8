"""A chat user is found, linked on first contact, braked and answered in the command's own unit of work."""

from __future__ import annotations

import contextlib
import dataclasses
import typing
from collections.abc import Iterator

import pytest

from core.commands import Command, ListRequests, ShowBalance
from core.directory.identity import LINK, AlreadyLinked
from core.observation import Observation
from core.ports import AuditQuery, Conflict
from core.service import HANDLERS, Answer, ChatUser, LeaveService
from core.shared.audit import UNKNOWN_PERSON
from core.shared.limits import RateLimit
from core.views import BalanceView, RefusalView, RequestListView
from tests.unit.conftest import ORG_CSV, policy_document
from tests.unit.fakes import FakeStore, FakeUnitOfWork, FixedClock

NEW = ChatUser("slack", "U0NEW")


def answered(answer: Answer | None) -> Answer:
    assert answer is not None, "an account that came with its e-mail is always answered"
    return answer


def test_every_command_has_its_use_case() -> None:
    assert set(HANDLERS) == set(typing.get_args(Command))


def test_an_account_linked_to_nobody_is_sent_back_for_its_e_mail_and_nothing_is_done(
        service: LeaveService, store: FakeStore) -> None:
    commits, entries = store.commits, service.audit_log()
    assert service.answer(NEW, "apply casual 7 Dec", "slack") is None
    assert (store.commits, service.audit_log()) == (commits, entries)


def test_with_its_e_mail_the_account_is_linked_and_the_command_runs(service: LeaveService) -> None:
    answer = answered(service.answer(dataclasses.replace(NEW, email="Ananya@X.test"), "balance", "slack"))
    assert isinstance(answer.view, BalanceView) and answer.view.person.email == "ananya@x.test"
    assert answer.actor is not None and answer.actor.employee_id == "E3" and answer.command == ShowBalance()
    [linked] = service.audit_log(AuditQuery(action=LINK))
    assert (linked.actor, linked.detail) == ("ananya@x.test", NEW.user_id)
    # From now on the account alone is enough.
    assert isinstance(answered(service.answer(NEW, ListRequests(), "slack")).view, RequestListView)


def test_a_strangers_e_mail_is_refused_and_recorded_and_links_nothing(service: LeaveService) -> None:
    stranger = dataclasses.replace(NEW, email="nobody@x.test")
    answer = answered(service.answer(stranger, "apply casual 7 Dec", "slack"))
    assert isinstance(answer.view, RefusalView) and "(your e-mail: nobody@x.test)" in answer.view.message
    assert (answer.actor, answer.command) == (None, None)
    [entry] = service.audit_log(AuditQuery(action=UNKNOWN_PERSON))
    assert (entry.actor, entry.detail, entry.source) == ("nobody@x.test", "apply casual 7 Dec", "slack")
    assert service.linked_employee(NEW.platform, NEW.user_id) is None


def test_an_e_mail_whose_owner_has_another_account_is_refused_before_anything_runs(service: LeaveService) -> None:
    service.link_by_email("slack", "U0ANANYA", "ananya@x.test")
    with pytest.raises(AlreadyLinked):
        service.answer(dataclasses.replace(NEW, email="ananya@x.test"), "apply casual 7 Dec", "slack")
    assert service.list_requests() == []
    assert service.linked_employee("slack", "U0ANANYA") is not None


def test_the_door_has_the_last_word_on_the_command_before_it_runs(service: LeaveService) -> None:
    service.link_by_email("slack", "U0VIKRAM", "boss@x.test")
    boss = ChatUser("slack", "U0VIKRAM")
    answer = answered(service.answer(boss, "balance @ananya", "slack",
                                     adjust=lambda command: dataclasses.replace(command, person="ananya@x.test")))
    assert answer.command == ShowBalance(person="ananya@x.test")
    assert isinstance(answer.view, BalanceView) and answer.view.person.email == "ananya@x.test"


class LosesFirstCommit:
    """The fake store, except that the first commit loses a race, as a deadlock would."""

    def __init__(self, store: FakeStore) -> None:
        self.store, self.lost = store, 0

    def __call__(self, *, read_only: bool = False) -> FakeUnitOfWork:
        uow = self.store(read_only=read_only)
        if not self.lost and not read_only:

            def lose() -> None:
                self.lost += 1
                raise Conflict("deadlock")

            uow.commit = lose  # type: ignore[method-assign]
        return uow


def test_a_lost_race_runs_the_command_again_but_brakes_and_watches_it_once(store: FakeStore,
                                                                          clock: FixedClock) -> None:
    seeded = LeaveService(store, clock, default_time_zone="Asia/Kolkata")
    seeded.load_policy(policy_document(), "test")
    seeded.import_employees(ORG_CSV)
    seen: list[Observation] = []

    @contextlib.contextmanager
    def watch(observation: Observation) -> Iterator[Observation]:
        seen.append(observation)
        yield observation

    # One action allowed: asking the brake twice for the same command would hold it back.
    units = LosesFirstCommit(store)
    service = LeaveService(units, clock, default_time_zone="Asia/Kolkata", watch=watch,
                           rate_limit=RateLimit(per_minute=1, burst=1))
    view = service.execute("ananya@x.test", ShowBalance(), "slack")  # the first balance writes the grants
    assert isinstance(view, BalanceView) and units.lost == 1
    assert [(o.name, o.outcome) for o in seen] == [("balance", "ok")]
    held = service.handle_text("ananya@x.test", "apply casual 7 Dec", "slack")
    assert isinstance(held, RefusalView) and "a bit fast" in held.message
    assert seeded.list_requests() == []
