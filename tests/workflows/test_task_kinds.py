"""Every kind of task is complete: a flow node, a candidate role, an SLA, a page."""

import pytest

from reporting import flows as reporting_flows
from reporting import views as reporting_views
from workflows import flows, views
from workflows.models import KIND_CANDIDATE_ROLE, TaskKind, TaskSLA

pytestmark = pytest.mark.django_db


def test_every_task_kind_has_a_node_a_role_an_sla_and_a_page():
    node_names = {
        node.name
        for flow in (
            flows.RegistrationFlow,
            flows.ChangeRequestFlow,
            flows.LeaveConfirmationFlow,
            flows.SpotCheckFlow,
            reporting_flows.FilingFlow,
            reporting_flows.ReportFlow,
        )
        for node in flow.instance.nodes()
    }
    slas = dict(TaskSLA.objects.values_list("kind", "hours"))
    pages = {
        **views.GRADUATE_TASK_PAGES,
        **views.REVIEWER_TASK_PAGES,
        **reporting_views.ORG_TASK_PAGES,
    }
    for kind in TaskKind.values:
        assert kind in node_names, kind
        assert kind in KIND_CANDIDATE_ROLE, kind
        if kind != "spot_check":  # due by its campaign's deadline
            assert slas.get(kind, 0) > 0, kind
        assert kind in pages, kind
