"""The policy versions and the holiday calendar of :mod:`core.ports`, inside the caller's transaction.

Both are read on every command and change rarely, so both answer from the process's cache when
the version stamps allow it (:mod:`storage.cache`); every write marks its kind changed, so the
unit of work stamps it at its commit.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, select

from core.domain.model import Holiday
from core.policy.rules import Policy, parse_policy
from storage.cache import Kind, Stamps
from storage.tables import holidays as holiday_table
from storage.tables import policy_versions

ALL_LOCATIONS = ""  # how a region-wide holiday (location None) is stored; see tables.holidays


class SqlPolicyRepository:
    """Every policy version ever loaded, kept as JSON with its ``effective_from``; none is rewritten.

    Versions never change once stored, so each one is parsed at most once per process (while the
    policies' stamp holds), however many dates and commands look it up.
    """

    def __init__(self, connection: Connection, stamps: Stamps) -> None:
        self._conn = connection
        self._stamps = stamps
        self._parsed: dict[int, Policy] = {}
        self._effective: list[tuple[date, int]] | None = None

    def current(self) -> Policy | None:
        """The version loaded last, whatever its ``effective_from`` (from the versions read once per unit of work)."""
        versions = self._versions()
        return self._policy(max(version_id for _, version_id in versions)) if versions else None

    def in_force(self, on: date) -> Policy | None:
        """The newest version (by ``effective_from``, then load order) in force on ``on``.

        A date before every version's ``effective_from`` gets the oldest version, so that old
        requests are still judged by some policy rather than by none.
        """
        versions = self._versions()
        if not versions:
            return None
        started = [version for version in versions if version[0] <= on]
        return self._policy(max(started)[1] if started else min(versions)[1])

    def _versions(self) -> list[tuple[date, int]]:
        """Each version's ``(effective_from, id)``, looked up once per unit of work.

        A balance looks up the policy of every month; a handful of small rows beats a query each.
        """
        if self._effective is None:
            self._effective = list(self._stamps.cached(Kind.POLICIES, "versions", self._read_versions))
        return self._effective

    def _read_versions(self) -> tuple[tuple[date, int], ...]:
        rows = self._conn.execute(select(policy_versions.c.effective_from, policy_versions.c.id))
        return tuple((row.effective_from, int(row.id)) for row in rows)

    def _policy(self, version_id: int) -> Policy:
        policy = self._parsed.get(version_id)
        if policy is None:
            policy = self._stamps.cached(Kind.POLICIES, ("version", version_id), lambda: self._read_policy(version_id))
            self._parsed[version_id] = policy
        return policy

    def _read_policy(self, version_id: int) -> Policy:
        query = select(policy_versions.c.document).where(policy_versions.c.id == version_id)
        return parse_policy(json.loads(self._conn.execute(query).scalar_one()))

    def current_document(self) -> dict[str, Any] | None:
        """The newest version's document as loaded: a new dict on every call, the caller's to change."""
        text = self._stamps.cached(Kind.POLICIES, "current document", self._read_current_document)
        if text is None:
            return None
        document: dict[str, Any] = json.loads(text)
        return document

    def _read_current_document(self) -> str | None:
        query = select(policy_versions.c.document).order_by(policy_versions.c.id.desc()).limit(1)
        text: str | None = self._conn.execute(query).scalar()
        return text

    def save(self, document: dict[str, Any], source: str, at: datetime) -> None:
        """Store a new version; ``effective_from`` comes from the document (1970-01-01 without one).

        Raises:
            core.errors.PolicyError: for a document that :func:`core.policy.rules.parse_policy` refuses.
        """
        effective_from = parse_policy(document).effective_from
        self._effective = None
        self._stamps.changed(Kind.POLICIES)
        # default=str turns the dates that YAML parses into ISO strings, which parse_policy accepts.
        self._conn.execute(
            insert(policy_versions).values(
                loaded_at=at,
                source=source[:255],
                document=json.dumps(document, default=str),
                effective_from=effective_from,
            )
        )


class SqlHolidayRepository:
    """Each region's holidays are read whole (a few dozen a year) and kept by the process under the
    holidays' stamp, so a command's look-up of any span costs no query while nothing changed."""

    def __init__(self, connection: Connection, stamps: Stamps) -> None:
        self._conn = connection
        self._stamps = stamps

    def between(self, region: str, start: date, end: date) -> list[Holiday]:
        """Holidays of ``region`` from ``start`` to ``end`` inclusive, in date order."""
        every = self._stamps.cached(Kind.HOLIDAYS, region, lambda: self._of_region(region))
        return [holiday for holiday in every if start <= holiday.day <= end]

    def _of_region(self, region: str) -> tuple[Holiday, ...]:
        query = (
            select(holiday_table)
            .where(holiday_table.c.region == region)
            .order_by(holiday_table.c.day, holiday_table.c.location, holiday_table.c.id)
        )
        return tuple(
            Holiday(
                day=row.day,
                name=row.name,
                region=row.region,
                location=row.location if row.location != ALL_LOCATIONS else None,
                source=row.source,
                subdivision=row.subdivision or None,
            )
            for row in self._conn.execute(query)
        )

    def replace(self, region: str, source: str, holidays: Sequence[Holiday], start: date | None = None,
                end: date | None = None) -> None:
        """Delete the region's holidays from ``source`` dated ``start`` to ``end``, then insert these.

        Open ends (None) reach as far as the holidays go. The given holidays are stored under
        ``region`` and ``source`` whatever their own fields say, so that a later replace finds and
        removes exactly them; two on the same day and location are stored once (the last wins).

        Raises:
            ValueError: for a holiday outside ``start``..``end``: its row was not deleted, so it
                would collide with (or duplicate) one kept.
        """
        outside = [h.day for h in holidays if h.day < (start or h.day) or h.day > (end or h.day)]
        if outside:
            raise ValueError(f"holiday on {outside[0]} is outside the range replaced ({start} to {end})")
        self._stamps.changed(Kind.HOLIDAYS)
        condition = and_(holiday_table.c.region == region, holiday_table.c.source == source)
        if start is not None:
            condition = and_(condition, holiday_table.c.day >= start)
        if end is not None:
            condition = and_(condition, holiday_table.c.day <= end)
        self._conn.execute(delete(holiday_table).where(condition))
        rows = {
            (h.location or ALL_LOCATIONS, h.day): {
                "region": region,
                "location": h.location or ALL_LOCATIONS,
                "day": h.day,
                "name": h.name[:255],
                "source": source,
                "subdivision": (h.subdivision or "").upper(),
            }
            for h in holidays
        }
        if rows:
            self._conn.execute(insert(holiday_table), list(rows.values()))


__all__ = ["ALL_LOCATIONS", "SqlHolidayRepository", "SqlPolicyRepository"]
