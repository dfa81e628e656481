"""The full recomputation of the statistics: a job queued to Celery that recounts every
university's tallies from its cases and says how many counts it had to correct."""

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from cases.tallies import coarse_tallies_rebuild, tallies_rebuild
from roles.models import University

from .models import StatisticsJob


@transaction.atomic
def statistics_job_create(*, actor) -> StatisticsJob:
    """A full recomputation, queued to Celery when the transaction commits."""
    job = StatisticsJob.objects.create(created_by=actor, total=University.objects.count())
    transaction.on_commit(lambda: recompute_statistics.delay(job.pk))
    return job


def statistics_recompute(*, job_id: int) -> StatisticsJob:
    """Recount every university's tallies from its cases (``cases.tallies.tallies_rebuild``),
    one university per transaction, recording progress on the job as it goes, then sums
    them by university and by province again (``coarse_tallies_rebuild``). Idempotent:
    a finished job is left as it is; a job interrupted half-way starts again from the top,
    which changes nothing for the universities already recounted."""
    job = StatisticsJob.objects.get(pk=job_id)
    if job.finished:
        return job
    university_ids = list(University.objects.order_by("pk").values_list("pk", flat=True))
    StatisticsJob.objects.filter(pk=job.pk).update(
        status=StatisticsJob.Status.RUNNING,
        total=len(university_ids),
        done=0,
        corrected=0,
        started_at=timezone.now(),
    )
    corrected = 0
    try:
        for done, university_id in enumerate(university_ids, start=1):
            corrected += tallies_rebuild(university_id=university_id)
            StatisticsJob.objects.filter(pk=job.pk).update(done=done, corrected=corrected)
        corrected += coarse_tallies_rebuild()
        StatisticsJob.objects.filter(pk=job.pk).update(corrected=corrected)
    except Exception as exc:
        StatisticsJob.objects.filter(pk=job.pk).update(
            status=StatisticsJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    StatisticsJob.objects.filter(pk=job.pk).update(
        status=StatisticsJob.Status.DONE, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


# Named as when statistics were part of the reporting app, so that queued messages still run.
@shared_task(name="reporting.tasks.recompute_statistics", acks_late=True, ignore_result=True)
def recompute_statistics(job_id: int) -> int:
    """Recount every university's tallies, recording progress on the job (idempotent: a
    finished job is left alone). Returns the number of counts it had to correct."""
    return statistics_recompute(job_id=job_id).corrected
