"""The pages. Each view checks scope, validates a form, calls one service, redirects."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import roster as roster_io
from cases import selectors as case_selectors
from cases import services as case_services
from cases.display import mask_id_number, mask_mobile, versions_compare
from cases.exports import xlsx_response
from cases.forms import AuditDecisionForm, RegistrationForm
from cases.models import CaseStatus, Graduate, RegistrationDraft, RegistrationStatus
from roles.decorators import role_required
from roles.models import College, Role
from roles.scope import scope_for_user

from . import selectors, services
from .forms import ActivationCodesForm, InboxFilterForm, RosterUploadForm
from .models import ScopeStatus

REVIEWER_ROLES = (Role.COLLEGE_REVIEWER, Role.UNIVERSITY_REVIEWER)


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


def _colleges_in_scope(scope):
    university_ids = scope.ids(Role.UNIVERSITY_REVIEWER) | scope.ids(Role.UNIVERSITY_SUPERVISOR)
    college_ids = scope.ids(Role.COLLEGE_REVIEWER)
    return College.objects.filter(university_id__in=university_ids) | College.objects.filter(
        pk__in=college_ids
    )


def _supervised_university(request):
    """The university a supervisor acts for (the first one, or ?university=)."""
    scope = scope_for_user(request.user)
    ids = sorted(scope.ids(Role.UNIVERSITY_SUPERVISOR))
    wanted = request.GET.get("university") or request.POST.get("university")
    if wanted and wanted.isdigit() and int(wanted) in ids:
        ids = [int(wanted)]
    return next(
        m.university
        for m in scope.memberships
        if m.university_id == ids[0] and m.role == Role.UNIVERSITY_SUPERVISOR
    )


# --- Home -----------------------------------------------------------------------------------------


@login_required
def home(request):
    scope = scope_for_user(request.user)
    context = {"role": scope.primary_role}
    if scope.has_role(Role.GRADUATE):
        graduate = (
            Graduate.objects.filter(user=request.user)
            .select_related("university", "current_registration__category")
            .first()
        )
        context["graduate"] = graduate
        context["tasks"] = selectors.my_tasks(request.user, selectors.InboxFilters())
    elif scope.has_role(*REVIEWER_ROLES):
        context["queue_count"] = selectors.queue_for_user(
            request.user, selectors.InboxFilters()
        ).count()
        context["mine_count"] = selectors.my_tasks(request.user, selectors.InboxFilters()).count()
    if scope.is_staff_reader:
        counts = dict(
            case_selectors.cases_for_user(request.user)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        context["status_counts"] = [
            (label, counts.get(value, 0)) for value, label in CaseStatus.choices
        ]
        context["case_total"] = sum(counts.values())
    return render(request, "workflows/home.html", context)


# --- Inboxes --------------------------------------------------------------------------------------


def _inbox(request, *, queue: bool):
    scope = scope_for_user(request.user)
    form = InboxFilterForm(request.GET or None, colleges=_colleges_in_scope(scope) if queue else ())
    filters = form.filters() if request.GET else selectors.InboxFilters()
    rows = (
        selectors.queue_for_user(request.user, filters)
        if queue
        else selectors.my_tasks(request.user, filters)
    )
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workflows/inbox.html",
        {
            "page": page,
            "form": form,
            "queue": queue,
            "query": query.urlencode(),
            "filters": filters,
        },
    )


@login_required
def my_tasks(request):
    return _inbox(request, queue=False)


@role_required(*REVIEWER_ROLES)
def queue(request):
    return _inbox(request, queue=True)


@require_POST
@login_required
def tasks_claim(request):
    """Claim one task or several ("assign to me"); each id passes the scope gate."""
    scope = scope_for_user(request.user)
    wanted = [request.POST["one"]] if "one" in request.POST else request.POST.getlist("task")
    rows = [selectors.task_for_user(request.user, raw) for raw in wanted]
    if not all(selectors.may_claim(scope, row) for row in rows):
        raise PermissionDenied
    ids = [row.pk for row in rows]
    if not wanted:
        messages.warning(request, _("Select at least one task."))
    claimed, skipped = services.tasks_claim_bulk(task_ids=ids, user=request.user)
    if claimed:
        messages.success(
            request, _("%(n)d task(s) claimed; they are now in “My tasks”.") % {"n": claimed}
        )
    for message in skipped:
        messages.warning(request, message)
    return redirect(_safe_next(request, reverse("workflows:queue")))


@require_POST
@login_required
def task_unclaim(request, task_id):
    row = selectors.task_for_user(request.user, task_id)
    try:
        services.task_unclaim(task_id=row.pk, user=request.user)
    except services.TaskNotAvailable as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The task is back in the queue."))
    return redirect(_safe_next(request, reverse("workflows:mine")))


# --- Task pages -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def task_detail(request, task_id):
    row = selectors.task_for_user(request.user, task_id)
    if row.kind in services.GRADUATE_KINDS:
        if row.assignee_id != request.user.pk:
            return redirect("workflows:case", graduate_id=row.graduate_id)
        return _registration_task(request, row)
    return _audit_task(request, row)


def _registration_task(request, row):
    graduate = case_selectors.case_for_user(request.user, row.graduate_id)
    if row.status != ScopeStatus.ASSIGNED:
        messages.info(request, _("This task is finished."))
        return redirect("workflows:case", graduate_id=graduate.pk)
    current = graduate.current_registration
    draft = RegistrationDraft.objects.filter(graduate=graduate).first()
    if request.method == "POST":
        form = RegistrationForm(request.POST, cohort=graduate.cohort)
        if "save_draft" in request.POST:
            data = {k: v for k, v in request.POST.items() if k in RegistrationForm.Meta.fields}
            case_services.registration_draft_save(graduate=graduate, data=data, actor=request.user)
            messages.success(request, _("Draft saved. You can come back and submit it later."))
            return redirect("workflows:task", task_id=row.pk)
        if form.is_valid():
            try:
                services.registration_submit(
                    task_id=row.pk, user=request.user, values=form.values()
                )
            except services.TaskNotAvailable as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request, _("Submitted. Your university will audit your registration.")
                )
                return redirect("home")
        else:
            messages.error(
                request, _("Please correct the fields marked below; nothing you typed was lost.")
            )
    else:
        if draft is not None:
            initial = draft.data
        elif current is not None:
            initial = {
                name: getattr(current, f"{name}_id" if name in current._fk_fields() else name)
                for name in RegistrationForm.Meta.fields
            }
        else:
            initial = {}
        form = RegistrationForm(initial=initial, cohort=graduate.cohort)
    returned = (
        current if current is not None and current.status == RegistrationStatus.RETURNED else None
    )
    return render(
        request,
        "workflows/registration_form.html",
        {
            "form": form,
            "row": row,
            "graduate": graduate,
            "returned": returned,
            "draft": draft,
            "required_map": _required_map(graduate.cohort),
        },
    )


def _required_map(cohort: int) -> dict:
    """Category id -> required field names, so the page can mark them as the category changes."""
    return {c.pk: c.required_fields for c in case_selectors.categories_for_cohort(cohort)}


def _audit_task(request, row):
    scope = scope_for_user(request.user)
    graduate = case_selectors.case_for_user(request.user, row.graduate_id)
    can_decide = row.status in (ScopeStatus.OPEN, ScopeStatus.ASSIGNED) and (
        row.assignee_id == request.user.pk or selectors.can_claim(scope, row)
    )
    form = AuditDecisionForm(request.POST or None)
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.audit_decide(
                    task_id=row.pk,
                    user=request.user,
                    approve=form.cleaned_data["decision"] == "approve",
                    reason=form.cleaned_data["reason"],
                )
            except services.TaskNotAvailable as exc:
                messages.error(request, str(exc))
                return redirect("workflows:task", task_id=row.pk)
            if form.cleaned_data["decision"] == "approve":
                messages.success(request, _("Approved: %(name)s.") % {"name": graduate.name})
            else:
                messages.success(
                    request, _("Returned to %(name)s for correction.") % {"name": graduate.name}
                )
            return redirect(_safe_next(request, reverse("workflows:queue")))
    case_services.case_access_record(
        graduate_ids=[graduate.pk], user=request.user, action="audit_view", ip=_client_ip(request)
    )
    return render(
        request,
        "workflows/audit.html",
        {**_case_context(graduate), "row": row, "form": form, "can_decide": can_decide},
    )


def _case_context(graduate):
    versions = case_selectors.case_versions(graduate)
    current = next((v for v in versions if v.is_current), None)
    previous = next((v for v in versions if current and v.number < current.number), None)
    return {
        "graduate": graduate,
        "masked_id": mask_id_number(graduate.id_number),
        "masked_mobile": mask_mobile(graduate.mobile),
        "versions": versions,
        "current": current,
        "previous": previous,
        "comparison": versions_compare(current, previous),
        "history": case_selectors.case_history(graduate),
        "tasks": selectors.case_tasks(graduate.pk),
    }


# --- Cases ------------------------------------------------------------------------------------------


@login_required
def case_list(request):
    scope = scope_for_user(request.user)
    if not scope.is_staff_reader:
        own = Graduate.objects.filter(user=request.user).first()
        if own is None:
            raise PermissionDenied
        return redirect("workflows:case", graduate_id=own.pk)
    filters = {k: request.GET.get(k, "").strip() for k in ("cohort", "status", "college", "q")}
    filters = {k: v for k, v in filters.items() if v}
    if "cohort" in filters and not filters["cohort"].isdigit():
        filters.pop("cohort")
    if "college" in filters and not filters["college"].isdigit():
        filters.pop("college")
    rows = case_selectors.case_list(request.user, filters=filters)
    page = Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workflows/case_list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": CaseStatus.choices,
            "colleges": _colleges_in_scope(scope),
            "query": query.urlencode(),
        },
    )


@login_required
def case_detail(request, graduate_id):
    graduate = case_selectors.case_for_user(request.user, graduate_id)
    own = graduate.user_id == request.user.pk
    if not own:
        case_services.case_access_record(
            graduate_ids=[graduate.pk],
            user=request.user,
            action="case_view",
            ip=_client_ip(request),
        )
    context = _case_context(graduate)
    context["own"] = own
    if own:
        context["masked_id"] = graduate.id_number
        context["masked_mobile"] = graduate.mobile
        context["open_task"] = selectors.active_task_of_case(
            graduate.pk, kinds=services.GRADUATE_KINDS
        )
    return render(request, "workflows/case_detail.html", context)


# --- Roster ------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(Role.UNIVERSITY_SUPERVISOR)
def roster_import(request):
    university = _supervised_university(request)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = roster_io.read_table(upload.name, upload.read())
            rows = roster_io.RosterValidator(university=university).parse(table)
        except roster_io.RosterFileError as exc:
            form.add_error("file", str(exc))
        else:
            result = services.roster_import(
                university=university,
                cohort=form.cleaned_data["cohort"],
                rows=rows,
                actor=request.user,
            )
            if result.created or result.updated:
                messages.success(
                    request,
                    _("Roster imported: %(c)d new, %(u)d updated, %(n)d unchanged.")
                    % {"c": result.created, "u": result.updated, "n": result.unchanged},
                )
            if result.errors:
                messages.warning(
                    request,
                    _("%(n)d row(s) were not imported; see the reasons below.")
                    % {"n": result.error_rows},
                )
    return render(
        request,
        "workflows/roster_import.html",
        {"form": form, "result": result, "university": university},
    )


@role_required(Role.UNIVERSITY_SUPERVISOR)
def roster_template(request, fmt):
    if fmt == "xlsx":
        response = HttpResponse(
            roster_io.template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(roster_io.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roster-template.{fmt}"'
    return response


@require_http_methods(["GET", "POST"])
@role_required(Role.UNIVERSITY_SUPERVISOR)
def activation_codes(request):
    university = _supervised_university(request)
    form = ActivationCodesForm(request.POST or None, colleges=university.colleges.all())
    if request.method == "POST" and form.is_valid():
        rows = case_services.activation_codes_export(
            university=university,
            cohort=form.cleaned_data["cohort"],
            college_id=form.cleaned_data["college"],
            actor=request.user,
        )
        if not rows:
            messages.info(
                request, _("Every graduate of that cohort has already activated their account.")
            )
        else:
            return xlsx_response(
                filename=f"activation-codes-{university.code}-{form.cleaned_data['cohort']}.xlsx",
                title="激活码",
                headers=["学号", "姓名", "院系", "登录账号", "激活码"],
                rows=(
                    [r["student_no"], r["name"], r["college"], r["username"], r["code"]]
                    for r in rows
                ),
            )
    return render(
        request, "workflows/activation_codes.html", {"form": form, "university": university}
    )
