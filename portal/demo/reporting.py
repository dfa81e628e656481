"""The demo's filings, provincial report and spot-check campaign, on top of the world."""

import datetime

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import (
    DestinationCategory,
    EmployerNature,
    Industry,
    JobCategory,
    Region,
)
from cases.roster_files import RosterValidator
from portal.demo.identifiers import demo_roster_rows, valid_credit_code
from portal.demo.world import COLLEGES, new_password
from processes.filings import services as filings
from processes.registration import services as registration
from processes.spotchecks import services as spotchecks
from roles import services as role_services
from roles.models import (
    College,
    Membership,
    Role,
    University,
)
from workflows.models import OrgTaskScope, TaskScope


def reporting(cohort, *, rng):
    """A second Beijing university that has filed and is in the province's report
    (awaiting the Ministry), the main university's filing returned with issues
    (awaiting resubmission), and a spot-check campaign with two checks done, one of
    them a discrepancy waiting for the university."""

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
            password=new_password(),
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
                password=new_password(),
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
        registration.roster_import(university=normal, cohort=cohort, rows=rows, actor=boss)
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
        registration.registration_submit(task_id=task.get().pk, user=graduate.user, values=values)
        audit = TaskScope.objects.get(graduate=graduate, status="open")
        registration.audit_decide(task_id=audit.pk, user=reviewer, approve=True)

    # 示范师范大学 files, the province files it and reports to the Ministry.
    filings.filing_submit(university=normal, cohort=cohort, actor=boss)
    review = OrgTaskScope.objects.get(kind="review_filing", university=normal, status="open")
    filings.filing_review(task_id=review.pk, user=monitor, file=True)
    filings.filing_period_set(
        province=normal.province,
        cohort=cohort,
        due_on=timezone.localdate() + datetime.timedelta(days=20),
        actor=monitor,
    )
    filings.report_submit(
        province=normal.province, cohort=cohort, actor=monitor, note="首批备案高校"
    )
    # 示范理工大学 files; the province returns it with issues.
    filings.filing_submit(
        university=main, cohort=cohort, actor=users.get(username="demo-supervisor")
    )
    review = OrgTaskScope.objects.get(kind="review_filing", university=main, status="open")
    filings.filing_review(
        task_id=review.pk,
        user=monitor,
        file=False,
        issues="仍有毕业生登记未审核完毕，请审核后重新报送\n定向生登记与协议不符的情况请说明",
    )

    # A spot-check campaign over the province, over-sampling 12/75/76.
    inspector = users.get(username="demo-inspector")
    campaign = spotchecks.campaign_launch(
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
        TaskScope.objects.filter(campaign_id=campaign.pk, kind="spot_check").order_by("task_id")[:2]
    )
    if checks:
        spotchecks.spot_check_decide(
            task_id=checks[0].pk, user=inspector, outcome="consistent", notes="电话核实"
        )
    if len(checks) > 1:
        evidence = SimpleUploadedFile(
            "核查记录.pdf",
            b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages"
            b"/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
            content_type="application/pdf",
        )
        spotchecks.spot_check_decide(
            task_id=checks[1].pk,
            user=inspector,
            outcome="inconsistent",
            notes="用人单位表示未与该毕业生签约",
            uploads=[evidence],
        )
