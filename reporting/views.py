"""Pages of filing, provincial reports and statistics. Each view passes its gate (404 outside
the user's scope, 403 for a role that may not act), validates a form, calls one service and
redirects; every table on a page is also its XLSX export (``?format=xlsx&table=…``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.models import CaseStatus, CaseTally, Graduate
from roles.decorators import role_required
from roles.models import Province, Role, University
from roles.scope import scope_for_user
from workflows.models import TaskKind
from workflows.services import TaskNotAvailable

from . import charts, selectors, services
from .figures import Figures
from .forms import (
    DecisionForm,
    FilingPeriodForm,
    FilingSubmitForm,
    ReportSubmitForm,
    ResubmitForm,
    cohort_choices,
)
from .models import Filing, ProvincialReport, ReportStatus, ReviewStatus, StatisticsJob
from .tables import Table, category_table, export, figures_table

FILING_ROLES = (Role.UNIVERSITY_SUPERVISOR, Role.PROVINCIAL_MONITOR, Role.NATIONAL_ADMIN)
SOURCES = ("live", "reported")


def _cohort(request, **filters) -> int:
    value = request.GET.get("cohort", "")
    return int(value) if value.isdigit() else selectors.latest_cohort(**filters)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _versions_table(versions) -> Table:
    table = Table(
        key="versions",
        title=_("Versions"),
        headers=[
            _("Version"),
            _("Submitted"),
            _("Graduates"),
            _("Outcome"),
            _("Decided"),
            _("Issues / reason"),
            _("Remarks (optional)"),
        ],
    )
    for v in versions:
        table.append(
            [
                v.number,
                _when(v.submitted_at),
                v.total,
                v.get_status_display(),
                _when(v.decided_at),
                getattr(v, "issues", "") or getattr(v, "reason", ""),
                v.note,
            ]
        )
    return table


def _query(**params) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


# --- Dashboards ------------------------------------------------------------------------------------


@login_required
def statistics_home(request):
    """The dashboard of the user's level."""
    scope = scope_for_user(request.user)
    if scope.national:
        return redirect("reporting:national")
    provinces = sorted(scope.ids(Role.PROVINCIAL_MONITOR))
    if provinces:
        return redirect("reporting:province", province_id=provinces[0])
    for role in selectors.UNIVERSITY_READERS:
        if scope.ids(role):
            return redirect("reporting:university", university_id=sorted(scope.ids(role))[0])
    raise PermissionDenied


def _charts(d: selectors.Dashboard, labels: list[str]) -> list:
    """Employment rate by group, destination classes by group, approved by category."""
    shown = [(label, f) for label, (_obj, f) in zip(labels, d.groups, strict=True) if f.total]
    out = [
        charts.bar_chart(
            [
                (label, (f.employment_rate or 0) * 100, f"{(f.employment_rate or 0):.1%}")
                for label, f in shown
            ],
            title=_("Employment rate (总数−70−71−72)"),
            testid="chart-employment",
        ),
        charts.stacked_chart(
            [
                (
                    label,
                    [
                        f.employed_class,
                        f.further_study_class,
                        f.not_employed_class,
                        f.without_destination,
                    ],
                )
                for label, f in shown
            ],
            series=[
                (_("employed"), charts.CLASS_COLOURS["employed"]),
                (_("further study"), charts.CLASS_COLOURS["further_study"]),
                (_("not employed"), charts.CLASS_COLOURS["not_employed"]),
                (_("no approved destination"), charts.CLASS_COLOURS[""]),
            ],
            title=_("Destinations by class"),
            testid="chart-classes",
        ),
        charts.bar_chart(
            [(f"{code} {name}", n, str(n)) for code, name, _k, n in d.categories if n],
            title=_("Approved registrations by destination category"),
            testid="chart-categories",
        ),
    ]
    return out


