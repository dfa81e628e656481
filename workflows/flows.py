"""The processes of a graduate's case.

- Registration: the graduate registers their destination; a targeted (定向) graduate's
  registration that does not match the agreement goes to the targeted-enrolment reviewer
  first; then the university audits it (the college first, where the university uses two
  levels) and approves it or returns it for correction, until approval.
- Change request: after approval and until 31 August, a change or a void goes through
  the same checks and audit; approval makes it current, rejection keeps what was there.
- Leave-time confirmation: the graduate confirms destination, archive transfer and hukou
  migration; changed archive or hukou details are audited first; then the numbers issue.
- Spot check (核查): an inspector of the province's campaign checks one sampled case; a
  discrepancy goes to the case's university to correct or explain.
- Targeted check of a correction: a correction the university recorded itself (after the
  change deadline, or resolving a spot check) that does not match a targeted graduate's
  agreement goes to the targeted-enrolment reviewer, who allows an exception or refuses it.

The flows hold the process graphs only. What each step does to the case is done by the
services in ``cases.services`` and ``verification.services``, called from
``workflows.services``; the routing gateways read the case's state.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import lock, nodes
from viewflow.workflow.base import Flow

from cases.models import CaseStatus, ChangeRequest, TargetedCompliance
from spotchecks.models import Outcome, SpotCheck

from . import scope
from .models import CaseProcess, TaskKind


def human_task(kind: TaskKind, *, for_graduate: bool = False):
    """A human task whose scope row is written with it; graduate tasks are assigned at once."""
    node = nodes.View(None).Annotation(title=kind.label).onCreate(this.human_task_created)
    return node.Assign(this.graduate_user) if for_graduate else node


class CaseFlowMixin:
    """What every flow about one case shares: the lock, the process model, the start, and
    the hook that keeps the task-scope table in step with each new human task."""

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

    def uses_college_audit(self, activation):
        return scope.graduate_for(activation.process).university.audit_levels == 2

    def targeted_mismatch(self, activation):
        return (
            scope.graduate_field(activation.process, "targeted_compliance")
            == TargetedCompliance.MISMATCH
        )


class RegistrationFlow(CaseFlowMixin, Flow):
    """Destination registration

    Self-registration by the graduate, the targeted-enrolment check where it applies,
    university audit (one or two levels) and correction until approval.
    """

    process_title = _("Destination registration")

    start = nodes.StartHandle(this.open_case).Next(this.register)
    register = human_task(TaskKind.REGISTER, for_graduate=True).Next(this.check_targeted)

    check_targeted = (
        nodes.If(this.targeted_mismatch).Then(this.targeted_check).Else(this.route_to_audit)
    )
    targeted_check = human_task(TaskKind.TARGETED_CHECK).Next(this.check_targeted_decision)
    check_targeted_decision = (
        nodes.If(this.was_returned).Then(this.correct).Else(this.route_to_audit)
    )

    route_to_audit = (
        nodes.If(this.uses_college_audit).Then(this.college_audit).Else(this.university_audit)
    )
    college_audit = human_task(TaskKind.COLLEGE_AUDIT).Next(this.check_college_audit)
    check_college_audit = nodes.If(this.was_returned).Then(this.correct).Else(this.university_audit)
    university_audit = human_task(TaskKind.UNIVERSITY_AUDIT).Next(this.check_university_audit)
    check_university_audit = (
        nodes.If(this.was_returned).Then(this.correct).Else(this.registration_approved)
    )

    correct = human_task(TaskKind.CORRECT, for_graduate=True).Next(this.check_targeted)

    registration_approved = nodes.End()

    def was_returned(self, activation):
        return scope.graduate_field(activation.process, "status") == CaseStatus.RETURNED


class ChangeRequestFlow(CaseFlowMixin, Flow):
    """Change request

    A change or void of an approved registration, requested until 31 August: the
    targeted-enrolment check where it applies, then the university's audit.
    """

    process_title = _("Change request")

    start = nodes.StartHandle(this.open_case).Next(this.check_targeted)

    check_targeted = (
        nodes.If(this.targeted_mismatch).Then(this.targeted_check).Else(this.route_to_audit)
    )
    targeted_check = human_task(TaskKind.TARGETED_CHECK).Next(this.check_targeted_decision)
    check_targeted_decision = (
        nodes.If(this.was_rejected).Then(this.change_rejected).Else(this.route_to_audit)
    )

    route_to_audit = (
        nodes.If(this.uses_college_audit)
        .Then(this.change_college_audit)
        .Else(this.change_university_audit)
    )
    change_college_audit = human_task(TaskKind.CHANGE_COLLEGE_AUDIT).Next(this.check_college_audit)
    check_college_audit = (
        nodes.If(this.was_rejected).Then(this.change_rejected).Else(this.change_university_audit)
    )
    change_university_audit = human_task(TaskKind.CHANGE_UNIVERSITY_AUDIT).Next(
        this.check_university_audit
    )
    check_university_audit = (
        nodes.If(this.was_rejected).Then(this.change_rejected).Else(this.change_approved)
    )

    change_approved = nodes.End()
    change_rejected = nodes.End()

    def was_rejected(self, activation):
        request_id = activation.process.data["change_request"]
        return ChangeRequest.objects.filter(
            pk=request_id, status=ChangeRequest.Status.REJECTED
        ).exists()


class LeaveConfirmationFlow(CaseFlowMixin, Flow):
    """Leave-time confirmation

    At leave time the graduate confirms their destination, archive transfer and hukou
    migration. Changed archive or hukou details go to the university's audit first;
    a destination change goes through a change request. Once nothing is pending the
    graduate confirms, and the registration form with its numbers is issued.
    """

    process_title = _("Leave-time confirmation")

    start = nodes.StartHandle(this.open_case).Next(this.confirm_leave)
    confirm_leave = human_task(TaskKind.CONFIRM_LEAVE, for_graduate=True).Next(this.route_details)
    route_details = (
        nodes.If(this.details_pending).Then(this.audit_transfer).Else(this.leave_confirmed)
    )
    audit_transfer = human_task(TaskKind.AUDIT_TRANSFER).Next(this.confirm_leave)
    leave_confirmed = nodes.End()

    def details_pending(self, activation):
        return scope.transfer_pending(activation.process)


class TargetedCheckFlow(CaseFlowMixin, Flow):
    """Targeted-enrolment check of a correction

    The university recorded a correction itself (after the change deadline, or resolving a
    spot check) and it does not match the graduate's 定向 agreement: the targeted-enrolment
    reviewer approves an exception (reason and evidence) or refuses it, and the case then
    counts as not complying.
    """

    process_title = _("Targeted-enrolment check")

    start = nodes.StartHandle(this.open_case).Next(this.targeted_check)
    targeted_check = human_task(TaskKind.TARGETED_CHECK).Next(this.checked)
    checked = nodes.End()


class SpotCheckFlow(CaseFlowMixin, Flow):
    """Spot check (核查)

    One case sampled by a provincial campaign: an inspector of the campaign checks it and
    records 核实一致, 不一致 or 无法联系. 不一致 opens a task for the case's university to
    correct the registration or explain why it stands; its resolution is recorded on the
    campaign's check. Processes are opened in bulk when the campaign draws its sample, and
    cancelled when it closes.
    """

    process_title = _("Spot check")

    start = nodes.StartHandle(this.open_case).Next(this.spot_check)
    spot_check = human_task(TaskKind.SPOT_CHECK).Next(this.route_outcome)
    route_outcome = (
        nodes.If(this.found_inconsistent).Then(this.correct_discrepancy).Else(this.check_done)
    )
    correct_discrepancy = human_task(TaskKind.CORRECT_DISCREPANCY).Next(this.discrepancy_resolved)
    check_done = nodes.End()
    discrepancy_resolved = nodes.End()

    def found_inconsistent(self, activation):
        return SpotCheck.objects.filter(
            pk=activation.process.data["spot_check"], outcome=Outcome.INCONSISTENT
        ).exists()
