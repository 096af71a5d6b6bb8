"""One balance figure: the reply to an application, the approver's card, Home and ``balance`` agree.

Each shows the same row of the same computation for the same person and type, on SQLite and
MariaDB: what is available now (pending leave held back), and, labelled as the projection, what
is left at year end once the accruals still to come are in. The clock stands at 25 Nov 2026, so
casual leave (a day a month) has December's day still to accrue.
"""

from __future__ import annotations

from datetime import date

from core.commands import ApplyLeave, Decide
from core.domain.amount import Amount
from core.service import LeaveService
from core.views import AppliedView, BalanceRow, DecidedView, Notice, NoticeKind

EMPLOYEE, MANAGER = "ananya@x.test", "boss@x.test"


class Recorder:
    """A door that keeps the notices the outbox hands it."""

    name = "slack"

    def __init__(self) -> None:
        self.sent: list[Notice] = []

    def deliver(self, notice: Notice) -> None:
        self.sent.append(notice)


def apply(service: LeaveService, start: date, end: date) -> AppliedView:
    view = service.execute(EMPLOYEE, ApplyLeave("casual", start, end, reason="family"), "test")
    assert isinstance(view, AppliedView), view
    return view


def balance_row(service: LeaveService, year: int = 2026) -> BalanceRow:
    return next(r for r in service.balance_of(EMPLOYEE, year).rows if r.type_key == "casual")


def home_row(service: LeaveService) -> BalanceRow:
    home = service.home_view(EMPLOYEE, "test")
    assert home.balance is not None, home.problems
    return next(r for r in home.balance.rows if r.type_key == "casual")


def card_rows(service: LeaveService, request_id: int) -> dict[int, BalanceRow]:
    """What the manager's card shows as it is redrawn (a click, a Teams refresh)."""
    seen = service.request_seen_by(MANAGER, request_id)
    assert seen is not None and seen.approver_notice is not None
    return seen.approver_notice.balance_after


def test_reply_card_home_and_balance_show_one_row_with_pending_leave_and_accrual_to_come(
        service: LeaveService) -> None:
    earlier = apply(service, date(2026, 12, 21), date(2026, 12, 21))
    applied = apply(service, date(2026, 12, 28), date(2026, 12, 29))
    door = Recorder()
    service.deliver_notices([door])
    sent = [n for n in door.sent if n.kind is NoticeKind.APPROVAL_NEEDED and n.request.id == applied.request.id]

    reply = applied.balance_after[2026]
    # 11 days accrued by 25 Nov; 1 + 2 held by the two pending requests; December's day to come.
    assert (reply.entitled, reply.pending, reply.available) == (Amount.days(11), Amount.days(3), Amount.days(8))
    assert (reply.to_accrue, reply.at_year_end) == (Amount.days(1), Amount.days(9))
    assert [n.balance_after for n in sent] == [{2026: reply}]
    assert card_rows(service, applied.request.id) == {2026: reply}
    assert home_row(service) == balance_row(service) == reply
    # The earlier reply was right when it was given: the later request is what changed since.
    assert earlier.balance_after[2026].available - applied.request.days == reply.available


def test_the_figure_stays_one_once_approved_and_across_the_new_year(service: LeaveService) -> None:
    applied = apply(service, date(2026, 12, 31), date(2027, 1, 4))  # 1 Jan is a holiday: 31 Dec and 4 Jan
    assert card_rows(service, applied.request.id) == applied.balance_after
    # 2027 has not begun: it counts the 5 days the 2026 year end is expected to carry (the cap), and
    # every accrual of it is still to come; the card, the reply and `balance` agree on it.
    assert balance_row(service, 2027) == applied.balance_after[2027]
    assert applied.balance_after[2027].carried_expected == Amount.days(5)
    assert applied.balance_after[2027].at_year_end == Amount.days(16)

    decided = service.execute(MANAGER, Decide(applied.request.id, True), "test")
    assert isinstance(decided, DecidedView)
    now = balance_row(service)
    # Taken instead of pending once approved: the same days, the same figure left.
    assert (now.taken, now.pending) == (Amount.days(1), Amount.days(0))
    assert (now.available, now.at_year_end) == (applied.balance_after[2026].available,
                                                applied.balance_after[2026].at_year_end)
    assert home_row(service) == now
