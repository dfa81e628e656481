"""Steps of the registration loop, done through the real services."""

import datetime

from cases.models import DestinationCategory, EmployerNature, Industry, JobCategory, Region
from workflows import services
from workflows.models import TaskScope

GOOD_CREDIT_CODE = "91350100M000100Y43"


def employment_values(**overrides) -> dict:
    values = {
        "category": DestinationCategory.objects.get(code="10"),
        "employer_name": "福建测试科技有限公司",
        "employer_credit_code": GOOD_CREDIT_CODE,
        "employer_nature": EmployerNature.objects.get(code="39"),
        "employer_industry": Industry.objects.get(code="I"),
        "employer_region": Region.objects.get(code="350100"),
        "job_category": JobCategory.objects.get(code="13"),
        "signed_on": datetime.date(2026, 5, 20),
    }
    values.update(overrides)
    return values


def open_task(graduate, *kinds) -> TaskScope:
    return TaskScope.objects.get(
        graduate=graduate, status__in=["open", "assigned"], **({"kind__in": kinds} if kinds else {})
    )


def submit(graduate, **overrides):
    task = open_task(graduate, "register", "correct")
    return services.registration_submit(
        task_id=task.pk, user=graduate.user, values=employment_values(**overrides)
    )


def decide(graduate, user, *, approve=True, reason=""):
    task = open_task(graduate, "college_audit", "university_audit")
    services.audit_decide(task_id=task.pk, user=user, approve=approve, reason=reason)
    return task
