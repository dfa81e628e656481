"""The pages. Each view checks scope, validates a form, calls one service, redirects."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import roster as roster_io
from cases import selectors as case_selectors
from cases import services as case_services
from cases.display import versions_compare
from cases.forms import (
    AuditDecisionForm,
    ChangeDecisionForm,
    ChangeRequestForm,
    ConfirmForm,
    LateCorrectionForm,
    RegistrationForm,
    TargetedDecisionForm,
    TransferForm,
)
from cases.models import (
    ArchiveDestination,
    ArchiveMethod,
    CaseStatus,
    ChangeRequest,
    Evidence,
    Graduate,
    RegistrationDraft,
    RegistrationStatus,
    TargetedCompliance,
    TransferDetails,
)
from core.http import client_ip, safe_next
from core.masking import mask_id_number, mask_mobile
from core.xlsx import xlsx_response
from reporting import selectors as reporting_selectors
from roles.decorators import role_required
from roles.models import College, Role
from roles.scope import scope_for_user
from spotchecks import selectors as spot_selectors
from spotchecks.forms import DiscrepancyForm, SpotCheckForm
from spotchecks.models import Resolution
from spotchecks.services import CheckNotPossible
from verification import selectors as verification_selectors
from verification.services import ConfirmationNotPossible

from . import selectors, services
from .flows import TargetedCheckFlow
from .forms import (
    ActivationCodesForm,
    CohortForm,
    InboxFilterForm,
    LeaveWindowForm,
    RosterUploadForm,
)
from .models import ScopeStatus, TaskKind

REVIEWER_ROLES = (Role.COLLEGE_REVIEWER, Role.UNIVERSITY_REVIEWER, Role.TARGETED_REVIEWER)
# Roles with a queue of tasks to claim: the reviewers, and inspectors (their campaigns' checks).
QUEUE_ROLES = (*REVIEWER_ROLES, Role.INSPECTOR)
# Roles whose filing and report tasks are listed with their other tasks.
ORG_TASK_ROLES = (Role.UNIVERSITY_SUPERVISOR, Role.PROVINCIAL_MONITOR, Role.NATIONAL_ADMIN)


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
    elif scope.has_role(*QUEUE_ROLES):
        context["queue_count"] = selectors.queue_for_user(
            request.user, selectors.InboxFilters()
        ).count()
        context["mine_count"] = selectors.my_tasks(request.user, selectors.InboxFilters()).count()
    if scope.has_role(*ORG_TASK_ROLES):
        context["org_tasks"] = list(reporting_selectors.org_tasks_for_user(request.user)[:10])
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


class InboxPaginator(Paginator):
    """Counts the bare task rows (one index scan); lists a page with its display columns,
    as ``InboxRow``s."""

    def __init__(self, rows, per_page, **columns):
        super().__init__(selectors.inbox_rows(rows, **columns), per_page)
        self.rows = rows

    @cached_property
    def count(self) -> int:
        return self.rows.count()

    def _get_page(self, object_list, number, paginator):
        return Page([selectors.InboxRow(**row) for row in object_list], number, paginator)


def _inbox(request, *, queue: bool):
    scope = scope_for_user(request.user)
    form = InboxFilterForm(request.GET or None, colleges=_colleges_in_scope(scope) if queue else ())
    filters = form.filters() if request.GET else selectors.InboxFilters()
    rows = (
        selectors.queue_for_user(request.user, filters)
        if queue
        else selectors.my_tasks(request.user, filters)
    )
    page = InboxPaginator(
        rows, settings.PAGE_SIZE, **selectors.inbox_columns(scope, filters, queue=queue)
    ).get_page(request.GET.get("page"))
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
            # Filing and report tasks (about organisations) have their own table and list.
            "org_tasks": list(
                reporting_selectors.org_tasks_for_user(request.user)[: settings.PAGE_SIZE]
            )
            if not queue and scope.has_role(*ORG_TASK_ROLES)
            else None,
        },
    )


@login_required
def my_tasks(request):
    return _inbox(request, queue=False)


@role_required(*QUEUE_ROLES)
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
    return redirect(safe_next(request, reverse("workflows:queue")))


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
    return redirect(safe_next(request, reverse("workflows:mine")))


# --- Task pages -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def task_detail(request, task_id):
    """One URL for every task; the page depends on the task's kind."""
    row = selectors.task_for_user(request.user, task_id)
    if row.kind in GRADUATE_TASK_PAGES:
        if row.assignee_id != request.user.pk:
            return redirect("workflows:case", graduate_id=row.graduate_id)
        return GRADUATE_TASK_PAGES[row.kind](request, row)
    return REVIEWER_TASK_PAGES[row.kind](request, row)


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


