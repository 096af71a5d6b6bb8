"""Leave types, regions, company holidays, blackouts and team limits, read from a policy document.

The document is plain data (a YAML file once parsed by a door); :func:`parse_policy` checks
every key and refuses the whole document, naming the offending key, so that a bad file never
replaces the policy in force. Every rule a company may want differently lives here as data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from core.domain.amount import Amount
from core.domain.dates import DateOrder
from core.domain.leave_year import CALENDAR_YEAR, LeaveYear
from core.domain.model import Employee, Holiday
from core.errors import PolicyError, UnknownLeaveType
from core.policy import values as f
from core.policy.application_limits import (
    LIMIT_FIELDS,
    ApplicationLimits,
    check_adjacent_types,
    parse_application_limits,
)
from core.policy.calendar import CalendarPolicy, parse_calendar_policy
from core.policy.compoff_terms import COMPOFF_FIELDS, CompOffTerms, parse_compoff_terms
from core.policy.counting import COUNTING_FIELDS, Counting, parse_counting
from core.policy.eligibility import Eligibility, parse_eligibility
from core.policy.holiday_scopes import OptionalHoliday, parse_locations, parse_optional_holidays, subdivision_of
from core.policy.overflow import LAPSE, OVERFLOW_FIELDS, Overflow, parse_overflow
from core.policy.privacy import PrivacyPolicy, parse_privacy_policy

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ACCRUALS = ("granted", "monthly")
#: What leave may count on of the year's entitlement: what has accrued by its own dates, or all of it.
ADVANCES = ("accrued", "year")
APPROVALS = ("none", "manager", "manager_then_hr")
ACTIONS = ("refuse", "hr_approval")
LIMIT_ACTIONS = ("refuse", "flag")
#: Whether an approver must say why they reject (``reject_reason``); every door asks the same way.
REJECT_REASONS = ("optional", "required")
ALWAYS = date(1970, 1, 1)


@dataclass(frozen=True)
class LeaveType:
    key: str
    code: str
    name: str
    days_per_year: Decimal
    #: ``granted``: the year's days at once; ``monthly``: ``accrual_rate`` on the 1st of each month.
    accrual: str = "granted"
    accrual_rate: Decimal = Decimal(0)
    #: ``accrued``: leave may count on the accrual due by its last day; ``year``: on the whole year's.
    advance: str = "accrued"
    #: Unused days that move into the next year; None or 0: none do.
    max_carry_forward: Decimal | None = None
    #: (month, day) in the next year after which carried days that were not used expire.
    carry_forward_expires: tuple[int, int] | None = None
    min_notice_days: int = 0
    #: None: a document is never needed; 0: always; n: when more than n days are taken.
    document_required_above_days: Decimal | None = None
    #: ``none`` (approved at once), ``manager``, ``manager_then_hr``.
    approval: str = "manager"
    #: How far below zero the balance may go.
    negative_limit: Decimal = Decimal(0)
    #: Granted types: scale the year's days to the months employed (see :meth:`Policy.counted_months`).
    pro_rata: bool = True
    #: False for loss of pay (``paid: false``): no balance, never refused for one, no entitlement;
    #: offered for the days a paid type is short of (:mod:`core.requests.unpaid`).
    paid: bool = True
    #: Limits on one application and the sandwich rule (:mod:`core.policy.application_limits`).
    limits: ApplicationLimits = field(default_factory=ApplicationLimits)
    #: Who may take it (:mod:`core.policy.eligibility`); by default everyone.
    eligible: Eligibility = field(default_factory=Eligibility)
    #: Books one of the region's optional holidays (:mod:`core.policy.optional_holidays`): only listed
    #: dates, a whole day each, at most the region's ``optional_holidays_allowed`` a year.
    optional_holidays: bool = False
    #: Unused days beyond the carry-forward at year end: lapse, or paid out up to a cap
    #: (:mod:`core.policy.overflow`).
    overflow: Overflow = LAPSE
    #: Earned by comp-off claims rather than granted (:mod:`core.policy.compoff_terms`); None otherwise.
    comp_off: CompOffTerms | None = None
    #: Working or calendar days, against a yearly balance or per occurrence (:mod:`core.policy.counting`).
    counting: Counting = field(default_factory=Counting)

    def needs_document(self, days: Amount) -> bool:
        limit = self.document_required_above_days
        return limit is not None and days > Amount.days(limit)


@dataclass(frozen=True)
class Region:
    key: str
    aliases: tuple[str, ...] = ()
    country_code: str | None = None
    weekend: frozenset[int] = frozenset({5, 6})
    leave_types: tuple[str, ...] = ()
    #: How its people write ``28/12/2026``: day first (the default) or month first.
    date_order: DateOrder = DateOrder.DAY_FIRST
    #: (location, subdivision) pairs: where a state's synced holidays apply (:mod:`core.policy.holiday_scopes`).
    locations: tuple[tuple[str, str], ...] = ()
    #: The dates its people may book with an ``optional_holidays`` type, and how many a year.
    optional_holidays: tuple[OptionalHoliday, ...] = ()
    optional_holidays_allowed: int = 0
    #: ``leave_year_start``: the calendar year unless set (``04-01``: the Indian financial year).
    leave_year: LeaveYear = CALENDAR_YEAR

    def subdivision_of(self, location: str) -> str | None:
        return subdivision_of(self.locations, location)


@dataclass(frozen=True)
class Blackout:
    """Dates when leave is refused (``refuse``) or needs HR too (``hr_approval``)."""

    start: date
    end: date
    reason: str
    regions: tuple[str, ...] = ()  # empty: every region
    departments: tuple[str, ...] = ()  # empty: every department
    action: str = "refuse"

    def applies(self, region: str, department: str, start: date, end: date) -> bool:
        return (
            self.start <= end and start <= self.end
            and (not self.regions or region in self.regions)
            and (not self.departments or department.casefold() in (d.casefold() for d in self.departments))
        )


@dataclass(frozen=True)
class TeamLimit:
    """At most ``max_out`` people, or ``max_out_percent`` of a department, out on one day."""

    departments: tuple[str, ...] = ()  # empty: every department
    max_out: int | None = None
    max_out_percent: int | None = None
    action: str = "refuse"  # or ``flag``: allowed, but the approver is warned

    def covers(self, department: str) -> bool:
        return not self.departments or department.casefold() in (d.casefold() for d in self.departments)

    def allowed_out(self, headcount: int) -> int:
        """How many of ``headcount`` people may be out on one day (at least one)."""
        limits = []
        if self.max_out is not None:
            limits.append(self.max_out)
        if self.max_out_percent is not None:
            limits.append(headcount * self.max_out_percent // 100)
        return max(1, min(limits)) if limits else headcount


@dataclass(frozen=True)
class Policy:
    leave_types: Mapping[str, LeaveType]
    regions: Mapping[str, Region]
    holidays: tuple[Holiday, ...] = field(default=())
    effective_from: date = ALWAYS
    #: A month counts for pro-rata entitlement and accrual if the person is employed on this day of it.
    pro_rata_day: int = 15
    blackouts: tuple[Blackout, ...] = ()
    team_limits: tuple[TeamLimit, ...] = ()
    #: Calendar provider overrides (:mod:`core.policy.calendar`).
    calendar: CalendarPolicy = field(default_factory=CalendarPolicy)
    #: The leave types everyone may see (:mod:`core.policy.privacy`).
    privacy: PrivacyPolicy = field(default_factory=PrivacyPolicy)
    #: Where the scheduler posts: ``(department or None for HR, platform, channel)``.
    channels: tuple[tuple[str | None, str, str], ...] = ()
    #: A rejection must say why (``reject_reason: required``); the employee reads it.
    reject_reason_required: bool = False

    def region(self, name: str) -> Region | None:
        """The region called ``name`` or one of its aliases, case-insensitively."""
        wanted = name.strip().casefold()
        for region in self.regions.values():
            if wanted == region.key.casefold() or wanted in (a.casefold() for a in region.aliases):
                return region
        return None

    def types_for(self, region_key: str) -> list[LeaveType]:
        region = self.regions.get(region_key)
        keys = region.leave_types if region else ()
        return [self.leave_types[k] for k in keys]

    def types_open_to(self, employee: Employee, today: date, occurrences: Mapping[str, int]) -> list[LeaveType]:
        """The types ``employee`` may take on ``today``, in the policy's order: every form, help and
        balance lists these and no other, so that nobody is offered a type they would be refused.

        ``occurrences`` counts the person's pending and approved requests by type key, which a type's
        ``max_occurrences`` reads (:func:`core.shared.eligibility.occurrences`).
        """
        return [t for t in self.types_for(employee.region)
                if t.eligible.refusal(t.name, employee, today, occurrences.get(t.key, 0)) is None]

    def find_type(self, region_key: str, word: str) -> LeaveType:
        """The type whose key or code is ``word`` (any case), among those of the region."""
        wanted = word.strip().casefold()
        offered = self.types_for(region_key)
        for leave_type in offered:
            if wanted in (leave_type.key.casefold(), leave_type.code.casefold()):
                return leave_type
        valid = ", ".join(f"{t.key} ({t.code})" for t in offered) or "none"
        raise UnknownLeaveType(f"There is no leave type '{word}'. Valid types: {valid}.")

    def month_counts(self, year: int, month: int, joined: date, left: date | None) -> bool:
        """True when the person is employed on the month's pro-rata day (the 15th by default)."""
        day = date(year, month, self.pro_rata_day)
        return joined <= day and (left is None or left >= day)

    def counted_months(self, year: int, joined: date, left: date | None,
                       leave_year: LeaveYear = CALENDAR_YEAR) -> int:
        """The months of leave year ``year`` that count for a person employed from ``joined`` to ``left``."""
        return sum(self.month_counts(m.year, m.month, joined, left) for m in leave_year.months(year))

    def leave_year(self, region_key: str) -> LeaveYear:
        """The leave year of the region (the calendar year for a region the policy does not know)."""
        region = self.regions.get(region_key)
        return region.leave_year if region else CALENDAR_YEAR


