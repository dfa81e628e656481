"""Celery tasks of the notification centre. Each takes ids and calls one service."""

import logging

from celery import shared_task
from django.conf import settings

from core.backoff import backoff_countdown

from . import services

logger = logging.getLogger(__name__)


def retry_countdown(retries: int) -> int:
    return backoff_countdown(settings.NOTIFICATION_RETRY_BACKOFF, retries)


@shared_task(bind=True, acks_late=True, ignore_result=True)
def deliver_notification(self, notification_id: int) -> None:
    """Send one notification by e-mail and SMS; redelivered or retried, it sends nothing twice."""
    try:
        services.notification_deliver(
            notification_id=notification_id, worker=self.request.hostname or "in-process"
        )
    except services.DeliveryIncomplete as exc:
        if self.request.is_eager:
            # In-process there is no one to wait for a countdown: the relay sweep retries.
            logger.warning("Notification %s not delivered on %s yet", notification_id, exc)
            return
        raise self.retry(
            exc=exc,
            countdown=retry_countdown(self.request.retries),
            max_retries=settings.NOTIFICATION_MAX_ATTEMPTS,
        ) from exc


@shared_task(acks_late=True, ignore_result=True)
def relay_unsettled_notifications() -> int:
    """Queue again the notifications left unsent (broker down at commit, retries exhausted)."""
    return services.notifications_relay()