def _audit_task(
    request,
    row,
    *,
    decide=services.audit_decide,
    template="workflows/audit.html",
    extra=None,
    form_class=AuditDecisionForm,
):
    """A reviewer's decision page: approve, or return with a reason."""
    scope = scope_for_user(request.user)
    graduate = case_selectors.case_for_user(request.user, row.graduate_id)
    can_decide = row.status in (ScopeStatus.OPEN, ScopeStatus.ASSIGNED) and (
        row.assignee_id == request.user.pk or selectors.can_claim(scope, row)
    )
    form = form_class(request.POST or None)
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid():
            try:
                decide(
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
                    request, _("Decision recorded; %(name)s is told why.") % {"name": graduate.name}
                )
            return redirect(safe_next(request, reverse("workflows:queue")))
    case_services.case_access_record(
        graduate_ids=[graduate.pk], user=request.user, action="audit_view", ip=client_ip(request)
    )
    context = {**_case_context(graduate), "row": row, "form": form, "can_decide": can_decide}
    if extra:
        context.update(extra(graduate))
    return render(request, template, context)


def _transfer_audit_task(request, row):
    return _audit_task(request, row, decide=services.transfer_audit_decide, extra=_transfer_context)


def _transfer_context(graduate) -> dict:
    pending = graduate.transfers.filter(status=RegistrationStatus.PENDING).first()
    current = graduate.transfers.filter(is_current=True).first()
    return {
        "transfer_comparison": versions_compare(pending, current, model=TransferDetails),
        "transfer_pending": pending,
        "transfer_current": current,
    }


def _confirm_leave_task(request, row):
    """The graduate checks destination, archive transfer and hukou migration, sends changed
    details to the university's audit, or confirms when nothing is pending."""
    graduate = case_selectors.case_for_user(request.user, row.graduate_id)
    if row.status != ScopeStatus.ASSIGNED:
        messages.info(request, _("This task is finished."))
        return redirect("workflows:case", graduate_id=graduate.pk)
    approved = graduate.transfers.filter(is_current=True).first()
    latest = graduate.transfers.order_by("-number").first()
    pending_tasks = [t for t in selectors.case_tasks(graduate.pk) if t.is_active and t.pk != row.pk]
    # Authorisation is the graduate's own act: the box starts as they left it (unticked at
    # first), never ticked on their behalf.
    confirm_form = ConfirmForm(
        request.POST or None, initial={"consent": verification_selectors.consent_of(graduate)}
    )
    if request.method == "POST":
        form = TransferForm(request.POST)
        if form.is_valid():
            try:
                if "submit_details" in request.POST:
                    services.leave_details_submit(
                        task_id=row.pk, user=request.user, values=form.values()
                    )
                    messages.success(
                        request,
                        _("Submitted. Your university will check your archive and hukou details."),
                    )
                    return redirect("home")
                if form.differs_from(approved):
                    messages.error(
                        request,
                        _(
                            "Your archive or hukou details changed: submit them for audit first, then confirm."
                        ),
                    )
                elif confirm_form.is_valid():
                    confirmation = services.leave_confirm(
                        task_id=row.pk,
                        user=request.user,
                        consent=confirm_form.cleaned_data["consent"],
                    )
                    messages.success(
                        request,
                        _(
                            "Confirmed. Your transfer number is %(no)s; your registration form is ready."
                        )
                        % {"no": confirmation.transfer_no},
                    )
                    return redirect("workflows:case", graduate_id=graduate.pk)
            except (
                services.TaskNotAvailable,
                ConfirmationNotPossible,
                case_services.ChangeNotAllowed,
            ) as exc:
                messages.error(request, str(exc))
        else:
            messages.error(
                request, _("Please correct the fields marked below; nothing you typed was lost.")
            )
    else:
        form = TransferForm(initial=_transfer_initial(graduate, approved or latest))
    return render(
        request,
        "workflows/confirm_leave.html",
        {
            "row": row,
            "graduate": graduate,
            "form": form,
            "confirm_form": confirm_form,
            "destination": versions_compare(graduate.current_registration, None),
            "approved": approved,
            "returned": latest
            if latest is not None and latest.status == RegistrationStatus.RETURNED
            else None,
            "pending_tasks": pending_tasks,
        },
    )


