"""Celery tasks of the engine: the periodic sweeps Celery beat runs (see
``CELERY_BEAT_SCHEDULE``). Each calls one sweep; every sweep is idempotent, so a
redelivered or overlapping run does no harm. The processes' own sweeps have their tasks in
their packages."""

from celery import shared_task

from . import sweeps


@shared_task(acks_late=True, ignore_result=True)
def fire_workflow_timers() -> dict[str, int]:
    return sweeps.workflow_timers_fire()


@shared_task(acks_late=True, ignore_result=True)
def sweep_overdue_tasks() -> int:
    return sweeps.overdue_sweep()


@shared_task(acks_late=True, ignore_result=True)
def sweep_escalations() -> int:
    return sweeps.escalation_sweep()


@shared_task(acks_late=True, ignore_result=True)
def sweep_due_reminders() -> int:
    return sweeps.due_reminder_sweep()
