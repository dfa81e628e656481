"""Telling users about events, and sending what they are told.

The public entry point is ``notify_event``: a service that changes something calls it
inside its own transaction. It writes one ``Notification`` per user (the message in
their notification centre), once per ``(user, dedupe_key)``, and queues a Celery task
per notification that also goes out by e-mail or SMS, with ``transaction.on_commit``:
nothing is sent for an event that rolled back.

The task calls ``notification_deliver``, which may run more than once for the same
notification (a redelivered message, a retry, the relay sweep): a channel that has a
``sent`` attempt is never sent again.
"""

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial

from celery import signature
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone, translation

from core.masking import mask_mobile

from . import transports
from .kinds import (
    EXTERNAL_CHANNELS,
    KINDS,
    MESSAGE,
    Channel,
    default_channels,
    missing_placeholders,
)
from .models import DeliveryAttempt, DeliveryResult, Notification, NotificationSettings

DELIVER_TASK = "notifications.tasks.deliver_notification"
BATCH = 500


@dataclass(frozen=True)
class Event:
    """One event to tell some users about (see ``notify_event``)."""

    user_ids: tuple[int, ...]
    kind: str
    dedupe_key: str
    context: dict = field(default_factory=dict)
    url: str = ""


@dataclass
class Recipient:
    email: str = ""
    mobile: str = ""
    choices: dict = field(default_factory=dict)

    def wants(self, channel: str, kind: str) -> bool:
        return self.choices.get(f"{channel}:{kind}", default_channels(kind)[channel])

    def address(self, channel: str) -> str:
        return self.email if channel == Channel.EMAIL else self.mobile

    def channels_for(self, kind: str) -> list[str]:
        return [c for c in EXTERNAL_CHANNELS if self.address(c) and self.wants(c, kind)]


class DeliveryIncomplete(Exception):
    """Some channels failed and may succeed later; the task retries them."""


def notify_event(
    *,
    user_ids: Iterable[int],
    kind: str,
    dedupe_key: str,
    context: dict | None = None,
    url: str = "",
) -> list[int]:
    """Tell each user about one event; returns the ids of the notifications it wrote.

    ``kind`` is a ``NotificationKind`` (``notifications.kinds``); ``context`` holds the values its text needs (plain JSON
    values: strings, numbers); ``dedupe_key`` names the event, so that telling a user
    twice about it writes nothing the second time; ``url`` is where the message links to.
    Call it inside the transaction of the event: the notifications commit with it, and
    e-mail and SMS are queued only once it has committed.
    """
    return notify_events(
        [
            Event(
                user_ids=tuple(user_ids),
                kind=kind,
                dedupe_key=dedupe_key,
                context=context or {},
                url=url,
            )
        ]
    )


def notify_events(events: Iterable[Event]) -> list[int]:
    """``notify_event`` for many events at once, a few statements per batch of 500.

    The events are checked first; the writes then join the caller's transaction without
    a savepoint (it is on every decision's path, and each savepoint is a round trip)."""
    wanted: dict[tuple[int, str], Event] = {}
    for event in events:
        _check(event)
        for user_id in event.user_ids:
            if user_id is not None:
                wanted.setdefault((user_id, event.dedupe_key), event)
    return _notify_all(wanted)


@transaction.atomic(savepoint=False)
def _notify_all(wanted: dict[tuple[int, str], Event]) -> list[int]:
    pairs = list(wanted)
    created: list[int] = []
    for start in range(0, len(pairs), BATCH):
        created += _notify_batch({pair: wanted[pair] for pair in pairs[start : start + BATCH]})
    return created


def _check(event: Event) -> None:
    if event.kind not in KINDS:
        raise ValueError(f"unknown notification kind {event.kind!r}")
    if not event.dedupe_key or len(event.dedupe_key) > 200:
        raise ValueError("a notification needs a dedupe key of at most 200 characters")
    missing = missing_placeholders(event.kind, event.context)
    if missing:
        raise ValueError(f"{event.kind} notifications need {sorted(missing)} in the context")
    json.dumps(event.context)  # plain values only: the context is stored as JSON