def _transfer_initial(graduate, details) -> dict:
    if details is not None:
        return {name: getattr(details, name) for name in TransferForm.Meta.fields}
    registration = graduate.current_registration
    initial = {"archive_method": ArchiveMethod.CONFIDENTIAL_MAIL}
    if registration is not None and registration.employer_name:
        initial.update(
            archive_destination=ArchiveDestination.EMPLOYER,
            archive_unit=registration.employer_name,
            archive_address=registration.employer_address,
        )
    elif registration is not None and registration.study_institution:
        initial.update(
            archive_destination=ArchiveDestination.SCHOOL,
            archive_unit=registration.study_institution,
        )
    return initial


def _change_audit_task(request, row):
    return _audit_task(
        request,
        row,
        decide=services.change_audit_decide,
        extra=_change_context,
        form_class=ChangeDecisionForm,
    )


def _change_context(graduate) -> dict:
    change = (
        graduate.change_requests.filter(status=ChangeRequest.Status.PENDING)
        .select_related("proposed")
        .first()
    )
    if change is None:
        return {}
    return {
        "change": change,
        "change_comparison": versions_compare(change.proposed, graduate.current_registration)
        if change.proposed_id
        else [],
        "evidence": change.evidence.all(),
    }


def _targeted_task(request, row):
    """The targeted-enrolment reviewer: approve an exception (reason and evidence) or return."""
    scope = scope_for_user(request.user)
    graduate = case_selectors.case_for_user(request.user, row.graduate_id)
    can_decide = row.status in (ScopeStatus.OPEN, ScopeStatus.ASSIGNED) and (
        row.assignee_id == request.user.pk or selectors.can_claim(scope, row)
    )
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
            except services.TaskNotAvailable as exc:
                messages.error(request, str(exc))
                return redirect("workflows:task", task_id=row.pk)
            messages.success(
                request, _("Decision recorded for %(name)s.") % {"name": graduate.name}
            )
            return redirect(safe_next(request, reverse("workflows:queue")))
    case_services.case_access_record(
        graduate_ids=[graduate.pk],
        user=request.user,
        action="targeted_view",
        ip=client_ip(request),
    )
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
        "workflows/targeted_check.html",
        {
            **_case_context(graduate),
            "row": row,
            "form": form,
            "can_decide": can_decide,
            "checked": version,
            "checked_rows": versions_compare(version, None),
        },
    )


def _can_decide(request, row) -> bool:
    return row.status in (ScopeStatus.OPEN, ScopeStatus.ASSIGNED) and (
        row.assignee_id == request.user.pk or selectors.can_claim(scope_for_user(request.user), row)
    )


