"""The targeted-enrolment reviewer's task page, and the province's list of targeted graduates."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cases import selectors as case_selectors
from cases.display import versions_compare
from cases.models import ChangeRequest, TargetedCompliance
from cases.pages import reads_record
from core.http import page_query, safe_next
from core.xlsx import xlsx_response
from roles.decorators import role_required
from roles.models import Role
from workflows.pages import access_record, case_context, may_decide
from workflows.steps import TaskNotAvailable

from . import services
from .flow import TargetedCheckFlow
from .forms import TargetedDecisionForm


def targeted_task(request, row):
    """The targeted-enrolment reviewer: approve an exception (reason and evidence) or return."""
    graduate = case_selectors.case_for_user(request.user, row.graduate_id)
    can_decide = may_decide(request, row)
    form = TargetedDecisionForm(
        request.POST or None,
        request.FILES or None,
        correction=row.process.flow_class is TargetedCheckFlow,
    )
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.targeted_decide(
                    task_id=row.pk,
                    user=request.user,
                    approve=form.cleaned_data["decision"] == "exception",
                    reason=form.cleaned_data["reason"],
                    uploads=form.cleaned_data["evidence"],
                )
            except TaskNotAvailable as exc:
                messages.error(request, str(exc))
                return redirect("workflows:task", task_id=row.pk)
            messages.success(
                request, _("Decision recorded for %(name)s.") % {"name": graduate.name}
            )
            return redirect(safe_next(request, reverse("workflows:queue")))
    access_record(request, graduate, "targeted_view")
    change = (
        graduate.change_requests.filter(status=ChangeRequest.Status.PENDING)
        .select_related("proposed")
        .first()
    )
    version = (
        change.proposed
        if change is not None and change.proposed_id
        else graduate.current_registration
    )
    return render(
        request,
        "targeted/targeted_check.html",
        {
            **case_context(graduate),
            "row": row,
            "form": form,
            "can_decide": can_decide,
            "checked": version,
            "checked_rows": versions_compare(version, None),
        },
    )


@role_required(Role.PROVINCIAL_MONITOR, Role.NATIONAL_ADMIN)
def targeted_list_page(request):
    """Targeted graduates of the monitor's province and their compliance, on the page or as XLSX."""
    rows = (
        case_selectors.cases_for_user(request.user)
        .exclude(targeted_compliance="")
        .select_related(
            "university",
            "targeted_region",
            "current_registration__category",
            "current_registration__employer_region",
        )
        .order_by("university__code", "student_no")
    )
    status = request.GET.get("status", "")
    if status and status in TargetedCompliance.values:
        rows = rows.filter(targeted_compliance=status)
    university = request.GET.get("university", "")
    if university.isdigit():
        rows = rows.filter(university__code=university)
    cohort = request.GET.get("cohort", "")
    if cohort.isdigit():
        rows = rows.filter(cohort=int(cohort))
    if request.GET.get("format") == "xlsx":
        rows = list(rows)
        reads_record(request, [g.pk for g in rows], "targeted_export")
        return xlsx_response(
            filename="targeted-graduates.xlsx",
            title="定向毕业生",
            headers=[
                "学校代码",
                "学校",
                "学号",
                "姓名",
                "毕业年份",
                "定向单位",
                "定向单位统一社会信用代码",
                "定向地区",
                "协议编号",
                "毕业去向",
                "单位名称",
                "统一社会信用代码",
                "单位所在地",
                "状态",
            ],
            rows=(
                [
                    g.university.code,
                    g.university.name,
                    g.student_no,
                    g.name,
                    g.cohort,
                    g.targeted_employer_name,
                    g.targeted_credit_code,
                    g.targeted_region.full_name if g.targeted_region_id else "",
                    g.agreement_no,
                    str(g.current_registration.category) if g.current_registration_id else "",
                    g.current_registration.employer_name if g.current_registration_id else "",
                    g.current_registration.employer_credit_code
                    if g.current_registration_id
                    else "",
                    str(g.current_registration.employer_region or "")
                    if g.current_registration_id
                    else "",
                    g.get_targeted_compliance_display(),
                ]
                for g in rows
            ),
        )
    counts = dict(
        case_selectors.cases_for_user(request.user)
        .exclude(targeted_compliance="")
        .values_list("targeted_compliance")
        .annotate(n=Count("pk"))
        .values_list("targeted_compliance", "n")
    )
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    reads_record(
        request, [g.pk for g in page.object_list], "targeted_view"
    )  # the page shows each graduate's agreement and destination
    return render(
        request,
        "targeted/targeted_list.html",
        {
            "page": page,
            "status": status,
            "university": university,
            "cohort": cohort,
            "query": page_query(request),
            "statuses": [
                (v, label, counts.get(v, 0)) for v, label in TargetedCompliance.choices if v
            ],
        },
    )
