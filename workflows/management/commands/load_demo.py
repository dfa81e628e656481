"""Loads a demo data set and prints one account per role.

Idempotent: a second run keeps the data and prints the same accounts. Passwords
are random per installation and kept in ``var/demo-accounts.json`` (never in the
repository).
"""

import json
import random
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cases.demo import demo_roster_rows, valid_credit_code
from cases.models import (
    DestinationCategory,
    EmployerNature,
    Graduate,
    Industry,
    JobCategory,
    Region,
)
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
from workflows import services
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


class Command(BaseCommand):
    help = "Load the demo data set (idempotent) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--organisations",
            action="store_true",
            help="only the provinces, the demo universities with their colleges and the staff "
            "accounts, no cases: the national node of a provincial/national pair, whose cases "
            "arrive from the provincial node",
        )

    def handle(self, *args, **options):
        only_organisations = options["organisations"]
        path = settings.VAR_DIR / "demo-accounts.json"
        saved = json.loads(path.read_text()) if path.exists() else {}
        with transaction.atomic():
            if not University.objects.filter(code="19001").exists():
                saved = self._load(only_organisations=only_organisations)
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(saved, ensure_ascii=False, indent=2))
                path.chmod(0o600)
        # Filing, report and spot check come on top, also of a demo loaded before they existed.
        from reporting.models import Filing

        if not only_organisations and not Filing.objects.exists():
            with transaction.atomic():
                self._reporting(demo_cohort(), rng=random.Random(2027))
        self._print(saved, only_organisations=only_organisations)

    # --- data -----------------------------------------------------------------------------

    def _load(self, *, only_organisations: bool = False) -> dict:
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
            password = _password()
            user = user_model.objects.create_user(
                username=username, password=password, first_name=name
            )
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
        admin_password = _password()
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
        from cases.roster import RosterValidator

        table = demo_roster_rows(cohort=cohort, count=40, rng=rng)
        rows = RosterValidator(university=main).parse(table)
        services.roster_import(university=main, cohort=cohort, rows=rows, actor=supervisor)
        other = universities["19003"]
        rows = RosterValidator(university=other).parse(
            demo_roster_rows(cohort=cohort, count=12, rng=rng, first_no=50001)
        )
        services.roster_import(university=other, cohort=cohort, rows=rows, actor=None)

        graduates = list(
            Graduate.objects.filter(university=main, cohort=cohort)
            .order_by("student_no")
            .select_related("user")
        )
        # The demo graduate: an activated account with an open registration task.
        demo_grad = graduates[0]
        password = _password()
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
        self._advance(graduates[2:22], rng=rng)
        self._targeted(main, cohort, supervisor, rng=rng)
        passwords["verification"] = self._leave_time(main, cohort, supervisor)
        # One graduate left to activate, with a code printed below.
        pending = graduates[1]
        code = role_services.activation_codes_issue(
            accounts=[(pending.user_id, pending.id_number)]
        )[pending.user_id]
        passwords["activation"] = {
            "id_number": pending.id_number,
            "code": code,
            "name": pending.name,
        }
        return passwords

    def _advance(self, graduates, *, rng):
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
            services.registration_submit(task_id=task.pk, user=graduate.user, values=values)
            if i % 3 == 0:
                continue  # left waiting for audit
            audit = TaskScope.objects.filter(graduate=graduate, status="open").get()
            auditor = college_reviewers[graduate.college.code]
            if i % 3 == 1:
                services.audit_decide(task_id=audit.pk, user=auditor, approve=True)
                if i % 2:
                    final = TaskScope.objects.filter(graduate=graduate, status="open").get()
                    services.audit_decide(task_id=final.pk, user=reviewer, approve=True)
            else:
                services.audit_decide(
                    task_id=audit.pk,
                    user=auditor,
                    approve=False,
                    reason="签约日期与就业协议不一致，请核对后重新提交。",
                )

    def _targeted(self, university, cohort, supervisor, *, rng):
        """Two targeted (定向) graduates; one registers elsewhere and waits for the targeted reviewer."""
        from cases.demo import make_id_number
        from cases.roster import COLUMNS, RosterValidator

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
        services.roster_import(
            university=university,
            cohort=cohort,
            rows=RosterValidator(university=university).parse(rows),
            actor=supervisor,
        )
        graduate = Graduate.objects.get(university=university, cohort=cohort, name="定向一")
        task = TaskScope.objects.get(graduate=graduate, kind="register")
        services.registration_submit(
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

    def _leave_time(self, university, cohort, supervisor) -> dict:
        """Open the leave window and let two approved graduates confirm, so that a verifier
        has something to verify."""
        services.leave_confirmation_open(
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
            services.leave_details_submit(
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
            services.transfer_audit_decide(task_id=audit.pk, user=reviewer, approve=True)
            final = TaskScope.objects.get(
                graduate=graduate, kind="confirm_leave", status="assigned"
            )
            confirmed = services.leave_confirm(task_id=final.pk, user=graduate.user, consent=True)
        if confirmed is None:
            return {}
        return {"name": confirmed.graduate.name, "transfer_no": confirmed.transfer_no}

    def _reporting(self, cohort, *, rng):
        """A second Beijing university that has filed and is in the province's report
        (awaiting the Ministry), the main university's filing returned with issues
        (awaiting resubmission), and a spot-check campaign with two checks done, one of
        them a discrepancy waiting for the university."""
        import datetime

        from django.core.files.uploadedfile import SimpleUploadedFile

        from cases.roster import RosterValidator
        from reporting import services as reporting
        from reporting.models import OrgTaskScope

        users = get_user_model().objects
        monitor = users.get(username="demo-monitor")
        main = University.objects.get(code="19001")
        normal = University.objects.get(code="19002")
        if not normal.colleges.exists():
            for college_code, college_name in COLLEGES:
                College.objects.create(university=normal, code=college_code, name=college_name)
        boss = users.filter(username="demo-supervisor-19002").first()
        if boss is None:
            boss = users.create_user(
                username="demo-supervisor-19002",
                password=_password(),
                first_name="林主任（示范师范大学）",
            )
            role_services.membership_create(
                user=boss,
                role=Role.UNIVERSITY_SUPERVISOR,
                university=normal,
                province=normal.province,
            )
            role_services.membership_create(
                user=users.create_user(
                    username="demo-reviewer-19002",
                    password=_password(),
                    first_name="黄老师（示范师范大学）",
                ),
                role=Role.UNIVERSITY_REVIEWER,
                university=normal,
                province=normal.province,
            )
        reviewer = Membership.objects.get(university=normal, role=Role.UNIVERSITY_REVIEWER).user
        if not normal.graduates.filter(cohort=cohort).exists():
            rows = RosterValidator(university=normal).parse(
                demo_roster_rows(cohort=cohort, count=24, rng=rng, first_no=30001)
            )
            services.roster_import(university=normal, cohort=cohort, rows=rows, actor=boss)
        categories = {c.code: c for c in DestinationCategory.objects.all()}
        cities = list(Region.objects.filter(level=Region.Level.PREFECTURE)[:40])
        codes = ["10", "11", "12", "801", "75", "10", "70", "76", "11", "85", "10", "71"]
        for i, graduate in enumerate(normal.graduates.filter(cohort=cohort).order_by("student_no")):
            if i >= 20:
                break  # a few left unregistered
            task = TaskScope.objects.filter(graduate=graduate, kind="register", status="assigned")
            if not task.exists():
                continue
            category = categories[codes[i % len(codes)]]
            values = {"category": category}
            if category.destination_class == "employed":
                values.update(
                    employer_name=rng.choice(["京华教育科技有限公司", "北方数据服务有限公司"]),
                    employer_credit_code=valid_credit_code(rng),
                    employer_nature=EmployerNature.objects.get(code="39"),
                    employer_industry=Industry.objects.get(code="P"),
                    employer_region=rng.choice(cities),
                    job_category=JobCategory.objects.get(code="24"),
                    signed_on=timezone.localdate() - datetime.timedelta(days=rng.randint(5, 90)),
                )
            elif category.code == "801":
                values["study_institution"] = "示范师范大学研究生院"
            elif category.code == "85":
                values["foreign_institution"] = "University of Toronto"
            services.registration_submit(task_id=task.get().pk, user=graduate.user, values=values)
            audit = TaskScope.objects.get(graduate=graduate, status="open")
            services.audit_decide(task_id=audit.pk, user=reviewer, approve=True)

        # 示范师范大学 files, the province files it and reports to the Ministry.
        reporting.filing_submit(university=normal, cohort=cohort, actor=boss)
        review = OrgTaskScope.objects.get(kind="review_filing", university=normal, status="open")
        reporting.filing_review(task_id=review.pk, user=monitor, file=True)
        reporting.filing_period_set(
            province=normal.province,
            cohort=cohort,
            due_on=timezone.localdate() + datetime.timedelta(days=20),
            actor=monitor,
        )
        reporting.report_submit(
            province=normal.province, cohort=cohort, actor=monitor, note="首批备案高校"
        )
        # 示范理工大学 files; the province returns it with issues.
        reporting.filing_submit(
            university=main, cohort=cohort, actor=users.get(username="demo-supervisor")
        )
        review = OrgTaskScope.objects.get(kind="review_filing", university=main, status="open")
        reporting.filing_review(
            task_id=review.pk,
            user=monitor,
            file=False,
            issues="仍有毕业生登记未审核完毕，请审核后重新报送\n定向生登记与协议不符的情况请说明",
        )

        # A spot-check campaign over the province, over-sampling 12/75/76.
        inspector = users.get(username="demo-inspector")
        campaign = services.campaign_launch(
            actor=monitor,
            name=f"{cohort}届毕业去向登记核查（第一批）",
            province=normal.province,
            cohort=cohort,
            universities=[],
            size_mode="count",
            size_value=8,
            oversample_factor=3,
            deadline=timezone.localdate() + datetime.timedelta(days=14),
            inspectors=[inspector],
            seed=20270601,
        )
        checks = list(
            TaskScope.objects.filter(campaign=campaign, kind="spot_check").order_by("task_id")[:2]
        )
        if checks:
            services.spot_check_decide(
                task_id=checks[0].pk, user=inspector, outcome="consistent", notes="电话核实"
            )
        if len(checks) > 1:
            evidence = SimpleUploadedFile(
                "核查记录.pdf",
                b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages"
                b"/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
                content_type="application/pdf",
            )
            services.spot_check_decide(
                task_id=checks[1].pk,
                user=inspector,
                outcome="inconsistent",
                notes="用人单位表示未与该毕业生签约",
                uploads=[evidence],
            )

    # --- output ------------------------------------------------------------------------------

    def _print(self, saved: dict, *, only_organisations: bool = False):
        out = self.stdout
        out.write("")
        out.write(
            "Demo accounts (演示账号) — log in at /accounts/login/ on the address printed below"
        )
        out.write("-" * 78)
        labels = {username: f"{Role(role).label}" for username, _n, role, _o in ACCOUNTS}
        labels["demo-reviewer2"] = f"{Role.UNIVERSITY_REVIEWER.label}（同事，密码同 demo-reviewer）"
        labels["demo-admin"] = "Django admin (code tables, organisations)"
        for username in [a[0] for a in ACCOUNTS] + ["demo-admin"]:
            if username in saved:
                out.write(f"  {labels[username]:<36} {username:<24} {saved[username]}")
        activation = saved.get("activation")
        if activation:
            out.write("-" * 78)
            out.write(
                f"  Graduate to activate at /accounts/activate/: {activation['name']}, "
                f"ID number {activation['id_number']}, code {activation['code']}"
            )
        verification = saved.get("verification")
        if verification:
            out.write(
                f"  To try verification as demo-verifier at /verify/: name {verification['name']}, "
                f"转递编号 {verification['transfer_no']}"
            )
        if only_organisations:
            out.write("  Organisations and staff only: the cases come from the provincial node.")
        else:
            out.write(
                "  Filing (/filings/), provincial report (/reports/), statistics (/statistics/) "
                "and spot checks (/spot-checks/) are loaded for the Beijing universities."
            )
        out.write("-" * 78)


def demo_cohort() -> int:
    today = timezone.localdate()
    return today.year + 1 if today.month >= 9 else today.year


def _password() -> str:
    return "demo-" + secrets.token_urlsafe(9)