def _spot_check_task(request, row):
    """The inspector's check of one sampled case: 核实一致, 不一致 or 无法联系, with notes and
    an evidence file."""
    graduate = case_selectors.case_for_user(request.user, row.graduate_id)
    check = spot_selectors.check_of_case(campaign_id=row.campaign_id, graduate_id=graduate.pk)
    can_decide = _can_decide(request, row)
    reveal = request.method == "POST" and "reveal_contact" in request.POST
    form = SpotCheckForm(None if reveal else request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if reveal:
            # The inspector calls the graduate: the number is shown once asked for, and logged.
            case_services.case_access_record(
                graduate_ids=[graduate.pk],
                user=request.user,
                action="spot_check_contact",
                ip=client_ip(request),
            )
        elif form.is_valid():
            try:
                services.spot_check_decide(
                    task_id=row.pk,
                    user=request.user,
                    outcome=form.cleaned_data["outcome"],
                    notes=form.cleaned_data["notes"],
                    uploads=form.cleaned_data["evidence"],
                )
            except (services.TaskNotAvailable, CheckNotPossible, ValueError) as exc:
                messages.error(request, str(exc))
                return redirect("workflows:task", task_id=row.pk)
            messages.success(request, _("Check recorded for %(name)s.") % {"name": graduate.name})
            return redirect(safe_next(request, reverse("workflows:queue")))
    case_services.case_access_record(
        graduate_ids=[graduate.pk],
        user=request.user,
        action="spot_check_view",
        ip=client_ip(request),
    )
    context = _case_context(graduate)
    if reveal:
        context["masked_mobile"] = graduate.mobile
    return render(
        request,
        "spotchecks/check_task.html",
        {
            **context,
            "revealed": reveal,
            "row": row,
            "form": form,
            "can_decide": can_decide,
            "check": check,
            "checked_rows": versions_compare(check.registration, None),
        },
    )


def _discrepancy_task(request, row):
    """The university's answer to a discrepancy: correct the registration, or explain why it
    stands."""
    graduate = case_selectors.case_for_user(request.user, row.graduate_id)
    check = spot_selectors.check_of_case(campaign_id=row.campaign_id, graduate_id=graduate.pk)
    can_decide = _can_decide(request, row)
    form = DiscrepancyForm(request.POST or None)
    registration = RegistrationForm(
        request.POST or None,
        cohort=graduate.cohort,
        initial=_registration_initial(graduate.current_registration),
    )
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        corrected = request.POST.get("resolution") == Resolution.CORRECTED
        if form.is_valid() and (not corrected or registration.is_valid()):
            try:
                services.discrepancy_decide(
                    task_id=row.pk,
                    user=request.user,
                    resolution=form.cleaned_data["resolution"],
                    note=form.cleaned_data["note"],
                    values=registration.values() if corrected else None,
                )
            except (
                services.TaskNotAvailable,
                CheckNotPossible,
                case_services.ChangeNotAllowed,
                ValueError,
            ) as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Resolution recorded; the campaign sees it."))
                return redirect(safe_next(request, reverse("workflows:queue")))
        else:
            messages.error(
                request, _("Please correct the fields marked below; nothing you typed was lost.")
            )
    case_services.case_access_record(
        graduate_ids=[graduate.pk],
        user=request.user,
        action="discrepancy_view",
        ip=client_ip(request),
    )
    return render(
        request,
        "spotchecks/discrepancy_task.html",
        {
            **_case_context(graduate),
            "row": row,
            "form": form,
            "registration_form": registration,
            "can_decide": can_decide,
            "check": check,
            "checked_rows": versions_compare(check.registration, None),
            "required_map": _required_map(graduate.cohort),
        },
    )


GRADUATE_TASK_PAGES = {
    TaskKind.REGISTER: _registration_task,
    TaskKind.CORRECT: _registration_task,
    TaskKind.CONFIRM_LEAVE: _confirm_leave_task,
}
REVIEWER_TASK_PAGES = {
    TaskKind.COLLEGE_AUDIT: _audit_task,
    TaskKind.UNIVERSITY_AUDIT: _audit_task,
    TaskKind.AUDIT_TRANSFER: _transfer_audit_task,
    TaskKind.TARGETED_CHECK: _targeted_task,
    TaskKind.CHANGE_COLLEGE_AUDIT: _change_audit_task,
    TaskKind.CHANGE_UNIVERSITY_AUDIT: _change_audit_task,
    TaskKind.SPOT_CHECK: _spot_check_task,
    TaskKind.CORRECT_DISCREPANCY: _discrepancy_task,
}


def _case_context(graduate):
    versions = case_selectors.case_versions(graduate)
    current = next((v for v in versions if v.is_current), None)
    # What the current version replaced: a rejected change proposal never was in effect.
    previous = next(
        (
            v
            for v in versions
            if current and v.number < current.number and v.status != RegistrationStatus.REJECTED
        ),
        None,
    )
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
            ip=client_ip(request),
        )
    context = _case_context(graduate)
    context["own"] = own
    context["confirmation"] = verification_selectors.current_confirmation(graduate)
    context["changes"] = graduate.change_requests.select_related(
        "proposed", "decided_by"
    ).prefetch_related("evidence")
    context["changes_open"] = case_services.changes_open(graduate)
    context["change_deadline"] = case_services.change_deadline(graduate)
    context["may_correct_late"] = not context["changes_open"] and scope_for_user(
        request.user
    ).supervises(graduate.university_id)
    if own:
        context["consent"] = verification_selectors.consent_of(graduate)
        context["lookups"] = verification_selectors.lookups_of(graduate)[:50]
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


