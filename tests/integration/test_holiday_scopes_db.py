"""Holiday scopes and optional holidays on the real databases, through ``LeaveService`` and the CLI."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import Engine, func, inspect, select, text

from bot.render_text import render
from core.errors import LeaveError
from core.service import LeaveService
from storage import migrate, tables
from storage.engine import make_engine
from tests.integration.test_cli import DEMO_CSV, Leavebot, leavebot  # noqa: F401 (fixture, used by name)
from tests.unit.conftest import policy_document

BENGALURU, MUMBAI = "ananya@x.test", "rahul@x.test"  # the test organisation's offices


def said(service: LeaveService, email: str, line: str) -> str:
    return render(service.handle_text(email, line, source="console"))


def holidays_stored(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(tables.holidays)).scalar_one())


def test_karnatakas_holidays_apply_in_bengaluru_only_and_each_date_once(service: LeaveService) -> None:
    synced = service.sync_holidays("IN", "KA", 2027)
    assert (synced.subdivision, synced.locations) == ("KA", ("Bengaluru", "Mysuru"))
    service.sync_holidays("IN", None, 2027)
    assert "Karnataka Rajyotsava" in said(service, BENGALURU, "holidays 2027")
    assert "Karnataka Rajyotsava" not in said(service, MUMBAI, "holidays 2027")
    # Republic Day is in the policy, the national list and Karnataka's: one row, the company's name.
    listed = said(service, BENGALURU, "holidays 2027")
    assert listed.count("26 Jan 2027") == 1 and "Republic Day" in listed
    # Ugadi (Wed 7 Apr 2027) is off in Bengaluru only.
    assert "Days counted: 4" in said(service, BENGALURU, "plan casual 2027-04-05 to 2027-04-09")
    assert "Days counted: 5" in said(service, MUMBAI, "plan casual 2027-04-05 to 2027-04-09")
    assert "Days counted: 4" in said(service, BENGALURU, "plan casual 2027-01-25 to 2027-01-29")


def test_an_unmapped_subdivision_is_refused_and_nothing_is_stored(service: LeaveService, engine: Engine) -> None:
    before = holidays_stored(engine)
    with pytest.raises(LeaveError, match=r"Mapped locations: Bengaluru \(KA\)"):
        service.sync_holidays("IN", "GA", 2027)
    assert holidays_stored(engine) == before


def test_optional_holidays_are_booked_within_the_allowance(service: LeaveService, engine: Engine) -> None:
    service.load_policy(policy_document(including=("optional",)), "test")
    assert "LV-1001 submitted" in said(service, BENGALURU, "apply optional 2027-01-15")
    assert "LV-1002 submitted" in said(service, BENGALURU, "apply optional 2027-04-07")
    assert "approved" in said(service, "boss@x.test", "approve LV-1001").lower()
    refused = said(service, BENGALURU, "apply optional 2027-08-17")
    assert "You have booked 2 of the 2 optional holidays allowed in 2027" in refused
    assert "not on the optional holiday list" in said(service, BENGALURU, "apply optional 2027-08-18")
    listing = said(service, BENGALURU, "optional 2027")
    assert "LV-1001 approved" in listing and "LV-1002 pending" in listing and "0 left" in listing
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(tables.leave_requests)).scalar_one() == 2


def test_holidays_sync_with_subdiv_says_whom_it_applies_to(leavebot: Leavebot) -> None:  # noqa: F811
    leavebot("employees", "import", str(DEMO_CSV))
    synced = leavebot("holidays", "sync", "--country", "IN", "--subdiv", "ka", "--year", "2027")
    assert "public holidays for IN-KA in 2027; they apply to people in Bengaluru, Mysuru." in synced.stdout
    whole = leavebot("holidays", "sync", "--country", "IN", "--year", "2027")
    assert "they apply to everyone in region INDIA." in whole.stdout
    refused = leavebot("holidays", "sync", "--country", "IN", "--subdiv", "GA", "--year", "2027", expect=2)
    assert refused.stderr.count("\n") == 1 and "Mapped locations: Bengaluru (KA)" in refused.stderr
    bengaluru = leavebot.chat("ananya.iyer@demo.leavebot.example", "holidays 2027")
    mumbai = leavebot.chat("priya.nair@demo.leavebot.example", "holidays 2027")
    assert "Karnataka Rajyotsava" in bengaluru and "Karnataka Rajyotsava" not in mumbai


def test_0016_keeps_stored_holidays_region_wide_and_downgrades_cleanly(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine, "0015")
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO holidays (region, location, day, name, source) VALUES "
                              "('INDIA', '', :day, 'Ugadi', 'holidays:IN-KA')"), {"day": date(2027, 4, 7)})
        migrate.upgrade(engine, "0016")
        with engine.connect() as conn:
            assert conn.execute(select(tables.holidays.c.subdivision)).scalar_one() == ""
        config = migrate.alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0015")
        assert "subdivision" not in {c["name"] for c in inspect(engine).get_columns("holidays")}
    finally:
        engine.dispose()
