"""A December with several people out, some of it pending, for the calendar and approvals pages in
the browser: the small organisation of the integration tests, grown by a few engineers and a Design
team. Used by the browser tests of those pages and for their screenshots."""

from __future__ import annotations

from datetime import date

from core.commands import ApplyLeave, Decide
from core.domain.model import HalfDay
from core.service import LeaveService
from core.views import AppliedView

MORE_PEOPLE = """\
employee_id,email,first_name,last_name,manager_email,role,department,location,country,joining_date,status,time_zone
E6,priya@x.test,Priya,Shah,boss@x.test,EMPLOYEE,Engineering,Mumbai,INDIA,2021-04-05,ACTIVE,Asia/Kolkata
E7,arjun@x.test,Arjun,Mehta,boss@x.test,EMPLOYEE,Engineering,Bengaluru,INDIA,2022-01-10,ACTIVE,Asia/Kolkata
E8,sara@x.test,Sara,Thomas,boss@x.test,EMPLOYEE,Engineering,Pune,INDIA,2023-06-19,ACTIVE,Asia/Kolkata
E9,neha@x.test,Neha,Gupta,,MANAGER,Design,Bengaluru,INDIA,2020-08-03,ACTIVE,Asia/Kolkata
E10,omar@x.test,Omar,Khan,neha@x.test,EMPLOYEE,Design,Bengaluru,INDIA,2024-02-12,ACTIVE,Asia/Kolkata
E11,lena@x.test,Lena,Fischer,neha@x.test,EMPLOYEE,Design,Pune,INDIA,2023-09-01,ACTIVE,Asia/Kolkata
"""


def apply(service: LeaveService, email: str, leave_type: str, start: date, end: date,
          half: HalfDay | None = None, reason: str = "family") -> int:
    view = service.execute(email, ApplyLeave(leave_type, start, end, half, reason=reason), "test")
    assert isinstance(view, AppliedView), view
    return view.request.id


def busy_december(service: LeaveService) -> dict[str, int]:
    """Grow the organisation and book its December; the request ids by the applicant's first name."""
    result = service.import_employees(MORE_PEOPLE)
    assert not getattr(result, "problems", None), result
    booked = {
        "rahul": apply(service, "rahul@x.test", "sick", date(2026, 12, 1), date(2026, 12, 2), reason="fever"),
        "kiran": apply(service, "kiran@x.test", "casual", date(2026, 12, 3), date(2026, 12, 3), HalfDay.FIRST),
        "priya": apply(service, "priya@x.test", "privilege", date(2026, 12, 14), date(2026, 12, 18),
                       reason="trip home"),
        "sara": apply(service, "sara@x.test", "casual", date(2026, 12, 10), date(2026, 12, 10)),
        "omar": apply(service, "omar@x.test", "sick", date(2026, 12, 7), date(2026, 12, 8), reason="dentist"),
        "arjun": apply(service, "arjun@x.test", "casual", date(2026, 12, 21), date(2026, 12, 23),
                       reason="sister's wedding"),
        "lena": apply(service, "lena@x.test", "privilege", date(2026, 12, 28), date(2026, 12, 31), reason="holiday"),
        "ananya": apply(service, "ananya@x.test", "casual", date(2026, 12, 16), date(2026, 12, 16), HalfDay.SECOND,
                        reason="school play"),
        "rahul_moving": apply(service, "rahul@x.test", "casual", date(2026, 12, 17), date(2026, 12, 18),
                              reason="moving house"),
    }
    for name, approver in (("rahul", "boss@x.test"), ("priya", "boss@x.test"), ("sara", "boss@x.test"),
                           ("omar", "neha@x.test")):
        service.execute(approver, Decide(booked[name], True), "test")
    return booked