# --- Leave time ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(Role.UNIVERSITY_SUPERVISOR)
def leave_window(request):
    """Set a cohort's leave-time window; confirmation tasks open for approved graduates."""
    university = _supervised_university(request)
    form = LeaveWindowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        opened = services.leave_confirmation_open(
            university=university,
            cohort=data["cohort"],
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            actor=request.user,
        )
        messages.success(
            request, _("Leave window saved; %(n)d confirmation task(s) opened.") % {"n": opened}
        )
        return redirect("workflows:leave")
    cohorts = university.cohorts.order_by("-year")
    return render(
        request,
        "workflows/leave_window.html",
        {"form": form, "university": university, "cohorts": cohorts},
    )


@role_required(Role.UNIVERSITY_SUPERVISOR, Role.UNIVERSITY_REVIEWER)
def transfer_list(request):
    """The archive transfer list (档案转递单) of a cohort, on the page or as XLSX."""
    scope = scope_for_user(request.user)
    universities = sorted(
        scope.ids(Role.UNIVERSITY_SUPERVISOR) | scope.ids(Role.UNIVERSITY_REVIEWER)
    )
    asked = request.GET.get("university", "")
    university_id = (
        int(asked) if asked.isdigit() and int(asked) in universities else universities[0]
    )
    form = CohortForm(request.GET or None)
    rows = None
    if form.is_valid():
        confirmations = verification_selectors.transfer_list(
            university_id=university_id, cohort=form.cleaned_data["cohort"]
        )
        if request.GET.get("format") == "xlsx":
            case_services.case_access_record(
                graduate_ids=[c.graduate_id for c in confirmations],
                user=request.user,
                action="transfer_list_export",
                ip=client_ip(request),
            )
            return xlsx_response(
                filename=f"archive-transfer-{form.cleaned_data['cohort']}.xlsx",
                title="档案转递单",
                headers=[
                    "学号",
                    "姓名",
                    "院系",
                    "转递编号",
                    "档案转寄单位",
                    "档案转寄地址",
                    "邮编",
                    "联系人",
                    "联系电话",
                    "转递方式",
                ],
                rows=(
                    [
                        c.graduate.student_no,
                        c.graduate.name,
                        c.graduate.college.name,
                        c.transfer_no,
                        c.transfer.archive_unit,
                        c.transfer.archive_address,
                        c.transfer.archive_postcode,
                        c.transfer.archive_contact,
                        c.transfer.archive_phone,
                        c.transfer.get_archive_method_display(),
                    ]
                    for c in confirmations
                ),
            )
        rows = Paginator(confirmations, settings.PAGE_SIZE).get_page(request.GET.get("page"))
        case_services.case_access_record(  # the page shows each graduate's archive details
            graduate_ids=[c.graduate_id for c in rows.object_list],
            user=request.user,
            action="transfer_list_view",
            ip=client_ip(request),
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workflows/transfer_list.html",
        {"form": form, "page": rows, "query": query.urlencode()},
    )


# --- Changes and corrections ------------------------------------------------------------------------


@require_POST
@login_required
def transfer_change(request, graduate_id):
    """The graduate reopens their confirmation to change archive transfer or hukou details."""
    graduate = case_selectors.case_for_user(request.user, graduate_id)
    if graduate.user_id != request.user.pk:
        raise PermissionDenied
    try:
        services.transfer_change_open(graduate=graduate, user=request.user)
    except case_services.ChangeNotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("workflows:case", graduate_id=graduate.pk)
    messages.success(
        request,
        _(
            "The numbers issued before no longer verify. Enter the new details; once the "
            "university has audited them, confirm again for new numbers."
        ),
    )
    task = selectors.active_task_of_case(graduate.pk, kinds=(TaskKind.CONFIRM_LEAVE,))
    if task is None:
        return redirect("workflows:case", graduate_id=graduate.pk)
    return redirect("workflows:task", task_id=task.pk)


def _registration_initial(version) -> dict:
    if version is None:
        return {}
    return {
        name: getattr(version, f"{name}_id" if name in version._fk_fields() else name)
        for name in RegistrationForm.Meta.fields
    }


