"""notify_event, the delivery of e-mail and SMS, and the log of every attempt."""

import pytest
from django.core import mail

from notifications import services
from notifications.models import DeliveryAttempt, Notification
from tests import sms

from ..workflows.helpers import decide, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_outbox(settings):
    settings.SMS_TRANSPORT = "tests.sms.MemorySmsTransport"
    sms.sent.clear()
    sms.MemorySmsTransport.fail_next = 0
    yield sms.sent
    sms.sent.clear()


def with_email(user, email="grad@example.edu.cn", **choices):
    services.notification_settings_update(user=user, email=email, mobile="", choices=choices)
    return user


def test_a_returned_registration_gives_an_in_app_notification_and_an_email(
    cohort, reviewer, django_capture_on_commit_callbacks
):
    graduate = cohort.first()
    with_email(graduate.user)
    submit(graduate)
    with django_capture_on_commit_callbacks(execute=True):
        decide(graduate, reviewer, approve=False, reason="签约日期与协议不一致")

    notification = Notification.objects.get(user=graduate.user, kind="registration_returned")
    assert notification.text == "您的毕业去向登记已被退回修改：签约日期与协议不一致"
    assert notification.read_at is None and notification.settled_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["grad@example.edu.cn"]
    assert "签约日期与协议不一致" in message.body
    assert DeliveryAttempt.objects.get(notification=notification, channel="email").result == "sent"


def test_telling_a_user_twice_about_the_same_event_writes_one_notification(
    cohort, django_capture_on_commit_callbacks
):
    user = with_email(cohort.first().user)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.notify_event(
            user_ids=[user.pk], kind="message", context={"message": "一"}, dedupe_key="k1"
        )
    with django_capture_on_commit_callbacks(execute=True):
        again = services.notify_event(
            user_ids=[user.pk], kind="message", context={"message": "二"}, dedupe_key="k1"
        )
    assert len(first) == 1 and again == []
    assert Notification.objects.filter(user=user, dedupe_key="k1").get().text == "一"
    assert len(mail.outbox) == 1


def test_notify_event_refuses_unknown_kinds_and_missing_context(cohort):
    user = cohort.first().user
    with pytest.raises(ValueError, match="unknown"):
        services.notify_event(user_ids=[user.pk], kind="nope", dedupe_key="k")
    with pytest.raises(ValueError, match="reason"):
        services.notify_event(user_ids=[user.pk], kind="registration_returned", dedupe_key="k")
    with pytest.raises(ValueError, match="dedupe"):
        services.notify_event(
            user_ids=[user.pk], kind="message", context={"message": "x"}, dedupe_key=""
        )
    assert not Notification.objects.exclude(kind="task_assigned").exists()


def test_the_api_for_features_still_to_come_works_for_each_of_their_kinds(cohort):
    user = cohort.first().user
    for kind, context in [
        ("confirmation_opened", {"deadline": "2026-12-31"}),
        ("record_verified", {"verifier": "海淀户政", "result": "一致"}),
        ("filing_returned", {"filing": "2026 届备案", "reason": "数据不完整"}),
        ("registration_rejected", {"reason": "不符合条件"}),
    ]:
        services.notify_event(user_ids=[user.pk], kind=kind, context=context, dedupe_key=kind)
    texts = dict(Notification.objects.filter(user=user).values_list("kind", "context"))
    assert texts["record_verified"] == {"verifier": "海淀户政", "result": "一致"}
    verified = Notification.objects.get(user=user, kind="record_verified")
    assert verified.text == "海淀户政核验了您的信息：一致"


def test_nothing_is_written_or_sent_when_the_event_rolls_back(
    cohort, django_capture_on_commit_callbacks
):
    from django.db import transaction

    user = with_email(cohort.first().user)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.notify_event(
            user_ids=[user.pk], kind="message", context={"message": "x"}, dedupe_key="k"
        )
        raise RuntimeError
    assert callbacks == [] and mail.outbox == []
    assert not Notification.objects.filter(dedupe_key="k").exists()


