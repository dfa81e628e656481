"""Celery tasks of the engine: the periodic sweeps Celery beat runs (see
``CELERY_BEAT_SCHEDULE``). Each calls one sweep; every sweep is idempotent, so a
redelivered or overlapping run does no harm."""

from celery import shared_task

from . import services, sweeps


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


@shared_task(acks_late=True, ignore_result=True)
def open_leave_confirmations() -> int:
    return services.leave_confirmation_open_due()


@shared_task(acks_late=True, ignore_result=True)
def sweep_registration_deadline() -> int:
    return sum(notice.recipients for notice in sweeps.registration_deadline_sweep())
