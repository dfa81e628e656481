"""The case list of the staff who read cases, and the evidence files of a case. (A case's
own page brings every layer's part of it together: ``portal.views.case_page``.)"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from core.http import page_query
from roles.org_scope import scope_for_user
from roles.selectors import colleges_in_scope

from . import selectors
from .models import CaseStatus, Evidence, Graduate
from .pages import reads_record


@login_required
def case_list(request):
    scope = scope_for_user(request.user)
    if not scope.is_staff_reader:
        own = Graduate.objects.filter(user=request.user).first()
        if own is None:
            raise PermissionDenied
        return redirect("portal:case", graduate_id=own.pk)
    filters = {k: request.GET.get(k, "").strip() for k in ("cohort", "status", "college", "q")}
    filters = {k: v for k, v in filters.items() if v}
    if "cohort" in filters and not filters["cohort"].isdigit():
        filters.pop("cohort")
    if "college" in filters and not filters["college"].isdigit():
        filters.pop("college")
    rows = selectors.case_list(request.user, filters=filters)
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": CaseStatus.choices,
            "colleges": colleges_in_scope(scope),
            "query": page_query(request),
        },
    )


@login_required
def evidence_file(request, evidence_id):
    """An uploaded scan, served only to users whose scope covers its case (404 otherwise)."""
    evidence = (
        Evidence.objects.filter(pk=evidence_id).only("graduate_id").first()
        if str(evidence_id).isdigit()
        else None
    )
    if evidence is None:
        raise Http404
    graduate = selectors.case_for_user(request.user, evidence.graduate_id)
    evidence = Evidence.objects.get(pk=evidence.pk)
    if graduate.user_id != request.user.pk:
        reads_record(request, [graduate.pk], "evidence_view")
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        as_attachment=True,
        filename=evidence.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
