"""Through the pages: a university files, the province returns it, the university
resubmits, the province files it and reports, the Ministry accepts; the national dashboard
then shows figures equal to a direct count of the cases."""

import io

import pytest
from openpyxl import load_workbook

from cases.figures import COLUMNS, cells
from cases.models import Graduate
from notifications.models import Notification
from processes.filings.models import Filing, FilingEntry, ProvincialReport
from workflows.models import OrgTaskScope

from ..factories import UniversityFactory, login, member, open_cohort
from ..scenarios import category
from ..spotchecks.helpers import launch
from ..workflows.helpers import decide, submit
from .helpers import direct_figures

pytestmark = pytest.mark.django_db


def open_task(kind) -> OrgTaskScope:
    return OrgTaskScope.objects.get(kind=kind, status__in=["open", "assigned"])


def test_file_return_resubmit_file_report_accept_through_the_pages(
    busy, uni, supervisor, reviewer, monitor, national
):
    boss, province, nation = login(supervisor), login(monitor), login(national)

    # The university files its 2026 cohort.
    page = boss.get("/filings/", follow=True).content.decode()
    assert 'data-testid="filing-form"' in page
    response = boss.post("/filings/submit/", {"university": uni.pk, "cohort": 2026})
    filing = Filing.objects.get()
    assert response["Location"] == f"/filings/{filing.pk}/"
    assert filing.status == "submitted" and filing.current_version.number == 1
    assert filing.current_version.total == uni.graduates.count() == 11
    assert FilingEntry.objects.filter(version=filing.current_version).count() == 11
    assert Notification.objects.filter(kind="filing_submitted", user=monitor).exists()

    # The province sees it in its inbox and returns it with issues.
    review = open_task("review_filing")
    assert review.province_id == uni.province_id and review.candidate_role == "provincial_monitor"
    inbox = province.get("/tasks/").content.decode()
    assert f"/reporting/tasks/{review.pk}/" in inbox
    page = province.get(f"/reporting/tasks/{review.pk}/").content.decode()
    assert 'data-testid="decision-form"' in page and 'data-testid="colleges"' in page
    refused = province.post(f"/reporting/tasks/{review.pk}/", {"decision": "return"})
    assert refused.status_code == 200 and Filing.objects.get().status == "submitted"
    province.post(
        f"/reporting/tasks/{review.pk}/",
        {"decision": "return", "reason": "仍有1名毕业生登记待审核\n请核对逾期更正"},
    )
    filing.refresh_from_db()
    assert filing.status == "returned" and filing.current_version.status == "returned"
    assert filing.current_version.issue_list == ["仍有1名毕业生登记待审核", "请核对逾期更正"]
    returned = Notification.objects.get(kind="filing_returned", user=supervisor)
    assert "仍有1名毕业生登记待审核" in returned.context["reason"]

    # The university fixes the issue and resubmits from its task: version 2.
    decide(busy[3], reviewer)
    resubmit = open_task("resubmit_filing")
    assert resubmit.university_id == uni.pk and resubmit.candidate_role == "university_supervisor"
    assert f"/reporting/tasks/{resubmit.pk}/" in boss.get("/tasks/").content.decode()
    page = boss.get(f"/reporting/tasks/{resubmit.pk}/").content.decode()
    assert "请核对逾期更正" in page
    boss.post(f"/reporting/tasks/{resubmit.pk}/", {"note": "已完成审核"})
    filing.refresh_from_db()
    assert filing.status == "submitted" and filing.current_version.number == 2

    # The two versions can be compared: the graduate approved in between shows.
    compare = province.get(f"/filings/{filing.pk}/compare/")
    assert compare.status_code == 200
    changed = [row[1].value for row in compare.context["changed"].rows]
    assert changed == [busy[3].name]
    summary = {
        row[0].value: (row[1].value, row[2].value) for row in compare.context["summary"].rows
    }
    assert summary["已登记"] == (5, 6) and summary["待审核"] == (1, 0)

    # The province files version 2.
    review = open_task("review_filing")
    province.post(f"/reporting/tasks/{review.pk}/", {"decision": "approve"})
    filing.refresh_from_db()
    assert filing.status == "filed" and filing.filed_version.number == 2
    assert Notification.objects.filter(kind="filing_filed", user=supervisor).exists()
    assert set(OrgTaskScope.objects.values_list("status", flat=True)) == {"done"}

    # The province reports; the Ministry accepts.
    page = province.get("/reports/", follow=True).content.decode()
    assert 'data-testid="report-form"' in page
    province.post("/reports/submit/", {"province": uni.province_id, "cohort": 2026})
    report = ProvincialReport.objects.get()
    assert report.status == "submitted" and report.current_version.universities_total == 1
    accept = open_task("accept_report")
    assert accept.candidate_role == "national_admin"
    assert f"/reporting/tasks/{accept.pk}/" in nation.get("/tasks/").content.decode()
    nation.post(f"/reporting/tasks/{accept.pk}/", {"decision": "approve"})
    report.refresh_from_db()
    assert report.status == "accepted" and report.accepted_version_id == report.current_version_id
    assert Notification.objects.filter(kind="report_accepted", user=monitor).exists()

    # The national dashboard shows the accepted figures: equal to a direct count.
    response = nation.get("/statistics/national/", {"cohort": 2026})
    d = response.context["d"]
    expected = direct_figures(Graduate.objects.filter(university=uni, cohort=2026))
    assert d.source == "reported"
    assert d.total.as_dict() == expected.as_dict()
    # 毕业去向落实: the approved 就业 and 升学; one approved 70 is not, nor are the five
    # graduates without an approved registration (the 71 was voided, the 72 corrected)
    assert (d.total.approved, d.total.placed, d.total.without_destination) == (6, 5, 5)
    assert [(p.code, f.total) for p, f in d.groups] == [("110000", 11)]
    page = response.content.decode()
    assert 'data-testid="chart-employment"' in page and "<svg" in page
    assert 'data-testid="total">11<' in page

    # Drilling down: the province, then the university, the same figures.
    province_page = nation.get(
        f"/statistics/province/{uni.province_id}/", {"source": "reported", "cohort": 2026}
    )
    assert province_page.context["d"].total.as_dict() == expected.as_dict()
    row = dict((u.pk, f) for u, f in province_page.context["d"].groups)[uni.pk]
    assert row.as_dict() == expected.as_dict()
    assert (
        f"/statistics/university/{uni.pk}/?cohort=2026&amp;source=reported"
        in province_page.content.decode()
    )
    university_page = nation.get(
        f"/statistics/university/{uni.pk}/", {"source": "reported", "cohort": 2026}
    )
    assert university_page.context["d"].total.as_dict() == expected.as_dict()


