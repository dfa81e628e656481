"""The task pages of filings and reports: the province's review of a filing, the
university's resubmission, the Ministry's acceptance of a report and the province's revision."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.http import query_string
from core.tables import export
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


def review_filing_task(request, row):
    filing = selectors.filing_for_user(request.user, row.subject_id)
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
            return redirect("workflows:org_task", task_id=row.pk)
        messages.success(request, _("Decision recorded; the university is told."))
        return redirect(
            reverse("filings:province_filings", args=[filing.province_id])
            + "?"
            + query_string(cohort=filing.cohort)
        )
    version = filing.current_version
    version.filing = filing
    tables, total = version_tables(version, prefix="", university=filing.university)
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
    )


def resubmit_filing_task(request, row):
    filing = selectors.filing_for_user(request.user, row.subject_id)
    can_decide = _decision(request, row)
    form = ResubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.filing_resubmit(
                task_id=row.pk, user=request.user, note=form.cleaned_data["note"]
            )
        except TaskNotAvailable as exc:
            messages.error(request, str(exc))
            return redirect("workflows:org_task", task_id=row.pk)
        messages.success(
            request, _("Version %(n)d submitted to the province.") % {"n": version.number}
        )
        return redirect("filings:filing", filing_id=filing.pk)
    returned = filing.versions.filter(status=ReviewStatus.RETURNED).order_by("-number").first()
    return render(
        request,
        "filings/task_resubmit.html",
        {
            "row": row,
            "subject": filing,
            "returned": returned,
            "issues": returned.issue_list if returned else [],
            "form": form,
            "can_decide": can_decide,
            "back": reverse("filings:filing", args=[filing.pk]),
        },
    )


def accept_report_task(request, row):
    report = selectors.report_for_user(request.user, row.subject_id)
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
            return redirect("workflows:org_task", task_id=row.pk)
        messages.success(request, _("Decision recorded; the province is told."))
        return redirect("filings:reports")
    version = report.current_version
    table, total = report_table(version)
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
    )


def revise_report_task(request, row):
    report = selectors.report_for_user(request.user, row.subject_id)
    can_decide = _decision(request, row)
    form = ResubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.report_revise(
                task_id=row.pk, user=request.user, note=form.cleaned_data["note"]
            )
        except (TaskNotAvailable, services.ReportingNotPossible) as exc:
            messages.error(request, str(exc))
            return redirect("workflows:org_task", task_id=row.pk)
        messages.success(
            request, _("Version %(n)d submitted to the Ministry.") % {"n": version.number}
        )
        return redirect("filings:report", report_id=report.pk)
    returned = report.versions.filter(status=ReportStatus.RETURNED).order_by("-number").first()
    return render(
        request,
        "filings/task_resubmit.html",
        {
            "row": row,
            "subject": report,
            "returned": returned,
            "issues": [returned.reason] if returned else [],
            "form": form,
            "can_decide": can_decide,
            "back": reverse("filings:report", args=[report.pk]),
        },
    )
