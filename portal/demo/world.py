"""The demo world: the organisations, one account per role, and a cohort taken through
registration, audit, targeted enrolment and leave-time confirmation by the real services."""

import random
import secrets

from django.contrib.auth import get_user_model
from django.utils import timezone

from cases.models import (
    DestinationCategory,
    EmployerNature,
    Graduate,
    Industry,
    JobCategory,
    Region,
)
from cases.roster_files import COLUMNS, RosterValidator
from portal.demo.identifiers import demo_roster_rows, make_id_number, valid_credit_code
from processes.leave import services as leave
from processes.registration import services as registration
from roles import services as role_services
from roles.models import (
    AccountActivation,
    College,
    Membership,
    Province,
    Role,
    University,
    VerifierOrganisation,
)
from workflows.models import TaskScope

UNIVERSITIES = [
    ("19001", "示范理工大学", "110000", 2),
    ("19002", "示范师范大学", "110000", 1),
    ("19003", "沪上示范大学", "310000", 1),
]
COLLEGES = [("01", "计算机学院"), ("02", "经济管理学院"), ("03", "外国语学院")]

ACCOUNTS = [
    # username, name, role, organisation
    ("demo-graduate", "李明", Role.GRADUATE, None),
    (
        "demo-college-reviewer",
        "王老师（院系审核）",
        Role.COLLEGE_REVIEWER,
        ("college", "19001", "01"),
    ),
    ("demo-reviewer", "赵老师（学校审核）", Role.UNIVERSITY_REVIEWER, ("university", "19001")),
    (
        "demo-targeted-reviewer",
        "郑老师（定向生审核）",
        Role.TARGETED_REVIEWER,
        ("university", "19001"),
    ),
    (
        "demo-supervisor",
        "陈主任（学校负责人）",
        Role.UNIVERSITY_SUPERVISOR,
        ("university", "19001"),
    ),
    ("demo-monitor", "刘处长（省级监测）", Role.PROVINCIAL_MONITOR, ("province", "110000")),
    ("demo-inspector", "孙老师（核查员）", Role.INSPECTOR, ("province", "110000")),
    ("demo-national", "周司长（全国管理员）", Role.NATIONAL_ADMIN, None),
    ("demo-verifier", "吴警官（户籍核验）", Role.VERIFIER, ("verifier",)),
]


