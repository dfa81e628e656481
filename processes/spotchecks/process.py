"""Spot checks in the process registry: their inspectors claim checks by campaign, not by
organisation."""

from roles.models import Role
from workflows.registry import ClaimRule, ProcessEntry

from . import notifications, selectors, views
from .flow import CORRECT_DISCREPANCY, SPOT_CHECK, SpotCheckFlow

PROCESS = ProcessEntry(
    name="spotchecks",
    flows=(SpotCheckFlow,),
    pages={SPOT_CHECK: views.spot_check_task, CORRECT_DISCREPANCY: views.discrepancy_task},
    notifications=(notifications.SPOT_CHECKS_ASSIGNED, notifications.SPOT_CHECK_DISCREPANCY),
    claim_rules=(
        ClaimRule(
            role=Role.INSPECTOR,
            column="campaign",
            claimable=selectors.inspector_campaign_ids,
            members=selectors.campaign_members,
        ),
    ),
)