def pro_rata(days_per_year: Decimal, months: int) -> Decimal:
    """The year's days scaled to ``months`` of twelve, rounded to the nearest half day (halves up)."""
    exact = days_per_year * months / 12
    return (exact * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2


def parse_policy(document: Any) -> Policy:
    """Check and convert a policy document; raise :class:`PolicyError` naming the bad key."""
    root = f.mapping(document, "policy", required=frozenset({"leave_types", "regions"}), allowed=frozenset({
        "leave_types", "regions", "effective_from", "pro_rata_day", "blackouts", "team_limits", "calendar",
        "escalate_after_working_days", "channels", "privacy", "reject_reason",
    }))
    types_doc = f.mapping(root["leave_types"], "leave_types")
    # Read by the scheduler's reminders (core.scheduling.reminders); checked here so a typo fails the load.
    for where, value in [("escalate_after_working_days", root.get("escalate_after_working_days")), *(
            (f"leave_types.{k}.escalate_after_working_days", v.get("escalate_after_working_days"))
            for k, v in types_doc.items() if isinstance(v, dict))]:
        if value is not None:
            f.whole(value, where, low=1)
    if not types_doc:
        raise PolicyError("leave_types: at least one leave type is needed")
    leave_types = {str(k): _leave_type(str(k), v) for k, v in types_doc.items()}
    _check_unique_codes(leave_types.values())
    check_adjacent_types({k: t.limits for k, t in leave_types.items()}, leave_types)
    regions_doc = f.mapping(root["regions"], "regions")
    if not regions_doc:
        raise PolicyError("regions: at least one region is needed")
    regions: dict[str, Region] = {}
    holidays: list[Holiday] = []
    for key, body in regions_doc.items():
        region, region_holidays = _region(str(key), body, leave_types)
        regions[region.key] = region
        holidays.extend(region_holidays)
    _check_unique_names(regions)
    calendar = parse_calendar_policy(root.get("calendar", {}))
    return Policy(
        leave_types=leave_types,
        regions=regions,
        holidays=tuple(holidays),
        effective_from=f.iso_date(root["effective_from"], "effective_from") if "effective_from" in root else ALWAYS,
        pro_rata_day=f.whole(root.get("pro_rata_day", 15), "pro_rata_day", 1, 28),
        blackouts=tuple(_blackout(b, f"blackouts[{i}]", regions)
                        for i, b in enumerate(f.items(root.get("blackouts", []), "blackouts"))),
        team_limits=tuple(_team_limit(t, f"team_limits[{i}]")
                          for i, t in enumerate(f.items(root.get("team_limits", []), "team_limits"))),
        calendar=calendar,
        privacy=parse_privacy_policy(root.get("privacy", {}), leave_types, calendar.show_type),
        channels=_channels(root.get("channels", {})),
        reject_reason_required=f.choice(root.get("reject_reason", "optional"), "reject_reason",
                                        REJECT_REASONS) == "required",
    )


TYPE_FIELDS = frozenset({
    "code", "name", "days_per_year", "accrual", "accrual_rate", "advance", "max_carry_forward", "carry_forward_expires",
    "min_notice_days", "document_required_above_days", "approval", "negative_limit", "pro_rata",
    "escalate_after_working_days", "paid", "eligible", "optional_holidays", *LIMIT_FIELDS, *OVERFLOW_FIELDS,
    *COUNTING_FIELDS, *COMPOFF_FIELDS,
})


def _leave_type(key: str, body: Any) -> LeaveType:
    where = f"leave_types.{key}"
    paid = _paid(body, where)
    # A per-occurrence type or one counted in hours has no yearly balance (core.policy.counting).
    yearly = not (isinstance(body, dict) and (body.get("entitlement") == "per_occurrence"
                                              or body.get("unit") == "hours"))
    doc = f.mapping(body, where, required=frozenset({"code", "name", *(("days_per_year",) if paid and yearly else ())}),
                    allowed=TYPE_FIELDS)
    pro_rata_flag = doc.get("pro_rata", True)
    if not isinstance(pro_rata_flag, bool):
        raise PolicyError(f"{where}.pro_rata: expected true or false, got {pro_rata_flag!r}")
    expires = doc.get("carry_forward_expires")
    return LeaveType(
        key=key,
        code=f.text(doc["code"], f"{where}.code"),
        name=f.text(doc["name"], f"{where}.name"),
        days_per_year=f.days(doc.get("days_per_year", 0), f"{where}.days_per_year"),
        accrual=f.choice(doc.get("accrual", "granted"), f"{where}.accrual", ACCRUALS),
        accrual_rate=f.days(doc.get("accrual_rate", 0), f"{where}.accrual_rate"),
        advance=f.choice(doc.get("advance", "accrued"), f"{where}.advance", ADVANCES),
        max_carry_forward=f.optional_days(doc.get("max_carry_forward"), f"{where}.max_carry_forward"),
        carry_forward_expires=f.month_day(expires, f"{where}.carry_forward_expires") if expires else None,
        min_notice_days=f.whole(doc.get("min_notice_days", 0), f"{where}.min_notice_days", 0, 3650),
        document_required_above_days=f.optional_days(
            doc.get("document_required_above_days"), f"{where}.document_required_above_days"
        ),
        approval=f.choice(doc.get("approval", "manager"), f"{where}.approval", APPROVALS),
        negative_limit=f.days(doc.get("negative_limit", 0), f"{where}.negative_limit"),
        pro_rata=pro_rata_flag,
        paid=paid,
        limits=parse_application_limits(doc, where),
        eligible=parse_eligibility(doc.get("eligible", {}), f"{where}.eligible"),
        optional_holidays=f.flag(doc.get("optional_holidays", False), f"{where}.optional_holidays"),
        overflow=parse_overflow(doc, where),
        comp_off=parse_compoff_terms(doc, where),
        counting=parse_counting(doc, where, has_yearly_days="days_per_year" in doc),
    )


#: What an unpaid type may not have: a balance and what makes one.
BALANCE_FIELDS = ("days_per_year", "accrual_rate", "advance", "max_carry_forward", "carry_forward_expires",
                  "negative_limit", "overflow", "max_encash_days")


def _paid(body: Any, where: str) -> bool:
    """``paid`` (default true); an unpaid type has no balance, so no key that would make one is allowed."""
    if not isinstance(body, dict):
        return True
    paid = body.get("paid", True)
    if not isinstance(paid, bool):
        raise PolicyError(f"{where}.paid: expected true or false, got {paid!r}")
    if not paid:
        for name in BALANCE_FIELDS:
            if body.get(name) not in (None, 0):
                raise PolicyError(f"{where}.{name}: an unpaid type (paid: false) has no balance; remove {name}")
    return paid


def _region(key: str, body: Any, leave_types: Mapping[str, LeaveType]) -> tuple[Region, list[Holiday]]:
    where = f"regions.{key}"
    doc = f.mapping(body, where, allowed=frozenset({"aliases", "country_code", "weekend", "leave_types", "holidays",
                                                             "date_order", "locations", "optional_holidays",
                                                             "optional_holidays_allowed", "leave_year_start"}))
    weekend = set()
    for i, day in enumerate(f.items(doc.get("weekend", ["saturday", "sunday"]), f"{where}.weekend")):
        name = str(day).strip().casefold()
        if name not in WEEKDAYS:
            raise PolicyError(f"{where}.weekend[{i}]: '{day}' is not a day of the week")
        weekend.add(WEEKDAYS.index(name))
    if len(weekend) == 7:
        raise PolicyError(f"{where}.weekend: every day cannot be a weekend day")
    type_keys = f.items(doc.get("leave_types", list(leave_types)), f"{where}.leave_types")
    for i, type_key in enumerate(type_keys):
        if type_key not in leave_types:
            raise PolicyError(f"{where}.leave_types[{i}]: '{type_key}' is not defined under leave_types")
    country = doc.get("country_code")
    region = Region(
        key=key,
        aliases=f.texts(doc.get("aliases", []), f"{where}.aliases"),
        country_code=f.text(country, f"{where}.country_code") if country is not None else None,
        weekend=frozenset(weekend),
        leave_types=tuple(str(k) for k in type_keys),
        date_order=DateOrder(f.choice(doc.get("date_order", DateOrder.DAY_FIRST.value), f"{where}.date_order",
                                      tuple(DateOrder))),
        locations=parse_locations(doc.get("locations", {}), f"{where}.locations"),
        optional_holidays=parse_optional_holidays(doc.get("optional_holidays", []), f"{where}.optional_holidays"),
        optional_holidays_allowed=f.whole(doc.get("optional_holidays_allowed", 0), f"{where}.optional_holidays_allowed",
                                          0, 366),
        leave_year=_leave_year(doc.get("leave_year_start"), f"{where}.leave_year_start"),
    )
    holidays = [
        _holiday(entry, f"{where}.holidays[{i}]", key)
        for i, entry in enumerate(f.items(doc.get("holidays", []), f"{where}.holidays"))
    ]
    return region, [h for group in holidays for h in group]


def _leave_year(value: Any, where: str) -> LeaveYear:
    """``04-01``: the 1st of a month (accruals and pro-rata months count whole months)."""
    if value is None:
        return CALENDAR_YEAR
    month, day = f.month_day(value, where)
    if day != 1:
        raise PolicyError(f"{where}: a leave year starts on the 1st of a month; write {month:02d}-01")
    return LeaveYear(month)


def _holiday(body: Any, where: str, region: str) -> list[Holiday]:
    doc = f.mapping(body, where, required=frozenset({"date", "name"}), allowed=frozenset({"date", "name", "locations"}))
    day = f.iso_date(doc["date"], f"{where}.date")
    name = f.text(doc["name"], f"{where}.name")
    locations = f.texts(doc.get("locations", []), f"{where}.locations")
    if not locations:
        return [Holiday(day=day, name=name, region=region)]
    return [Holiday(day=day, name=name, region=region, location=loc) for loc in locations]


def _blackout(body: Any, where: str, regions: Mapping[str, Region]) -> Blackout:
    doc = f.mapping(body, where, required=frozenset({"start", "end", "reason"}),
                    allowed=frozenset({"start", "end", "reason", "regions", "departments", "action"}))
    start, end = f.iso_date(doc["start"], f"{where}.start"), f.iso_date(doc["end"], f"{where}.end")
    if end < start:
        raise PolicyError(f"{where}.end: {end} is before the start {start}")
    names = f.texts(doc.get("regions", []), f"{where}.regions")
    for i, name in enumerate(names):
        if name not in regions:
            raise PolicyError(f"{where}.regions[{i}]: '{name}' is not defined under regions")
    return Blackout(
        start=start, end=end, reason=f.text(doc["reason"], f"{where}.reason"), regions=names,
        departments=f.texts(doc.get("departments", []), f"{where}.departments"),
        action=f.choice(doc.get("action", "refuse"), f"{where}.action", ACTIONS),
    )


def _team_limit(body: Any, where: str) -> TeamLimit:
    doc = f.mapping(body, where, allowed=frozenset({"departments", "max_out", "max_out_percent", "action"}))
    if "max_out" not in doc and "max_out_percent" not in doc:
        raise PolicyError(f"{where}.max_out: give max_out, max_out_percent or both")
    return TeamLimit(
        departments=f.texts(doc.get("departments", []), f"{where}.departments"),
        max_out=f.whole(doc["max_out"], f"{where}.max_out", 1) if "max_out" in doc else None,
        max_out_percent=(f.whole(doc["max_out_percent"], f"{where}.max_out_percent", 1, 100)
                         if "max_out_percent" in doc else None),
        action=f.choice(doc.get("action", "refuse"), f"{where}.action", LIMIT_ACTIONS),
    )


def _channels(body: Any) -> tuple[tuple[str | None, str, str], ...]:
    """``channels: {hr: {slack: C0123, teams: KEY, email: "hr@x.in, ops@x.in"}, departments: {Sales: {slack:
    C0456}}}``; e-mail addresses are checked here, so that a typo is refused at load, not at the first digest."""
    doc = f.mapping(body, "channels", allowed=frozenset({"hr", "departments"}))
    found: list[tuple[str | None, str, str]] = []
    targets: list[tuple[str | None, str, Any]] = [(None, "channels.hr", doc["hr"])] if "hr" in doc else []
    departments = f.mapping(doc.get("departments", {}), "channels.departments")
    targets += [(str(name), f"channels.departments.{name}", target) for name, target in departments.items()]
    for department, where, target in targets:
        places = f.mapping(target, where, allowed=frozenset({"slack", "teams", "email"}))
        if not places:
            raise PolicyError(f"{where}: give a slack channel id, a teams channel key, e-mail addresses, or several")
        for platform, address in places.items():
            text = f.text(address, f"{where}.{platform}")
            if platform == "email":
                text = _addresses(text, f"{where}.email")
            found.append((department, str(platform), text))
    return tuple(found)


def _addresses(text: str, where: str) -> str:
    """A comma-separated list of e-mail addresses, tidied; each must at least look like one."""
    addresses = [part.strip() for part in text.split(",") if part.strip()]
    for address in addresses:
        local, at, domain = address.partition("@")
        if not (local and at and "." in domain) or any(c.isspace() for c in address):
            raise PolicyError(f"{where}: '{address}' is not an e-mail address")
    if not addresses:
        raise PolicyError(f"{where}: give one or more e-mail addresses, separated by commas")
    return ", ".join(addresses)


def _check_unique_codes(leave_types: Iterable[LeaveType]) -> None:
    codes: dict[str, str] = {}
    for leave_type in leave_types:
        clash = codes.setdefault(leave_type.code.casefold(), leave_type.key)
        if clash != leave_type.key:
            raise PolicyError(f"leave_types.{leave_type.key}.code: '{leave_type.code}' is also the code of {clash}")


def _check_unique_names(regions: Mapping[str, Region]) -> None:
    seen: dict[str, str] = {}
    for region in regions.values():
        for name in (region.key, *region.aliases):
            owner = seen.setdefault(name.casefold(), region.key)
            if owner != region.key:
                raise PolicyError(f"regions.{region.key}.aliases: '{name}' also names region {owner}")
