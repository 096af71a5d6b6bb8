"""Loss of pay offered when a paid type is short: the refusal that makes the offer, and keeps it.

An application of a paid type that its balance cannot cover is refused, as ever; when the
person's policy has an unpaid type (``paid: false``), the refusal also offers the split: the days
the balance covers as the paid type, the rest of the range as unpaid leave, each checked as an
application of its own first, so that a ``yes`` (:mod:`core.requests.confirmation`) does what
the offer said. The offer is kept (:class:`core.ports.offers.SplitOffers`) in its own commit, as
a refusal's audit row is; nothing else is written.
"""

from __future__ import annotations

from core.commands import ApplyLeave
from core.domain.amount import NO_DAYS, Amount
from core.domain.model import Employee
from core.domain.splits import OFFER_LIFETIME, SplitOffer, SplitPart, paid_share
from core.domain.text import format_day
from core.domain.workdays import holiday_dates, working_dates
from core.errors import InsufficientBalance, LeaveError
from core.policy.validation import SHORT_ADVICE
from core.requests.assessment import assess
from core.shared.context import CommandContext
from core.shared.eligibility import open_types
from core.shared.transactions import before_writing

#: How the offer asks for its answer, in every door.
REPLY = f"Reply yes (or /leave yes) within {int(OFFER_LIFETIME.total_seconds() // 60)} minutes"


def offer_split(ctx: CommandContext, employee: Employee, command: ApplyLeave, short: InsufficientBalance) -> LeaveError:
    """The refusal to raise for an application its paid type is short of: with the split offered
    (and kept) when the policy has an unpaid type for the person and both parts would pass every
    check; otherwise ``short`` as it was, or the refusal a part would meet (a blackout, say), which
    the whole application meets too.
    """
    uow = ctx.uow
    found = assess(uow, ctx.clock, employee, command, stop_early=False, write_entitlement=False)
    paid_type = found.leave_type
    unpaid_type = next((t for t in open_types(uow, found.policy, employee, found.today) if not t.paid), None)
    if unpaid_type is None or not paid_type.paid:
        return short
    region = found.policy.regions[employee.region]
    off = holiday_dates(uow.holidays.between(region.key, command.start, command.end), region.key, employee.location,
                        region.subdivision_of(employee.location))
    working = working_dates(command.start, command.end, region.weekend, off)
    limit = Amount(paid_type.negative_limit)
    left = {year: found.rows[year].available + found.accruing.get(year, NO_DAYS) for year in found.year_days}
    covered = 0 if command.half else paid_share(working, {year: days + limit for year, days in left.items()},
                                                region.leave_year)
    paid = SplitPart(paid_type.key, command.start, working[covered - 1]) if covered else None
    unpaid = SplitPart(unpaid_type.key, working[covered] if covered else command.start, command.end, command.half)
    offer = SplitOffer(employee.employee_id, paid, unpaid, command.reason, ctx.clock.now())
    for part in offer.parts:
        try:
            assess(uow, ctx.clock, employee, ApplyLeave(part.type_key, part.start, part.end, part.half),
                   stop_early=True, write_entitlement=False)
        except LeaveError as error:
            return error
    before_writing(uow)
    uow.offers.put(offer)
    uow.commit()
    why = short.message.removesuffix(SHORT_ADVICE).rstrip()
    if paid is None:
        return InsufficientBalance(
            f"{why} Apply {found.total.text()} unpaid instead ({_span(unpaid)})? {REPLY} to apply.")
    name = paid_type.name.lower()
    return InsufficientBalance(
        f"{why} Apply {Amount.days(covered).text()} {name} ({_span(paid)}) + "
        f"{(found.total - Amount.days(covered)).text()} unpaid ({_span(unpaid)})? {REPLY} to apply both.")


def _span(part: SplitPart) -> str:
    return format_day(part.start) if part.start == part.end else f"{format_day(part.start)} to {format_day(part.end)}"
