"""``core.bulk``: COPYed rows equal the rows ``bulk_create`` writes."""

import datetime
import zoneinfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.token import Token

from cases.models import CaseEvent, CaseStatus, Graduate
from core.bulk import insert_objects, insert_rows
from processes.registration.flow import RegistrationFlow
from workflows.models import CaseProcess

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

AWKWARD = 'tab\there, newline\nthere, a backslash \\ and "quotes", 中文, \\N'


def _stored(model, objs):
    """The rows as PostgreSQL holds them, primary keys left out."""
    opts = model._meta.concrete_model._meta
    columns = [f.column for f in opts.concrete_fields if not f.primary_key]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {opts.db_table} WHERE id = ANY(%s) ORDER BY id",
            [[o.pk for o in objs]],
        )
        return cursor.fetchall()


def _both(make):
    """The same instances written by ``insert_objects`` and by ``bulk_create``."""
    copied = insert_objects(make())
    created = type(copied[0])._default_manager.bulk_create(make())
    return copied, created


def _processes(graduate):
    content_type = ContentType.objects.get_for_model(Graduate)
    shanghai = datetime.datetime(2026, 6, 1, 8, 30, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    return [
        CaseProcess(
            flow_class=RegistrationFlow,
            status=PROCESS.NEW,
            created=shanghai,
            data=data,
            artifact_content_type=content_type,
            artifact_object_id=graduate.pk,
        )
        for data in ({}, {"note": AWKWARD, "n": [1, 2.5, None, True]}, "a JSON string", [])
    ]


def test_copied_processes_tasks_and_events_equal_bulk_created_ones(cohort):
    graduate = cohort.first()
    copied, created = _both(lambda: _processes(graduate))
    assert _stored(CaseProcess, copied) == _stored(CaseProcess, created)
    assert [p.pk for p in copied] == sorted(p.pk for p in copied)
    assert not any(p._state.adding for p in copied)

    node = RegistrationFlow.instance.node("register")
    now = datetime.datetime.now(datetime.UTC)
    copied_tasks, created_tasks = _both(
        lambda: [
            Task(
                process_id=p.pk,
                flow_task=node,
                flow_task_type=node.task_type,
                status=STATUS.ASSIGNED,
                owner_id=graduate.user_id,
                created=now,
                token=Token("start"),
                data={"k": AWKWARD},
            )
            for p in copied
        ]
    )
    assert _stored(Task, copied_tasks) == _stored(Task, created_tasks)

    copied_events, created_events = _both(
        lambda: [
            CaseEvent(
                graduate=graduate,
                at=now,
                actor=None,
                kind=CaseEvent.Kind.CREATED,
                field="status",
                before=None,
                after=CaseStatus.UNREGISTERED,
                note=AWKWARD,
            )
        ]
    )
    assert _stored(CaseEvent, copied_events) == _stored(CaseEvent, created_events)
    assert CaseEvent.objects.get(pk=copied_events[0].pk).note == AWKWARD


def test_rows_take_the_defaults_of_the_fields_left_out(cohort):
    graduate = cohort.first()
    fields = ["flow_class", "status", "created", "data", "artifact_content_type_id"]
    made = _processes(graduate)
    ids = insert_rows(
        CaseProcess,
        [*fields, "artifact_object_id"],
        [(*(getattr(p, f) for f in fields), p.artifact_object_id) for p in made],
    )
    created = CaseProcess.objects.bulk_create(_processes(graduate))
    assert ids == sorted(ids)
    assert _stored(CaseProcess, CaseProcess.objects.filter(pk__in=ids).order_by("pk")) == _stored(
        CaseProcess, created
    )


def test_instances_read_back_as_written(cohort):
    graduate = cohort.first()
    (process,) = insert_objects(_processes(graduate)[1:2])
    stored = CaseProcess.objects.get(pk=process.pk)
    assert stored.flow_class is RegistrationFlow
    assert stored.data == {"note": AWKWARD, "n": [1, 2.5, None, True]}
    assert stored.created == process.created
