"""Spot checks (核查).

A provincial monitor's campaign samples approved registrations; each sampled case is one
process: an inspector of the campaign checks it and records 核实一致, 不一致 or 无法联系, and
不一致 opens a task for the case's university to correct the registration or explain why it
stands. The processes are opened in bulk when the campaign draws its sample, and cancelled
when it closes.
"""

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import nodes
from viewflow.workflow.base import Flow

from roles.models import Role
from workflows.nodes import CaseFlowMixin, human_task
from workflows.registry import TaskKind

from .models import Outcome, SpotCheck

# Due at the end of the campaign's deadline day, which the launch sets; the SLA applies only
# to a check opened some other way.
SPOT_CHECK = TaskKind("spot_check", _("Spot check (核查)"), role=Role.INSPECTOR, sla_hours=3 * 24)
CORRECT_DISCREPANCY = TaskKind(
    "correct_discrepancy",
    _("Resolve a spot-check discrepancy"),
    role=Role.UNIVERSITY_REVIEWER,
    sla_hours=14 * 24,
)


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
    spot_check = human_task(SPOT_CHECK).Next(this.route_outcome)
    route_outcome = (
        nodes.If(this.found_inconsistent).Then(this.correct_discrepancy).Else(this.check_done)
    )
    correct_discrepancy = human_task(CORRECT_DISCREPANCY).Next(this.discrepancy_resolved)
    check_done = nodes.End()
    discrepancy_resolved = nodes.End()

    def found_inconsistent(self, activation):
        return SpotCheck.objects.filter(
            pk=activation.process.data["spot_check"], outcome=Outcome.INCONSISTENT
        ).exists()
