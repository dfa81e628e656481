"""Destination registration (毕业去向登记).

A graduate registers their destination. The university audits it: where it
uses two audit levels, the graduate's college first, then the university. An
auditor approves the registration or returns it for correction with a reason;
the graduate corrects it and it goes back to audit, until it is approved.

The flow holds the process graph only. What each step does to the case is done
by the services in ``cases.services``, called from ``workflows.services``.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import lock, nodes
from viewflow.workflow.base import Flow

from cases.models import CaseStatus

from . import scope
from .models import CaseProcess, TaskKind


class CaseFlowMixin:
    """What every flow about one case shares: the lock, the process model, and the
    hook that keeps the task-scope table in step with each new human task."""

    process_class = CaseProcess
    lock_impl = lock.select_for_update_lock

    def graduate_user(self, activation):
        return scope.graduate_owner(activation)

    def human_task_created(self, activation):
        scope.scope_create(activation)

    def open_case(self, activation, graduate):
        activation.process.artifact = graduate
        scope.remember_graduate(activation.process, graduate)
        return activation.process


class RegistrationFlow(CaseFlowMixin, Flow):
    """Destination registration

    Self-registration by the graduate, university audit (one or two levels) and
    correction until approval.
    """

    process_title = _("Destination registration")

    start = nodes.StartHandle(this.open_case).Next(this.register)

    register = (
        nodes.View(None)
        .Annotation(title=TaskKind.REGISTER.label)
        .Assign(this.graduate_user)
        .onCreate(this.human_task_created)
        .Next(this.route_to_audit)
    )

    route_to_audit = (
        nodes.If(this.uses_college_audit).Then(this.college_audit).Else(this.university_audit)
    )

    college_audit = (
        nodes.View(None)
        .Annotation(title=TaskKind.COLLEGE_AUDIT.label)
        .onCreate(this.human_task_created)
        .Next(this.check_college_audit)
    )

    check_college_audit = nodes.If(this.was_returned).Then(this.correct).Else(this.university_audit)

    university_audit = (
        nodes.View(None)
        .Annotation(title=TaskKind.UNIVERSITY_AUDIT.label)
        .onCreate(this.human_task_created)
        .Next(this.check_university_audit)
    )

    check_university_audit = (
        nodes.If(this.was_returned).Then(this.correct).Else(this.registration_approved)
    )

    correct = (
        nodes.View(None)
        .Annotation(title=TaskKind.CORRECT.label)
        .Assign(this.graduate_user)
        .onCreate(this.human_task_created)
        .Next(this.route_to_audit)
    )

    registration_approved = nodes.End()

    def uses_college_audit(self, activation):
        return scope.graduate_for(activation.process).university.audit_levels == 2

    def was_returned(self, activation):
        return scope.graduate_status(activation.process) == CaseStatus.RETURNED


class LeaveConfirmationFlow(CaseFlowMixin, Flow):
    """Leave-time confirmation

    At leave time the graduate confirms their destination, archive transfer and hukou
    migration. Changed archive or hukou details go to the university's audit first;
    a destination change goes through a change request. Once nothing is pending the
    graduate confirms, and the registration form with its numbers is issued.
    """

    process_title = _("Leave-time confirmation")

    start = nodes.StartHandle(this.open_case).Next(this.confirm_leave)

    confirm_leave = (
        nodes.View(None)
        .Annotation(title=TaskKind.CONFIRM_LEAVE.label)
        .Assign(this.graduate_user)
        .onCreate(this.human_task_created)
        .Next(this.route_details)
    )

    route_details = (
        nodes.If(this.details_pending).Then(this.audit_transfer).Else(this.leave_confirmed)
    )

    audit_transfer = (
        nodes.View(None)
        .Annotation(title=TaskKind.AUDIT_TRANSFER.label)
        .onCreate(this.human_task_created)
        .Next(this.confirm_leave)
    )

    leave_confirmed = nodes.End()

    def details_pending(self, activation):
        return scope.transfer_pending(activation.process)
