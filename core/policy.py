"""Leave types, regions and company holidays, read from a policy document.

The document is plain data (a YAML file once parsed by a door); :func:`parse_policy` checks
every key and refuses the whole document, naming the offending key, so that a bad file never
replaces the policy in force.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from core.errors import PolicyError, UnknownLeaveType
from core.model import Holiday

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ACCRUALS = ("granted", "monthly")


@dataclass(frozen=True)
class LeaveType:
    key: str
    code: str
    name: str
    days_per_year: Decimal
    accrual: str = "granted"
    accrual_rate: Decimal = Decimal(0)
    max_carry_forward: Decimal | None = None
    min_notice_days: int = 0
    #: None: a document is never needed; 0: always; n: when more than n days are taken.
    document_required_above_days: Decimal | None = None

    def needs_document(self, days: Decimal) -> bool:
        limit = self.document_required_above_days
        return limit is not None and days > limit


@dataclass(frozen=True)
class Region:
    key: str
    aliases: tuple[str, ...] = ()
    country_code: str | None = None
    weekend: frozenset[int] = frozenset({5, 6})
    leave_types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Policy:
    leave_types: Mapping[str, LeaveType]
    regions: Mapping[str, Region]
    holidays: tuple[Holiday, ...] = field(default=())

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

    def find_type(self, region_key: str, word: str) -> LeaveType:
        """The type whose key or code is ``word`` (any case), among those of the region."""
        wanted = word.strip().casefold()
        offered = self.types_for(region_key)
        for leave_type in offered:
            if wanted in (leave_type.key.casefold(), leave_type.code.casefold()):
                return leave_type
        valid = ", ".join(f"{t.key} ({t.code})" for t in offered) or "none"
        raise UnknownLeaveType(f"There is no leave type '{word}'. Valid types: {valid}.")


def parse_policy(document: Any) -> Policy:
    """Check and convert a policy document; raise :class:`PolicyError` naming the bad key."""
    root = _mapping(document, "policy", required={"leave_types", "regions"})
    types_doc = _mapping(root["leave_types"], "leave_types")
    if not types_doc:
        raise PolicyError("leave_types: at least one leave type is needed")
    leave_types = {str(k): _leave_type(str(k), v) for k, v in types_doc.items()}
    codes: dict[str, str] = {}
    for leave_type in leave_types.values():
        clash = codes.setdefault(leave_type.code.casefold(), leave_type.key)
        if clash != leave_type.key:
            raise PolicyError(
                f"leave_types.{leave_type.key}.code: '{leave_type.code}' is also the code of {clash}"
            )
    regions_doc = _mapping(root["regions"], "regions")
    if not regions_doc:
        raise PolicyError("regions: at least one region is needed")
    regions: dict[str, Region] = {}
    holidays: list[Holiday] = []
    for key, body in regions_doc.items():
        region, region_holidays = _region(str(key), body, leave_types)
        regions[region.key] = region
        holidays.extend(region_holidays)
    _check_unique_names(regions)
    return Policy(leave_types=leave_types, regions=regions, holidays=tuple(holidays))


def _leave_type(key: str, body: Any) -> LeaveType:
    where = f"leave_types.{key}"
    fields = {
        "code", "name", "days_per_year", "accrual", "accrual_rate", "max_carry_forward",
        "min_notice_days", "document_required_above_days",
    }
    doc = _mapping(body, where, required={"code", "name", "days_per_year"}, allowed=fields)
    accrual = str(doc.get("accrual", "granted"))
    if accrual not in ACCRUALS:
        raise PolicyError(f"{where}.accrual: '{accrual}' is not one of {', '.join(ACCRUALS)}")
    code = _text(doc["code"], f"{where}.code")
    return LeaveType(
        key=key,
        code=code,
        name=_text(doc["name"], f"{where}.name"),
        days_per_year=_days(doc["days_per_year"], f"{where}.days_per_year"),
        accrual=accrual,
        accrual_rate=_days(doc.get("accrual_rate", 0), f"{where}.accrual_rate"),
        max_carry_forward=_optional_days(doc.get("max_carry_forward"), f"{where}.max_carry_forward"),
        min_notice_days=int(_days(doc.get("min_notice_days", 0), f"{where}.min_notice_days")),
        document_required_above_days=_optional_days(
            doc.get("document_required_above_days"), f"{where}.document_required_above_days"
        ),
    )


def _region(key: str, body: Any, leave_types: Mapping[str, LeaveType]) -> tuple[Region, list[Holiday]]:
    where = f"regions.{key}"
    fields = {"aliases", "country_code", "weekend", "leave_types", "holidays"}
    doc = _mapping(body, where, allowed=fields)
    aliases = tuple(_text(a, f"{where}.aliases") for a in _list(doc.get("aliases", []), f"{where}.aliases"))
    weekend = set()
    for i, day in enumerate(_list(doc.get("weekend", ["saturday", "sunday"]), f"{where}.weekend")):
        name = str(day).strip().casefold()
        if name not in WEEKDAYS:
            raise PolicyError(f"{where}.weekend[{i}]: '{day}' is not a day of the week")
        weekend.add(WEEKDAYS.index(name))
    if len(weekend) == 7:
        raise PolicyError(f"{where}.weekend: every day cannot be a weekend day")
    type_keys = _list(doc.get("leave_types", list(leave_types)), f"{where}.leave_types")
    for i, type_key in enumerate(type_keys):
        if type_key not in leave_types:
            raise PolicyError(f"{where}.leave_types[{i}]: '{type_key}' is not defined under leave_types")
    country = doc.get("country_code")
    region = Region(
        key=key,
        aliases=aliases,
        country_code=_text(country, f"{where}.country_code") if country is not None else None,
        weekend=frozenset(weekend),
        leave_types=tuple(str(k) for k in type_keys),
    )
    holidays = [
        _holiday(entry, f"{where}.holidays[{i}]", key)
        for i, entry in enumerate(_list(doc.get("holidays", []), f"{where}.holidays"))
    ]
    return region, [h for group in holidays for h in group]


def _holiday(body: Any, where: str, region: str) -> list[Holiday]:
    doc = _mapping(body, where, required={"date", "name"}, allowed={"date", "name", "locations"})
    raw = doc["date"]
    if isinstance(raw, date):
        day = raw
    else:
        try:
            day = date.fromisoformat(str(raw))
        except ValueError:
            raise PolicyError(f"{where}.date: '{raw}' is not an ISO date (YYYY-MM-DD)") from None
    name = _text(doc["name"], f"{where}.name")
    locations = [_text(x, f"{where}.locations") for x in _list(doc.get("locations", []), f"{where}.locations")]
    if not locations:
        return [Holiday(day=day, name=name, region=region)]
    return [Holiday(day=day, name=name, region=region, location=loc) for loc in locations]


def _check_unique_names(regions: Mapping[str, Region]) -> None:
    seen: dict[str, str] = {}
    for region in regions.values():
        for name in (region.key, *region.aliases):
            owner = seen.setdefault(name.casefold(), region.key)
            if owner != region.key:
                raise PolicyError(f"regions.{region.key}.aliases: '{name}' also names region {owner}")


def _mapping(
    value: Any, where: str, required: set[str] = frozenset(), allowed: set[str] | None = None  # type: ignore[assignment]
) -> dict[Any, Any]:
    if not isinstance(value, Mapping):
        raise PolicyError(f"{where}: expected a mapping of keys to values")
    missing = sorted(required - set(value))
    if missing:
        raise PolicyError(f"{where}.{missing[0]}: this key is required")
    if allowed is not None:
        unknown = sorted(str(k) for k in set(value) - allowed)
        if unknown:
            raise PolicyError(f"{where}.{unknown[0]}: unknown key (allowed: {', '.join(sorted(allowed))})")
    return dict(value)


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise PolicyError(f"{where}: expected a list")
    return value


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
        raise PolicyError(f"{where}: expected non-empty text")
    return str(value).strip()


def _days(value: Any, where: str) -> Decimal:
    if isinstance(value, bool):
        raise PolicyError(f"{where}: expected a number of days, got {value!r}")
    try:
        days = Decimal(str(value))
    except InvalidOperation:
        raise PolicyError(f"{where}: expected a number of days, got {value!r}") from None
    if not days.is_finite() or days < 0 or days * 2 != (days * 2).to_integral_value():
        raise PolicyError(f"{where}: expected whole or half days, not negative, got {value!r}")
    return days


def _optional_days(value: Any, where: str) -> Decimal | None:
    return None if value is None else _days(value, where)
