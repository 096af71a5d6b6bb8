"""A small organisation on the in-memory fakes, with the built-in India policy, on a fixed day."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.service import LeaveService
from tests.unit.fakes import FakeStore, FixedClock

DEFAULT_POLICY = Path(__file__).resolve().parents[2] / "bot" / "policies" / "default.yaml"

ORG_CSV = """\
employee_id,email,first_name,last_name,manager_email,role,department,location,country,joining_date,status,time_zone
E1,hr@x.test,Meera,Nair,,HR_ADMIN,People,Bengaluru,INDIA,2020-01-06,ACTIVE,Asia/Kolkata
E2,boss@x.test,Vikram,Rao,,MANAGER,Engineering,Bengaluru,IN,2019-03-01,ACTIVE,Asia/Kolkata
E3,ananya@x.test,Ananya,Iyer,boss@x.test,EMPLOYEE,Engineering,Bengaluru,INDIA,2022-07-11,ACTIVE,Asia/Kolkata
E4,rahul@x.test,Rahul,Verma,boss@x.test,EMPLOYEE,Engineering,Mumbai,INDIA,2023-02-01,ACTIVE,Asia/Kolkata
E5,kiran@x.test,Kiran,Das,ananya@x.test,EMPLOYEE,Engineering,Bengaluru,INDIA,2024-05-02,ACTIVE,America/New_York
"""


#: Leave types of the built-in policy that the shared organisation's policy leaves out, so that the
#: tests written before them read the same; a test that needs one asks for it (``including``).
LATER_TYPES = ("unpaid", "optional", "compoff")


def policy_document(*, including: tuple[str, ...] = ()) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(DEFAULT_POLICY.read_text())
    for key in set(LATER_TYPES) - set(including):
        document["leave_types"].pop(key, None)
        for region in document["regions"].values():
            if "leave_types" in region:
                region["leave_types"] = [k for k in region["leave_types"] if k != key]
    return document


@pytest.fixture
def clock() -> FixedClock:
    # Wednesday 25 Nov 2026, 10:00 in India.
    return FixedClock(datetime(2026, 11, 25, 4, 30, tzinfo=UTC))


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


@pytest.fixture
def service(store: FakeStore, clock: FixedClock) -> LeaveService:
    service = LeaveService(store, clock, default_time_zone="Asia/Kolkata")
    service.load_policy(policy_document(), "test")
    service.import_employees(ORG_CSV)
    return service


@pytest.fixture
def unpaid_service(store: FakeStore, clock: FixedClock) -> LeaveService:
    """The shared organisation with the built-in policy's unpaid type (LWP) open to everyone."""
    service = LeaveService(store, clock, default_time_zone="Asia/Kolkata")
    service.load_policy(policy_document(including=("unpaid",)), "test")
    service.import_employees(ORG_CSV)
    return service
