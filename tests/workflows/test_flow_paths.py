"""Processes and tasks written before the flows moved into their process packages name them
where they were (``workflows/flows.RegistrationFlow``); the data migration makes them name
where they are, and such a process goes on as any other."""

import importlib
from types import SimpleNamespace

import pytest
from django.db import connection
from viewflow.workflow.models import Process, Task

from processes.filings.flow import FilingFlow
from processes.registration.flow import RegistrationFlow
from processes.registration.services import registration_submit

from ..factories import open_cohort
from .helpers import employment_values, open_task

pytestmark = pytest.mark.django_db

flow_paths = importlib.import_module("workflows.migrations.0008_flow_paths")


def _as_before_the_move(process_ids) -> None:
    """Write the rows' flow paths as the earlier layout stored them."""
    flow_paths.backwards(None, SimpleNamespace(connection=connection))
    assert _raw("viewflow_process", "flow_class", process_ids) == {
        "workflows/flows.RegistrationFlow"
    }
    # Read as they are, such rows name no flow any more.
    assert set(Process.objects.filter(pk__in=process_ids).values_list("flow_class", flat=True)) == {
        None
    }


def _raw(table: str, column: str, ids) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT {column} FROM {table} WHERE id IN ({','.join(['%s'] * len(ids))})",
            list(ids),
        )
        return {row[0] for row in cursor.fetchall()}


def test_every_moved_flow_is_mapped_to_where_it_is_now():
    from viewflow.workflow.fields import get_flow_ref

    from workflows.registry import registry

    now = {get_flow_ref(flow) for entry in registry.processes.values() for flow in entry.flows}
    assert set(flow_paths.MOVED.values()) == now
    assert FilingFlow in {f for e in registry.processes.values() for f in e.flows}


def test_a_process_stored_with_the_old_path_resolves_and_goes_on(uni, supervisor):
    open_cohort(uni, count=2, actor=supervisor)
    graduate = uni.graduates.order_by("student_no").first()
    process_ids = list(Process.objects.values_list("pk", flat=True))
    task_ids = list(Task.objects.values_list("pk", flat=True))
    _as_before_the_move(process_ids)
    assert _raw("viewflow_task", "flow_task", task_ids) == {
        "workflows/flows.RegistrationFlow.start",
        "workflows/flows.RegistrationFlow.register",
    }

    flow_paths.forwards(None, SimpleNamespace(connection=connection))

    assert _raw("viewflow_process", "flow_class", process_ids) == {
        "registration/flow.RegistrationFlow"
    }
    process = Process.objects.get(pk=open_task(graduate).process_id)
    assert process.flow_class is RegistrationFlow
    assert {t.flow_task for t in process.task_set.all()} == {
        RegistrationFlow.start,
        RegistrationFlow.register,
    }
    # The process goes on: the graduate submits, and the audit task follows.
    registration_submit(
        task_id=open_task(graduate).pk, user=graduate.user, values=employment_values()
    )
    assert open_task(graduate).kind == "university_audit"