def test_live_figures_equal_a_direct_count_at_every_level(busy, other_cohort, uni, national):
    second = UniversityFactory(code="19105", name="北京第二测试大学", province=uni.province)
    open_cohort(second, count=4, seed=5, first_no=95001)
    graduates = list(second.graduates.order_by("student_no"))
    reviewer = member("university_reviewer", university=second)
    submit(graduates[0], category=category("70"))
    decide(graduates[0], reviewer)
    submit(graduates[1], category=category("12"))
    decide(graduates[1], reviewer)
    submit(graduates[2])
    nation = login(national)
    live = nation.get("/statistics/national/", {"cohort": 2026, "source": "live"}).context["d"]
    assert live.total.as_dict() == direct_figures().as_dict()
    assert {p.code: f.total for p, f in live.groups} == {"110000": 11 + 4, "310000": 3}
    province = nation.get(f"/statistics/province/{uni.province_id}/", {"cohort": 2026}).context["d"]
    assert (
        province.total.as_dict()
        == direct_figures(Graduate.objects.filter(province_id=uni.province_id)).as_dict()
    )
    # a province's table reads one summary row per university: each line, the classes of
    # its chart included, is the university's own direct count
    lines = {u.pk: cells(f) for u, f in province.groups}
    for university in (uni, second):
        assert lines[university.pk] == cells(direct_figures(university.graduates.all())), university
    line = dict(zip((h for h, _n, _r in COLUMNS), lines[second.pk], strict=True))
    assert (line["毕业生总数"], line["已登记"], line["就业类"], line["未就业类"]) == (4, 2, 1, 1)
    # 落实: the approved 12 only; the 70 is not, nor the pending and the unregistered graduate
    assert (line["毕业去向落实人数"], line["毕业去向落实率"], line["未登记/待审核"]) == (1, 0.25, 2)
    university = nation.get(f"/statistics/university/{uni.pk}/", {"cohort": 2026}).context["d"]
    by_college = {c.pk: f.total for c, f in university.groups}
    for college in uni.colleges.all():
        assert by_college[college.pk] == Graduate.objects.filter(college=college).count()


