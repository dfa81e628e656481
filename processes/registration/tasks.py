"""Celery task of registration, run by beat (see ``CELERY_BEAT_SCHEDULE``)."""

from celery import shared_task

from . import sweeps


# Named as before the process had its own package, so that queued messages and the beat
# schedule of a running installation still find it.
@shared_task(name="workflows.tasks.sweep_registration_deadline", acks_late=True, ignore_result=True)
def sweep_registration_deadline() -> int:
    return sum(notice.recipients for notice in sweeps.registration_deadline_sweep())
