"""Leave-time confirmation's pages: the graduate's confirmation task, the university's audit
of archive and hukou details, the cohort's window, the archive transfer list, and reopening
a confirmation to change its details."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases import selectors as case_selectors
from cases import services as case_services
from cases.display import versions_compare
from cases.forms import FIX_FIELDS
from cases.models import ArchiveDestination, ArchiveMethod, RegistrationStatus, TransferDetails
from cases.pages import own_case, reads_record
from core.http import page_query
from core.xlsx import xlsx_response
from roles.decorators import role_required
from roles.models import Role
from roles.org_scope import scope_for_user
from roles.selectors import supervised_university
from verification import selectors as verification_selectors
from verification.services import ConfirmationNotPossible
from workflows.models import ScopeStatus
from workflows.pages import decision_page
from workflows.selectors import active_task_of_case, case_tasks
from workflows.steps import TaskNotAvailable

from . import services
from .flow import CONFIRM_LEAVE
from .forms import CohortForm, ConfirmForm, LeaveWindowForm, TransferForm


def transfer_audit_task(request, row):
    return decision_page(
        request,
        row,
        decide=services.transfer_audit_decide,
        template="leave/transfer_audit.html",
        extra=_transfer_context,
    )


def _transfer_context(graduate) -> dict:
    pending = graduate.transfers.filter(status=RegistrationStatus.PENDING).first()
    current = graduate.transfers.filter(is_current=True).first()
    return {
        "transfer_comparison": versions_compare(pending, current, model=TransferDetails),
        "transfer_pending": pending,
        "transfer_current": current,
    }


def confirm_leave_task(request, row):
    """The graduate checks destination, archive transfer and hukou migration, sends changed
    details to the university's audit, or confirms when nothing is pending."""
    graduate = case_selectors.case_for_user(request.user, row.graduate_id)
    if row.status != ScopeStatus.ASSIGNED:
        messages.info(request, _("This task is finished."))
        return redirect("portal:case", graduate_id=graduate.pk)
    approved = graduate.transfers.filter(is_current=True).first()
    latest = graduate.transfers.order_by("-number").first()
    pending_tasks = [t for t in case_tasks(graduate.pk) if t.is_active and t.pk != row.pk]
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
                    return redirect("portal:case", graduate_id=graduate.pk)
            except (
                TaskNotAvailable,
                ConfirmationNotPossible,
                case_services.ChangeNotAllowed,
            ) as exc:
                messages.error(request, str(exc))
        else:
            messages.error(request, FIX_FIELDS)
    else:
        form = TransferForm(initial=_transfer_initial(graduate, approved or latest))
    return render(
        request,
        "leave/confirm_leave.html",
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


@require_http_methods(["GET", "POST"])
@role_required(Role.UNIVERSITY_SUPERVISOR)
def leave_window_page(request):
    """Set a cohort's leave-time window; confirmation tasks open for approved graduates."""
    university = supervised_university(request)
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
        return redirect("leave:window")
    cohorts = university.cohorts.order_by("-year")
    return render(
        request,
        "leave/leave_window.html",
        {"form": form, "university": university, "cohorts": cohorts},
    )


@role_required(Role.UNIVERSITY_SUPERVISOR, Role.UNIVERSITY_REVIEWER)
def transfer_list_page(request):
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
            reads_record(request, [c.graduate_id for c in confirmations], "transfer_list_export")
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
        reads_record(
            request, [c.graduate_id for c in rows.object_list], "transfer_list_view"
        )  # the page shows each graduate's archive details
    return render(
        request,
        "leave/transfer_list.html",
        {"form": form, "page": rows, "query": page_query(request)},
    )


@require_POST
@login_required
def transfer_change_page(request, graduate_id):
    """The graduate reopens their confirmation to change archive transfer or hukou details."""
    graduate = own_case(request, graduate_id)
    try:
        services.transfer_change_open(graduate=graduate, user=request.user)
    except case_services.ChangeNotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("portal:case", graduate_id=graduate.pk)
    messages.success(
        request,
        _(
            "The numbers issued before no longer verify. Enter the new details; once the "
            "university has audited them, confirm again for new numbers."
        ),
    )
    task = active_task_of_case(graduate.pk, kinds=(CONFIRM_LEAVE,))
    if task is None:
        return redirect("portal:case", graduate_id=graduate.pk)
    return redirect("workflows:task", task_id=task.pk)
