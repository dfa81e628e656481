"""The process registry is complete: every human step of every flow has a kind declared by one
process, with a candidate role, an SLA and a page; what each process declares exists."""

import pytest
from viewflow.workflow import nodes
from viewflow.workflow.base import Flow

from notifications.kinds import KINDS
from roles.models import Role
from workflows.models import OrgTaskScope, TaskScope, TaskSLA
from workflows.nodes import CaseFlowMixin, OrgFlowMixin
from workflows.registry import TaskKind, registry

pytestmark = pytest.mark.django_db


def _flows_defined():
    """Every concrete flow of the project's packages, registered or not."""
    seen, todo = set(), [Flow]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return {f for f in seen if f.__module__.startswith("processes.")}


def _human_nodes(flow):
    return [node for node in flow.instance.nodes() if isinstance(node, nodes.View)]


def test_every_flow_of_every_process_package_is_registered():
    registered = {flow for entry in registry.processes.values() for flow in entry.flows}
    assert _flows_defined() == registered
    assert {e.name for e in registry.processes.values()} == {
        "registration",
        "leave",
        "targeted",
        "changes",
        "spotchecks",
        "filings",
    }


def test_every_human_node_has_a_kind_a_role_an_sla_and_a_page():
    declared = [kind for entry in registry.processes.values() for kind in entry.pages]
    assert len(declared) == len(set(declared)), "a kind declared by two processes"
    for entry in registry.processes.values():
        for flow in entry.flows:
            nodes = _human_nodes(flow)
            assert nodes, flow
            for node in nodes:
                kind = node.kind
                assert isinstance(kind, TaskKind), (flow, node.name)
                assert node.name == kind, (flow, node.name)
                assert kind in registry.kinds, kind
                assert kind.role in Role.values, kind
                assert kind.sla_hours > 0, kind
                assert str(kind.label), kind
                assert callable(registry.page(kind)), kind
                # The flow's rows are the engine's table for what the flow is about.
                model = TaskScope if issubclass(flow, CaseFlowMixin) else OrgTaskScope
                assert flow.task_row_model is model
                assert issubclass(flow, CaseFlowMixin | OrgFlowMixin)


def test_every_declared_kind_is_created_by_a_flow_node():
    created = {
        node.kind
        for entry in registry.processes.values()
        for flow in entry.flows
        for node in _human_nodes(flow)
    }
    assert created == set(registry.kinds)


def test_every_kind_has_its_sla_row_after_migrate_at_its_default():
    rows = dict(TaskSLA.objects.values_list("kind", "hours"))
    assert rows == {str(kind): kind.sla_hours for kind in registry.kinds.values()}


def test_the_notification_kinds_a_process_declares_are_registered_with_their_texts():
    for entry in registry.processes.values():
        for kind in entry.notifications:
            assert KINDS[kind] is kind
            assert str(kind.subject) and str(kind.body) and str(kind.label)


def test_kinds_are_listed_in_the_order_of_installed_processes():
    # The API schema's enum (api/openapi.yaml) lists them in this order.
    assert [k for k, _label in registry.kind_choices()] == [
        "register",
        "correct",
        "college_audit",
        "university_audit",
        "confirm_leave",
        "audit_transfer",
        "targeted_check",
        "change_college_audit",
        "change_university_audit",
        "spot_check",
        "correct_discrepancy",
        "review_filing",
        "resubmit_filing",
        "accept_report",
        "revise_report",
    ]
