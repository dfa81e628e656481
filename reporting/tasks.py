"""Celery tasks of reporting: the full recomputation of the statistics."""

from celery import shared_task

from . import services


@shared_task(acks_late=True, ignore_result=True)
def recompute_statistics(job_id: int) -> int:
    """Recount every university's tallies, recording progress on the job (idempotent: a
    finished job is left alone). Returns the number of counts it had to correct."""
    return services.statistics_recompute(job_id=job_id).corrected