def _dashboard_page(request, d: selectors.Dashboard, *, group_header, link, filename, extra):
    labels = [str(getattr(obj, "name", obj)) for obj, _f in d.groups]
    tables = [
        figures_table(
            "groups",
            _("By %(group)s") % {"group": group_header},
            group_header,
            [(label, link(obj), f) for label, (obj, f) in zip(labels, d.groups, strict=True)],
            d.total,
        ),
        figures_table(
            "levels",
            _("By education level"),
            _("Education level"),
            [(label, "", f) for _v, label, f in d.levels],
            d.total,
        ),
        category_table("categories", _("By destination category"), d.categories, d.total.approved),
    ]
    response = export(request, tables, filename=filename)
    if response is not None:
        return response
    query = request.GET.copy()
    for key in ("format", "table"):
        query.pop(key, None)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "d": d,
            "tables": tables,
            "charts": _charts(d, labels),
            "query": query.urlencode(),
            "cohorts": cohort_choices(),
            "sources": [("live", _("live figures")), ("reported", _("accepted reports"))],
            **extra,
        },
    )


def _source(request, default: str) -> str:
    value = request.GET.get("source", default)
    return value if value in SOURCES else default


@role_required(Role.NATIONAL_ADMIN)
def national_dashboard(request):
    cohort = _cohort(request)
    source = _source(request, "reported")
    d = selectors.dashboard("nation", cohort=cohort, source=source)
    return _dashboard_page(
        request,
        d,
        group_header=_("Province"),
        link=lambda p: (
            reverse("reporting:province", args=[p.pk]) + "?" + _query(cohort=cohort, source=source)
        ),
        filename=f"national-{cohort}-{source}",
        extra={
            "title": _("National statistics"),
            "job": StatisticsJob.objects.first(),
            "reports": [
                (dict(ReportStatus.choices)[status], n)
                for status, n in ProvincialReport.objects.filter(cohort=cohort)
                .values_list("status")
                .annotate(n=Count("pk"))
                .order_by()
            ],
        },
    )


@login_required
def province_dashboard(request, province_id):
    province = selectors.province_for_user(request.user, province_id)
    cohort = _cohort(request, province_id=province.pk)
    source = _source(request, "live")
    d = selectors.dashboard("province", cohort=cohort, source=source, province=province)
    report = ProvincialReport.objects.filter(province=province, cohort=cohort).first()
    return _dashboard_page(
        request,
        d,
        group_header=_("University"),
        link=lambda u: (
            reverse("reporting:university", args=[u.pk])
            + "?"
            + _query(cohort=cohort, source=source)
        ),
        filename=f"province-{province.code}-{cohort}-{source}",
        extra={
            "title": _("%(province)s statistics") % {"province": province.name},
            "report": report,
            "up": reverse("reporting:national") + "?" + _query(cohort=cohort, source=source)
            if scope_for_user(request.user).national
            else "",
        },
    )


@login_required
def university_dashboard(request, university_id):
    university = selectors.university_for_user(request.user, university_id)
    cohort = _cohort(request, province_id=university.province_id, university_id=university.pk)
    source = _source(request, "live")
    d = selectors.dashboard("university", cohort=cohort, source=source, university=university)
    scope = scope_for_user(request.user)
    up = ""
    if scope.national or university.province_id in scope.ids(Role.PROVINCIAL_MONITOR):
        up = (
            reverse("reporting:province", args=[university.province_id])
            + "?"
            + _query(cohort=cohort, source=source)
        )
    return _dashboard_page(
        request,
        d,
        group_header=_("College"),
        link=lambda _c: "",
        filename=f"university-{university.code}-{cohort}-{source}",
        extra={
            "title": _("%(university)s statistics") % {"university": university.name},
            "filing": Filing.objects.filter(university=university, cohort=cohort).first(),
            "up": up,
        },
    )


# --- Full recomputation -----------------------------------------------------------------------------


@require_POST
@role_required(Role.NATIONAL_ADMIN)
def recompute(request):
    job = services.statistics_job_create(actor=request.user)
    messages.success(request, _("The recomputation has started."))
    return redirect("reporting:job", job_id=job.pk)


