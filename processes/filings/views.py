"""The filing pages (备案): a university's filings and their submission, a province's view of
its universities' filings and their due date, a filing, and two versions compared. Each view
passes its gate (404 outside the user's scope, 403 for a role that may not act); every table
is also its XLSX export (``?format=xlsx&table=…``)."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.figures import requested_cohort
from cases.models import CaseStatus, CaseTally, Graduate
from core.forms import cohort_choices
from core.http import page_query, query_string
from core.tables import Table, local_time, table_page
from roles.decorators import role_required
from roles.models import Province, Role, University
from roles.org_scope import OVERSEERS, scope_for_user
from roles.selectors import province_for_user, university_for_user
from workflows.selectors import org_tasks_for_user, subject_tasks, with_open_tasks

from . import selectors, services
from .flow import FILING_KINDS
from .forms import FilingPeriodForm, FilingSubmitForm
from .models import Filing, ReviewStatus
from .tables import version_tables, versions_table


@role_required(*OVERSEERS)
def filings_home(request):
    scope = scope_for_user(request.user)
    if university_id := scope.first(Role.UNIVERSITY_SUPERVISOR):
        return redirect("filings:university_filings", university_id=university_id)
    if province_id := scope.first(Role.PROVINCIAL_MONITOR):
        return redirect("filings:province_filings", province_id=province_id)
    cohort = requested_cohort(request)
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
            url=reverse("filings:province_filings", args=[province.pk])
            + "?"
            + query_string(cohort=cohort),
        )
    return table_page(
        request,
        "filings/filings_national.html",
        {
            "table": table,
            "cohort": cohort,
            "cohorts": cohort_choices(),
            "query": query_string(cohort=cohort),
        },
        tables=[table],
        filename=f"filings-{cohort}",
    )


@require_http_methods(["GET"])
@login_required
def university_filings(request, university_id):
    university = university_for_user(request.user, university_id)
    scope = scope_for_user(request.user)
    filings = with_open_tasks(
        request.user,
        Filing.objects.filter(university=university)
        .select_related("current_version", "filed_version")
        .order_by("-cohort"),
        kinds=FILING_KINDS,
    )
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
    for f, _task in filings:
        table.append(
            [
                f.cohort,
                f.get_status_display(),
                f.current_version.number if f.current_version else "",
                local_time(f.current_version.submitted_at) if f.current_version else "",
                f.filed_version.number if f.filed_version else "",
            ]
        )
    return table_page(
        request,
        "filings/university_filings.html",
        {
            "university": university,
            "filings": filings,
            "can_submit": scope.supervises(university.pk),
            "form": FilingSubmitForm(initial={"university": university.pk}),
            "cohort_counts": sorted(counts.items(), reverse=True),
        },
        tables=[table],
        filename=f"filings-{university.code}",
    )


@require_POST
@role_required(Role.UNIVERSITY_SUPERVISOR)
def filing_submit_page(request):
    form = FilingSubmitForm(request.POST)
    scope = scope_for_user(request.user)
    if not form.is_valid() or not scope.supervises(form.cleaned_data["university"]):
        raise PermissionDenied
    university = University.objects.get(pk=form.cleaned_data["university"])
    return cohort_submitted(
        request,
        form,
        partial(services.filing_submit, university=university),
        back=reverse("filings:university_filings", args=[university.pk]),
        success=_("Filing submitted to the province for review."),
        detail="filings:filing",
    )


def cohort_submitted(request, form, submit, *, back, success, detail):
    """Run a filing's or a report's submission from its checked form, then show what was
    submitted, or go back with the reason it could not be."""
    try:
        made = submit(
            cohort=form.cleaned_data["cohort"],
            actor=request.user,
            note=form.cleaned_data["note"],
        )
    except services.ReportingNotPossible as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, success)
    return redirect(detail, made.pk)


FILING_STATE_LABELS = {
    "not_submitted": _("not submitted"),
    **dict(ReviewStatus.choices),
}


@login_required
def province_filings(request, province_id):
    """Which universities have filed, are late, were returned, or have not submitted."""
    province = province_for_user(request.user, province_id)
    cohort = requested_cohort(request, province_id=province.pk)
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
            url=reverse("filings:filing", args=[row.filing.pk]) if row.filing else "",
        )
    scope = scope_for_user(request.user)
    all_rows, _period = (
        (rows, period) if not state else selectors.province_filings(province, cohort)
    )
    summary = {key: 0 for key in FILING_STATE_LABELS}
    late = 0
    for row in all_rows:
        summary[row.state] += 1
        late += row.late
    return table_page(
        request,
        "filings/province_filings.html",
        {
            "province": province,
            "cohort": cohort,
            "cohorts": cohort_choices(),
            "table": table,
            "query": query_string(cohort=cohort, state=state),
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
        tables=[table],
        filename=f"filings-{province.code}-{cohort}",
    )


@require_POST
@role_required(Role.PROVINCIAL_MONITOR)
def filing_period_page(request):
    form = FilingPeriodForm(request.POST)
    scope = scope_for_user(request.user)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("filings:filings")
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
        reverse("filings:province_filings", args=[province_id])
        + "?"
        + query_string(cohort=form.cleaned_data["cohort"])
    )


@login_required
def filing_detail(request, filing_id):
    filing = selectors.filing_for_user(request.user, filing_id)
    versions = selectors.filing_versions(filing)
    wanted = request.GET.get("version", "")
    version = next((v for v in versions if str(v.number) == wanted), filing.current_version or None)
    if version is None:
        raise Http404
    version.filing = filing
    tables, total = version_tables(version, prefix="", university=filing.university)
    return table_page(
        request,
        "filings/filing_detail.html",
        {
            "filing": filing,
            "versions": versions,
            "version": version,
            "tables": tables,
            "total": total,
            "query": query_string(version=version.number),
            "tasks": org_tasks_for_user(request.user).filter(
                kind__in=FILING_KINDS, subject_id=filing.pk
            ),
            "history": subject_tasks(kinds=FILING_KINDS, subject_id=filing.pk),
        },
        tables=[*tables, versions_table(versions)],
        filename=f"filing-{filing.university.code}-{filing.cohort}-v{version.number}",
    )


@login_required
def filing_compare(request, filing_id):
    """Two versions of a filing side by side: the figures and the graduates that changed."""
    filing = selectors.filing_for_user(request.user, filing_id)
    versions = {v.number: v for v in selectors.filing_versions(filing)}
    if len(versions) < 2:
        return redirect("filings:filing", filing_id=filing.pk)
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
    summary.append(["统计口径", figures_a.definition_label, figures_b.definition_label, ""])
    da, db = figures_a.as_dict(), figures_b.as_dict()
    for key in sorted(set(da) | set(db), key=lambda k: (k.startswith("category_"), k)):
        absent = 0 if key.startswith("category_") else None  # a category counted 0 is left out
        before, after = da.get(key, absent), db.get(key, absent)
        change = "" if before is None or after is None else after - before
        summary.append(
            [
                FIGURE_LABELS.get(key, key.replace("category_", "")),
                "—" if before is None else before,
                "—" if after is None else after,
                change,
            ]
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
    page = Paginator(changed.rows, 50).get_page(request.GET.get("page"))
    return table_page(
        request,
        "filings/filing_compare.html",
        {
            "filing": filing,
            "older": older,
            "newer": newer,
            "numbers": numbers,
            "summary": summary,
            "changed": changed,
            "page": page,
            "query": page_query(request),
            "pair": query_string(a=older.number, b=newer.number),
        },
        tables=[summary, changed],
        filename=f"filing-{filing.university.code}-{filing.cohort}-v{older.number}-v{newer.number}",
    )


FIGURE_LABELS = {
    "total": "毕业生总数",
    "approved": "已登记",
    "pending": "待审核",
    "returned": "退回修改",
    "unregistered": "未登记",
    "without_destination": "未登记/待审核",
    "confirmed": "已确认",
    "employed_class": "就业类",
    "further_study_class": "升学类",
    "not_employed_class": "未就业类",
    "flexible": "灵活就业",
    "placed": "毕业去向落实人数",
    "employment": "就业人数（不含升学）",
    "incomplete": "其中结业生",
    "late_corrections": "逾期更正",
    "targeted_total": "定向生",
    "targeted_counted": "定向符合率的分母",
    "targeted_compliant": "定向符合",
}


# --- Provincial reports --------------------------------------------------------------------------------
