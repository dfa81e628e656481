"""Destination registration.

The graduate registers their destination; a targeted (定向) graduate's registration that
does not match the agreement goes to the targeted-enrolment reviewer first; then the
university audits it (the college first, where the university uses two levels) and
approves it or returns it for correction, until approval. A roster import opens one
process per new graduate (``services.roster_import``).
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import nodes
from viewflow.workflow.base import Flow

from cases.models import CaseStatus
from processes.targeted.flow import TARGETED_CHECK, TargetedGateway
from roles.models import Role
from workflows.nodes import CaseFlowMixin, human_task
from workflows.registry import TaskKind
from workflows.task_rows import graduate_field

REGISTER = TaskKind("register", _("Register destination"), role=Role.GRADUATE, sla_hours=14 * 24)
CORRECT = TaskKind("correct", _("Correct registration"), role=Role.GRADUATE, sla_hours=7 * 24)
COLLEGE_AUDIT = TaskKind(
    "college_audit", _("College audit"), role=Role.COLLEGE_REVIEWER, sla_hours=3 * 24
)
UNIVERSITY_AUDIT = TaskKind(
    "university_audit", _("University audit"), role=Role.UNIVERSITY_REVIEWER, sla_hours=3 * 24
)
# The graduate's own tasks of registering.
GRADUATE_KINDS = (REGISTER, CORRECT)
AUDIT_KINDS = (COLLEGE_AUDIT, UNIVERSITY_AUDIT)
REGISTRATION_KINDS = (*GRADUATE_KINDS, *AUDIT_KINDS)


class RegistrationFlow(CaseFlowMixin, TargetedGateway, Flow):
    """Destination registration

    Self-registration by the graduate, the targeted-enrolment check where it applies,
    university audit (one or two levels) and correction until approval.
    """

    process_title = _("Destination registration")

    start = nodes.StartHandle(this.open_case).Next(this.register)
    register = human_task(REGISTER, for_graduate=True).Next(this.check_targeted)

    check_targeted = (
        nodes.If(this.targeted_mismatch).Then(this.targeted_check).Else(this.route_to_audit)
    )
    targeted_check = human_task(TARGETED_CHECK).Next(this.check_targeted_decision)
    check_targeted_decision = (
        nodes.If(this.was_returned).Then(this.correct).Else(this.route_to_audit)
    )

    route_to_audit = (
        nodes.If(this.uses_college_audit).Then(this.college_audit).Else(this.university_audit)
    )
    college_audit = human_task(COLLEGE_AUDIT).Next(this.check_college_audit)
    check_college_audit = nodes.If(this.was_returned).Then(this.correct).Else(this.university_audit)
    university_audit = human_task(UNIVERSITY_AUDIT).Next(this.check_university_audit)
    check_university_audit = (
        nodes.If(this.was_returned).Then(this.correct).Else(this.registration_approved)
    )

    correct = human_task(CORRECT, for_graduate=True).Next(this.check_targeted)

    registration_approved = nodes.End()

    def was_returned(self, activation):
        return graduate_field(activation.process, "status") == CaseStatus.RETURNED