def _notify_batch(wanted: dict[tuple[int, str], Event]) -> list[int]:
    """Write the notifications not written yet, in one statement that skips any (user, key)
    already there, also one a concurrent transaction just wrote; queue their delivery."""
    recipients = recipients_for(user_ids={user_id for user_id, _key in wanted})
    now = timezone.now()
    rows = []
    for (user_id, key), event in wanted.items():
        if user_id not in recipients:
            continue
        channels = recipients[user_id].channels_for(event.kind)
        rows.append(
            (
                user_id,
                event.kind,
                json.dumps(event.context, ensure_ascii=False),
                event.url[:300],
                key,
                json.dumps(channels),
                now,
                None if channels else now,
            )
        )
    if not rows:
        return []
    table = Notification._meta.db_table
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, kind, context, url, dedupe_key, channels, created_at, settled_at) "
            f"VALUES {placeholders} ON CONFLICT (user_id, dedupe_key) DO NOTHING RETURNING id, settled_at",
            [value for row in rows for value in row],
        )
        written = cursor.fetchall()
    to_send = [pk for pk, settled in written if settled is None]
    if to_send:
        transaction.on_commit(partial(_enqueue, to_send), robust=True)
    return [pk for pk, _settled in written]


def _enqueue(notification_ids: list[int]) -> None:
    # By name: the task (``tasks.deliver_notification``) calls back into these services.
    for pk in notification_ids:
        signature(DELIVER_TASK, args=(pk,)).delay()


def recipients_for(*, user_ids: Iterable[int]) -> dict[int, Recipient]:
    """Each user's addresses and choices, in one query: their notification settings first,
    then the account's e-mail address and, for graduates, the mobile number from the roster."""
    recipients = {}
    rows = (
        get_user_model()
        .objects.filter(pk__in=set(user_ids))
        .values_list(
            "pk",
            "email",
            "graduate__mobile",
            "notification_settings__email",
            "notification_settings__mobile",
            "notification_settings__choices",
        )
    )
    for pk, email, mobile, settings_email, settings_mobile, choices in rows:
        recipients[pk] = Recipient(
            email=settings_email or email,
            mobile=settings_mobile or mobile or "",
            choices=choices or {},
        )
    return recipients


def notify(*, user_id: int, message: str, url: str = "", dedupe_key: str = "") -> list[int]:
    """A free-text message for one user. Prefer ``notify_event`` with a kind of its own."""
    return notify_event(
        user_ids=[user_id],
        kind=MESSAGE,
        context={"message": message[:500]},
        dedupe_key=dedupe_key or f"message:{uuid.uuid4()}",
        url=url,
    )


# --- Delivery ---------------------------------------------------------------------------------


def notification_deliver(*, notification_id: int, worker: str = "") -> dict[str, str]:
    """Send the notification on each of its channels that has not been sent yet.

    Safe to run any number of times, also concurrently: each channel is sent under the
    notification's row lock and only if no attempt of it says ``sent``. Every attempt is
    logged. Returns the result per channel; raises ``DeliveryIncomplete`` when a channel
    failed and may be retried. Must run outside any transaction (a Celery task).
    """
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None or notification.settled_at is not None:
        return {}
    recipient = recipients_for(user_ids=[notification.user_id])[notification.user_id]
    with translation.override(settings.LANGUAGE_CODE):
        texts = {
            Channel.EMAIL: (notification.subject, _email_body(notification.text, notification.url)),
            Channel.SMS: ("", notification.text),
        }
    results, retry = {}, []
    for channel in notification.channels:
        result, final = _deliver_channel(
            notification, channel, recipient, texts=texts[channel], worker=worker
        )
        results[channel] = result
        if not final:
            retry.append(channel)
    if retry:
        raise DeliveryIncomplete(", ".join(retry))
    Notification.objects.filter(pk=notification.pk, settled_at__isnull=True).update(
        settled_at=timezone.now()
    )
    return results


