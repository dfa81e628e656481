"""Targeted enrolment (定向): a targeted graduate registers what their agreement names.

- The targeted-enrolment check: a registration or a change that does not match the
  graduate's agreement (by credit code and region code) goes to the targeted-enrolment
  reviewer first, in the registration and change-request flows (``TargetedGateway``).
- Targeted check of a correction (``TargetedCheckFlow``): a correction the university
  recorded itself (after the change deadline, or resolving a spot check) that does not
  match the agreement goes to the reviewer, who allows an exception or refuses it.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import nodes
from viewflow.workflow.base import Flow

from cases.models import TargetedCompliance
from roles.models import Role
from workflows.nodes import CaseFlowMixin, human_task
from workflows.registry import TaskKind
from workflows.task_rows import graduate_field

TARGETED_CHECK = TaskKind(
    "targeted_check",
    _("Targeted-enrolment check"),
    role=Role.TARGETED_REVIEWER,
    sla_hours=3 * 24,
)


class TargetedGateway:
    """The gateway of a flow that sends a targeted mismatch to the check first."""

    def targeted_mismatch(self, activation):
        return (
            graduate_field(activation.process, "targeted_compliance") == TargetedCompliance.MISMATCH
        )


class TargetedCheckFlow(CaseFlowMixin, Flow):
    """Targeted-enrolment check of a correction

    The university recorded a correction itself (after the change deadline, or resolving a
    spot check) and it does not match the graduate's 定向 agreement: the targeted-enrolment
    reviewer approves an exception (reason and evidence) or refuses it, and the case then
    counts as not complying.
    """

    process_title = _("Targeted-enrolment check")

    start = nodes.StartHandle(this.open_case).Next(this.targeted_check)
    targeted_check = human_task(TARGETED_CHECK).Next(this.checked)
    checked = nodes.End()
