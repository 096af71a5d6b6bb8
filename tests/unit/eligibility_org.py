"""An organisation whose directory has the eligibility columns, and a policy whose types use them.

The built-in policy gives maternity to women and paternity to men; this one also opens privilege
leave to permanent staff after six months' service and allows two maternity requests, so that
every rule has someone it keeps out. On 25 Nov 2026 (the tests' day):

- Ananya (female, permanent, joined 2022) may take everything but paternity;
- Rahul (male, permanent) everything but maternity;
- Kiran (other, no employment type) neither maternity nor paternity;
- Dev (male, permanent, joined 1 Sep 2026) not privilege until 1 Mar 2027;
- Isha (female, contract) not privilege, whatever her service.
"""

from __future__ import annotations

import copy
from typing import Any

from tests.unit.conftest import policy_document

ELIGIBILITY_CSV = """\
employee_id,email,first_name,last_name,manager_email,role,department,location,country,joining_date,status,time_zone,\
gender,employment_type,confirmation_date
E1,hr@x.test,Meera,Nair,,HR_ADMIN,People,Bengaluru,INDIA,2020-01-06,ACTIVE,Asia/Kolkata,female,permanent,
E2,boss@x.test,Vikram,Rao,,MANAGER,Engineering,Bengaluru,IN,2019-03-01,ACTIVE,Asia/Kolkata,male,permanent,
E3,ananya@x.test,Ananya,Iyer,boss@x.test,EMPLOYEE,Engineering,Bengaluru,INDIA,2022-07-11,ACTIVE,Asia/Kolkata,Female,\
Permanent,2023-01-11
E4,rahul@x.test,Rahul,Verma,boss@x.test,EMPLOYEE,Engineering,Mumbai,INDIA,2023-02-01,ACTIVE,Asia/Kolkata,male,permanent,
E5,kiran@x.test,Kiran,Das,ananya@x.test,EMPLOYEE,Engineering,Bengaluru,INDIA,2024-05-02,ACTIVE,America/New_York,other,,
E6,dev@x.test,Dev,Sharma,boss@x.test,EMPLOYEE,Engineering,Bengaluru,INDIA,2026-09-01,ACTIVE,Asia/Kolkata,male,permanent,
E7,isha@x.test,Isha,Kapoor,boss@x.test,EMPLOYEE,Engineering,Bengaluru,INDIA,2021-04-01,ACTIVE,Asia/Kolkata,female,contract,
"""

#: The India types in their order, without the unpaid type a policy may add after them.
PAID_TYPES = ("casual", "sick", "privilege", "maternity", "paternity")


def eligibility_policy() -> dict[str, Any]:
    """The built-in policy, with privilege leave for permanent staff after 6 months and maternity twice."""
    document = copy.deepcopy(policy_document())
    document["leave_types"]["privilege"]["eligible"] = {"min_service_months": 6, "employment_type": ["permanent"]}
    document["leave_types"]["maternity"]["eligible"] = {"gender": ["female"], "max_occurrences": 2}
    return document