def test_a_filing_cannot_be_submitted_twice_while_under_review(busy, uni, supervisor):
    boss = login(supervisor)
    boss.post("/filings/submit/", {"university": uni.pk, "cohort": 2026})
    response = boss.post("/filings/submit/", {"university": uni.pk, "cohort": 2026}, follow=True)
    assert "已在等待省级审核" in response.content.decode()
    assert Filing.objects.get().versions.count() == 1


def test_the_province_sees_who_filed_who_is_late_and_who_was_returned(
    busy, uni, uni2, supervisor, monitor
):
    import datetime

    from django.utils import timezone

    from processes.filings import services

    services.filing_period_set(
        province=uni.province,
        cohort=2026,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
        actor=monitor,
    )
    login(supervisor).post("/filings/submit/", {"university": uni.pk, "cohort": 2026})
    page = login(monitor).get(f"/filings/province/{uni.province_id}/", {"cohort": 2026})
    rows = {row[1].value: (row[2].value, row[3].value) for row in page.context["table"].rows}
    assert rows[uni.name] == ("待审核", "逾期")  # submitted after the due date
    assert rows[uni2.name] == ("未报送", "逾期")
    late = login(monitor).get(
        f"/filings/province/{uni.province_id}/", {"cohort": 2026, "state": "late"}
    )
    assert len(late.context["table"].rows) == 2
    export = login(monitor).get(
        f"/filings/province/{uni.province_id}/",
        {"cohort": 2026, "format": "xlsx", "table": "filings"},
    )
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("学校代码", "学校", "状态", "逾期")
    assert [r[0] for r in rows[1:]] == [uni.code, uni2.code]


def test_a_report_needs_a_filed_filing(uni, monitor):
    response = login(monitor).post(
        "/reports/submit/", {"province": uni.province_id, "cohort": 2026}, follow=True
    )
    assert "尚无高校备案通过" in response.content.decode()
    assert not ProvincialReport.objects.exists()


def test_a_returned_report_is_revised_as_a_new_version(busy, uni, supervisor, monitor, national):
    from processes.filings import services

    services.filing_submit(university=uni, cohort=2026, actor=supervisor)
    services.filing_review(task_id=open_task("review_filing").pk, user=monitor, file=True)
    services.report_submit(province=uni.province, cohort=2026, actor=monitor)
    login(national).post(
        f"/reporting/tasks/{open_task('accept_report').pk}/",
        {"decision": "return", "reason": "请补充说明逾期更正"},
    )
    report = ProvincialReport.objects.get()
    assert report.status == "returned" and report.accepted_version is None
    revise = open_task("revise_report")
    assert revise.candidate_role == "provincial_monitor"
    page = login(monitor).get(f"/reporting/tasks/{revise.pk}/").content.decode()
    assert "请补充说明逾期更正" in page
    login(monitor).post(f"/reporting/tasks/{revise.pk}/", {"note": "已补充"})
    report.refresh_from_db()
    assert report.status == "submitted" and report.current_version.number == 2
    # Nothing counts nationally until a version is accepted.
    d = login(national).get("/statistics/national/", {"cohort": 2026}).context["d"]
    assert d.total.total == 0


