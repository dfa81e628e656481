"""Registration's pages: the graduate's registration form, the audits, and the supervisor's
roster import and activation codes, which open the cohort."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import roster_files as roster_io
from cases import selectors as case_selectors
from cases import services as case_services
from cases.forms import FIX_FIELDS, RegistrationForm, required_map
from cases.models import RegistrationDraft, RegistrationStatus
from core.xlsx import xlsx_response
from roles.decorators import role_required
from roles.models import Role
from roles.selectors import supervised_university
from workflows.models import ScopeStatus
from workflows.pages import decision_page
from workflows.steps import TaskNotAvailable

from . import services
from .forms import ActivationCodesForm, RosterUploadForm


def registration_task(request, row):
    graduate = case_selectors.case_for_user(request.user, row.graduate_id)
    if row.status != ScopeStatus.ASSIGNED:
        messages.info(request, _("This task is finished."))
        return redirect("portal:case", graduate_id=graduate.pk)
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
            except TaskNotAvailable as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request, _("Submitted. Your university will audit your registration.")
                )
                return redirect("home")
        else:
            messages.error(request, FIX_FIELDS)
    else:
        initial = draft.data if draft is not None else RegistrationForm.initial_from(current)
        form = RegistrationForm(initial=initial, cohort=graduate.cohort)
    returned = (
        current if current is not None and current.status == RegistrationStatus.RETURNED else None
    )
    return render(
        request,
        "registration/registration_form.html",
        {
            "form": form,
            "row": row,
            "graduate": graduate,
            "returned": returned,
            "draft": draft,
            "required_map": required_map(graduate.cohort),
        },
    )


def audit_task(request, row):
    """The college's or university's audit: approve, or return with a reason."""
    return decision_page(request, row, decide=services.audit_decide)


@require_http_methods(["GET", "POST"])
@role_required(Role.UNIVERSITY_SUPERVISOR)
def roster_import_page(request):
    university = supervised_university(request)
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    result, unused = None, []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        validator = roster_io.RosterValidator(
            university=university, cohort=form.cleaned_data["cohort"]
        )
        try:
            table = roster_io.read_table(upload.name, upload.read())
            rows = validator.parse(table)
            unused = validator.unused
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
        "registration/roster_import.html",
        {"form": form, "result": result, "unused": unused, "university": university},
    )


@role_required(Role.UNIVERSITY_SUPERVISOR)
def roster_template_page(request, fmt):
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
def activation_codes_page(request):
    university = supervised_university(request)
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
        request, "registration/activation_codes.html", {"form": form, "university": university}
    )
