"""Change requests.

After approval and until the change deadline (31 August), the graduate asks to change or
void the registration: the same targeted-enrolment check and audit as a registration;
approval makes the change current, rejection keeps what was there. After the deadline the
university records a late correction itself (``services.late_correction_submit``).
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import nodes
from viewflow.workflow.base import Flow

from cases.models import ChangeRequest
from processes.targeted.flow import TARGETED_CHECK, TargetedGateway
from roles.models import Role
from workflows.nodes import CaseFlowMixin, human_task
from workflows.registry import TaskKind

CHANGE_COLLEGE_AUDIT = TaskKind(
    "change_college_audit",
    _("Change request: college audit"),
    role=Role.COLLEGE_REVIEWER,
    sla_hours=3 * 24,
)
CHANGE_UNIVERSITY_AUDIT = TaskKind(
    "change_university_audit",
    _("Change request: university audit"),
    role=Role.UNIVERSITY_REVIEWER,
    sla_hours=3 * 24,
)
CHANGE_AUDIT_KINDS = (CHANGE_COLLEGE_AUDIT, CHANGE_UNIVERSITY_AUDIT)


class ChangeRequestFlow(CaseFlowMixin, TargetedGateway, Flow):
    """Change request

    A change or void of an approved registration, requested until 31 August: the
    targeted-enrolment check where it applies, then the university's audit.
    """

    process_title = _("Change request")

    start = nodes.StartHandle(this.open_case).Next(this.check_targeted)

    check_targeted = (
        nodes.If(this.targeted_mismatch).Then(this.targeted_check).Else(this.route_to_audit)
    )
    targeted_check = human_task(TARGETED_CHECK).Next(this.check_targeted_decision)
    check_targeted_decision = (
        nodes.If(this.was_rejected).Then(this.change_rejected).Else(this.route_to_audit)
    )

    route_to_audit = (
        nodes.If(this.uses_college_audit)
        .Then(this.change_college_audit)
        .Else(this.change_university_audit)
    )
    change_college_audit = human_task(CHANGE_COLLEGE_AUDIT).Next(this.check_college_audit)
    check_college_audit = (
        nodes.If(this.was_rejected).Then(this.change_rejected).Else(this.change_university_audit)
    )
    change_university_audit = human_task(CHANGE_UNIVERSITY_AUDIT).Next(this.check_university_audit)
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