def load(*, only_organisations: bool = False) -> dict:
    rng = random.Random(2026)
    for region in Region.objects.filter(level=Region.Level.PROVINCE):
        Province.objects.get_or_create(code=region.code, defaults={"name": region.name})
    universities = {}
    for code, name, province, levels in UNIVERSITIES:
        university = University.objects.create(
            code=code,
            name=name,
            province=Province.objects.get(code=province),
            audit_levels=levels,
        )
        universities[code] = university
        for college_code, college_name in COLLEGES:
            College.objects.create(university=university, code=college_code, name=college_name)
    verifier_org = VerifierOrganisation.objects.create(
        name="北京市公安局海淀分局户政处",
        kind=VerifierOrganisation.Kind.HUKOU,
        province=Province.objects.get(code="110000"),
    )
    passwords = {}
    user_model = get_user_model()
    cohort = demo_cohort()
    main = universities["19001"]
    supervisor = None
    for username, name, role, org in ACCOUNTS:
        if role == Role.GRADUATE:
            continue
        password = new_password()
        user = user_model.objects.create_user(username=username, password=password, first_name=name)
        kwargs = {}
        if org and org[0] == "college":
            kwargs["college"] = College.objects.get(university__code=org[1], code=org[2])
            kwargs["university"] = kwargs["college"].university
            kwargs["province"] = kwargs["university"].province
        elif org and org[0] == "university":
            kwargs["university"] = universities[org[1]]
            kwargs["province"] = kwargs["university"].province
        elif org and org[0] == "province":
            kwargs["province"] = Province.objects.get(code=org[1])
        elif org and org[0] == "verifier":
            kwargs["verifier_organisation"] = verifier_org
            kwargs["province"] = verifier_org.province
        role_services.membership_create(user=user, role=role, **kwargs)
        passwords[username] = password
        if role == Role.UNIVERSITY_SUPERVISOR:
            supervisor = user
    admin_password = new_password()
    user_model.objects.create_superuser(
        username="demo-admin", password=admin_password, first_name="系统管理员"
    )
    passwords["demo-admin"] = admin_password

    # Colleagues (same passwords): a second university reviewer, so claiming between
    # colleagues can be tried, and a reviewer for each other college.
    colleague = user_model.objects.create_user(
        username="demo-reviewer2",
        password=passwords["demo-reviewer"],
        first_name="钱老师（学校审核）",
    )
    role_services.membership_create(
        user=colleague, role=Role.UNIVERSITY_REVIEWER, university=main, province=main.province
    )
    for college in main.colleges.exclude(code="01"):
        user = user_model.objects.create_user(
            username=f"demo-college-reviewer{college.code}",
            password=passwords["demo-college-reviewer"],
            first_name=f"{college.name}审核员",
        )
        role_services.membership_create(
            user=user,
            role=Role.COLLEGE_REVIEWER,
            college=college,
            university=main,
            province=main.province,
        )

    if only_organisations:
        return passwords

    # The cohort, opened through the real roster import.

    table = demo_roster_rows(cohort=cohort, count=40, rng=rng)
    incomplete = [name for name, _h, _r in COLUMNS].index("is_incomplete")
    for row in table[-2:]:  # two 结业生, completed without graduating
        row[incomplete] = "是"
    rows = RosterValidator(university=main).parse(table)
    registration.roster_import(university=main, cohort=cohort, rows=rows, actor=supervisor)
    other = universities["19003"]
    rows = RosterValidator(university=other).parse(
        demo_roster_rows(cohort=cohort, count=12, rng=rng, first_no=50001)
    )
    registration.roster_import(university=other, cohort=cohort, rows=rows, actor=None)

    graduates = list(
        Graduate.objects.filter(university=main, cohort=cohort)
        .order_by("student_no")
        .select_related("user")
    )
    # The demo graduate: an activated account with an open registration task.
    demo_grad = graduates[0]
    password = new_password()
    user = demo_grad.user
    user.username, user.first_name = "demo-graduate", demo_grad.name
    user.set_password(password)
    user.save()
    AccountActivation.objects.create(
        user=user,
        identity_digest=role_services.identity_digest(demo_grad.id_number),
        activated_at=timezone.now(),
    )
    passwords["demo-graduate"] = password

    # Some cases further along, so every inbox has something in it.
    advance(graduates[2:22], rng=rng)
    targeted(main, cohort, supervisor, rng=rng)
    passwords["verification"] = leave_time(main, cohort, supervisor)
    # One graduate left to activate, with a code printed below.
    pending = graduates[1]
    code = role_services.activation_codes_issue(accounts=[(pending.user_id, pending.id_number)])[
        pending.user_id
    ]
    passwords["activation"] = {
        "id_number": pending.id_number,
        "code": code,
        "name": pending.name,
    }
    return passwords


def advance(graduates, *, rng):
    """Submit registrations for some graduates and audit a few of them."""
    categories = {c.code: c for c in DestinationCategory.objects.all()}
    natures, industries, jobs = (
        list(EmployerNature.objects.all()),
        list(Industry.objects.all()),
        list(JobCategory.objects.all()),
    )
    cities = list(Region.objects.filter(level=Region.Level.PREFECTURE)[:60])
    reviewer = get_user_model().objects.get(username="demo-reviewer")
    college_reviewers = {
        m.college.code: m.user
        for m in Membership.objects.filter(role=Role.COLLEGE_REVIEWER).select_related(
            "college", "user"
        )
    }
    employers = [
        "北京星河信息技术有限公司",
        "华北电力工程有限公司",
        "中关村智能制造研究院",
        "北京市海淀区实验中学",
        "远航物流集团有限公司",
    ]
    for i, graduate in enumerate(graduates):
        code = ["10", "11", "801", "12", "85", "70", "75"][i % 7]
        values = {"category": categories[code]}
        if categories[code].destination_class == "employed":
            values.update(
                employer_name=rng.choice(employers),
                employer_credit_code=valid_credit_code(rng),
                employer_nature=rng.choice(natures),
                employer_industry=rng.choice(industries),
                employer_region=rng.choice(cities),
                job_category=rng.choice(jobs),
                signed_on=timezone.localdate() - timezone.timedelta(days=rng.randint(5, 60)),
            )
        elif code == "801":
            values["study_institution"] = "示范理工大学研究生院"
        elif code == "85":
            values["foreign_institution"] = "University of Edinburgh"
        task = TaskScope.objects.get(graduate=graduate, kind="register")
        registration.registration_submit(task_id=task.pk, user=graduate.user, values=values)
        if i % 3 == 0:
            continue  # left waiting for audit
        audit = TaskScope.objects.filter(graduate=graduate, status="open").get()
        auditor = college_reviewers[graduate.college.code]
        if i % 3 == 1:
            registration.audit_decide(task_id=audit.pk, user=auditor, approve=True)
            if i % 2:
                final = TaskScope.objects.filter(graduate=graduate, status="open").get()
                registration.audit_decide(task_id=final.pk, user=reviewer, approve=True)
        else:
            registration.audit_decide(
                task_id=audit.pk,
                user=auditor,
                approve=False,
                reason="签约日期与就业协议不一致，请核对后重新提交。",
            )