@role_required(Role.NATIONAL_ADMIN)
def job_detail(request, job_id):
    job = StatisticsJob.objects.filter(pk=job_id).first()
    if job is None:
        raise Http404
    return render(request, "reporting/job.html", {"job": job})


# --- Filings -------------------------------------------------------------------------------------------


@role_required(*FILING_ROLES)
def filings_home(request):
    scope = scope_for_user(request.user)
    supervised = sorted(scope.ids(Role.UNIVERSITY_SUPERVISOR))
    if supervised:
        return redirect("reporting:university_filings", university_id=supervised[0])
    monitored = sorted(scope.ids(Role.PROVINCIAL_MONITOR))
    if monitored:
        return redirect("reporting:province_filings", province_id=monitored[0])
    cohort = _cohort(request)
    counts: dict[int, dict[str, int]] = {}
    for province_id, status, n in (
        Filing.objects.filter(cohort=cohort)
        .values_list("province_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts.setdefault(province_id, {})[status] = n
    table = Table(
        key="provinces",
        title=_("Filings by province"),
        headers=[_("Province"), _("Awaiting review"), _("Returned"), _("Filed")],
        testid="provinces",
    )
    for province in Province.objects.order_by("code"):
        c = counts.get(province.pk, {})
        table.append(
            [
                province.name,
                c.get(ReviewStatus.SUBMITTED, 0),
                c.get(ReviewStatus.RETURNED, 0),
                c.get(ReviewStatus.FILED, 0),
            ],
            url=reverse("reporting:province_filings", args=[province.pk])
            + "?"
            + _query(cohort=cohort),
        )
    response = export(request, [table], filename=f"filings-{cohort}")
    if response is not None:
        return response
    return render(
        request,
        "reporting/filings_national.html",
        {
            "table": table,
            "cohort": cohort,
            "cohorts": cohort_choices(),
            "query": _query(cohort=cohort),
        },
    )


@require_http_methods(["GET"])
@login_required
def university_filings(request, university_id):
    university = selectors.university_for_user(request.user, university_id)
    scope = scope_for_user(request.user)
    filings = list(
        Filing.objects.filter(university=university)
        .select_related("current_version", "filed_version")
        .order_by("-cohort")
    )
    open_tasks = {
        row.filing_id: row
        for row in selectors.org_tasks_for_user(request.user).filter(
            filing_id__in=[f.pk for f in filings]
        )
    }
    counts = dict(
        CaseTally.objects.filter(university=university)
        .values_list("cohort")
        .annotate(n=Sum("n"))
        .order_by()
    )
    table = Table(
        key="filings",
        title=_("Filings of %(university)s") % {"university": university.name},
        headers=[_("Cohort"), _("State"), _("Version"), _("Submitted"), _("Filed version")],
    )
    for f in filings:
        table.append(
            [
                f.cohort,
                f.get_status_display(),
                f.current_version.number if f.current_version else "",
                _when(f.current_version.submitted_at) if f.current_version else "",
                f.filed_version.number if f.filed_version else "",
            ]
        )
    response = export(request, [table], filename=f"filings-{university.code}")
    if response is not None:
        return response
    return render(
        request,
        "reporting/university_filings.html",
        {
            "university": university,
            "filings": [(f, open_tasks.get(f.pk)) for f in filings],
            "can_submit": scope.supervises(university.pk),
            "form": FilingSubmitForm(initial={"university": university.pk}),
            "cohort_counts": sorted(counts.items(), reverse=True),
        },
    )


@require_POST
@role_required(Role.UNIVERSITY_SUPERVISOR)
def filing_submit(request):
    form = FilingSubmitForm(request.POST)
    scope = scope_for_user(request.user)
    if not form.is_valid() or not scope.supervises(form.cleaned_data["university"]):
        raise PermissionDenied
    university = University.objects.get(pk=form.cleaned_data["university"])
    try:
        filing = services.filing_submit(
            university=university,
            cohort=form.cleaned_data["cohort"],
            actor=request.user,
            note=form.cleaned_data["note"],
        )
    except services.ReportingNotPossible as exc:
        messages.error(request, str(exc))
        return redirect("reporting:university_filings", university_id=university.pk)
    messages.success(request, _("Filing submitted to the province for review."))
    return redirect("reporting:filing", filing_id=filing.pk)


FILING_STATE_LABELS = {
    "not_submitted": _("not submitted"),
    **dict(ReviewStatus.choices),
}


@login_required
def province_filings(request, province_id):
    """Which universities have filed, are late, were returned, or have not submitted."""
    province = selectors.province_for_user(request.user, province_id)
    cohort = _cohort(request, province_id=province.pk)
    rows, period = selectors.province_filings(province, cohort)
    state = request.GET.get("state", "")
    if state == "late":
        rows = [r for r in rows if r.late]
    elif state in FILING_STATE_LABELS:
        rows = [r for r in rows if r.state == state]
    table = Table(
        key="filings",
        title=_("Filings of %(province)s") % {"province": province.name},
        headers=[
            _("University code"),
            _("University"),
            _("State"),
            _("Late"),
            _("Version"),
            _("Submitted"),
            _("Graduates filed"),
        ],
        testid="filings",
    )
    for row in rows:
        version = row.filing.current_version if row.filing else None
        table.append(
            [
                row.university.code,
                row.university.name,
                str(FILING_STATE_LABELS[row.state]),
                _("late") if row.late else "",
                version.number if version else "",
                version.submitted_at.strftime("%Y-%m-%d %H:%M") if version else "",
                row.total if version else "",
            ],
            url=reverse("reporting:filing", args=[row.filing.pk]) if row.filing else "",
        )
    response = export(request, [table], filename=f"filings-{province.code}-{cohort}")
    if response is not None:
        return response
    scope = scope_for_user(request.user)
    all_rows, _period = (
        (rows, period) if not state else selectors.province_filings(province, cohort)
    )
    summary = {key: 0 for key in FILING_STATE_LABELS}
    late = 0
    for row in all_rows:
        summary[row.state] += 1
        late += row.late
    return render(
        request,
        "reporting/province_filings.html",
        {
            "province": province,
            "cohort": cohort,
            "cohorts": cohort_choices(),
            "table": table,
            "query": _query(cohort=cohort, state=state),
            "period": period,
            "state": state,
            "summary": [(key, FILING_STATE_LABELS[key], summary[key]) for key in summary],
            "late": late,
            "can_act": province.pk in scope.ids(Role.PROVINCIAL_MONITOR),
            "period_form": FilingPeriodForm(
                initial={
                    "province": province.pk,
                    "cohort": cohort,
                    "due_on": period.due_on if period else None,
                }
            ),
        },
    )


@require_POST
@role_required(Role.PROVINCIAL_MONITOR)
def filing_period(request):
    form = FilingPeriodForm(request.POST)
    scope = scope_for_user(request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("reporting:filings")
    province_id = form.cleaned_data["province"]
    if province_id not in scope.ids(Role.PROVINCIAL_MONITOR):
        raise PermissionDenied
    services.filing_period_set(
        province=Province.objects.get(pk=province_id),
        cohort=form.cleaned_data["cohort"],
        due_on=form.cleaned_data["due_on"],
        actor=request.user,
    )
    messages.success(request, _("The filing due date is saved."))
    return redirect(
        reverse("reporting:province_filings", args=[province_id])
        + "?"
        + _query(cohort=form.cleaned_data["cohort"])
    )


def _version_tables(version, *, prefix: str, university=None) -> tuple[list[Table], Figures]:
    data = selectors.filing_figures(version)
    colleges = {c.pk: c.name for c in (university.colleges.all() if university else [])}
    groups = [
        (colleges.get(pk, str(pk)), "", f)
        for pk, f in sorted(data.groups.items(), key=lambda item: colleges.get(item[0], ""))
    ]
    from cases.models import EducationLevel

    levels = dict(EducationLevel.choices)
    return [
        figures_table(f"{prefix}colleges", _("By college"), _("College"), groups, data.total),
        figures_table(
            f"{prefix}levels",
            _("By education level"),
            _("Education level"),
            [(levels.get(k, k), "", f) for k, f in sorted(data.levels.items())],
            data.total,
        ),
        category_table(
            f"{prefix}categories",
            _("By destination category"),
            selectors.category_rows(data.total, version.filing.cohort),
            data.total.approved,
        ),
    ], data.total


@login_required
def filing_detail(request, filing_id):
    filing = selectors.filing_for_user(request.user, filing_id)
    versions = selectors.filing_versions(filing)
    wanted = request.GET.get("version", "")
    version = next((v for v in versions if str(v.number) == wanted), filing.current_version or None)
    if version is None:
        raise Http404
    version.filing = filing
    tables, total = _version_tables(version, prefix="", university=filing.university)
    response = export(
        request,
        [*tables, _versions_table(versions)],
        filename=f"filing-{filing.university.code}-{filing.cohort}-v{version.number}",
    )
    if response is not None:
        return response
    return render(
        request,
        "reporting/filing_detail.html",
        {
            "filing": filing,
            "versions": versions,
            "version": version,
            "tables": tables,
            "total": total,
            "query": _query(version=version.number),
            "tasks": selectors.org_tasks_for_user(request.user).filter(filing=filing),
            "history": filing_tasks(filing),
        },
    )


def filing_tasks(filing):
    from .models import OrgTaskScope

    return (
        OrgTaskScope.objects.filter(filing=filing)
        .select_related("assignee")
        .order_by("-created_at")
    )


@login_required
def filing_compare(request, filing_id):
    """Two versions of a filing side by side: the figures and the graduates that changed."""
    filing = selectors.filing_for_user(request.user, filing_id)
    versions = {v.number: v for v in selectors.filing_versions(filing)}
    if len(versions) < 2:
        return redirect("reporting:filing", filing_id=filing.pk)
    numbers = sorted(versions)
    a = request.GET.get("a", "")
    b = request.GET.get("b", "")
    older = versions.get(int(a)) if a.isdigit() else versions[numbers[-2]]
    newer = versions.get(int(b)) if b.isdigit() else versions[numbers[-1]]
    if older is None or newer is None:
        raise Http404
    figures_a = selectors.filing_figures(older).total
    figures_b = selectors.filing_figures(newer).total
    summary = Table(
        key="summary",
        title=_("Comparison"),
        headers=[_("Figure"), f"v{older.number}", f"v{newer.number}", _("Change")],
        testid="summary",
    )
    da, db = figures_a.as_dict(), figures_b.as_dict()
    for key in sorted(set(da) | set(db), key=lambda k: (k.startswith("category_"), k)):
        before, after = da.get(key, 0), db.get(key, 0)
        summary.append(
            [FIGURE_LABELS.get(key, key.replace("category_", "")), before, after, after - before]
        )
    changes = selectors.entry_changes(older, newer)
    graduates = {
        g.pk: g
        for g in Graduate.objects.filter(pk__in=[c.graduate_id for c in changes]).only(
            "pk", "name", "student_no"
        )
    }
    status_labels = dict(CaseStatus.choices)
    changed = Table(
        key="changes",
        title=_("Graduates that changed"),
        headers=[
            _("Student number"),
            _("Name"),
            f"v{older.number}",
            f"v{newer.number}",
        ],
        testid="changes",
    )

    def shown(entry):
        if entry is None:
            return "—"
        _registration, status, code, confirmed = entry
        text = f"{status_labels.get(status, status)} {code}".strip()
        return text + (" ✓" if confirmed else "")

    for change in changes:
        graduate = graduates.get(change.graduate_id)
        changed.append(
            [
                graduate.student_no if graduate else "",
                graduate.name if graduate else "",
                shown(change.before),
                shown(change.after),
            ]
        )
    response = export(
        request,
        [summary, changed],
        filename=f"filing-{filing.university.code}-{filing.cohort}-v{older.number}-v{newer.number}",
    )
    if response is not None:
        return response
    page = Paginator(changed.rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reporting/filing_compare.html",
        {
            "filing": filing,
            "older": older,
            "newer": newer,
            "numbers": numbers,
            "summary": summary,
            "changed": changed,
            "page": page,
            "query": query.urlencode(),
            "pair": _query(a=older.number, b=newer.number),
        },
    )


FIGURE_LABELS = {
    "total": "毕业生总数",
    "approved": "已登记",
    "pending": "待审核",
    "returned": "退回修改",
    "unregistered": "未登记",
    "confirmed": "已确认",
    "employed_class": "就业类",
    "further_study_class": "升学类",
    "not_employed_class": "未就业类",
    "flexible": "灵活就业",
    "employment": "就业人数（总数−70−71−72）",
    "late_corrections": "逾期更正",
    "targeted_total": "定向生",
    "targeted_compliant": "定向符合",
}


# --- Provincial reports --------------------------------------------------------------------------------


@role_required(Role.PROVINCIAL_MONITOR, Role.NATIONAL_ADMIN)
def reports_home(request):
    scope = scope_for_user(request.user)
    monitored = sorted(scope.ids(Role.PROVINCIAL_MONITOR))
    if monitored and not scope.national:
        return redirect("reporting:province_reports", province_id=monitored[0])
    cohort = _cohort(request)
    reports = {
        r.province_id: r
        for r in ProvincialReport.objects.filter(cohort=cohort).select_related(
            "current_version", "accepted_version"
        )
    }
    table = Table(
        key="reports",
        title=_("Provincial reports"),
        headers=[
            _("Province"),
            _("State"),
            _("Version"),
            _("Universities"),
            _("Graduates"),
            _("Accepted version"),
        ],
        testid="reports",
    )
    for province in Province.objects.order_by("code"):
        report = reports.get(province.pk)
        version = report.current_version if report else None
        table.append(
            [
                province.name,
                report.get_status_display() if report else _("not submitted"),
                version.number if version else "",
                version.universities_total if version else "",
                version.total if version else "",
                report.accepted_version.number if report and report.accepted_version else "",
            ],
            url=reverse("reporting:report", args=[report.pk]) if report else "",
        )
    response = export(request, [table], filename=f"reports-{cohort}")
    if response is not None:
        return response
    return render(
        request,
        "reporting/reports_national.html",
        {
            "table": table,
            "cohort": cohort,
            "cohorts": cohort_choices(),
            "query": _query(cohort=cohort),
        },
    )


@login_required
def province_reports(request, province_id):
    province = selectors.province_for_user(request.user, province_id)
    scope = scope_for_user(request.user)
    reports = list(
        ProvincialReport.objects.filter(province=province)
        .select_related("current_version", "accepted_version")
        .order_by("-cohort")
    )
    open_tasks = {
        row.report_id: row
        for row in selectors.org_tasks_for_user(request.user).filter(
            report_id__in=[r.pk for r in reports]
        )
    }
    filed = dict(
        Filing.objects.filter(province=province, filed_version__isnull=False)
        .values_list("cohort")
        .annotate(n=Count("pk"))
        .order_by()
    )
    table = Table(
        key="reports",
        title=_("Provincial reports"),
        headers=[
            _("Cohort"),
            _("State"),
            _("Version"),
            _("Universities"),
            _("Graduates"),
            _("Accepted version"),
        ],
    )
    for r in reports:
        table.append(
            [
                r.cohort,
                r.get_status_display(),
                r.current_version.number if r.current_version else "",
                r.current_version.universities_total if r.current_version else "",
                r.current_version.total if r.current_version else "",
                r.accepted_version.number if r.accepted_version else "",
            ]
        )
    response = export(request, [table], filename=f"reports-{province.code}")
    if response is not None:
        return response
    return render(
        request,
        "reporting/province_reports.html",
        {
            "province": province,
            "reports": [(r, open_tasks.get(r.pk)) for r in reports],
            "filed": sorted(filed.items(), reverse=True),
            "universities": University.objects.filter(province=province).count(),
            "can_submit": province.pk in scope.ids(Role.PROVINCIAL_MONITOR),
            "form": ReportSubmitForm(initial={"province": province.pk}),
        },
    )


@require_POST
@role_required(Role.PROVINCIAL_MONITOR)
def report_submit(request):
    form = ReportSubmitForm(request.POST)
    scope = scope_for_user(request.user)
    if not form.is_valid() or form.cleaned_data["province"] not in scope.ids(
        Role.PROVINCIAL_MONITOR
    ):
        raise PermissionDenied
    province = Province.objects.get(pk=form.cleaned_data["province"])
    try:
        report = services.report_submit(
            province=province,
            cohort=form.cleaned_data["cohort"],
            actor=request.user,
            note=form.cleaned_data["note"],
        )
    except services.ReportingNotPossible as exc:
        messages.error(request, str(exc))
        return redirect("reporting:province_reports", province_id=province.pk)
    messages.success(request, _("Report submitted to the Ministry."))
    return redirect("reporting:report", report_id=report.pk)


def _report_table(version, *, key="universities") -> tuple[Table, Figures]:
    data = selectors.report_figures(version)
    names = {u.pk: u for u in University.objects.filter(pk__in=list(data.groups)).order_by("code")}
    groups = [
        (str(names[pk]), "", f)
        for pk, f in sorted(data.groups.items(), key=lambda item: names[item[0]].code)
    ]
    return (
        figures_table(key, _("By university"), _("University"), groups, data.total),
        data.total,
    )


@login_required
def report_detail(request, report_id):
    report = selectors.report_for_user(request.user, report_id)
    versions = list(report.versions.select_related("submitted_by", "decided_by"))
    wanted = request.GET.get("version", "")
    version = next((v for v in versions if str(v.number) == wanted), report.current_version)
    if version is None:
        raise Http404
    table, total = _report_table(version)
    response = export(
        request,
        [table, _versions_table(versions)],
        filename=f"report-{report.province.code}-{report.cohort}-v{version.number}",
    )
    if response is not None:
        return response
    return render(
        request,
        "reporting/report_detail.html",
        {
            "report": report,
            "versions": versions,
            "version": version,
            "table": table,
            "total": total,
            "query": _query(version=version.number),
            "tasks": selectors.org_tasks_for_user(request.user).filter(report=report),
        },
    )


# --- Tasks ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def org_task(request, task_id):
    """One URL for every filing and report task; the page depends on the task's kind."""
    row = selectors.org_task_for_user(request.user, task_id)
    return ORG_TASK_PAGES[row.kind](request, row)


def _decision(request, row):
    """Whether the user may act on the task; a POST from anyone else is refused (403)."""
    allowed = selectors.can_decide(scope_for_user(request.user), request.user, row)
    if request.method == "POST" and not allowed:
        raise PermissionDenied
    return allowed


def _review_filing(request, row):
    filing = selectors.filing_for_user(request.user, row.filing_id)
    can_decide = _decision(request, row)
    form = DecisionForm(
        request.POST or None,
        approve_label=_("File it (备案)"),
        refuse_label=_("Return it with issues"),
        reason_label=_("Issues (one per line)"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.filing_review(
                task_id=row.pk,
                user=request.user,
                file=form.cleaned_data["decision"] == "approve",
                issues=form.cleaned_data["reason"],
            )
        except (TaskNotAvailable, ValueError) as exc:
            messages.error(request, str(exc))
            return redirect("reporting:task", task_id=row.pk)
        messages.success(request, _("Decision recorded; the university is told."))
        return redirect(
            reverse("reporting:province_filings", args=[filing.province_id])
            + "?"
            + _query(cohort=filing.cohort)
        )
    version = filing.current_version
    version.filing = filing
    tables, total = _version_tables(version, prefix="", university=filing.university)
    response = export(
        request,
        tables,
        filename=f"filing-{filing.university.code}-{filing.cohort}-v{version.number}",
    )
    if response is not None:
        return response
    previous = filing.versions.filter(number__lt=version.number).order_by("-number").first()
    return render(
        request,
        "reporting/task_review_filing.html",
        {
            "row": row,
            "filing": filing,
            "version": version,
            "previous": previous,
            "tables": tables,
            "total": total,
            "form": form,
            "can_decide": can_decide,
        },
    )


def _resubmit_filing(request, row):
    filing = selectors.filing_for_user(request.user, row.filing_id)
    can_decide = _decision(request, row)
    form = ResubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.filing_resubmit(
                task_id=row.pk, user=request.user, note=form.cleaned_data["note"]
            )
        except TaskNotAvailable as exc:
            messages.error(request, str(exc))
            return redirect("reporting:task", task_id=row.pk)
        messages.success(
            request, _("Version %(n)d submitted to the province.") % {"n": version.number}
        )
        return redirect("reporting:filing", filing_id=filing.pk)
    returned = filing.versions.filter(status=ReviewStatus.RETURNED).order_by("-number").first()
    return render(
        request,
        "reporting/task_resubmit.html",
        {
            "row": row,
            "subject": filing,
            "returned": returned,
            "issues": returned.issue_list if returned else [],
            "form": form,
            "can_decide": can_decide,
            "back": reverse("reporting:filing", args=[filing.pk]),
        },
    )


def _accept_report(request, row):
    report = selectors.report_for_user(request.user, row.report_id)
    can_decide = _decision(request, row)
    form = DecisionForm(
        request.POST or None,
        approve_label=_("Accept the report"),
        refuse_label=_("Return it"),
        reason_label=_("Reason"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_decide(
                task_id=row.pk,
                user=request.user,
                accept=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
            )
        except (TaskNotAvailable, ValueError) as exc:
            messages.error(request, str(exc))
            return redirect("reporting:task", task_id=row.pk)
        messages.success(request, _("Decision recorded; the province is told."))
        return redirect("reporting:reports")
    version = report.current_version
    table, total = _report_table(version)
    response = export(
        request,
        [table],
        filename=f"report-{report.province.code}-{report.cohort}-v{version.number}",
    )
    if response is not None:
        return response
    missing = University.objects.filter(province=report.province).exclude(
        pk__in=version.filings.values("filing__university_id")
    )
    return render(
        request,
        "reporting/task_accept_report.html",
        {
            "row": row,
            "report": report,
            "version": version,
            "table": table,
            "total": total,
            "missing": missing,
            "form": form,
            "can_decide": can_decide,
        },
    )


def _revise_report(request, row):
    report = selectors.report_for_user(request.user, row.report_id)
    can_decide = _decision(request, row)
    form = ResubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.report_revise(
                task_id=row.pk, user=request.user, note=form.cleaned_data["note"]
            )
        except (TaskNotAvailable, services.ReportingNotPossible) as exc:
            messages.error(request, str(exc))
            return redirect("reporting:task", task_id=row.pk)
        messages.success(
            request, _("Version %(n)d submitted to the Ministry.") % {"n": version.number}
        )
        return redirect("reporting:report", report_id=report.pk)
    returned = report.versions.filter(status=ReportStatus.RETURNED).order_by("-number").first()
    return render(
        request,
        "reporting/task_resubmit.html",
        {
            "row": row,
            "subject": report,
            "returned": returned,
            "issues": [returned.reason] if returned else [],
            "form": form,
            "can_decide": can_decide,
            "back": reverse("reporting:report", args=[report.pk]),
        },
    )


ORG_TASK_PAGES = {
    TaskKind.REVIEW_FILING: _review_filing,
    TaskKind.RESUBMIT_FILING: _resubmit_filing,
    TaskKind.ACCEPT_REPORT: _accept_report,
    TaskKind.REVISE_REPORT: _revise_report,
}