@require_http_methods(["GET", "POST"])
@login_required
def change_request(request, graduate_id):
    """The graduate requests a change or a void of their approved registration."""
    graduate = case_selectors.case_for_user(request.user, graduate_id)
    if graduate.user_id != request.user.pk:
        raise PermissionDenied
    blocked = None
    if not case_services.changes_open(graduate):
        blocked = _(
            "Changes closed on %(date)s (Beijing time), as the notice requires registered destinations to be "
            "updated before 31 August. If your destination is wrong, ask your university: it can record a "
            "late correction."
        ) % {"date": case_services.change_deadline(graduate).isoformat()}
    elif graduate.status != CaseStatus.APPROVED:
        blocked = _("Only an approved registration can be changed; finish the registration first.")
    elif graduate.change_requests.filter(status=ChangeRequest.Status.PENDING).exists():
        blocked = _("A change request of yours is already waiting for audit.")
    if blocked:
        return render(
            request, "workflows/change_request.html", {"graduate": graduate, "blocked": blocked}
        )
    meta = ChangeRequestForm(request.POST or None, request.FILES or None)
    form = RegistrationForm(
        request.POST or None,
        cohort=graduate.cohort,
        initial=_registration_initial(graduate.current_registration),
    )
    if request.method == "POST":
        void = request.POST.get("kind") == "void"
        if meta.is_valid() and (void or form.is_valid()):
            try:
                services.change_request_submit(
                    graduate=graduate,
                    user=request.user,
                    kind=meta.cleaned_data["kind"],
                    values=None if void else form.values(),
                    reason=meta.cleaned_data["reason"],
                    uploads=meta.cleaned_data["evidence"],
                )
            except case_services.ChangeNotAllowed as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Change requested. Your university will audit it."))
                return redirect("workflows:case", graduate_id=graduate.pk)
        else:
            messages.error(
                request, _("Please correct the fields marked below; nothing you typed was lost.")
            )
    return render(
        request,
        "workflows/change_request.html",
        {
            "graduate": graduate,
            "form": form,
            "meta": meta,
            "required_map": _required_map(graduate.cohort),
            "deadline": case_services.change_deadline(graduate),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.UNIVERSITY_SUPERVISOR)
def late_correction(request, graduate_id):
    """After the deadline, the university supervisor records a correction, flagged late."""
    graduate = case_selectors.case_for_user(request.user, graduate_id)
    if not scope_for_user(request.user).supervises(graduate.university_id):
        raise PermissionDenied
    meta = LateCorrectionForm(request.POST or None)
    form = RegistrationForm(
        request.POST or None,
        cohort=graduate.cohort,
        initial=_registration_initial(graduate.current_registration),
    )
    if request.method == "POST":
        if meta.is_valid() and form.is_valid():
            try:
                services.late_correction(
                    graduate=graduate,
                    user=request.user,
                    values=form.values(),
                    reason=meta.cleaned_data["reason"],
                )
            except case_services.ChangeNotAllowed as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Late correction recorded; it is flagged as late."))
                return redirect("workflows:case", graduate_id=graduate.pk)
        else:
            messages.error(
                request, _("Please correct the fields marked below; nothing you typed was lost.")
            )
    return render(
        request,
        "workflows/late_correction.html",
        {
            "graduate": graduate,
            "form": form,
            "meta": meta,
            "required_map": _required_map(graduate.cohort),
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
    graduate = case_selectors.case_for_user(request.user, evidence.graduate_id)
    evidence = Evidence.objects.get(pk=evidence.pk)
    if graduate.user_id != request.user.pk:
        case_services.case_access_record(
            graduate_ids=[graduate.pk],
            user=request.user,
            action="evidence_view",
            ip=client_ip(request),
        )
    response = FileResponse(
        evidence.file.open("rb"),
        content_type=evidence.content_type,
        as_attachment=True,
        filename=evidence.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# --- Provincial monitoring -----------------------------------------------------------------------------


@role_required(Role.PROVINCIAL_MONITOR, Role.NATIONAL_ADMIN)
def targeted_list(request):
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
        case_services.case_access_record(
            graduate_ids=[g.pk for g in rows],
            user=request.user,
            action="targeted_export",
            ip=client_ip(request),
        )
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
    case_services.case_access_record(  # the page shows each graduate's agreement and destination
        graduate_ids=[g.pk for g in page.object_list],
        user=request.user,
        action="targeted_view",
        ip=client_ip(request),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workflows/targeted_list.html",
        {
            "page": page,
            "status": status,
            "university": university,
            "cohort": cohort,
            "query": query.urlencode(),
            "statuses": [
                (v, label, counts.get(v, 0)) for v, label in TargetedCompliance.choices if v
            ],
        },
    )
