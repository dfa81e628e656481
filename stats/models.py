"""The statistics jobs: a full recomputation of the tallies, with its progress."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StatisticsJob(models.Model):
    """A full recomputation of the statistics, run by a Celery task that records its
    progress here as it goes (one university at a time)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("universities"), default=0)
    done = models.PositiveIntegerField(_("universities done"), default=0)
    corrected = models.PositiveIntegerField(_("counts corrected"), default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table it was created in, under the reporting app, before statistics had one.
        db_table = "reporting_statisticsjob"
        ordering = ["-created_at"]
        verbose_name = _("statistics job")
        verbose_name_plural = _("statistics jobs")

    def __str__(self):
        return f"#{self.pk} {self.status} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return 100 if self.status == self.Status.DONE else int(100 * self.done / max(self.total, 1))

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