def test_every_dashboard_table_exports_the_rows_shown(busy, uni, national, supervisor):
    client = login(national)
    for url in (
        "/statistics/national/",
        f"/statistics/province/{uni.province_id}/",
        f"/statistics/university/{uni.pk}/",
    ):
        page = client.get(url, {"cohort": 2026, "source": "live"})
        for table in page.context["tables"]:
            export = client.get(
                url, {"cohort": 2026, "source": "live", "format": "xlsx", "table": table.key}
            )
            assert export["Content-Type"].startswith(
                "application/vnd.openxmlformats-officedocument.spreadsheetml"
            )
            rows = list(
                load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
            )
            assert list(rows[0]) == table.headers
            assert len(rows) == 1 + len(table.export_rows())
            assert [r[0] for r in rows[1:]] == [r[0] for r in table.export_rows()]
    groups = client.get(
        f"/statistics/university/{uni.pk}/",
        {"cohort": 2026, "source": "live", "format": "xlsx", "table": "groups"},
    )
    rows = list(load_workbook(io.BytesIO(groups.content)).active.iter_rows(values_only=True))
    assert rows[-1][0] == "合计" and rows[-1][1] == 11
    assert rows[0][1] == "毕业生总数" and "毕业去向落实率" in rows[0]


def test_every_export_link_on_every_page_opens_in_openpyxl(
    busy, uni, supervisor, reviewer, monitor, national, inspector
):
    import datetime
    import html
    import re

    from django.utils import timezone

    from processes.filings import services

    services.filing_submit(university=uni, cohort=2026, actor=supervisor)
    services.filing_review(
        task_id=open_task("review_filing").pk, user=monitor, file=False, issues="请核对"
    )
    services.filing_resubmit(task_id=open_task("resubmit_filing").pk, user=supervisor)
    services.filing_review(task_id=open_task("review_filing").pk, user=monitor, file=True)
    report = services.report_submit(province=uni.province, cohort=2026, actor=monitor)
    services.report_decide(task_id=open_task("accept_report").pk, user=national, accept=True)
    campaign = launch(
        monitor,
        [inspector],
        timezone.localdate() + datetime.timedelta(days=3),
        name="核查",
        province=uni.province,
        size_value=2,
    )
    filing = Filing.objects.get()
    pages = {
        national: [
            "/statistics/national/?cohort=2026",
            f"/statistics/province/{uni.province_id}/?cohort=2026&source=reported",
            f"/statistics/university/{uni.pk}/?cohort=2026",
            "/filings/?cohort=2026",
            f"/filings/province/{uni.province_id}/?cohort=2026",
            f"/filings/{filing.pk}/",
            f"/filings/{filing.pk}/compare/",
            "/reports/?cohort=2026",
            f"/reports/{report.pk}/",
            "/spot-checks/",
            f"/spot-checks/{campaign.pk}/",
            f"/spot-checks/{campaign.pk}/report/",
        ],
        monitor: [f"/reports/province/{uni.province_id}/"],
        supervisor: [f"/filings/university/{uni.pk}/"],
    }
    exported = 0
    for user, urls in pages.items():
        client = login(user)
        for url in urls:
            page = client.get(url)
            assert page.status_code == 200, url
            links = re.findall(
                r'data-testid="export-[^"]*"|href="([^"]*format=xlsx[^"]*)"', page.content.decode()
            )
            hrefs = [html.unescape(h) for h in links if h]
            assert hrefs, f"no export on {url}"
            for href in hrefs:
                target = href if href.startswith("/") else url.split("?")[0] + href
                export = client.get(target)
                assert export.status_code == 200 and export["Content-Type"].startswith(
                    "application/vnd.openxmlformats"
                ), (url, href)
                rows = list(
                    load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
                )
                assert rows and all(isinstance(h, str) for h in rows[0]), (url, href)
                exported += 1
    assert exported == 26  # every table of these fourteen pages
