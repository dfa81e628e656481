"""Celery tasks of the provincial sync. Each calls one service."""

import logging

from celery import shared_task
from django.conf import settings

from core.backoff import backoff_countdown

from . import services

logger = logging.getLogger(__name__)


def retry_countdown(retries: int) -> int:
    return backoff_countdown(settings.SYNC_RETRY_BACKOFF, retries)


@shared_task(bind=True, acks_late=True, ignore_result=True)
def relay_outbox(self) -> int:
    """Send the outbox to the national node; retried with backoff while it is unreachable.

    Any number of these may be queued (one per committed change, plus beat): they share
    one lease, and events are marked delivered only on acknowledgement, so a redelivered
    or repeated task sends nothing twice that the national node would apply twice.
    """
    try:
        return services.outbox_relay()
    except services.RelayFailed as exc:
        if self.request.is_eager:
            # In-process there is no one to wait for a countdown: beat or sync_relay retries.
            logger.warning("sync relay failed: %s", exc)
            return 0
        if self.request.retries >= settings.SYNC_MAX_RETRIES:
            logger.error("sync relay gave up after %d retries: %s", self.request.retries, exc)
            return 0
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc


@shared_task(acks_late=True, ignore_result=True)
def reconcile_with_national() -> int:
    """Compare counts and checksums with the national node; re-send what differs."""
    if settings.NODE_ROLE != "provincial":
        return 0
    return services.reconcile().resent
