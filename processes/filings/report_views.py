"""The provincial report pages (省级上报): the reports of the nation or of a province, a
report's submission, and a report with its versions and figures."""

from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases.figures import requested_cohort
from core.forms import cohort_choices
from core.http import query_string
from core.tables import Table, table_page
from roles.decorators import role_required
from roles.models import Province, Role, University
from roles.org_scope import scope_for_user
from roles.selectors import province_for_user
from workflows.selectors import org_tasks_for_user, with_open_tasks

from . import selectors, services
from .flow import REPORT_KINDS
from .forms import ReportSubmitForm
from .models import Filing, ProvincialReport
from .tables import report_table, versions_table
from .views import cohort_submitted

# The columns of a report's row, after the province or the cohort.
REPORT_HEADERS = [
    gettext_lazy("State"),
    gettext_lazy("Version"),
    gettext_lazy("Universities"),
    gettext_lazy("Graduates"),
    gettext_lazy("Accepted version"),
]


def _reports_table(first: str, **options) -> Table:
    return Table(
        key="reports", title=_("Provincial reports"), headers=[first, *REPORT_HEADERS], **options
    )


def _report_cells(report) -> list:
    """A report's row (its current version's figures), or a report not submitted yet."""
    version = report.current_version if report else None
    return [
        report.get_status_display() if report else _("not submitted"),
        version.number if version else "",
        version.universities_total if version else "",
        version.total if version else "",
        report.accepted_version.number if report and report.accepted_version else "",
    ]


@role_required(Role.PROVINCIAL_MONITOR, Role.NATIONAL_ADMIN)
def reports_home(request):
    scope = scope_for_user(request.user)
    province_id = scope.first(Role.PROVINCIAL_MONITOR)
    if province_id and not scope.national:
        return redirect("filings:province_reports", province_id=province_id)
    cohort = requested_cohort(request)
    reports = {
        r.province_id: r
        for r in ProvincialReport.objects.filter(cohort=cohort).select_related(
            "current_version", "accepted_version"
        )
    }
    table = _reports_table(_("Province"), testid="reports")
    for province in Province.objects.order_by("code"):
        report = reports.get(province.pk)
        table.append(
            [province.name, *_report_cells(report)],
            url=reverse("filings:report", args=[report.pk]) if report else "",
        )
    return table_page(
        request,
        "filings/reports_national.html",
        {
            "table": table,
            "cohort": cohort,
            "cohorts": cohort_choices(),
            "query": query_string(cohort=cohort),
        },
        tables=[table],
        filename=f"reports-{cohort}",
    )


@login_required
def province_reports(request, province_id):
    province = province_for_user(request.user, province_id)
    scope = scope_for_user(request.user)
    reports = with_open_tasks(
        request.user,
        ProvincialReport.objects.filter(province=province)
        .select_related("current_version", "accepted_version")
        .order_by("-cohort"),
        kinds=REPORT_KINDS,
    )
    filed = dict(
        Filing.objects.filter(province=province, filed_version__isnull=False)
        .values_list("cohort")
        .annotate(n=Count("pk"))
        .order_by()
    )
    table = _reports_table(_("Cohort"))
    for r, _task in reports:
        table.append([r.cohort, *_report_cells(r)])
    return table_page(
        request,
        "filings/province_reports.html",
        {
            "province": province,
            "reports": reports,
            "filed": sorted(filed.items(), reverse=True),
            "universities": University.objects.filter(province=province).count(),
            "can_submit": province.pk in scope.ids(Role.PROVINCIAL_MONITOR),
            "form": ReportSubmitForm(initial={"province": province.pk}),
        },
        tables=[table],
        filename=f"reports-{province.code}",
    )


@require_POST
@role_required(Role.PROVINCIAL_MONITOR)
def report_submit_page(request):
    form = ReportSubmitForm(request.POST)
    scope = scope_for_user(request.user)
    if not form.is_valid() or form.cleaned_data["province"] not in scope.ids(
        Role.PROVINCIAL_MONITOR
    ):
        raise PermissionDenied
    province = Province.objects.get(pk=form.cleaned_data["province"])
    return cohort_submitted(
        request,
        form,
        partial(services.report_submit, province=province),
        back=reverse("filings:province_reports", args=[province.pk]),
        success=_("Report submitted to the Ministry."),
        detail="filings:report",
    )


@login_required
def report_detail(request, report_id):
    report = selectors.report_for_user(request.user, report_id)
    versions = list(report.versions.select_related("submitted_by", "decided_by"))
    wanted = request.GET.get("version", "")
    version = next((v for v in versions if str(v.number) == wanted), report.current_version)
    if version is None:
        raise Http404
    table, total = report_table(version)
    return table_page(
        request,
        "filings/report_detail.html",
        {
            "report": report,
            "versions": versions,
            "version": version,
            "table": table,
            "total": total,
            "query": query_string(version=version.number),
            "tasks": org_tasks_for_user(request.user).filter(
                kind__in=REPORT_KINDS, subject_id=report.pk
            ),
        },
        tables=[table, versions_table(versions)],
        filename=f"report-{report.province.code}-{report.cohort}-v{version.number}",
    )


# --- Tasks ---------------------------------------------------------------------------------------------
