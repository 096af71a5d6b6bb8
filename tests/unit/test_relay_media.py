"""The outbox chooses the doors by how each person hears (:class:`core.domain.reach.Reach`), on the fakes:
chat for people linked to a chat account, e-mail for the rest, both when asked; a door without a
medium (a calendar) is never skipped; without a mail server, chat as before."""

from __future__ import annotations

from datetime import date

from core.commands import ApplyLeave, ChooseNotify
from core.domain.reach import CHAT, EMAIL, NotifyBy
from core.service import LeaveService
from core.views import AnyNotice, AppliedView, NoticeKind

DAY = date(2026, 12, 1)


class Door:
    """A notifier reaching people by ``medium`` (None: none, like a calendar), recording whom it told."""

    def __init__(self, name: str, medium: str | None, kinds: frozenset[NoticeKind] | None = None) -> None:
        self.name = name
        if medium is not None:
            self.medium = medium
        if kinds is not None:
            self.kinds = kinds
        self.told: list[str] = []

    def deliver(self, notice: AnyNotice) -> None:
        self.told.append(f"{notice.kind.value}:{notice.recipient.employee_id}")


def apply(service: LeaveService, who: str = "ananya@x.test") -> None:
    assert isinstance(service.execute(who, ApplyLeave("casual", DAY, DAY), "test"), AppliedView)


def doors() -> tuple[Door, Door]:
    return Door("slack", CHAT), Door("email", EMAIL)


def test_unlinked_people_hear_by_e_mail_and_linked_ones_in_chat(service: LeaveService) -> None:
    slack, email = doors()
    apply(service)  # to Vikram, who has no chat account
    service.link_by_email("slack", "U_ANANYA", "ananya@x.test")
    apply(service, "kiran@x.test")  # to Ananya, who has one
    service.deliver_notices([slack, email])
    assert email.told == ["approval_needed:E2"] and slack.told == ["approval_needed:E3"]


def test_both_means_both_and_email_means_no_chat(service: LeaveService) -> None:
    service.link_by_email("slack", "U_BOSS", "boss@x.test")
    service.execute("boss@x.test", ChooseNotify(NotifyBy.BOTH), "slack")
    slack, email = doors()
    apply(service)
    service.deliver_notices([slack, email])
    assert (slack.told, email.told) == (["approval_needed:E2"], ["approval_needed:E2"])
    service.execute("boss@x.test", ChooseNotify(NotifyBy.EMAIL), "slack")
    apply(service, "rahul@x.test")
    service.deliver_notices([slack, email])
    assert (len(slack.told), len(email.told)) == (1, 2)


def test_without_a_mail_server_everyone_hears_in_chat_as_before(service: LeaveService) -> None:
    service.execute("boss@x.test", ChooseNotify(NotifyBy.EMAIL), "console")
    slack = Door("slack", CHAT)
    apply(service)
    service.deliver_notices([slack])
    assert slack.told == ["approval_needed:E2"]


def test_a_door_without_a_medium_is_never_skipped(service: LeaveService) -> None:
    calendar = Door("calendar", None, frozenset({NoticeKind.CALENDAR}))
    service.execute("boss@x.test", ChooseNotify(NotifyBy.EMAIL), "console")
    apply(service)
    service.handle_text("boss@x.test", "approve LV-1001", "console")
    service.deliver_notices([calendar, *doors()])
    assert calendar.told == ["calendar:E3"]