def _deliver_channel(notification, channel, recipient, *, texts, worker):
    """Send on one channel; returns (result, final). Not final means: try again later."""
    attempts = DeliveryAttempt.objects.filter(notification_id=notification.pk, channel=channel)
    address = recipient.address(channel)
    attempt = DeliveryAttempt(
        notification_id=notification.pk,
        channel=channel,
        address=_masked(channel, address),
        worker=worker[:100],
    )
    if attempts.filter(result=DeliveryResult.SENT).exists():
        attempt.result, attempt.finished_at = DeliveryResult.DUPLICATE, timezone.now()
        attempt.save(force_insert=True)
        return DeliveryResult.DUPLICATE, True
    if not address:
        attempt.result, attempt.finished_at = DeliveryResult.FAILED, timezone.now()
        attempt.detail = "no address"
        attempt.save(force_insert=True)
        return DeliveryResult.FAILED, True
    # Committed before the send, so that an attempt whose worker dies stays in the log.
    attempt.result = DeliveryResult.STARTED
    attempt.save(force_insert=True)
    try:
        with transaction.atomic():
            # One sender per notification at a time; a second one waits, then finds "sent".
            Notification.objects.select_for_update().filter(pk=notification.pk).first()
            if attempts.filter(result=DeliveryResult.SENT).exists():
                _finish(attempt, DeliveryResult.DUPLICATE)
                return DeliveryResult.DUPLICATE, True
            reference = f"notification-{notification.pk}-{channel}"
            subject, body = texts
            if channel == Channel.EMAIL:
                detail = transports.email_send(
                    to=address, subject=subject, body=body, reference=reference
                )
            else:
                detail = transports.sms_send(to=address, text=body, reference=reference)
            _finish(attempt, DeliveryResult.SENT, detail=detail or "")
            # Earlier attempts still "started" belong to workers that died mid-send.
            attempts.filter(result=DeliveryResult.STARTED).exclude(pk=attempt.pk).update(
                result=DeliveryResult.INTERRUPTED
            )
    except transports.TransportError as exc:
        _finish(attempt, DeliveryResult.FAILED, detail=str(exc))
        failures = attempts.filter(result=DeliveryResult.FAILED).count()
        return (
            DeliveryResult.FAILED,
            exc.permanent or failures >= settings.NOTIFICATION_MAX_ATTEMPTS,
        )
    return DeliveryResult.SENT, True


def _finish(attempt: DeliveryAttempt, result: str, *, detail: str = "") -> None:
    attempt.result, attempt.detail, attempt.finished_at = result, detail[:500], timezone.now()
    attempt.save(update_fields=["result", "detail", "finished_at"])


def _masked(channel: str, address: str) -> str:
    if not address:
        return ""
    if channel == Channel.SMS:
        return mask_mobile(address)
    local, _at, domain = address.partition("@")
    return f"{local[:1]}***@{domain}"


def _email_body(text: str, url: str) -> str:
    lines = [text, ""]
    if url:
        lines.append(settings.SITE_URL + url)
    lines += [
        "",
        "—",
        translation.gettext(
            "You can choose which messages come by e-mail or SMS under Notifications → Settings."
        ),
    ]
    return "\n".join(lines)


def notifications_relay(
    *, older_than_minutes: int = 10, within_hours: int = 72, limit: int = 1000, now=None
) -> int:
    """Queue again the notifications whose e-mail or SMS is still unsettled a while after
    they were written (the broker was down at commit, or a task failed on something other
    than its transport); returns how many. Older ones are left for a person to look at in
    the admin: news days old is no longer worth sending."""
    now = now or timezone.now()
    ids = list(
        Notification.objects.filter(
            settled_at__isnull=True,
            created_at__lt=now - timezone.timedelta(minutes=older_than_minutes),
            created_at__gte=now - timezone.timedelta(hours=within_hours),
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    _enqueue(ids)
    return len(ids)


# --- The centre and the user's settings -------------------------------------------------------


@transaction.atomic
def notifications_mark_read(*, user, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when ``ids`` is None)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


@transaction.atomic
def notification_settings_update(
    *, user, email: str, mobile: str, choices: dict[str, bool]
) -> NotificationSettings:
    """Save the user's addresses for notifications and their choice per kind and channel.

    Applies to notifications written from now on; ``choices`` maps ``"channel:kind"`` to
    on/off, for the external channels only (the centre keeps every message).
    """
    allowed = {f"{c}:{k}" for c in EXTERNAL_CHANNELS for k in KINDS}
    unknown = set(choices) - allowed
    if unknown:
        raise ValueError(f"unknown notification choices: {sorted(unknown)}")
    row = NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)
    row.email, row.mobile = email.strip(), mobile.strip()
    row.choices = {key: bool(value) for key, value in sorted(choices.items())}
    row.updated_at = timezone.now()
    row.full_clean()
    row.save()
    return row