def test_the_users_choices_decide_the_channels(
    cohort, reviewer, sms_outbox, django_capture_on_commit_callbacks
):
    graduate = cohort.first()
    assert graduate.mobile  # from the roster
    with_email(graduate.user, **{"email:registration_returned": False})
    submit(graduate)
    with django_capture_on_commit_callbacks(execute=True):
        decide(graduate, reviewer, approve=False, reason="请更正")
    notification = Notification.objects.get(kind="registration_returned")
    assert notification.channels == ["sms"]
    assert mail.outbox == [] and len(sms_outbox) == 1
    assert sms_outbox[0]["to"] == graduate.mobile
    assert (
        sms_outbox[0]["text"].startswith("【毕业去向登记】") and "请更正" in sms_outbox[0]["text"]
    )
    assert (
        DeliveryAttempt.objects.get().address == graduate.mobile[:3] + "****" + graduate.mobile[-4:]
    )


def test_an_approval_goes_by_email_but_not_by_sms_unless_chosen(
    cohort, reviewer, sms_outbox, django_capture_on_commit_callbacks
):
    graduate = cohort.first()
    with_email(graduate.user)
    submit(graduate)
    with django_capture_on_commit_callbacks(execute=True):
        decide(graduate, reviewer)
    assert Notification.objects.get(kind="registration_approved").channels == ["email"]
    assert len(mail.outbox) == 1 and sms_outbox == []


def test_a_user_without_addresses_gets_the_centre_only_and_no_task(
    cohort, reviewer, django_capture_on_commit_callbacks
):
    services.notify_event(
        user_ids=[reviewer.pk], kind="message", context={"message": "x"}, dedupe_key="k"
    )
    notification = Notification.objects.get(user=reviewer)
    assert notification.channels == [] and notification.settled_at is not None


def test_a_failed_send_is_logged_and_a_second_run_sends_only_what_failed(
    cohort, sms_outbox, django_capture_on_commit_callbacks
):
    user = with_email(cohort.first().user)
    sms.MemorySmsTransport.fail_next = 1
    with django_capture_on_commit_callbacks(execute=True):
        (pk,) = services.notify_event(
            user_ids=[user.pk],
            kind="deadline_approaching",
            context={"cohort": 2026, "deadline": "2026-08-31", "days": 7},
            dedupe_key="deadline",
        )
    # In-process the task does not wait for a retry: the notification stays unsettled.
    assert Notification.objects.get(pk=pk).settled_at is None
    assert len(mail.outbox) == 1 and sms_outbox == []

    services.notification_deliver(notification_id=pk)  # what a retry or the relay does
    assert len(mail.outbox) == 1 and len(sms_outbox) == 1
    log = list(DeliveryAttempt.objects.filter(notification_id=pk).values_list("channel", "result"))
    assert log == [
        ("email", "sent"),
        ("sms", "failed"),
        ("email", "duplicate"),
        ("sms", "sent"),
    ]
    assert Notification.objects.get(pk=pk).settled_at is not None
    assert services.notification_deliver(notification_id=pk) == {}  # settled: nothing to do
    assert DeliveryAttempt.objects.filter(notification_id=pk).count() == 4


def test_a_channel_is_given_up_after_the_last_attempt(cohort, sms_outbox, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    user = cohort.first().user
    sms.MemorySmsTransport.fail_next = 5
    (pk,) = services.notify_event(
        user_ids=[user.pk],
        kind="changes_closed",
        context={"cohort": 2026, "deadline": "2026-08-31"},
        dedupe_key="closed",
    )
    with pytest.raises(services.DeliveryIncomplete):
        services.notification_deliver(notification_id=pk)
    assert services.notification_deliver(notification_id=pk) == {"sms": "failed"}
    assert Notification.objects.get(pk=pk).settled_at is not None
    assert sms_outbox == []


def test_the_relay_queues_again_what_was_never_sent(
    cohort, sms_outbox, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    user = cohort.first().user
    services.notify_event(
        user_ids=[user.pk],
        kind="changes_closed",
        context={"cohort": 2026, "deadline": "2026-08-31"},
        dedupe_key="closed",
    )  # the on-commit callback never ran: as if the broker had been down
    assert sms_outbox == []
    assert services.notifications_relay() == 0  # too recent
    later = timezone.now() + timezone.timedelta(minutes=11)
    assert services.notifications_relay(now=later) == 1
    assert len(sms_outbox) == 1
    assert services.notifications_relay(now=later) == 0


def test_the_relay_leaves_notifications_days_old_alone(cohort, sms_outbox):
    from django.utils import timezone

    services.notify_event(
        user_ids=[cohort.first().user.pk],
        kind="changes_closed",
        context={"cohort": 2026, "deadline": "2026-08-31"},
        dedupe_key="closed",
    )
    assert services.notifications_relay(now=timezone.now() + timezone.timedelta(days=4)) == 0
    assert sms_outbox == []
