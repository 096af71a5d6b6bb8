"""The schema, as SQLAlchemy Core tables; ``migrations/versions`` must build exactly this.

Types are chosen to mean the same on MySQL 8, MariaDB 10.11 and SQLite: every string has a
length, days are ``NUMERIC(7,2)``, JSON is stored as text, and times are UTC (naive in the
database, timezone-aware in Python; see :class:`UtcDateTime`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.dialects import mysql
from sqlalchemy.types import TypeDecorator, TypeEngine

from storage.migration_types import MYSQL_TABLE_OPTIONS, id_type, long_text_type

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UtcDateTime(TypeDecorator[datetime]):
    """A UTC instant: stored naive (MySQL ``DATETIME(6)`` has no zone), read back timezone-aware.

    Naive values are refused on the way in, because nothing could tell which zone they meant.
    Microseconds are kept (``DATETIME(6)`` on MySQL) so that "newest first" stays exact.
    """

    impl = DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(DateTime())

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: storage needs timezone-aware times")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def days_type() -> Numeric[Any]:
    """A number of days: whole or half, positive or negative, below 100 000."""
    return Numeric(7, 2)


EMPLOYEE_FK = "employees.employee_id"

#: ``core.policy.rules.ALWAYS`` as stored: the ``effective_from`` of a policy document without one.
ALWAYS_TEXT = "1970-01-01"

#: The longest text a key column (of several) may hold: 191 utf8mb4 characters are 764 bytes,
#: within the 767-byte index limit of older MySQL row formats.
KEY_LENGTH = 191

employees = Table(
    "employees",
    metadata,
    Column("employee_id", String(64), primary_key=True),
    Column("email", String(255), nullable=False, unique=True),  # always lower case
    Column("first_name", String(100), nullable=False),
    Column("last_name", String(100), nullable=False),
    Column("manager_id", String(64), ForeignKey(EMPLOYEE_FK), nullable=True),
    Column("role", String(16), nullable=False),
    Column("department", String(100), nullable=False),
    Column("location", String(100), nullable=False),
    Column("region", String(64), nullable=False),
    Column("joining_date", Date, nullable=False),
    Column("status", String(16), nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("slack_user_id", String(64), nullable=True, unique=True),
    Column("teams_aad_object_id", String(64), nullable=True, unique=True),
    Column("updated_at", UtcDateTime(), nullable=False),
    Column("leaving_date", Date, nullable=True),
    # Read by leave-type eligibility rules; empty for anyone the directory file says nothing of.
    Column("gender", String(16), nullable=True),  # female, male or other
    Column("employment_type", String(40), nullable=True),  # lower case: permanent, contract, intern, ...
    Column("confirmation_date", Date, nullable=True),  # the end of probation
    Column("notify_by", String(8), nullable=True),  # email, chat or both; NULL: chat when linked, else e-mail
    Index(None, "role", "employee_id"),  # the HR admins, looked up on every application
    Index(None, "department", "employee_id"),  # a department's people, for its team limits
    **MYSQL_TABLE_OPTIONS,
)

policy_versions = Table(
    "policy_versions",
    metadata,
    Column("id", id_type(), primary_key=True, autoincrement=True),
    Column("loaded_at", UtcDateTime(), nullable=False),
    Column("source", String(255), nullable=False),
    Column("document", Text, nullable=False),  # JSON, as loaded
    # The document's own ``effective_from`` (1970-01-01 when it has none), so that the version in
    # force on a date is found without parsing every document.
    Column("effective_from", Date, nullable=False, server_default=ALWAYS_TEXT),
    **MYSQL_TABLE_OPTIONS,
)

holidays = Table(
    "holidays",
    metadata,
    Column("id", id_type(), primary_key=True, autoincrement=True),
    Column("region", String(64), nullable=False),
    # '' means every location of the region: NULL would let duplicates past the unique key.
    Column("location", String(100), nullable=False),
    Column("day", Date, nullable=False),
    Column("name", String(255), nullable=False),
    Column("source", String(64), nullable=False),
    # A state's holiday applies where the policy maps a location to this subdivision; '' (as for
    # location): everywhere in the region, which is what every holiday stored before it meant.
    Column("subdivision", String(16), nullable=False, server_default=""),
    UniqueConstraint("region", "location", "day", "source"),
    **MYSQL_TABLE_OPTIONS,
)

leave_requests = Table(
    "leave_requests",
    metadata,
    Column("id", id_type(), primary_key=True, autoincrement=True),
    Column("employee_id", String(64), ForeignKey(EMPLOYEE_FK), nullable=False),
    Column("type_key", String(64), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("half", String(16), nullable=True),
    Column("days", days_type(), nullable=False),
    Column("year_days", Text, nullable=False),  # JSON {"2026": "1.5"}: the days split by year
    Column("status", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("document_ref", String(1000), nullable=True),
    Column("document_due", Boolean, nullable=False),
    Column("approver_id", String(64), ForeignKey(EMPLOYEE_FK), nullable=True),
    Column("decided_by", String(64), ForeignKey(EMPLOYEE_FK), nullable=True),
    Column("decided_at", UtcDateTime(), nullable=True),
    Column("decision_note", Text, nullable=False),
    Column("idempotency_key", String(255), nullable=True, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
    # The approval chain, comma-joined ("manager,hr"); '' when approved at once. ``level`` is the
    # step waiting for a decision.
    Column("levels", String(64), nullable=False, server_default="manager"),
    Column("level", Integer, nullable=False, server_default="0"),
    Column("flags", Text, nullable=True),  # JSON list of warnings; NULL: none
    Column("cancelled_dates", Text, nullable=True),  # JSON list of ISO dates; NULL: none
    # "HH:MM": a request of a type counted in hours (days and year_days then hold hours); NULL: days.
    Column("start_time", String(5), nullable=True),
    Column("end_time", String(5), nullable=True),
    Index(None, "employee_id", "status"),
    Index(None, "approver_id", "status"),
    Index(None, "start_date", "end_date"),
    **MYSQL_TABLE_OPTIONS,
)

#: Supporting documents handed in for requests (a medical certificate), file and all. ``ref`` is the
#: platform's id of the file (``slack:F0123``): a platform telling of one upload twice keeps it once.
#: The file is kept as base64 text, as ``downloads`` keeps files: the largest taken (10 MB) is then
#: 13.4 MB on the wire, under MariaDB's default packet limit of 16 MB, where a driver sends bytes
#: as hex (20 MB).
request_documents = Table(
    "request_documents",
    metadata,
    Column("id", id_type(), primary_key=True, autoincrement=True),
    Column("request_id", id_type(), ForeignKey("leave_requests.id"), nullable=False),
    Column("filename", String(KEY_LENGTH), nullable=False),
    Column("media_type", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("handed_in_at", UtcDateTime(), nullable=False),
    Column("handed_in_by", String(64), ForeignKey(EMPLOYEE_FK), nullable=False),
    Column("source", String(32), nullable=False),
    Column("ref", String(KEY_LENGTH), nullable=True, unique=True),
    Column("content", long_text_type(), nullable=False),
    Index(None, "request_id"),
    **MYSQL_TABLE_OPTIONS,
)

ledger_entries = Table(
    "ledger_entries",
    metadata,
    Column("id", id_type(), primary_key=True, autoincrement=True),
    Column("employee_id", String(64), ForeignKey(EMPLOYEE_FK), nullable=False),
    Column("type_key", String(64), nullable=False),
    Column("year", Integer, nullable=False),
    Column("kind", String(32), nullable=False),
    Column("days", days_type(), nullable=False),
    # What wrote the entry (core.domain.model.Source): "request" and the request's id, "accrual" and
    # "2026-03", "year_end" and "2025"...
    Column("source_kind", String(16), nullable=False),
    Column("source_id", String(64), nullable=False),
    # The source id again for sources that write once (everything but requests): makes a periodic
    # entry happen once. NULL for entries that may repeat (a request's reversals): NULLs never collide.
    Column("once_key", String(64), nullable=True),
    Column("valid_from", Date, nullable=True),
    Column("valid_until", Date, nullable=True),
    Column("note", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    UniqueConstraint("employee_id", "type_key", "kind", "source_kind", "once_key"),
    Index(None, "employee_id", "year"),
    **MYSQL_TABLE_OPTIONS,
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", id_type(), primary_key=True, autoincrement=True),
    Column("at", UtcDateTime(), nullable=False),
    Column("actor", String(255), nullable=False),
    Column("action", String(64), nullable=False),
    Column("outcome", String(16), nullable=False),
    # No foreign key: refused attempts on ids that do not exist are recorded too.
    Column("request_id", id_type(), nullable=True),
    Column("detail", Text, nullable=False),
    Column("source", String(32), nullable=False),
    Index(None, "at"),
    Index(None, "actor", "at"),
    Index(None, "action", "at"),
    Index(None, "request_id"),
    **MYSQL_TABLE_OPTIONS,
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", id_type(), primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False),
    Column("payload", Text, nullable=False),  # JSON
    Column("created_at", UtcDateTime(), nullable=False),
    Column("delivered_at", UtcDateTime(), nullable=True),
    Column("attempts", Integer, nullable=False, default=0, server_default=text("0")),
    Column("next_attempt_at", UtcDateTime(), nullable=True),
    Column("last_error", Text, nullable=True),
    Index(None, "delivered_at", "next_attempt_at"),
    **MYSQL_TABLE_OPTIONS,
)

#: The settled targets of an outbox event (``slack:approval_needed:E2``...): a retry after a partial
#: failure skips them, so nobody is told twice.
outbox_targets = Table(
    "outbox_targets",
    metadata,
    Column("outbox_id", id_type(), ForeignKey("outbox.id"), primary_key=True),
    Column("target", String(KEY_LENGTH), primary_key=True),
    Column("outcome", String(16), nullable=False),  # delivered | unreachable | failed
    Column("detail", Text, nullable=False),
    Column("settled_at", UtcDateTime(), nullable=False),
    **MYSQL_TABLE_OPTIONS,
)

#: How a door reaches a person or a channel (a Slack DM channel id, a Teams conversation reference
#: as JSON), kept here rather than in memory so that every replica can send.
chat_addresses = Table(
    "chat_addresses",
    metadata,
    Column("platform", String(32), primary_key=True),
    Column("key", String(KEY_LENGTH), primary_key=True),
    Column("address", Text, nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    **MYSQL_TABLE_OPTIONS,
)

#: The messages posted about a request, so that any replica can update them after a decision.
chat_cards = Table(
    "chat_cards",
    metadata,
    Column("id", id_type(), primary_key=True, autoincrement=True),
    Column("platform", String(32), nullable=False),
    Column("request_id", id_type(), ForeignKey("leave_requests.id"), nullable=False),
    Column("employee_id", String(64), ForeignKey(EMPLOYEE_FK), nullable=False),
    Column("address", Text, nullable=False),
    Column("message_id", String(KEY_LENGTH), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Index(None, "platform", "request_id"),
    UniqueConstraint("platform", "request_id", "employee_id", "message_id"),
    **MYSQL_TABLE_OPTIONS,
)

#: One decision per level of a request's approval chain (manager, then HR...): who, which way, when.
approval_decisions = Table(
    "approval_decisions",
    metadata,
    Column("id", id_type(), primary_key=True, autoincrement=True),
    Column("request_id", id_type(), ForeignKey("leave_requests.id"), nullable=False),
    Column("level", Integer, nullable=False),
    Column("role", String(16), nullable=False),  # manager | hr
    Column("decided_by", String(64), ForeignKey(EMPLOYEE_FK), nullable=False),
    Column("approved", Boolean, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("at", UtcDateTime(), nullable=False),
    # A level is decided once, even when two deciders race.
    UniqueConstraint("request_id", "level"),
    **MYSQL_TABLE_OPTIONS,
)

#: Who decides for someone while they are away, between two dates (inclusive).
delegations = Table(
    "delegations",
    metadata,
    Column("id", id_type(), primary_key=True, autoincrement=True),
    Column("delegator_id", String(64), ForeignKey(EMPLOYEE_FK), nullable=False),
    Column("delegate_id", String(64), ForeignKey(EMPLOYEE_FK), nullable=False),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Index(None, "delegator_id"),
    Index(None, "delegate_id"),
    **MYSQL_TABLE_OPTIONS,
)

#: The events LeaveBot put in Google or Outlook calendars, one per unbroken run of a request's days,
#: so that a retry or a resync updates or removes them instead of creating a second one.
calendar_events = Table(
    "calendar_events",
    metadata,
    Column("request_id", id_type(), ForeignKey("leave_requests.id"), primary_key=True),
    Column("provider", String(16), primary_key=True),  # google | outlook
    Column("segment", Integer, primary_key=True, autoincrement=False),
    Column("external_id", Text, nullable=False),
    Column("calendar", String(KEY_LENGTH), nullable=False),  # the employee's e-mail
    Column("updated_at", UtcDateTime(), nullable=False),
    **MYSQL_TABLE_OPTIONS,
)

#: Permanent calendar refusals (forbidden, no such mailbox), for HR; cleared by a later success.
calendar_failures = Table(
    "calendar_failures",
    metadata,
    Column("request_id", id_type(), ForeignKey("leave_requests.id"), primary_key=True),
    Column("provider", String(16), primary_key=True),
    Column("calendar", String(KEY_LENGTH), nullable=False),
    Column("detail", Text, nullable=False),
    Column("at", UtcDateTime(), nullable=False),
    **MYSQL_TABLE_OPTIONS,
)

#: The random tokens of iCalendar feeds (a person's or a department's); revoked, never deleted.
feed_tokens = Table(
    "feed_tokens",
    metadata,
    # SHA-256 of the link's token, lower-case hex: the token itself is never stored.
    Column("token_hash", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),  # employee | department
    Column("subject", String(KEY_LENGTH), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime(), nullable=True),
    Index(None, "kind", "subject"),
    **MYSQL_TABLE_OPTIONS,
)

#: One row per (job, period) a scheduled job ran for, taken before anything is sent: the unique
#: key is what keeps two schedulers, a restart or a manual run from posting a digest twice.
job_runs = Table(
    "job_runs",
    metadata,
    Column("id", id_type(), primary_key=True, autoincrement=True),
    Column("job", String(64), nullable=False),
    Column("period", String(KEY_LENGTH), nullable=False),
    Column("started_at", UtcDateTime(), nullable=False),
    Column("finished_at", UtcDateTime(), nullable=True),
    Column("outcome", String(16), nullable=False),  # running | ok | failed
    Column("detail", Text, nullable=False),
    UniqueConstraint("job", "period"),
    Index(None, "job", "started_at"),
    **MYSQL_TABLE_OPTIONS,
)

#: What a job run decided to send, one row per target, settled once sent (like outbox targets).
job_posts = Table(
    "job_posts",
    metadata,
    Column("id", id_type(), primary_key=True, autoincrement=True),
    Column("job", String(64), nullable=False),
    Column("period", String(KEY_LENGTH), nullable=False),
    Column("target", String(KEY_LENGTH), nullable=False),
    Column("payload", Text, nullable=False),  # JSON
    Column("created_at", UtcDateTime(), nullable=False),
    Column("attempts", Integer, nullable=False, default=0, server_default=text("0")),
    Column("next_attempt_at", UtcDateTime(), nullable=True),
    Column("settled_at", UtcDateTime(), nullable=True),
    Column("outcome", String(16), nullable=True),  # delivered | unreachable | failed
    Column("detail", Text, nullable=True),
    UniqueConstraint("job", "period", "target"),
    Index(None, "settled_at", "next_attempt_at"),
    **MYSQL_TABLE_OPTIONS,
)

#: Scheduler leadership on databases without named locks (SQLite): one row, a holder and an expiry.
scheduler_leases = Table(
    "scheduler_leases",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(KEY_LENGTH), nullable=False),
    Column("until", UtcDateTime(), nullable=False),
    **MYSQL_TABLE_OPTIONS,
)

#: Files handed out by link (HR's report in Teams) until taken or expired; only the token's SHA-256 is kept.
downloads = Table(
    "downloads",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("filename", String(KEY_LENGTH), nullable=False),
    Column("media_type", String(64), nullable=False),
    Column("content", long_text_type(), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    # Served to every request until it expires (a picture a Teams card points at), not taken once.
    Column("reusable", Boolean, nullable=False, default=False, server_default=false()),
    Index(None, "expires_at"),
    **MYSQL_TABLE_OPTIONS,
)

#: An offer of unpaid leave waiting for its ``yes`` (core.domain.splits): one per person, the paid
#: part's columns NULL when no paid day was left.
split_offers = Table(
    "split_offers",
    metadata,
    Column("employee_id", String(64), ForeignKey(EMPLOYEE_FK), primary_key=True),
    Column("paid_type", String(64), nullable=True),
    Column("paid_start", Date, nullable=True),
    Column("paid_end", Date, nullable=True),
    Column("unpaid_type", String(64), nullable=False),
    Column("unpaid_start", Date, nullable=False),
    Column("unpaid_end", Date, nullable=False),
    Column("half", String(8), nullable=True),
    Column("reason", Text, nullable=False),
    Column("made_at", UtcDateTime(), nullable=False),
    **MYSQL_TABLE_OPTIONS,
)

#: Comp-off claims (core.domain.compoff): a day off worked, decided like leave; ``levels`` as on
#: leave_requests. An approved claim's credit is a COMP_OFF ledger entry with source (comp_off, id).
compoff_claims = Table(
    "compoff_claims",
    metadata,
    Column("id", id_type(), primary_key=True, autoincrement=True),
    Column("employee_id", String(64), ForeignKey(EMPLOYEE_FK), nullable=False),
    Column("day", Date, nullable=False),
    Column("half", String(16), nullable=True),
    Column("reason", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("approver_id", String(64), ForeignKey(EMPLOYEE_FK), nullable=True),
    Column("levels", String(64), nullable=False),
    Column("level", Integer, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("decided_by", String(64), ForeignKey(EMPLOYEE_FK), nullable=True),
    Column("decided_at", UtcDateTime(), nullable=True),
    Column("decision_note", Text, nullable=False),
    Index(None, "employee_id", "day"),
    Index(None, "status"),
    **MYSQL_TABLE_OPTIONS,
)

#: One-time links (:mod:`core.domain.links`): a dashboard sign-in, an e-mailed decision, a switch back
#: to chat. Only the token's hash is kept; ``used_at`` is set once, by a conditional update.
link_tokens = Table(
    "link_tokens",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("purpose", String(16), nullable=False),
    Column("employee_id", String(64), ForeignKey(EMPLOYEE_FK), nullable=False),
    Column("subject", String(64), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("used_at", UtcDateTime(), nullable=True),
    Index(None, "expires_at"),
    **MYSQL_TABLE_OPTIONS,
)

#: A signed-in session of the web dashboard (core.ports.web): only the SHA-256 of its id, which the
#: person's cookie holds. The door expires it after idling and after a fixed time from its start.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("employee_id", String(64), ForeignKey(EMPLOYEE_FK), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("last_seen_at", UtcDateTime(), nullable=False),
    Index(None, "employee_id"),
    Index(None, "last_seen_at"),
    **MYSQL_TABLE_OPTIONS,
)

#: One row per kind of data that processes keep (policies, holidays, employees), with a random token
#: that every transaction changing that kind replaces: see :mod:`storage.cache`.
cache_versions = Table(
    "cache_versions",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("token", String(32), nullable=False),
    **MYSQL_TABLE_OPTIONS,
)

#: One row per person whose leave was written through the repositories, with a random token that
#: every transaction adding to their ledger or changing their requests replaces: see
#: :mod:`storage.cache` (what a balance reads of them is kept per process under it).
person_stamps = Table(
    "person_stamps",
    metadata,
    Column("employee_id", String(64), primary_key=True),
    Column("token", String(32), nullable=False),
    **MYSQL_TABLE_OPTIONS,
)
