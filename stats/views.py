"""The statistics pages: the dashboard of each level (nation, province, university) with its
charts and tables, every table also its XLSX export (``?format=xlsx&table=…``), and the full
recomputation with its progress."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.figures import category_table, figures_table, requested_cohort
from cases.models import Graduate
from cases.national_file import national_file
from cases.pages import reads_record
from core.forms import cohort_choices
from core.http import int_or_404, query_string
from core.tables import table_page
from processes.filings.models import Filing, ProvincialReport, ReportStatus
from roles.decorators import role_required
from roles.models import Role
from roles.org_scope import UNIVERSITY_READERS, scope_for_user
from roles.selectors import province_for_user, university_for_user

from . import charts, selectors, services
from .models import StatisticsJob

SOURCES = ("live", "reported")


@login_required
def statistics_home(request):
    """The dashboard of the user's level, with the query asked for (cohort, source, …)."""
    scope = scope_for_user(request.user)
    if scope.national:
        target = reverse("stats:national")
    elif province_id := scope.first(Role.PROVINCIAL_MONITOR):
        target = reverse("stats:province", args=[province_id])
    else:
        target = next(
            (
                reverse("stats:university", args=[university_id])
                for role in UNIVERSITY_READERS
                if (university_id := scope.first(role))
            ),
            None,
        )
    if target is None:
        raise PermissionDenied
    query = request.GET.urlencode()
    return redirect(f"{target}?{query}" if query else target)


