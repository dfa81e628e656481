import io

import pytest
from django.core.management import call_command

from cases.models import Graduate
from workflows.models import TaskScope

pytestmark = pytest.mark.django_db


def test_import_roster_command_opens_the_cohort_and_reports_bad_rows(uni, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(
        "学号,姓名,性别,身份证号,学历层次,院系,专业名称\n"
        "2026001,张伟,男,110101199003074258,本科,计算机学院,软件工程\n"
        "2026002,王芳,女,bad,本科,计算机学院,软件工程\n",
        encoding="utf-8-sig",
    )
    out, err = io.StringIO(), io.StringIO()

    def import_roster():
        """Run the command on the file, writing into ``out`` and ``err``."""
        call_command(
            "import_roster",
            str(path),
            university=uni.code,
            cohort=2026,
            stdout=out,
            stderr=err,
            verbosity=0,
        )

    import_roster()
    assert "1 created" in out.getvalue() and "row 3 [身份证号]" in err.getvalue()
    assert Graduate.objects.filter(university=uni).count() == 1
    assert TaskScope.objects.filter(university=uni, kind="register").count() == 1
    import_roster()
    assert Graduate.objects.filter(university=uni).count() == 1


def test_load_demo_is_idempotent_and_prints_every_role(db):
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    first = out.getvalue()
    for username in (
        "demo-graduate",
        "demo-college-reviewer",
        "demo-reviewer",
        "demo-supervisor",
        "demo-monitor",
        "demo-inspector",
        "demo-national",
        "demo-verifier",
        "demo-admin",
    ):
        assert username in first
    count = Graduate.objects.count()
    again = io.StringIO()
    call_command("load_demo", stdout=again)
    assert Graduate.objects.count() == count
    assert again.getvalue() == first


def test_load_demo_organisations_loads_universities_and_staff_but_no_cases(db):
    from roles.models import College, Membership, University

    out = io.StringIO()
    call_command("load_demo", "--organisations", stdout=out)
    printed = out.getvalue()
    assert set(University.objects.values_list("code", flat=True)) == {"19001", "19002", "19003"}
    assert College.objects.filter(university__code="19001").count() == 3
    assert Membership.objects.filter(role="national_admin").exists()
    assert "demo-national" in printed and "demo-verifier" in printed
    assert "demo-graduate" not in printed and "cases come from the provincial node" in printed
    assert not Graduate.objects.exists() and not TaskScope.objects.exists()
