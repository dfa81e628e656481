"""Steps of the registration loop, done through the real services."""

import datetime

from cases.models import DestinationCategory, EmployerNature, Industry, JobCategory, Region
from processes.leave import services as leave
from processes.registration import services as registration
from workflows.models import TaskScope

GOOD_CREDIT_CODE = "91350100M000100Y43"
# The columns every roster must have, in the order of the template.
ROSTER_COLUMNS = ["学号", "姓名", "性别", "身份证号", "学历层次", "院系", "专业名称"]


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


def employment_form(**overrides) -> dict:
    """``employment_values(**overrides)`` as a posted form sends them: codes by primary key."""
    values = employment_values(**overrides)
    return {k: (v.pk if hasattr(v, "pk") else v) for k, v in values.items()}


def open_task(graduate, *kinds) -> TaskScope:
    return TaskScope.objects.get(
        graduate=graduate, status__in=["open", "assigned"], **({"kind__in": kinds} if kinds else {})
    )


def submit(graduate, **overrides):
    task = open_task(graduate, "register", "correct")
    return registration.registration_submit(
        task_id=task.pk, user=graduate.user, values=employment_values(**overrides)
    )


def decide(graduate, user, *, approve=True, reason=""):
    task = open_task(graduate, "college_audit", "university_audit")
    registration.audit_decide(task_id=task.pk, user=user, approve=approve, reason=reason)
    return task


TRANSFER_VALUES = {
    "archive_destination": "employer",
    "archive_unit": "福建测试科技有限公司人力资源部",
    "archive_address": "福建省福州市鼓楼区五四路100号",
    "archive_postcode": "350001",
    "archive_contact": "陈经理",
    "archive_phone": "0591-87654321",
    "archive_method": "confidential_mail",
    "hukou_migrate": True,
    "hukou_type": "to_employer",
    "hukou_address": "福建省福州市鼓楼区五四路100号集体户",
}


def approve_registration(graduate, reviewer):
    submit(graduate)
    decide(graduate, reviewer, approve=True)
    graduate.refresh_from_db()
    return graduate


def open_leave_window(university, supervisor, cohort=2026):
    import datetime

    from django.utils import timezone

    return leave.leave_confirmation_open(
        university=university,
        cohort=cohort,
        opens_on=timezone.localdate() - datetime.timedelta(days=1),
        closes_on=None,
        actor=supervisor,
    )


def confirm(graduate, reviewer, *, consent=True, **transfer):
    """Submit archive/hukou details, have them approved, and confirm: returns the confirmation."""
    task = open_task(graduate, "confirm_leave")
    leave.leave_details_submit(
        task_id=task.pk, user=graduate.user, values={**TRANSFER_VALUES, **transfer}
    )
    audit = open_task(graduate, "audit_transfer")
    leave.transfer_audit_decide(task_id=audit.pk, user=reviewer, approve=True)
    task = open_task(graduate, "confirm_leave")
    return leave.leave_confirm(task_id=task.pk, user=graduate.user, consent=consent)