def _charts(d: selectors.Dashboard, labels: list[str]) -> list:
    """Employment rate by group, destination classes by group, approved by category."""
    shown = [(label, f) for label, (_obj, f) in zip(labels, d.groups, strict=True) if f.total]
    out = [
        charts.bar_chart(
            [
                (label, (f.placement_rate or 0) * 100, f"{(f.placement_rate or 0):.1%}")
                for label, f in shown
            ],
            title=_("毕业去向落实率 (approved 就业 and 升学 ÷ all graduates)"),
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


def _query(d: selectors.Dashboard) -> str:
    """The cohort, source and graduates ``d`` shows, as a query string."""
    return query_string(cohort=d.cohort, source=d.source, graduates=d.graduates)


def _level_url(d: selectors.Dashboard, name: str, pk) -> str:
    """The dashboard ``name`` of ``pk`` at the cohort, source and graduates ``d`` shows."""
    return reverse(name, args=[pk]) + "?" + _query(d)


def _dashboard_page(request, d: selectors.Dashboard, *, group_header, group_page, filename, extra):
    """``d`` as its page, or as its XLSX tables; each group links to ``group_page`` of it
    where there is one."""
    filename = f"{filename}-{d.cohort}-{d.source}" + (f"-{d.graduates}" if d.graduates else "")

    def link(obj):
        return _level_url(d, group_page, obj.pk) if group_page else ""

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
    query = request.GET.copy()
    for key in ("format", "table"):
        query.pop(key, None)
    return table_page(
        request,
        "stats/dashboard.html",
        {
            "d": d,
            "tables": tables,
            "charts": _charts(d, labels),
            "query": query.urlencode(),
            "cohorts": cohort_choices(),
            "sources": [("live", _("live figures")), ("reported", _("accepted reports"))],
            "graduate_kinds": [
                ("", _("all graduates")),
                ("graduated", _("毕业生 only")),
                ("incomplete", _("结业生 only")),
            ],
            **extra,
        },
        tables=tables,
        filename=filename,
    )


def _source(request, default: str) -> str:
    value = request.GET.get("source", default)
    return value if value in SOURCES else default


def _graduates(request) -> str:
    value = request.GET.get("graduates", "")
    return value if value in selectors.GRADUATES else ""


@role_required(Role.NATIONAL_ADMIN)
def national_dashboard(request):
    cohort = requested_cohort(request)
    source = _source(request, "reported")
    d = selectors.dashboard("nation", cohort=cohort, source=source, graduates=_graduates(request))
    return _dashboard_page(
        request,
        d,
        group_header=_("Province"),
        group_page="stats:province",
        filename="national",
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
    province = province_for_user(request.user, province_id)
    cohort = requested_cohort(request, province_id=province.pk)
    source = _source(request, "live")
    d = selectors.dashboard(
        "province", cohort=cohort, source=source, province=province, graduates=_graduates(request)
    )
    report = ProvincialReport.objects.filter(province=province, cohort=cohort).first()
    return _dashboard_page(
        request,
        d,
        group_header=_("University"),
        group_page="stats:university",
        filename=f"province-{province.code}",
        extra={
            "title": _("%(province)s statistics") % {"province": province.name},
            "report": report,
            "national_file": reverse("stats:province_file", args=[province.pk])
            + "?"
            + query_string(cohort=d.cohort)
            if _may_export(scope_for_user(request.user), province_id=province.pk)
            else "",
            "up": reverse("stats:national") + "?" + _query(d)
            if scope_for_user(request.user).national
            else "",
        },
    )


@login_required
def university_dashboard(request, university_id):
    university = university_for_user(request.user, university_id)
    cohort = requested_cohort(
        request, province_id=university.province_id, university_id=university.pk
    )
    source = _source(request, "live")
    d = selectors.dashboard(
        "university",
        cohort=cohort,
        source=source,
        university=university,
        graduates=_graduates(request),
    )
    scope = scope_for_user(request.user)
    up = ""
    if scope.national or university.province_id in scope.ids(Role.PROVINCIAL_MONITOR):
        up = _level_url(d, "stats:province", university.province_id)
    return _dashboard_page(
        request,
        d,
        group_header=_("College"),
        group_page=None,
        filename=f"university-{university.code}",
        extra={
            "title": _("%(university)s statistics") % {"university": university.name},
            "filing": Filing.objects.filter(university=university, cohort=cohort).first(),
            "national_file": reverse("stats:university_file", args=[university.pk])
            + "?"
            + query_string(cohort=d.cohort)
            if _may_export(scope, province_id=university.province_id, university_id=university.pk)
            else "",
            "up": up,
        },
    )


# --- The per-graduate national file ---------------------------------------------------------------


def _national_file_response(request, graduates, *, filename: str):
    """The national file of ``graduates`` (full ID numbers: every graduate's record read is
    logged), streamed from a temporary file."""
    reads_record(request, graduates.values_list("pk", flat=True), "national_file")
    response = FileResponse(
        national_file(graduates),
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Cache-Control"] = "no-store"
    return response


def _may_export(scope, *, province_id: int, university_id: int | None = None) -> bool:
    """Who takes the national file (full ID numbers): the Ministry, the province's monitors
    and, of a university's own, its supervisors."""
    return (
        scope.national
        or province_id in scope.ids(Role.PROVINCIAL_MONITOR)
        or (university_id is not None and university_id in scope.ids(Role.UNIVERSITY_SUPERVISOR))
    )


@login_required
def university_national_file(request, university_id):
    """A university's cohort in the national column set."""
    university = university_for_user(request.user, university_id)
    scope = scope_for_user(request.user)
    if not _may_export(scope, province_id=university.province_id, university_id=university.pk):
        raise PermissionDenied
    cohort = requested_cohort(
        request, province_id=university.province_id, university_id=university.pk
    )
    return _national_file_response(
        request,
        Graduate.objects.filter(university=university, cohort=cohort),
        filename=f"毕业去向-{university.code}-{cohort}",
    )


@login_required
def province_national_file(request, province_id):
    """A province's cohort, every university's graduates, in the national column set."""
    province = province_for_user(request.user, province_id)
    if not _may_export(scope_for_user(request.user), province_id=province.pk):
        raise PermissionDenied
    cohort = requested_cohort(request, province_id=province.pk)
    return _national_file_response(
        request,
        Graduate.objects.filter(province=province, cohort=cohort),
        filename=f"毕业去向-{province.code}-{cohort}",
    )


# --- Full recomputation -----------------------------------------------------------------------------


@require_POST
@role_required(Role.NATIONAL_ADMIN)
def recompute_page(request):
    job = services.statistics_job_create(actor=request.user)
    messages.success(request, _("The recomputation has started."))
    return redirect("stats:job", job_id=job.pk)


@role_required(Role.NATIONAL_ADMIN)
def job_detail(request, job_id):
    job = StatisticsJob.objects.filter(pk=int_or_404(job_id)).first()
    if job is None:
        raise Http404
    return render(request, "stats/job.html", {"job": job})
