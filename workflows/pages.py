"""What the task pages of the processes share: the case as a reviewer sees it beside a task,
whether the user may decide, and the decision page most audits are (approve, or return with
a reason), which a process extends with what its decision is about."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cases import selectors as case_selectors
from cases.display import versions_compare
from cases.models import RegistrationStatus
from cases.pages import reads_record
from core.http import safe_next
from core.masking import mask_id_number, mask_mobile
from roles.org_scope import scope_for_user

from . import selectors
from .forms import AuditDecisionForm
from .models import ScopeStatus
from .steps import StepRefused, TaskNotAvailable


def case_context(graduate) -> dict:
    """The case beside a task: identity (numbers masked), versions with what the current one
    replaced, history and tasks."""
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


def may_decide(request, row) -> bool:
    """The task is still active and the user's, or unclaimed in their queue."""
    return row.status in (ScopeStatus.OPEN, ScopeStatus.ASSIGNED) and (
        row.assignee_id == request.user.pk or selectors.can_claim(scope_for_user(request.user), row)
    )


def access_record(request, graduate, action: str) -> None:
    """A reviewer's read of the case beside a task, in its access log."""
    reads_record(request, [graduate.pk], action)


def decision_page(
    request,
    row,
    *,
    decide,
    template="workflows/decision.html",
    extra=None,
    form_class=AuditDecisionForm,
):
    """A reviewer's decision page: approve, or return with a reason. ``decide`` is the step
    service; ``extra(graduate)`` adds what the decision is about to the page."""
    graduate = case_selectors.case_for_user(request.user, row.graduate_id)
    can_decide = may_decide(request, row)
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
            except TaskNotAvailable as exc:
                messages.error(request, str(exc))
                return redirect("workflows:task", task_id=row.pk)
            except StepRefused as exc:
                form.add_error(None, str(exc))
            else:
                return _decided(request, form, graduate)
    access_record(request, graduate, "audit_view")
    context = {**case_context(graduate), "row": row, "form": form, "can_decide": can_decide}
    if extra:
        context.update(extra(graduate))
    return render(request, template, context)


def _decided(request, form, graduate):
    """After a decision: say what was done, and go back to the queue."""
    if form.cleaned_data["decision"] == "approve":
        messages.success(request, _("Approved: %(name)s.") % {"name": graduate.name})
    else:
        messages.success(
            request, _("Decision recorded; %(name)s is told why.") % {"name": graduate.name}
        )
    return redirect(safe_next(request, reverse("workflows:queue")))
