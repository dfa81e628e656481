"""The task pages of filings and reports: the province's review of a filing, the
university's resubmission, the Ministry's acceptance of a report and the province's revision."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.http import query_string
from core.tables import table_page
from roles.models import University
from roles.org_scope import scope_for_user
from workflows.selectors import can_decide_org
from workflows.steps import TaskNotAvailable

from . import selectors, services
from .forms import DecisionForm, ResubmitForm
from .models import ReportStatus, ReviewStatus
from .tables import report_table, version_tables


def _decision(request, row):
    """Whether the user may act on the task; a POST from anyone else is refused (403)."""
    allowed = can_decide_org(scope_for_user(request.user), request.user, row)
    if request.method == "POST" and not allowed:
        raise PermissionDenied
    return allowed


def _posted(request, row, form, act, done):
    """On a valid POST: run the step (``act`` of the form's data) and go where ``done`` of
    its result says, with its message; a step refused shows why on the task again. None on
    a GET or an invalid form: the page is shown."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = act(form.cleaned_data)
    except (TaskNotAvailable, ValueError, services.ReportingNotPossible) as exc:
        messages.error(request, str(exc))
        return redirect("workflows:org_task", task_id=row.pk)
    message, url = done(result)
    messages.success(request, message)
    return redirect(url)


def _decision_form(request, *, approve, refuse, reason):
    return DecisionForm(
        request.POST or None, approve_label=approve, refuse_label=refuse, reason_label=reason
    )


def _resubmit_page(request, row, *, subject, returned, issues, back, act, done):
    """A returned filing or report, submitted again as a new version."""
    can_decide = _decision(request, row)
    form = ResubmitForm(request.POST or None)
    answer = _posted(request, row, form, lambda data: act(note=data["note"]), done)
    if answer is not None:
        return answer
    return render(
        request,
        "filings/task_resubmit.html",
        {
            "row": row,
            "subject": subject,
            "returned": returned,
            "issues": issues,
            "form": form,
            "can_decide": can_decide,
            "back": back,
        },
    )


def review_filing_task(request, row):
    filing = selectors.filing_for_user(request.user, row.subject_id)
    can_decide = _decision(request, row)
    form = _decision_form(
        request,
        approve=_("File it (备案)"),
        refuse=_("Return it with issues"),
        reason=_("Issues (one per line)"),
    )
    answer = _posted(
        request,
        row,
        form,
        lambda data: services.filing_review(
            task_id=row.pk,
            user=request.user,
            file=data["decision"] == "approve",
            issues=data["reason"],
        ),
        lambda _version: (
            _("Decision recorded; the university is told."),
            reverse("filings:province_filings", args=[filing.province_id])
            + "?"
            + query_string(cohort=filing.cohort),
        ),
    )
    if answer is not None:
        return answer
    version = filing.current_version
    version.filing = filing
    tables, total = version_tables(version, prefix="", university=filing.university)
    previous = filing.versions.filter(number__lt=version.number).order_by("-number").first()
    return table_page(
        request,
        "filings/task_review_filing.html",
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
        tables=tables,
        filename=f"filing-{filing.university.code}-{filing.cohort}-v{version.number}",
    )


def resubmit_filing_task(request, row):
    filing = selectors.filing_for_user(request.user, row.subject_id)
    returned = filing.versions.filter(status=ReviewStatus.RETURNED).order_by("-number").first()
    return _resubmit_page(
        request,
        row,
        subject=filing,
        returned=returned,
        issues=returned.issue_list if returned else [],
        back=reverse("filings:filing", args=[filing.pk]),
        act=lambda note: services.filing_resubmit(task_id=row.pk, user=request.user, note=note),
        done=lambda version: (
            _("Version %(n)d submitted to the province.") % {"n": version.number},
            reverse("filings:filing", args=[filing.pk]),
        ),
    )


def accept_report_task(request, row):
    report = selectors.report_for_user(request.user, row.subject_id)
    can_decide = _decision(request, row)
    form = _decision_form(
        request, approve=_("Accept the report"), refuse=_("Return it"), reason=_("Reason")
    )
    answer = _posted(
        request,
        row,
        form,
        lambda data: services.report_decide(
            task_id=row.pk,
            user=request.user,
            accept=data["decision"] == "approve",
            reason=data["reason"],
        ),
        lambda _version: (
            _("Decision recorded; the province is told."),
            reverse("filings:reports"),
        ),
    )
    if answer is not None:
        return answer
    version = report.current_version
    table, total = report_table(version)
    missing = University.objects.filter(province=report.province).exclude(
        pk__in=version.filings.values("filing__university_id")
    )
    return table_page(
        request,
        "filings/task_accept_report.html",
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
        tables=[table],
        filename=f"report-{report.province.code}-{report.cohort}-v{version.number}",
    )


def revise_report_task(request, row):
    report = selectors.report_for_user(request.user, row.subject_id)
    returned = report.versions.filter(status=ReportStatus.RETURNED).order_by("-number").first()
    return _resubmit_page(
        request,
        row,
        subject=report,
        returned=returned,
        issues=[returned.reason] if returned else [],
        back=reverse("filings:report", args=[report.pk]),
        act=lambda note: services.report_revise(task_id=row.pk, user=request.user, note=note),
        done=lambda version: (
            _("Version %(n)d submitted to the Ministry.") % {"n": version.number},
            reverse("filings:report", args=[report.pk]),
        ),
    )
