"""Change requests' pages: the graduate's request, its audit, and the late correction a
university supervisor records after the change deadline."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import selectors as case_selectors
from cases import services as case_services
from cases.display import versions_compare
from cases.forms import FIX_FIELDS, RegistrationForm, required_map
from cases.models import CaseStatus, ChangeRequest
from cases.pages import own_case
from roles.decorators import role_required
from roles.models import Role
from roles.org_scope import scope_for_user
from workflows.pages import decision_page

from . import services
from .forms import ChangeDecisionForm, ChangeRequestForm, LateCorrectionForm


def change_audit_task(request, row):
    return decision_page(
        request,
        row,
        decide=services.change_audit_decide,
        template="changes/change_audit.html",
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


@require_http_methods(["GET", "POST"])
@login_required
def change_request_page(request, graduate_id):
    """The graduate requests a change or a void of their approved registration."""
    graduate = own_case(request, graduate_id)
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
            request, "changes/change_request.html", {"graduate": graduate, "blocked": blocked}
        )
    meta = ChangeRequestForm(request.POST or None, request.FILES or None)
    void = request.POST.get("kind") == "void"
    return _registration_changed(
        request,
        graduate,
        meta=meta,
        with_values=not void,
        submit=lambda values: services.change_request_submit(
            graduate=graduate,
            user=request.user,
            kind=meta.cleaned_data["kind"],
            values=values,
            reason=meta.cleaned_data["reason"],
            uploads=meta.cleaned_data["evidence"],
        ),
        success=_("Change requested. Your university will audit it."),
        template="changes/change_request.html",
        extra={"deadline": case_services.change_deadline(graduate)},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.UNIVERSITY_SUPERVISOR)
def late_correction_page(request, graduate_id):
    """After the deadline, the university supervisor records a correction, flagged late."""
    graduate = case_selectors.case_for_user(request.user, graduate_id)
    if not scope_for_user(request.user).supervises(graduate.university_id):
        raise PermissionDenied
    meta = LateCorrectionForm(request.POST or None)
    return _registration_changed(
        request,
        graduate,
        meta=meta,
        with_values=True,
        submit=lambda values: services.late_correction_submit(
            graduate=graduate,
            user=request.user,
            values=values,
            reason=meta.cleaned_data["reason"],
        ),
        success=_("Late correction recorded; it is flagged as late."),
        template="changes/late_correction.html",
    )


def _registration_changed(
    request, graduate, *, meta, with_values, submit, success, template, extra=None
):
    """A page that changes a registration: the new content (``with_values``) in the
    registration form, starting from the one in effect, and ``meta`` (the reason, the
    evidence). A valid POST calls ``submit`` with the values; a refusal is shown."""
    form = RegistrationForm.of_case(request.POST or None, graduate)
    if request.method == "POST":
        if meta.is_valid() and (not with_values or form.is_valid()):
            try:
                submit(form.values() if with_values else None)
            except case_services.ChangeNotAllowed as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, success)
                return redirect("portal:case", graduate_id=graduate.pk)
        else:
            messages.error(request, FIX_FIELDS)
    return render(
        request,
        template,
        {
            "graduate": graduate,
            "form": form,
            "meta": meta,
            "required_map": required_map(graduate.cohort),
            **(extra or {}),
        },
    )
