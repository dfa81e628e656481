"""Leave-time confirmation.

At leave time the graduate confirms destination, archive transfer and hukou migration;
changed archive or hukou details are audited by the university first; then the
registration information form is issued with its numbers (``verification``).
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import nodes
from viewflow.workflow.base import Flow

from cases.models import TransferDetails
from roles.models import Role
from workflows.nodes import CaseFlowMixin, human_task
from workflows.registry import TaskKind

CONFIRM_LEAVE = TaskKind(
    "confirm_leave", _("Confirm at leave time"), role=Role.GRADUATE, sla_hours=14 * 24
)
AUDIT_TRANSFER = TaskKind(
    "audit_transfer",
    _("Archive and hukou audit"),
    role=Role.UNIVERSITY_REVIEWER,
    sla_hours=3 * 24,
)


class LeaveConfirmationFlow(CaseFlowMixin, Flow):
    """Leave-time confirmation

    At leave time the graduate confirms their destination, archive transfer and hukou
    migration. Changed archive or hukou details go to the university's audit first;
    a destination change goes through a change request. Once nothing is pending the
    graduate confirms, and the registration form with its numbers is issued.
    """

    process_title = _("Leave-time confirmation")

    start = nodes.StartHandle(this.open_case).Next(this.confirm_leave)
    confirm_leave = human_task(CONFIRM_LEAVE, for_graduate=True).Next(this.route_details)
    route_details = (
        nodes.If(this.details_pending).Then(this.audit_transfer).Else(this.leave_confirmed)
    )
    audit_transfer = human_task(AUDIT_TRANSFER).Next(this.confirm_leave)
    leave_confirmed = nodes.End()

    def details_pending(self, activation):
        return TransferDetails.objects.filter(
            graduate_id=activation.process.artifact_object_id, status="pending"
        ).exists()
