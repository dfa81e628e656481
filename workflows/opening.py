"""The bulk opener: a process started for many cases at once (a cohort's registrations, its
leave-time confirmations, a campaign's sample), with its first tasks and their rows.

It writes exactly the rows ``flow.start.run(graduate=g)`` writes, a few statements per batch
instead of a dozen per graduate (``tests/workflows/test_open.py`` holds the two side by
side), and the first tasks' rows with them: with ``workflows.steps``, the only other writer
of task rows' engine columns.
"""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS
from viewflow.workflow.token import Token

from cases.models import Graduate
from core.bulk import insert_objects, insert_rows
from notifications.kinds import TASK_ASSIGNED
from notifications.services import Event, notify_events

from . import sweeps
from .models import CaseProcess, TaskScope
from .task_rows import case_row, sla_due


def processes_open_bulk(
    *,
    flow,
    graduates: list[Graduate],
    first: str,
    notify_kind: str = TASK_ASSIGNED,
    for_graduate: bool = True,
    process_data: list[dict] | None = None,
    due_at=None,
    campaign_id: int | None = None,
) -> list[Task]:
    """Start a process of ``flow`` for each graduate, in bulk, with its first task ``first``.

    Writes exactly the rows ``flow.start.run(graduate=g)`` writes (the process, its done
    start task, the first task and the link between them) plus the task-scope rows, a few
    statements per batch instead of a dozen per graduate. ``tests/workflows/test_open.py``
    holds the two side by side. By default the first task is the graduate's, assigned to
    them, and each graduate with an account is told that it is theirs (``notify_kind``);
    with ``for_graduate=False`` it waits unclaimed in its candidates' queue and nobody is
    told here. ``process_data`` (one dict per graduate), ``due_at`` (instead of the SLA)
    and ``campaign_id`` serve the spot checks.
    """
    if not graduates:
        return []
    node = flow.instance.node(first)
    now = timezone.now()
    content_type = ContentType.objects.get_for_model(Graduate)
    token = Token("start")
    data = process_data or [{} for _g in graduates]
    process_ids = insert_rows(
        CaseProcess,
        [
            "flow_class",
            "status",
            "created",
            "data",
            "artifact_content_type_id",
            "artifact_object_id",
        ],
        [
            (flow, PROCESS.NEW, now, d, content_type.pk, g.pk)
            for g, d in zip(graduates, data, strict=True)
        ],
    )
    start_ids = insert_rows(
        Task,
        [
            "process_id",
            "flow_task",
            "flow_task_type",
            "status",
            "created",
            "started",
            "finished",
            "token",
            "data",
        ],
        [
            (pk, flow.start, flow.start.task_type, STATUS.DONE, now, now, now, token, {})
            for pk in process_ids
        ],
    )
    firsts = insert_objects(
        [
            Task(
                process_id=pk,
                flow_task=node,
                flow_task_type=node.task_type,
                status=STATUS.ASSIGNED if for_graduate and g.user_id else STATUS.NEW,
                owner_id=g.user_id if for_graduate else None,
                created=now,
                token=token,
                data={},
            )
            for pk, g in zip(process_ids, graduates, strict=True)
        ]
    )
    insert_rows(
        Task.previous.through,
        ["from_task_id", "to_task_id"],
        [(f.pk, pk) for f, pk in zip(firsts, start_ids, strict=True)],
    )
    due_at = due_at or sla_due(first, now)
    rows = insert_objects(
        [
            case_row(task=f, graduate=g, kind=first, due_at=due_at, campaign_id=campaign_id)
            for f, g in zip(firsts, graduates, strict=True)
        ]
    )
    if not for_graduate:
        return firsts
    notify_events(
        [
            Event(
                user_ids=(g.user_id,),
                kind=notify_kind,
                dedupe_key=f"{notify_kind}:{row.pk}",
                context={
                    **(context := sweeps.task_context(_with_graduate(row, g))),
                    "deadline": context["due"],
                },
                url=sweeps.task_url(row),
            )
            for row, g in zip(rows, graduates, strict=True)
            if g.user_id
        ]
    )
    return firsts


def _with_graduate(row: TaskScope, graduate: Graduate) -> TaskScope:
    row.graduate = graduate
    return row
