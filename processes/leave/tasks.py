"""Celery task of leave-time confirmation, run by beat (see ``CELERY_BEAT_SCHEDULE``)."""

from celery import shared_task

from . import services


# Named as before the process had its own package, so that queued messages and the beat
# schedule of a running installation still find it.
@shared_task(name="workflows.tasks.open_leave_confirmations", acks_late=True, ignore_result=True)
def open_leave_confirmations() -> int:
    return services.leave_confirmation_open_due()