def targeted(university, cohort, supervisor, *, rng):
    """Two targeted (定向) graduates; one registers elsewhere and waits for the targeted reviewer."""

    header = [h for _n, h, _r in COLUMNS]
    rows = [header]
    for i, (name, region) in enumerate((("定向一", "650000"), ("定向二", "540000"))):
        male = i == 0
        values = {
            "student_no": f"{cohort}9{i:04d}",
            "name": name,
            "gender": "男" if male else "女",
            "id_number": make_id_number(
                region="110102",
                birth=timezone.datetime(cohort - 22, 3, 1).date(),
                seq=900 + i,
                male=male,
            ),
            "education_level": "本科",
            "college": "计算机学院",
            "major_name": "临床医学",
            "training_mode": "定向",
            "targeted_region": region,
            "agreement_no": f"DX-{cohort}-{i + 1:03d}",
            "is_incomplete": "否",
        }
        rows.append([values.get(n, "") for n, _h, _r in COLUMNS])
    registration.roster_import(
        university=university,
        cohort=cohort,
        rows=RosterValidator(university=university).parse(rows),
        actor=supervisor,
    )
    graduate = Graduate.objects.get(university=university, cohort=cohort, name="定向一")
    task = TaskScope.objects.get(graduate=graduate, kind="register")
    registration.registration_submit(
        task_id=task.pk,
        user=graduate.user,
        values={
            "category": DestinationCategory.objects.get(code="10"),
            "employer_name": "北京星河信息技术有限公司",
            "employer_credit_code": valid_credit_code(rng),
            "employer_nature": EmployerNature.objects.get(code="39"),
            "employer_industry": Industry.objects.get(code="I"),
            "employer_region": Region.objects.get(code="110100"),
            "job_category": JobCategory.objects.get(code="13"),
            "signed_on": timezone.localdate(),
        },
    )


def leave_time(university, cohort, supervisor) -> dict:
    """Open the leave window and let two approved graduates confirm, so that a verifier
    has something to verify."""
    leave.leave_confirmation_open(
        university=university,
        cohort=cohort,
        opens_on=timezone.localdate(),
        closes_on=None,
        actor=supervisor,
    )
    reviewer = get_user_model().objects.get(username="demo-reviewer")
    confirmed = None
    for task in TaskScope.objects.filter(
        university=university, kind="confirm_leave", status="assigned"
    )[:2]:
        graduate = task.graduate
        registration = graduate.current_registration
        leave.leave_details_submit(
            task_id=task.pk,
            user=graduate.user,
            values={
                "archive_destination": "employer" if registration.employer_name else "origin",
                "archive_unit": registration.employer_name or "生源地人力资源和社会保障局",
                "archive_address": "北京市海淀区中关村大街1号",
                "archive_postcode": "100080",
                "archive_contact": "人事处",
                "archive_phone": "010-62751234",
                "archive_method": "confidential_mail",
                "hukou_migrate": False,
                "hukou_type": "",
                "hukou_address": "",
            },
        )
        audit = TaskScope.objects.get(graduate=graduate, kind="audit_transfer", status="open")
        leave.transfer_audit_decide(task_id=audit.pk, user=reviewer, approve=True)
        final = TaskScope.objects.get(graduate=graduate, kind="confirm_leave", status="assigned")
        confirmed = leave.leave_confirm(task_id=final.pk, user=graduate.user, consent=True)
    if confirmed is None:
        return {}
    return {"name": confirmed.graduate.name, "transfer_no": confirmed.transfer_no}


def demo_cohort() -> int:
    today = timezone.localdate()
    return today.year + 1 if today.month >= 9 else today.year


def new_password() -> str:
    return "demo-" + secrets.token_urlsafe(9)
